"""Settings of the HTTP service (pydantic-settings, environment prefix ``ENRICH_SERVICE_``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _split_csv(value: object) -> object:
    # Environment variables hold comma-separated lists ("a,b,c"), not JSON arrays.
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ServiceSettings(BaseSettings):
    """Everything ``enrich serve`` can be told; each field reads ``ENRICH_SERVICE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="ENRICH_SERVICE_", extra="forbid")

    host: str = Field(default="127.0.0.1", description="Address to listen on.")
    port: int = Field(default=8080, ge=0, le=65535, description="TCP port to listen on.")
    workers: int = Field(
        default=1, ge=0, le=64,
        description="Worker processes running the CPU families; 0 runs them in one thread of the "
                    "server process (development and tests).")
    start_method: Literal["forkserver", "spawn"] = Field(
        default="forkserver",
        description="How worker processes start: forked from a fresh server process that has "
                    "imported the families once (forkserver; fast restarts), or from scratch (spawn).")
    warmup_posts: int = Field(
        default=64, ge=0, le=10_000,
        description="Synthetic posts each worker enriches before it reports ready, so lazily loaded "
                    "models and first-call costs are paid before traffic arrives; 0 skips.")
    batch_max_size: int = Field(default=64, ge=1, le=10_000,
                                description="Most posts in one micro-batch handed to a worker.")
    batch_max_wait_ms: float = Field(
        default=5.0, ge=0, le=10_000,
        description="How long the first post of a micro-batch waits for company before dispatch.")
    queue_limit: int = Field(
        default=2048, ge=1,
        description="Most posts admitted and not yet answered; beyond it requests get 429.")
    retry_after_seconds: int = Field(
        default=1, ge=1, le=3600,
        description="Retry-After of 503 answers, and the least one of 429 answers (which estimate "
                    "when the queue will have drained from the rate of the last 10 s, up to 60 s).")
    batch_timeout_seconds: float = Field(
        default=60.0, gt=0,
        description="A worker busy longer than this on one micro-batch is killed and restarted.")
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024,
                                description="Largest request body (JSON and list requests), else 413.")
    max_line_bytes: int = Field(
        default=1_000_000, ge=1024,
        description="Largest line of an NDJSON stream, else that line is an E108 error.")
    max_posts: int = Field(default=1000, ge=1, description="Most posts in one JSON request, else 413.")
    stream_inflight_batches: int = Field(
        default=4, ge=1, le=64, description="Micro-batches one NDJSON stream may have in flight.")
    api_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, repr=False,
        description="Accepted API keys (comma-separated in the environment); empty disables auth.")
    families: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="Families the service runs (comma-separated); empty: every default family.")
    shutdown_timeout_seconds: float = Field(
        default=30.0, ge=0, description="Grace period for in-flight requests on SIGTERM/SIGINT.")

    @field_validator("api_keys", "families", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("families")
    @classmethod
    def _empty_is_default(cls, value: list[str] | None) -> list[str] | None:
        return value or None
