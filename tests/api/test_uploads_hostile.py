"""Hostile uploads: disguised types, zip and XML bombs, fake PDFs, oversized and chunked bodies,
path tricks in file names, duplicates. Each is refused or handled with a clear JSON error, and
nothing is written anywhere but the app's upload folder and index (the filesystem under the
test's folder, the working directory, is listed before and after)."""

from __future__ import annotations

import asyncio
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from assistant.api.errors import ApiError, BodyTooLarge
from assistant.api.middleware import limited_receive

BOUNDARY = "ranh-gioi-thu-nghiem"


@pytest.fixture(autouse=True)
def in_tmp_path(tmp_path, monkeypatch) -> None:
    """Runs before ``admin``: a relative path that escaped would land under tmp_path, and be seen."""
    monkeypatch.chdir(tmp_path)


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def only_app_folders_change(admin, tmp_path):
    """After the test: every new or vanished file is in the upload folder, the index or the database."""
    services = admin.app.state.services
    index = Path(services.settings.index_dir).resolve()
    allowed = [Path(services.settings.var_dir).resolve(), index]
    lock = index.parent / f".{index.name}.lock"  # the index writer's lock file
    before = files_under(tmp_path)
    yield
    changed = before ^ files_under(tmp_path)
    outside = [p for p in changed if (tmp_path / p).resolve() != lock
               and not any((tmp_path / p).resolve().is_relative_to(a) for a in allowed)]
    assert outside == []
    uploads = Path(services.settings.var_dir) / "uploads"
    assert all(p.parent == uploads and p.name[:32].isalnum() for p in uploads.glob("*")) if uploads.exists() else True


def upload(client, name: str, data: bytes, **kwargs):
    return client.post("/api/documents", files={"file": (name, data, "application/octet-stream")}, **kwargs)


def raw_upload(client, filename: bytes, data: bytes):
    """A multipart body written by hand, so the file name reaches the server byte for byte."""
    body = (f"--{BOUNDARY}\r\n".encode() + b'Content-Disposition: form-data; name="file"; filename="' + filename
            + b'"\r\nContent-Type: text/plain\r\n\r\n' + data + f"\r\n--{BOUNDARY}--\r\n".encode())
    return client.post("/api/documents", content=body,
                       headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})


def assert_error(r, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["message_vi"] and error["message_en"] and "Traceback" not in r.text


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def lying_zip(name: str, inflated: bytes, claimed_size: int) -> bytes:
    """One deflated member whose headers claim ``claimed_size`` bytes (a bomb that hides its size)."""
    packed = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = packed.compress(inflated) + packed.flush()
    crc, encoded = zlib.crc32(inflated), name.encode()
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), claimed_size, len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), claimed_size,
                          len(encoded), 0, 0, 0, 0, 0, 0)
    body = local + encoded + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(encoded), len(body), 0)
    return body + central + encoded + end


def billion_laughs_docx() -> bytes:
    """A real Word file whose document.xml has entities that would expand to 10⁹ "haha"s."""
    import docx

    entities = ['<!ENTITY a "haha">'] + [f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(9)]
    bomb = (f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(entities)}]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Điều 1. &j;</w:t></w:r></w:p></w:body></w:document>").encode()
    plain = io.BytesIO()
    docx.Document().save(plain)
    with zipfile.ZipFile(plain) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    return zip_of({**parts, "word/document.xml": bomb})


@pytest.mark.usefixtures("only_app_folders_change")
@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("anh.png.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 422, "invalid_file"),
    ("script.js", b"alert(1)", 415, "unsupported_file_type"),
    ("trang.svg", b"<svg onload=alert(1)>", 415, "unsupported_file_type"),
    ("van-ban.pdf.exe", b"MZ\x90\x00", 415, "unsupported_file_type"),
    ("pdf-that-is-docx.docx", b"%PDF-1.7\n", 422, "invalid_file"),
    ("other.docx", zip_of({"hello.txt": b"hi"}), 422, "invalid_file"),
    ("bomb.docx", zip_of({"word/document.xml": b"\x00" * 60_000_000}), 422, "invalid_file"),
    ("spaces-bomb.docx", zip_of({"word/document.xml": b"<w/>" + b" " * 30_000_000}), 422, "invalid_file"),
    ("hidden-bomb.docx", lying_zip("word/document.xml", b"<w/>" * 2_000_000, 100), 422, "unreadable_document"),
    ("laughs.docx", billion_laughs_docx(), 422, "unreadable_document"),
    ("fake-header.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 400 + b"\n%%EOF", 422, "unreadable_document"),
    ("html-as-pdf.pdf", b"<html><body>%PDF-1.4</body></html>", 422, "invalid_file"),
])
def test_disguised_and_bomb_files_are_refused(admin, name, data, status, code):
    assert_error(upload(admin, name, data), status, code)
    assert admin.get("/api/documents").json()["documents"] == []
    uploads = Path(admin.app.state.services.settings.var_dir) / "uploads"
    assert not uploads.exists() or not list(uploads.iterdir())


