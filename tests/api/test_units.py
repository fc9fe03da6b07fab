"""GET /api/units/{id} (article, khoản, điểm with their context) and GET /api/procedures/{code}."""

from __future__ import annotations

from urllib.parse import quote

ARTICLE = "laws:77/2031/NĐ-CP/d2"


def unit(client, unit_id):
    return client.get("/api/units/" + quote(unit_id, safe="/:"))


def test_article_with_neighbouring_articles_and_related(client):
    body = unit(client, ARTICLE).json()
    assert body["unit"]["heading"] == "Điều 2. Trách nhiệm chăm sóc vườn hoa" and body["article"] is None
    assert "2. Người dân không được hái hoa" in body["unit"]["text"]
    assert [s["unit_id"] for s in body["siblings"]] == ["laws:77/2031/NĐ-CP/d1", "laws:77/2031/NĐ-CP/d3"]
    assert body["related"] and ARTICLE not in {r["unit_id"] for r in body["related"]}
    assert body["unit"]["doc_number"] == "77/2031/NĐ-CP" and body["unit"]["collection"] == "laws"


def test_khoan_with_its_article_and_neighbouring_khoan(client):
    body = unit(client, f"{ARTICLE}/k2").json()
    assert body["unit"]["text"].startswith("2. Người dân không được hái hoa") and "a) Cây bị gãy" in body["unit"]["text"]
    assert "3. Tổ chức" not in body["unit"]["text"]
    assert body["unit"]["citation"] == "Khoản 2 " + body["article"]["citation"]
    assert body["article"]["unit_id"] == ARTICLE
    assert [s["unit_id"] for s in body["siblings"]] == [f"{ARTICLE}/k1", f"{ARTICLE}/k3"]
    first = unit(client, f"{ARTICLE}/k1").json()
    assert [s["unit_id"] for s in first["siblings"]] == [f"{ARTICLE}/k2"]


def test_diem(client):
    body = unit(client, f"{ARTICLE}/k2/b").json()
    assert body["unit"]["text"] == "b) Cành cây che khuất biển báo giao thông;"
    assert body["unit"]["heading"] == "Điểm b Khoản 2"
    assert [s["unit_id"] for s in body["siblings"]] == [f"{ARTICLE}/k2/a", f"{ARTICLE}/k2/c"]


def test_demo_section_ids_with_a_hash(client):
    body = unit(client, "demo:DEMO-CC-01#tong-quan").json()
    assert body["unit"]["article_ref"] == "DEMO-CC-01" and body["siblings"]


def test_unknown_units_are_404(client):
    for unit_id in ("nope", f"{ARTICLE}/k9", f"{ARTICLE}/k2/z", "laws:77/2031/NĐ-CP/d99/k1"):
        r = unit(client, unit_id)
        assert r.status_code == 404 and r.json()["error"]["code"] == "unit_not_found", unit_id
    r = unit(client, "../../etc/passwd")  # the client folds the dots: no route, still a JSON 404
    assert r.status_code == 404 and r.json()["error"]["code"] in ("unit_not_found", "not_found")


def test_procedure_card(client):
    card = client.get("/api/procedures/DEMO-CC-01").json()
    assert card["code"] == "DEMO-CC-01" and card["name"] == "Cấp thẻ căn cước lần đầu"
    assert card["papers"] and card["steps"] and card["sample"] is True
    r = client.get("/api/procedures/KHONG-CO")
    assert r.status_code == 404 and r.json()["error"]["code"] == "procedure_not_found"
