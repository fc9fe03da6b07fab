"""Uploaded files: checked before anything reads them, kept under a generated name.

The uploader's file name is only ever displayed: the file is stored as ``<id><ext>`` in the
upload folder, written to a temporary file and renamed, so no name a client sends can reach
another path, and a crash never leaves half a file. Content must match its extension (a PDF
starts with ``%PDF-``, a .docx is a Word zip that does not inflate beyond a sane size).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from legal_corpus.loaders.files import EXTRACTORS

from .errors import ApiError
from .text import strip_control

if TYPE_CHECKING:
    from assistant.settings import Settings

ALLOWED = tuple(sorted(EXTRACTORS))  # .docx .htm .html .markdown .md .pdf .txt
MAX_INFLATED_BYTES = 200 * 1024 * 1024  # a .docx whose parts inflate beyond this is a zip bomb
MAX_INFLATE_RATIO = 200
MAX_NAME_CHARS = 200
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def display_name(filename: str | None) -> str:
    """The last path component of what the client sent, cleaned for display (never used as a path): no
    control or bidi characters (a right-to-left override could show "abc.txt" for "txt.cba"), at most
    ``MAX_NAME_CHARS`` with its extension kept."""
    name = strip_control(filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("", name).strip(" .")
    if len(name) > MAX_NAME_CHARS:
        suffix = Path(name).suffix[:16]
        name = name[:MAX_NAME_CHARS - len(suffix)].rstrip(" .") + suffix
    return name or "tai-lieu"


def extension(name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED:
        raise ApiError("unsupported_file_type", f"Chỉ nhận tệp {', '.join(ALLOWED)}.",
                       f"Only {', '.join(ALLOWED)} files are accepted.", status=415)
    return ext


def max_upload_bytes(settings: Settings) -> int:
    """``LEGAL_MAX_UPLOAD_MB`` in bytes: the most an uploaded file may have."""
    return int(settings.max_upload_mb * 1024 * 1024)


def too_large(limit_bytes: int) -> ApiError:
    mb = limit_bytes / 1024 / 1024
    return ApiError("upload_too_large", f"Tệp lớn quá {mb:g} MB.", f"The file is larger than {mb:g} MB.", status=413)


def _invalid(vi: str, en: str) -> ApiError:
    return ApiError("invalid_file", vi, en, status=422)


def _check_docx(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _invalid("Tệp .docx bị hỏng.", "The .docx file is not a valid Word document.") from exc
    if "word/document.xml" not in {i.filename for i in infos}:
        raise _invalid("Tệp .docx không phải văn bản Word.", "The .docx file is not a Word document.")
    inflated = sum(i.file_size for i in infos)
    if inflated > MAX_INFLATED_BYTES or inflated > MAX_INFLATE_RATIO * max(len(data), 1):
        raise _invalid("Tệp .docx giải nén ra quá lớn.", "The .docx file inflates to an unsafe size.")


def check_content(ext: str, data: bytes) -> None:
    """Reject empty files and content that does not match its extension."""
    if not data.strip():
        raise ApiError("empty_file", "Tệp trống.", "The file is empty.", status=422)
    if ext == ".pdf" and not data.lstrip()[:5] == b"%PDF-":
        raise _invalid("Tệp không phải PDF.", "The file is not a PDF.")
    if ext == ".docx":
        _check_docx(data)
    elif ext != ".pdf" and b"\x00" in data[:65536]:
        raise _invalid("Tệp văn bản chứa dữ liệu nhị phân.", "The text file contains binary data.")


def save_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Write ``folder/name`` via a temporary file and a rename; ``name`` is ours, checked anyway."""
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / name).resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"refusing to write outside {folder}: {name!r}")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
