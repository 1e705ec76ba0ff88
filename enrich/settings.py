"""Typed settings. Environment variables use the ``ENRICH_`` prefix; each family has its own
settings class with the prefix ``ENRICH_<FAMILY>_`` (see ``Family.Settings``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "enrich"


class Settings(BaseSettings):
    """Settings shared by the pipeline, the CLI, the batch runner and the service."""

    model_config = SettingsConfigDict(env_prefix="ENRICH_", extra="ignore")

    families: Annotated[list[str] | None, NoDecode] = Field(
        default=None, description="Families to run, comma-separated; empty means every default family.")
    batch_size: int = Field(default=256, ge=1, le=100_000,
                            description="Posts handed to a family at once (spaCy nlp.pipe batches).")
    cache_dir: Path = Field(default_factory=default_cache_dir,
                            description="Where on-disk caches (SQLite by default) live.")
    max_record_bytes: int = Field(default=1_000_000, ge=1024,
                                  description="Input records larger than this are rejected (E108).")
    pseudonymize: bool = Field(
        default=False,
        description="Replace account ids and handles in every output record (the input echo and the "
        "enrichment) with keyed HMAC-SHA256 pseudonyms; needs ENRICH_PSEUDONYM_KEY.")
    pseudonym_key: SecretStr | None = Field(
        default=None, description="Secret key of the pseudonyms (keep it: the same key gives the same "
        "pseudonym, so output stays groupable per author across runs).")
    strict_catalogue: bool = Field(
        default=False,
        description="Check every enrichment against the catalogue (tests turn this on).")

    @field_validator("families", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()] or None
        return value

    @model_validator(mode="after")
    def _key_when_pseudonymizing(self) -> Settings:
        if self.pseudonymize and not (self.pseudonym_key and self.pseudonym_key.get_secret_value()):
            raise ValueError("ENRICH_PSEUDONYMIZE needs ENRICH_PSEUDONYM_KEY")
        return self
