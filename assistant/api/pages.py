"""The web pages, served from ``assistant/web`` (plain files: no build step, no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from .errors import ApiError

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    path = WEB_DIR / name
    if not path.is_file():
        raise ApiError("page_not_found", "Trang này chưa được cài đặt.", "This page is not installed.", status=404)
    return FileResponse(path, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


@router.get("/")
def chat_page() -> FileResponse:
    """Citizens' chat."""
    return _page("index.html")


@router.get("/tra-cuu")
def search_page() -> FileResponse:
    """Officials' legal search."""
    return _page("tra-cuu.html")
