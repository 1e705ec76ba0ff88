"""enrich: turn raw short posts into enriched JSON with hundreds of documented attributes."""

from __future__ import annotations

from .attributes import Attribute, Catalogue
from .enricher import Enricher, enrich, enrich_many
from .errors import EnrichError, ErrorCode, ErrorRecord, InputError, NotConfigured
from .family import Family, FamilySettings, Item
from .pipeline import Pipeline
from .post import Post
from .registry import catalogue, register
from .settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Attribute",
    "Catalogue",
    "EnrichError",
    "Enricher",
    "ErrorCode",
    "ErrorRecord",
    "Family",
    "FamilySettings",
    "InputError",
    "Item",
    "NotConfigured",
    "Pipeline",
    "Post",
    "Settings",
    "__version__",
    "catalogue",
    "enrich",
    "enrich_many",
    "register",
]
