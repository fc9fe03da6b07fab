"""A small BM25 index (the demo guides and a short decree with khoản and điểm) and apps around it."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.api.app import create_app
from assistant.settings import Settings
from legal_corpus.loaders.demo import load_demo
from legal_corpus.loaders.files import load_files
from retrieval.build import update_index
from retrieval.index import LegalIndex, open_index

ADMIN_KEY = "khoa-quan-tri-thu-nghiem"
DECREE = """NGHỊ ĐỊNH
Số: 77/2031/NĐ-CP
Quy định về quản lý vườn hoa công cộng

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định việc trồng, chăm sóc và bảo vệ vườn hoa công cộng.
Điều 2. Trách nhiệm chăm sóc vườn hoa
1. Ủy ban nhân dân cấp xã tổ chức tưới cây và cắt cỏ trong vườn hoa công cộng.
2. Người dân không được hái hoa, bẻ cành trong vườn hoa công cộng, trừ các trường hợp sau:
a) Cây bị gãy đổ sau bão cần dọn dẹp;
b) Cành cây che khuất biển báo giao thông;
c) Hoa được trồng để phát miễn phí trong ngày hội.
3. Tổ chức, cá nhân tài trợ vườn hoa được gắn biển ghi nhận tại cổng vườn.
Điều 3. Hiệu lực thi hành
Nghị định này có hiệu lực kể từ ngày ký.
"""
PIGEON_DECREE = """QUYẾT ĐỊNH
Số: 12/2032/QĐ-UBND
Về việc nuôi chim bồ câu trong khu dân cư

Điều 1. Đăng ký nuôi chim bồ câu
1. Hộ gia đình nuôi chim bồ câu trên sân thượng phải báo với tổ dân phố.
2. Chuồng chim bồ câu phải được vệ sinh hằng tuần.
Điều 2. Hiệu lực
Quyết định có hiệu lực từ ngày ký.
"""


@pytest.fixture(scope="session")
def pigeon_decree() -> str:
    """A small decree that is not in the test index: what the upload and reload tests add to it."""
    return PIGEON_DECREE


@pytest.fixture(scope="session")
def admin_headers() -> dict[str, str]:
    return {"X-API-Key": ADMIN_KEY}


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("api-index")
    decree = root / "nghi-dinh-vuon-hoa.txt"
    decree.write_text(DECREE, encoding="utf-8")
    directory = root / "index"
    update_index(directory, load_demo(), embedder_spec="none", source="demo", workers=1)
    update_index(directory, load_files(decree, collection="laws"), embedder_spec="none", source="files",
                 workers=1)
    return directory


@pytest.fixture(scope="session")
def shared_index(index_dir) -> LegalIndex:
    """Loaded once and only read: tests that change the index get their own copy (``make_client``)."""
    return open_index(index_dir)


@pytest.fixture()
def settings_for(tmp_path, index_dir) -> Callable[..., Settings]:
    def make(**overrides) -> Settings:
        values = {"var_dir": tmp_path / "var", "index_dir": index_dir, "rate_limit_per_minute": 0,
                  "admin_api_keys": [SecretStr(ADMIN_KEY)], "llm_backend": "extractive", **overrides}
        return Settings(_env_file=None, **values)
    return make


@pytest.fixture()
def make_client(settings_for, shared_index, tmp_path) -> Iterator[Callable[..., TestClient]]:
    """A client for an app with some settings changed; ``own_index=True`` gives it a private index copy."""
    clients: list[TestClient] = []

    def make(own_index: bool = False, raise_server_exceptions: bool = True, **overrides) -> TestClient:
        index = shared_index
        if own_index:
            copy = tmp_path / f"index-{len(clients)}"
            shutil.copytree(overrides.pop("index_dir", None) or settings_for().index_dir, copy)
            overrides["index_dir"] = copy
            index = open_index(copy)
        client = TestClient(create_app(settings_for(**overrides), index=index),
                            raise_server_exceptions=raise_server_exceptions)
        clients.append(client)
        return client.__enter__()

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture()
def admin(make_client, admin_headers) -> TestClient:
    """A client with its own index copy that sends the admin key unless told otherwise."""
    client = make_client(own_index=True)
    client.headers.update(admin_headers)
    return client


@pytest.fixture()
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture(scope="session")
def parse_sse() -> Callable[[str], list[tuple[str, object]]]:
    return _parse_sse


def _parse_sse(body: str) -> list[tuple[str, object]]:
    """(event, data) pairs of a server-sent event stream; ``data`` parsed as JSON when it is JSON."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            text = "\n".join(data)
            try:
                events.append((name, json.loads(text)))
            except json.JSONDecodeError:
                events.append((name, text))
    return events
