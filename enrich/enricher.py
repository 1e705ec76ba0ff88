"""The Python API: :class:`Enricher` and the module-level helpers."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any

from .errors import ErrorRecord
from .io import normalize
from .pipeline import Pipeline
from .post import Post
from .privacy import Pseudonymizer, from_settings
from .settings import Settings


def output_record(post: Post, enrichment: dict[str, Any],
                  privacy: Pseudonymizer | None = None) -> dict[str, Any]:
    """The input post, unchanged, with ``enrichment`` added (account ids and handles
    pseudonymized throughout when ``privacy`` is given)."""
    raw = post.raw
    base: dict[str, Any] = dict(raw) if isinstance(raw, Mapping) else {"text": post.text}
    base["enrichment"] = enrichment
    if privacy is not None:
        base = privacy.record(copy.deepcopy(base) if isinstance(raw, Mapping) else base)
    return base


class Enricher:
    """Enrich posts in process.

    >>> out = Enricher(families=["post"]).enrich("Loving the new #python release!")
    >>> out["enrichment"]["post"]["text"]
    'Loving the new #python release!'
    """

    def __init__(self, families: Iterable[str] | None = None, settings: Settings | None = None,
                 options: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.settings = settings or Settings()
        self.pipeline = Pipeline(families, self.settings, options)
        self.privacy = from_settings(self.settings.pseudonymize, self.settings.pseudonym_key)

    def enrich(self, record: Any, families: Iterable[str] | None = None) -> dict[str, Any]:
        """Enrich one post (text, a dict in any supported format, or a :class:`Post`).

        Returns the output record, or ``{"error": {...}}`` if the input is not a post.
        """
        out = list(self.enrich_many([record], families=families))
        if len(out) != 1:
            raise ValueError(f"record holds {len(out)} posts; use enrich_many for API pages")
        return out[0]

    def enrich_many(self, records: Iterable[Any], families: Iterable[str] | None = None,
                    batch_size: int | None = None) -> Iterator[dict[str, Any]]:
        """Enrich records lazily, in input order; bad records yield error records."""
        size = batch_size or self.settings.batch_size
        fams = list(families) if families is not None else None
        it = iter(enumerate(records))
        while True:
            chunk = list(islice(it, size))
            if not chunk:
                return
            slots: list[Post | ErrorRecord] = []
            for pos, rec in chunk:
                if isinstance(rec, Post):
                    slots.append(rec)
                else:
                    slots.extend(normalize(rec, pos))
            posts = [s for s in slots if isinstance(s, Post)]
            enriched = iter(self.pipeline.run(posts, fams)) if posts else iter(())
            for slot in slots:
                if isinstance(slot, ErrorRecord):
                    yield slot.to_dict()
                else:
                    yield output_record(slot, next(enriched), self.privacy)

    def close(self) -> None:
        self.pipeline.close()

    def __enter__(self) -> Enricher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_default: Enricher | None = None


def _default_enricher() -> Enricher:
    global _default
    if _default is None:
        _default = Enricher()
    return _default


def enrich(record: Any, families: Iterable[str] | None = None) -> dict[str, Any]:
    """Enrich one post with the default families."""
    return _default_enricher().enrich(record, families)


def enrich_many(records: Iterable[Any], families: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Enrich many posts with the default families, in input order."""
    return _default_enricher().enrich_many(records, families)
