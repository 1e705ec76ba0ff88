"""Runs families over batches of posts: ordering by requires/uses, per-family per-post error
isolation, provenance and timings."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ErrorCode, NotConfigured, PipelineError
from .family import Family, Item
from .post import Post
from .registry import catalogue, family_classes, get_family
from .settings import Settings

log = logging.getLogger(__name__)

SCHEMA_VERSION = "1"
ALWAYS_ON = ("post",)


@dataclass(slots=True)
class FamilyStats:
    posts: int = 0
    batches: int = 0
    seconds: float = 0.0
    failures: int = 0

    def to_dict(self) -> dict[str, Any]:
        rate = self.posts / self.seconds if self.seconds > 0 else None
        return {"posts": self.posts, "batches": self.batches, "seconds": round(self.seconds, 6),
                "failures": self.failures, "posts_per_second": rate}


def _provider(path: str) -> str:
    return path.split(".", 1)[0].removesuffix("[]")


class Pipeline:
    """A set-up, ordered list of families.

    ``families`` chooses what runs (``None``: every default family). Families that a chosen
    family ``requires`` are added. A family whose ``setup`` raises ``NotConfigured`` is
    disabled alone; asking for it yields ``null`` and an ``E202`` error on each post.
    """

    def __init__(self, families: Iterable[str] | None = None, settings: Settings | None = None,
                 options: Mapping[str, Mapping[str, Any]] | None = None,
                 kinds: Iterable[str] = ("cpu", "io")) -> None:
        self.settings = settings or Settings()
        self._catalogue = catalogue()
        names = list(families) if families is not None else self.settings.families
        classes = family_classes()
        if not names:
            names = [n for n, c in classes.items() if c.default_enabled]
        wanted = self._closure(names)
        self.disabled: dict[str, str] = {}
        self.stats: dict[str, FamilyStats] = {}
        instances: dict[str, Family] = {}
        allowed_kinds = set(kinds)
        options = options or {}
        for name in wanted:
            cls = get_family(name)
            if cls.kind not in allowed_kinds:
                continue
            try:
                fam = cls(options.get(name))
                fam.setup()
            except NotConfigured as exc:
                self.disabled[name] = str(exc.details.get("detail", exc.message))
                log.warning("%s", exc.message)
                continue
            instances[name] = fam
            self.stats[name] = FamilyStats()
        self.families: list[Family] = self._order(instances)
        self._by_name = {f.name: f for f in self.families}
        self.selected = frozenset(wanted)
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- planning --------------------------------------------------------------------------
    def _closure(self, names: Iterable[str]) -> list[str]:
        todo = [*ALWAYS_ON, *names]
        seen: list[str] = []
        while todo:
            name = todo.pop(0)
            if name in seen:
                continue
            cls = get_family(name)
            seen.append(name)
            todo.extend(_provider(p) for p in cls.requires)
        return seen

    def _order(self, instances: Mapping[str, Family]) -> list[Family]:
        deps: dict[str, set[str]] = {}
        for name, fam in instances.items():
            deps[name] = {_provider(p) for p in (*fam.requires, *fam.uses)} & set(instances) - {name}
        ordered: list[Family] = []
        done: set[str] = set()
        while len(ordered) < len(instances):
            ready = [n for n in instances if n not in done and deps[n] <= done]
            if not ready:
                raise PipelineError(ErrorCode.DEPENDENCY_CYCLE,
                                    detail=", ".join(sorted(set(instances) - done)))
            ready.sort(key=lambda n: (instances[n].order, n))
            ordered.append(instances[ready[0]])
            done.add(ready[0])
        return ordered

    def plan(self, families: Iterable[str] | None = None) -> tuple[list[Family], list[str]]:
        """Families to run for one call, and chosen families that are disabled here."""
        if families is None:
            names = set(self.selected)
        else:
            names = set(self._closure(families))
            unknown = names - self.selected
            if unknown:
                raise PipelineError(ErrorCode.UNKNOWN_FAMILY, family=sorted(unknown)[0],
                                    known=", ".join(sorted(self.selected)))
        run = [f for f in self.families if f.name in names]
        disabled = sorted(n for n in names if n in self.disabled)
        return run, disabled

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.families]

    # -- running ---------------------------------------------------------------------------
    def start(self, posts: Sequence[Post]) -> list[Item]:
        return [Item(post) for post in posts]

    def run_family(self, fam: Family, items: Sequence[Item]) -> None:
        t0 = time.perf_counter()
        try:
            values = list(fam.enrich_batch(items))
            if len(values) != len(items):
                raise RuntimeError(f"returned {len(values)} values for {len(items)} posts")
        except Exception:
            if len(items) == 1:
                values = [self._one(fam, items[0])]
            else:  # find the post that broke it; the others keep their results
                values = [self._one(fam, item) for item in items]
        self._store(fam, items, values, time.perf_counter() - t0)

    async def arun_family(self, fam: Family, items: Sequence[Item]) -> None:
        t0 = time.perf_counter()
        try:
            values = list(await fam.aenrich_batch(items))
            if len(values) != len(items):
                raise RuntimeError(f"returned {len(values)} values for {len(items)} posts")
        except Exception as exc:
            values = [_FAILED] * len(items)
            for item in items:
                self._fail(fam, item, exc)
        self._store(fam, items, values, time.perf_counter() - t0)

    def _one(self, fam: Family, item: Item) -> Any:
        try:
            return fam.enrich_batch([item])[0]
        except Exception as exc:
            self._fail(fam, item, exc)
            return _FAILED

    def _fail(self, fam: Family, item: Item, exc: BaseException) -> None:
        log.debug("family %s failed on post %s", fam.name, item.post.id, exc_info=exc)
        self.stats[fam.name].failures += 1
        detail = f"{type(exc).__name__}: {exc}"[:500]
        item.add_error(fam.name, ErrorCode.FAMILY_FAILED.code, ErrorCode.FAMILY_FAILED.slug,
                       ErrorCode.FAMILY_FAILED.format(family=fam.name, detail=detail))

    def _store(self, fam: Family, items: Sequence[Item], values: Sequence[Any], secs: float) -> None:
        st = self.stats[fam.name]
        st.posts += len(items)
        st.batches += 1
        st.seconds += secs
        prov = fam.provenance()
        strict = self.settings.strict_catalogue
        for item, value in zip(items, values, strict=True):
            if value is _FAILED:
                item.out[fam.name] = None
                continue
            item.out[fam.name] = value
            item.provenance.setdefault(fam.name, prov)
            if strict and value is not None:
                bad = self._catalogue.undeclared({fam.name: value})
                if bad:
                    item.add_error(fam.name, ErrorCode.UNDECLARED_ATTRIBUTE.code,
                                   ErrorCode.UNDECLARED_ATTRIBUTE.slug,
                                   ErrorCode.UNDECLARED_ATTRIBUTE.format(
                                       family=fam.name, paths=", ".join(sorted(bad))))

    def run_cpu(self, items: Sequence[Item], families: Iterable[str] | None = None) -> None:
        run, _ = self.plan(families)
        for fam in run:
            if fam.kind == "cpu":
                self.run_family(fam, items)

    async def run_io(self, items: Sequence[Item], families: Iterable[str] | None = None) -> None:
        run, _ = self.plan(families)
        for fam in run:
            if fam.kind == "io":
                await self.arun_family(fam, items)

    def finish(self, items: Sequence[Item], families: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Assemble the ``enrichment`` object of each item."""
        _, disabled = self.plan(families)
        out: list[dict[str, Any]] = []
        for item in items:
            enrichment: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
            enrichment.update(item.out)
            errors = list(item.errors)
            for name in disabled:
                enrichment[name] = None
                errors.append({"family": name, "code": ErrorCode.NOT_CONFIGURED.code,
                               "name": ErrorCode.NOT_CONFIGURED.slug,
                               "message": ErrorCode.NOT_CONFIGURED.format(
                                   family=name, detail=self.disabled[name])})
            enrichment["provenance"] = item.provenance
            enrichment["errors"] = errors
            out.append(enrichment)
        return out

    def run(self, posts: Sequence[Post], families: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Enrich a batch synchronously (I/O families run on a private event loop)."""
        fams = list(families) if families is not None else None
        items = self.start(posts)
        self.run_cpu(items, fams)
        run, _ = self.plan(fams)
        if any(f.kind == "io" for f in run):
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
            self._loop.run_until_complete(self.run_io(items, fams))
        return self.finish(items, fams)

    async def arun(self, posts: Sequence[Post],
                   families: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """Enrich a batch from async code. CPU families run in a thread so the loop stays free;
        the service runs them in worker processes instead."""
        fams = list(families) if families is not None else None
        items = self.start(posts)
        await asyncio.to_thread(self.run_cpu, items, fams)
        await self.run_io(items, fams)
        return self.finish(items, fams)

    def stats_dict(self) -> dict[str, dict[str, Any]]:
        return {name: st.to_dict() for name, st in self.stats.items()}

    def close(self) -> None:
        for fam in self.families:
            if fam.kind == "io":
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                self._loop.run_until_complete(fam.aclose())
            else:
                fam.close()
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    async def aclose(self) -> None:
        for fam in self.families:
            await fam.aclose()


class _Failed:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<failed>"


_FAILED: Any = _Failed()
