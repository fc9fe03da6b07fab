from retrieval.index import LegalIndex
from retrieval.langchain import LegalRetriever
from retrieval.types import Filters


def test_retriever_returns_cited_documents(law_chunks):
    retriever = LegalRetriever(index=LegalIndex.build(law_chunks, workers=1), k=2)
    docs = retriever.invoke("xe mô tô không đội mũ bảo hiểm")
    assert len(docs) == 2
    top = docs[0]
    assert top.metadata["citation"].startswith("Điều 6 Nghị định")
    assert top.metadata["doc_number"] == "100/2019/NĐ-CP"
    assert top.metadata["rank"] == 1 and top.metadata["score"] > 0
    assert "mũ bảo hiểm" in top.page_content and top.page_content.startswith("Điều 6.")


def test_retriever_filters(law_chunks):
    retriever = LegalRetriever(index=LegalIndex.build(law_chunks, workers=1), k=5,
                               filters=Filters(doc_types=("Luật",)))
    docs = retriever.invoke("xử phạt người điều khiển xe")
    assert all(d.metadata["doc_type"] == "Luật" for d in docs)
