"""GET /api/search and /api/filters, and the highlighted snippets."""

from __future__ import annotations

from assistant.api.text import query_terms, snippet_html


def search(client, **params):
    return client.get("/api/search", params=params)


def test_results_have_citations_sources_and_marked_snippets(client):
    body = search(client, q="hái hoa vườn hoa công cộng").json()
    assert body["query"] == "hái hoa vườn hoa công cộng" and body["page"] == 1 and body["total"] >= 1
    top = body["results"][0]
    assert top["unit_id"] == "laws:77/2031/NĐ-CP/d2" and top["rank"] == 1
    assert top["citation"].startswith("Điều 2 Nghị định 77/2031/NĐ-CP") and top["doc_type"] == "Nghị định"
    assert "<mark>hoa</mark>" in top["snippet_html"] and top["collection"] == "laws"
    assert {"source_url", "issuer", "status", "effective", "doc_number", "score", "text"} <= set(top)


def test_unaccented_query_marks_accented_words(client):
    top = search(client, q="lam can cuoc").json()["results"][0]
    assert top["article_ref"] == "DEMO-CC-01" and "<mark>căn</mark>" in top["snippet_html"]


def test_filters_restrict_results(client):
    laws = search(client, q="đăng ký", collection="laws").json()["results"]
    assert laws and {r["collection"] for r in laws} == {"laws"}
    both = search(client, q="đăng ký", collection=["laws", "demo"], k=50).json()["results"]
    assert {r["collection"] for r in both} == {"laws", "demo"}
    assert search(client, q="vườn hoa", doc_type="Luật").json()["results"] == []
    assert search(client, q="vườn hoa", number="77/2031/NĐ-CP").json()["results"]
    assert search(client, q="vườn hoa", in_force_on="2031-06-01").json()["total"] >= 0


def test_pages_do_not_overlap(client):
    one = search(client, q="thủ tục đăng ký", k=5).json()
    two = search(client, q="thủ tục đăng ký", k=5, page=2).json()
    assert len(one["results"]) == 5 and two["results"] and two["page"] == 2
    assert {r["unit_id"] for r in one["results"]}.isdisjoint(r["unit_id"] for r in two["results"])
    assert two["results"][0]["rank"] == 6


def test_bad_search_requests(client):
    for params, code in (({"q": ""}, "empty_query"), ({"q": "   "}, "empty_query"), ({}, "empty_query"),
                         ({"q": "a", "k": 51}, "invalid_request"), ({"q": "a", "k": 0}, "invalid_request"),
                         ({"q": "a", "in_force_on": "hôm qua"}, "invalid_request"),
                         ({"q": "a", "page": 0}, "invalid_request"), ({"q": "a" * 2001}, "query_too_long")):
        r = search(client, **params)
        assert r.status_code == 422 and r.json()["error"]["code"] == code, params


def test_filters_list_what_the_index_holds(client):
    body = client.get("/api/filters").json()
    assert body["collections"] == ["demo", "laws"]
    assert {"Nghị định", "Hướng dẫn"} <= set(body["doc_types"])


def test_snippet_escapes_html_and_marks_words():
    text = "Điều 9. <script>alert(1)</script> Người dân & tổ chức đăng ký khai sinh cho trẻ."
    html = snippet_html(text, query_terms("dang ky khai sinh <script>"))
    assert "<script>" not in html and "&lt;" in html and "&amp;" in html
    assert "<mark>đăng</mark> <mark>ký</mark> <mark>khai</mark> <mark>sinh</mark>" in html


def test_snippet_window_moves_to_the_matches():
    text = "mở đầu " * 100 + "lệ phí cấp hộ chiếu là 200.000 đồng" + " kết thúc" * 100
    html = snippet_html(text, query_terms("lệ phí hộ chiếu"), width=120)
    assert html.startswith("…") and html.endswith("…") and "<mark>hộ</mark> <mark>chiếu</mark>" in html
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_marked_spans_are_whole_words_of_the_query(law_chunks):
    from assistant.api.text import _WORD, _matches
    from legal_corpus.normalize import fold

    terms = query_terms("dang ky thuong tru tai cong an xa, ho chieu, ca")
    for chunk in law_chunks:
        word_by_word = [m.span() for m in _WORD.finditer(chunk.text) if fold(m.group()) in terms]
        assert _matches(chunk.text, terms) == word_by_word
    assert _matches("Công an xã; cá nhân", terms) == [(0, 4), (5, 7), (8, 10), (12, 14)]
    assert _matches("đăng ký", frozenset()) == []
