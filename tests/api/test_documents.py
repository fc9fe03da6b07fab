"""Admin documents: the key, uploads that become searchable at once, deletes that stick, bad files."""

from __future__ import annotations

import pytest


def upload(client, name, data, headers=None):
    return client.post("/api/documents", files={"file": (name, data, "text/plain")}, headers=headers)


def found(client, query):
    return [r["unit_id"] for r in client.get("/api/search", params={"q": query}).json()["results"]]


def test_admin_routes_need_the_key(admin, admin_headers):
    key = admin_headers["X-API-Key"]
    admin.headers.pop("X-API-Key")
    calls = [lambda h: admin.get("/api/documents", headers=h), lambda h: admin.delete("/api/documents/x", headers=h),
             lambda h: upload(admin, "a.txt", b"abc", headers=h), lambda h: admin.get("/api/documents/x", headers=h)]
    for call in calls:
        r = call({})
        assert r.status_code == 401 and r.json()["error"]["code"] == "missing_api_key"
        r = call({"X-API-Key": key + "x"})
        assert r.status_code == 403 and r.json()["error"]["code"] == "invalid_api_key"
    log = admin.app.state.services.store.audit_log()
    assert [e.action for e in log] == ["admin.denied"] * 8
    assert all(key not in str(e) for e in log)


def test_upload_is_searchable_then_deleted_for_good(admin, make_client, settings_for, pigeon_decree):
    assert not any(h.startswith("uploads:") for h in found(admin, "chim bồ câu sân thượng"))
    r = upload(admin, "quyet-dinh.txt", pigeon_decree.encode())
    assert r.status_code == 201
    doc = r.json()
    assert doc["chunks"] == 2 and doc["doc_id"] == "uploads:12/2032/QĐ-UBND" and "stored_name" not in doc
    hits = found(admin, "chim bồ câu sân thượng")
    assert hits[0] == "uploads:12/2032/QĐ-UBND/d1"
    assert admin.get("/api/units/uploads:12/2032/QĐ-UBND/d1/k2").json()["unit"]["text"].startswith("2. Chuồng")
    assert "uploads" in admin.get("/api/filters").json()["collections"]
    assert [d["document_id"] for d in admin.get("/api/documents").json()["documents"]] == [
        doc["document_id"]]
    # saved to disk: a fresh server on the same index directory finds it too
    index_dir = admin.app.state.services.settings.index_dir
    assert found(make_client(own_index=True, index_dir=index_dir), "chim bồ câu sân thượng")[0] == hits[0]

    assert admin.delete(f"/api/documents/{doc['document_id']}").status_code == 204
    assert not any(h.startswith("uploads:") for h in found(admin, "chim bồ câu sân thượng"))
    assert admin.get("/api/units/uploads:12/2032/QĐ-UBND/d1").status_code == 404
    assert admin.get("/api/documents").json()["documents"] == []
    listed = admin.get("/api/documents", params={"include_deleted": True}).json()["documents"]
    assert listed[0]["deleted_at"]
    assert admin.delete(f"/api/documents/{doc['document_id']}").status_code == 404
    again = make_client(own_index=True, index_dir=index_dir)
    assert not any(h.startswith("uploads:") for h in found(again, "chim bồ câu sân thượng"))
    actions = [e.action for e in admin.app.state.services.store.audit_log()]
    assert actions[:2] == ["document.delete", "document.upload"]
    assert not list((settings_for().var_dir / "uploads").iterdir())  # the file went with it


def test_same_document_again_replaces_the_first(admin, pigeon_decree):
    first = upload(admin, "a.txt", pigeon_decree.encode()).json()
    second = upload(admin, "b.md", pigeon_decree.replace("hằng tuần", "hằng ngày").encode()).json()
    assert second["replaced"] == [first["document_id"]]
    assert [d["document_id"] for d in admin.get("/api/documents").json()["documents"]] == [
        second["document_id"]]
    unit = admin.get("/api/units/uploads:12/2032/QĐ-UBND/d1/k2").json()["unit"]
    assert "hằng ngày" in unit["text"]


def test_file_name_is_never_a_path(admin, settings_for, tmp_path, pigeon_decree):
    r = upload(admin, "../../../../tmp/evil/..\\..\\quyet dinh.txt", pigeon_decree.encode())
    assert r.status_code == 201 and r.json()["filename"] == "quyet dinh.txt"
    uploads = settings_for().var_dir / "uploads"
    (stored,) = uploads.iterdir()
    assert stored.name == f"{r.json()['document_id']}.txt"
    assert stored.read_text(encoding="utf-8") == pigeon_decree
    assert not (tmp_path / "evil").exists() and not any(p.name == "quyet dinh.txt" for p in tmp_path.rglob("*"))


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("virus.exe", b"MZ...", 415, "unsupported_file_type"),
    ("noext", b"text", 415, "unsupported_file_type"),
    ("empty.txt", b"  \n", 422, "empty_file"),
    ("fake.pdf", b"<html>not a pdf</html>", 422, "invalid_file"),
    ("binary.txt", b"abc\x00\x01\x02", 422, "invalid_file"),
    ("broken.docx", b"PK\x03\x04 not really", 422, "invalid_file"),
    ("blank.pdf", b"%PDF-1.4\n%%EOF", 422, "unreadable_document"),
])
def test_bad_files_are_refused_and_not_kept(admin, settings_for, name, data, status, code):
    r = upload(admin, name, data)
    assert r.status_code == status and r.json()["error"]["code"] == code
    uploads = settings_for().var_dir / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())


def test_oversized_upload_is_413(make_client, admin_headers):
    small = make_client(own_index=True, max_upload_mb=0.01)
    r = upload(small, "big.txt", ("Điều 1. Nội dung\n" + "chữ " * 5000).encode(), headers=admin_headers)
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_too_large"