@pytest.mark.usefixtures("only_app_folders_change")
def test_huge_pdf_is_refused_before_it_is_read(admin):
    limit = int(admin.app.state.services.settings.max_upload_mb * 1024 * 1024)
    huge = b"%PDF-1.7\n" + b"0" * 2 * limit
    assert_error(upload(admin, "lon.pdf", huge), 413, "upload_too_large")

    def chunks():  # no Content-Length
        yield f"--{BOUNDARY}\r\n".encode() + b'Content-Disposition: form-data; name="file"; filename="lon.pdf"\r\n\r\n'
        yield from (huge[i:i + 65536] for i in range(0, len(huge), 65536))
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    r = admin.post("/api/documents", content=chunks(),
                   headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert_error(r, 413, "upload_too_large")


def test_a_body_without_length_is_cut_at_the_limit():
    """The server side of a chunked upload: reading stops at the first piece past the limit."""
    pieces = [{"type": "http.request", "body": b"x" * 400, "more_body": True} for _ in range(10)]
    taken = []

    async def receive():
        taken.append(pieces[len(taken)])
        return taken[-1]

    async def read_all(limit: int):
        counted = limited_receive(receive, limit, ApiError("body_too_large", "a", "b", status=413))
        for _ in pieces:
            await counted()

    with pytest.raises(BodyTooLarge) as too_big:
        asyncio.run(read_all(1000))
    assert len(taken) == 3 and too_big.value.error.status == 413
    taken.clear()
    asyncio.run(read_all(4000))  # exactly at the limit is fine
    assert len(taken) == 10


@pytest.mark.usefixtures("only_app_folders_change")
@pytest.mark.parametrize(("filename", "shown"), [
    (b"../../etc/passwd.txt", "passwd.txt"),
    (b"/etc/cron.d/evil.txt", "evil.txt"),
    (b"..\\..\\Windows\\System32\\drivers.txt", "drivers.txt"),
    (b"file:///etc/shadow.txt", "shadow.txt"),
    ("quyết định\u202etxt.md".encode(), "quyết địnhtxt.md"),  # a right-to-left override would hide the type
    ("..\u2215..\u2215nhà.txt".encode(), "\u2215..\u2215nhà.txt"),  # a division slash is only a character
    (b"a" * 900 + b".txt", "a" * 196 + ".txt"),
    (b"..", None),
    (b"tai\x00lieu.txt", "tailieu.txt"),
])
def test_file_names_never_become_paths(admin, pigeon_decree, filename, shown):
    r = raw_upload(admin, filename, pigeon_decree.encode())
    if shown is None:  # nothing of the name is left: no extension to accept
        assert_error(r, 415, "unsupported_file_type")
        return
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == shown
    (stored,) = (Path(admin.app.state.services.settings.var_dir) / "uploads").iterdir()
    assert stored.name == r.json()["document_id"] + Path(shown).suffix
    assert not Path("/etc/passwd.txt").exists() and not Path("/etc/cron.d/evil.txt").exists()


@pytest.mark.usefixtures("only_app_folders_change")
def test_same_bytes_twice_is_a_409_naming_the_first(admin, pigeon_decree):
    first = upload(admin, "quyet-dinh.txt", pigeon_decree.encode())
    assert first.status_code == 201
    again = upload(admin, "ban-sao.txt", pigeon_decree.encode())
    assert_error(again, 409, "duplicate_document")
    assert again.json()["error"]["details"] == {"document_id": first.json()["document_id"]}
    assert [d["document_id"] for d in admin.get("/api/documents").json()["documents"]] == [
        first.json()["document_id"]]
    assert len(list((Path(admin.app.state.services.settings.var_dir) / "uploads").iterdir())) == 1
    assert admin.delete(f"/api/documents/{first.json()['document_id']}").status_code == 204
    assert upload(admin, "quyet-dinh.txt", pigeon_decree.encode()).status_code == 201  # gone, so welcome again
