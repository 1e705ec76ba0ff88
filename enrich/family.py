"""The enricher contract every family implements.

A family declares what it ``requires`` (attribute paths produced by other families, which
orders the pipeline and pulls those families in), what it ``uses`` when present (ordering
only), and what it ``provides`` (its attributes, the catalogue). It is set up once per process
(``setup`` may raise :class:`~enrich.errors.NotConfigured`, which disables that family alone)
and enriches a *batch* of items, returning one value per item: the object stored under
``enrichment[<family name>]``.

CPU-bound families override :meth:`Family.enrich_batch` (or the simpler
:meth:`Family.enrich_one`); I/O-bound families set ``kind = "io"`` and override
:meth:`Family.aenrich_batch`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from .attributes import Attribute
from .post import Post


class FamilySettings(BaseSettings):
    """Base of per-family settings; subclasses set ``env_prefix="ENRICH_<FAMILY>_"``."""

    model_config = SettingsConfigDict(env_prefix="ENRICH_FAMILY_", extra="forbid")


@dataclass(slots=True)
class Item:
    """One post on its way through the pipeline.

    ``out`` holds what families produced so far (keyed by family name), so a family can read
    the output of the families it requires: ``item.out.get("entities")``.
    """

    post: Post
    out: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add_error(self, family: str, code: str, name: str, message: str) -> None:
        """Record a degraded result that is not a failure of the whole family."""
        self.errors.append({"family": family, "code": code, "name": name, "message": message})


class Family:
    """Base class of every enricher family."""

    name: ClassVar[str]
    summary: ClassVar[str] = ""  # one paragraph, shown in docs/attributes.md
    version: ClassVar[str] = "1"
    method: ClassVar[str] = "rules"  # rules | lexicon | model | lookup | fetch | passthrough
    requires: ClassVar[tuple[str, ...]] = ()
    uses: ClassVar[tuple[str, ...]] = ()
    provides: ClassVar[tuple[Attribute, ...]] = ()
    kind: ClassVar[Literal["cpu", "io"]] = "cpu"
    default_enabled: ClassVar[bool] = True
    order: ClassVar[int] = 500  # tie-break between families with no dependency between them
    Settings: ClassVar[type[FamilySettings]] = FamilySettings

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        self.settings = self.Settings(**dict(options or {}))

    # -- lifecycle ------------------------------------------------------------------------
    def setup(self) -> None:
        """Load models and data once per process. Raise ``NotConfigured`` to disable."""

    def close(self) -> None:
        """Release resources (sync families)."""

    async def aclose(self) -> None:
        """Release resources (I/O families: sessions, connections)."""
        self.close()

    def provenance(self) -> dict[str, Any]:
        """How this family produced its attributes: recorded in ``enrichment.provenance``."""
        return {"method": self.method, "model": self.model_name(), "version": self.version}

    def model_name(self) -> str | None:
        return None

    # -- work -----------------------------------------------------------------------------
    def enrich_batch(self, items: Sequence[Item]) -> Sequence[Any]:
        """Return one value per item. The default calls :meth:`enrich_one` per item."""
        return [self.enrich_one(item) for item in items]

    def enrich_one(self, item: Item) -> Any:
        raise NotImplementedError(f"family {self.name!r} implements neither enrich_one nor enrich_batch")

    async def aenrich_batch(self, items: Sequence[Item]) -> Sequence[Any]:
        """I/O families override this; CPU families are run synchronously instead."""
        return self.enrich_batch(items)
