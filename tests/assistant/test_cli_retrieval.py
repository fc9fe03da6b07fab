import json

import pytest

from assistant.cli import main


def run(capsys, *args):
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


@pytest.fixture()
def demo_index(tmp_path, capsys):
    directory = tmp_path / "idx"
    code, out, err = run(capsys, "index", "--source", "demo", "--index", str(directory), "--embedder", "none")
    assert code in (0, None), err
    assert "indexed 40 documents" in out and "demo (360)" in out
    return directory


def test_index_then_search(demo_index, capsys):
    code, out, _ = run(capsys, "search", "--index", str(demo_index), "le phi lam ho chieu", "-k", "3")
    assert code in (0, None)
    assert out.startswith("1. ") and "Cấp hộ chiếu phổ thông" in out.splitlines()[0]
    code, out, _ = run(capsys, "search", "--index", str(demo_index), "lam ho chieu", "-k", "2", "--json")
    hits = json.loads(out)
    assert len(hits) == 2 and hits[0]["article_ref"] == "DEMO-XNC-01" and hits[0]["citation"]


def test_second_source_adds_a_collection(demo_index, tmp_path, capsys):
    laws = [{"id": "Luật Thử", "articles": [{"id": "1", "text": "Phạm vi\nLuật này quy định về hộ chiếu thử."}]}]
    path = tmp_path / "law_2025.json"
    path.write_text(json.dumps(laws, ensure_ascii=False), encoding="utf-8")
    code, out, err = run(capsys, "index", "--source", "alqac", "--path", str(path), "--index", str(demo_index),
                         "--embedder", "none")
    assert code in (0, None), err
    assert "demo (360)" in out and "alqac2025 (1)" in out
    code, out, _ = run(capsys, "search", "--index", str(demo_index), "hộ chiếu thử", "--collection", "alqac2025")
    assert out.startswith("1. Điều 1 Luật Thử")


def test_batch_mode(demo_index, tmp_path, capsys):
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"id": "a", "question": "lam giay khai sinh"}\n{"id": "b"}\n'
                       '{"id": "c", "question": "đăng ký thường trú"}\n', encoding="utf-8")
    out_path = tmp_path / "out.jsonl"
    code, out, err = run(capsys, "search", "--index", str(demo_index), "--queries", str(queries),
                         "--out", str(out_path), "--k", "5")
    assert code in (0, None)
    assert "2 queries" in out and "skipped 1" in out and "q.jsonl:2" in err
    rows = [json.loads(line) for line in out_path.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["a", "c"]
    assert rows[0]["hits"][0]["article_ref"] == "DEMO-HT-01"
    assert set(rows[0]["hits"][0]) == {"unit_id", "article_ref", "score", "citation"}
    refs = [h["article_ref"] for h in rows[1]["hits"]]
    assert len(refs) == len(set(refs)) <= 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", "--index", "/no/such/index", "x"), "no index here"),
        (("search", "--index", "IDX"), "give either a query or --queries"),
        (("search", "--index", "IDX", "--queries", "/no/q.jsonl", "--out", "o.jsonl"), "no such file"),
        (("search", "--index", "IDX", "--queries", "Q"), "--queries needs --out"),
        (("search", "--index", "IDX", "x", "--in-force-on", "yesterday"), "expects a date"),
        (("search", "--index", "IDX", "   "), "the query is empty"),
        (("index", "--source", "demo", "--index", "IDX", "--embedder", "bogus"), "bogus"),
    ],
)
def test_errors_are_one_line(demo_index, capsys, args, message):
    args = [str(demo_index) if a == "IDX" else a for a in args]
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err
