"""The family registry.

Families register themselves with :func:`register` when their module is imported. Built-in
families are discovered by importing every module of ``enrich.families``; other packages can
add families through the ``enrich.families`` entry-point group.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import TypeVar

from .attributes import CORE_ATTRIBUTES, Catalogue
from .errors import ErrorCode, PipelineError
from .family import Family

log = logging.getLogger(__name__)

F = TypeVar("F", bound=type[Family])

_FAMILIES: dict[str, type[Family]] = {}
_discovered = False


def register(cls: F) -> F:
    """Class decorator: make a family available by its ``name``."""
    name = getattr(cls, "name", None)
    if not name:
        raise TypeError(f"{cls.__qualname__} has no family name")
    existing = _FAMILIES.get(name)
    if existing is not None and existing is not cls:
        raise TypeError(f"family {name!r} registered twice ({existing.__module__}, {cls.__module__})")
    for attr in cls.provides:
        if attr.family != name:
            raise TypeError(f"family {name!r} declares {attr.path!r}, outside its own namespace")
    _FAMILIES[name] = cls
    return cls


@contextmanager
def temporarily(*classes: type[Family]) -> Iterator[None]:
    """Register families for the duration of a block (tests, experiments)."""
    discover()
    added = [cls for cls in classes if cls.name not in _FAMILIES]
    for cls in added:
        register(cls)
    try:
        yield
    finally:
        for cls in added:
            _FAMILIES.pop(cls.name, None)


def discover() -> None:
    """Import built-in family modules and entry-point plugins (once)."""
    global _discovered
    if _discovered:
        return
    _discovered = True
    from . import families as pkg

    for mod in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if mod.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        importlib.import_module(mod.name)
    for ep in entry_points(group="enrich.families"):
        try:
            register(ep.load())
        except Exception as exc:  # a broken plugin must not take the built-ins down
            log.warning("family plugin %s failed to load: %s", ep.name, exc)


def family_classes() -> dict[str, type[Family]]:
    discover()
    return dict(sorted(_FAMILIES.items()))


def get_family(name: str) -> type[Family]:
    classes = family_classes()
    try:
        return classes[name]
    except KeyError:
        raise PipelineError(ErrorCode.UNKNOWN_FAMILY, family=name,
                            known=", ".join(classes)) from None


def catalogue() -> Catalogue:
    """Every attribute declared by every registered family, plus the core attributes."""
    cat = Catalogue(CORE_ATTRIBUTES)
    for cls in family_classes().values():
        cat.extend(cls.provides)
    return cat


def family_docs() -> dict[str, str]:
    return {name: cls.summary for name, cls in family_classes().items() if cls.summary}
