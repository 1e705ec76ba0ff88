"""What the families share at run time: loaded heads, the per-batch feature cache and the
choice of model by language.

Families run one after another over the same batch of items; the first one to ask computes
the features of the batch and the others reuse them. The cache holds the last batch only and
keeps the posts themselves alive, so object identity is a safe key.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..family import Item
from ..modelstore import model_dir
from ..post import Post
from .features import Analysis, Featurizer, FeaturizerParams
from .linear import LinearHead

ENGLISH_MODEL = "sentiment-en"
MULTILINGUAL_MODEL = "sentiment-xlmt"
# Languages the multilingual sentiment model was trained on, besides English.
XLMT_LANGUAGES = frozenset({"ar", "de", "es", "fr", "hi", "it", "pt"})

_heads: dict[str, LinearHead] = {}
_featurizers: dict[FeaturizerParams, Featurizer] = {}
_lock = threading.Lock()


def load_head(model: str, family: str) -> LinearHead:
    """The head in ``models/<model>/``, checksum-verified once per process."""
    with _lock:
        head = _heads.get(model)
        if head is None:
            head = LinearHead.load(model_dir(model, family))
            _heads[model] = head
        return head


def featurizer(params: FeaturizerParams) -> Featurizer:
    with _lock:
        feat = _featurizers.get(params)
        if feat is None:
            feat = _featurizers[params] = Featurizer(params)
        return feat


class _BatchCache:
    def __init__(self) -> None:
        self._local = threading.local()

    def analyse(self, posts: Sequence[Post], params: FeaturizerParams) -> tuple[Analysis, list[int]]:
        """Features of ``posts`` and the row of each in the returned matrix."""
        entries: dict[FeaturizerParams, tuple[list[Post], dict[int, int], Analysis]]
        entries = self._local.__dict__.setdefault("entries", {})
        hit = entries.get(params)
        if hit is not None:
            kept, index, analysis = hit
            rows = [index.get(id(p), -1) for p in posts]
            if all(r >= 0 and kept[r] is p for r, p in zip(rows, posts, strict=True)):
                return analysis, rows
        kept = list(posts)
        analysis = featurizer(params).analyse([p.text or "" for p in kept])
        entries.clear()  # one batch at a time: memory stays bounded
        entries[params] = (kept, {id(p): i for i, p in enumerate(kept)}, analysis)
        return analysis, list(range(len(kept)))


batch_cache = _BatchCache()


@dataclass(frozen=True, slots=True)
class Route:
    """Which language a post is treated as, where that came from, and which model applies."""

    language: str | None
    source: str  # detected | declared | none
    model: str | None  # english | multilingual | None (abstain)
    abstain_reason: str | None


def _base(tag: Any) -> str | None:
    if not isinstance(tag, str) or not tag or tag.lower() in ("und", "zxx", "qme", "qam", "qct", "qht"):
        return None
    return tag.split("-")[0].split("_")[0].lower() or None


def language_of(item: Item) -> tuple[str | None, str]:
    """The detected language when the language family ran and is reliable or alone; else the
    platform's declared language."""
    lang_out = item.out.get("language")
    detected = _base(lang_out.get("language")) if isinstance(lang_out, dict) else None
    declared = _base(item.post.lang)
    if detected and (declared is None or lang_out.get("reliable")):  # type: ignore[union-attr]
        return detected, "detected"
    if declared:
        return declared, "declared"
    if detected:
        return detected, "detected"
    return None, "none"


def route(item: Item, multilingual: bool) -> Route:
    """English posts get the English models; the seven XLM-T languages get the multilingual
    sentiment model when ``multilingual``; anything else abstains. A post with no letters to
    detect a language from (emoji only, say) is read by the English model: its cues are
    language-independent."""
    language, source = language_of(item)
    if language == "en":
        return Route(language, source, "english", None)
    if language is None:
        lang_out = item.out.get("language")
        no_letters = (isinstance(lang_out, dict) and lang_out.get("abstain_reason") == "too_few_letters")
        if no_letters or not any(c.isalpha() for c in item.post.text or ""):
            return Route(None, "none", "english", None)
        return Route(None, "none", None, "language_unknown")
    if multilingual and language in XLMT_LANGUAGES:
        return Route(language, source, "multilingual", None)
    return Route(language, source, None, "unsupported_language")


def predict_english(items: Sequence[Item], heads: Sequence[LinearHead]
                    ) -> tuple[list[Route], list[list[Any] | None], Analysis, list[int]]:
    """Probabilities of each English-only head for each item routed to English (None for the
    others), with the routes, the shared analysis and each item's row in it."""
    params = heads[0].params
    if any(h.params != params for h in heads):
        raise ValueError("heads of one family must share a featurizer")
    analysis, rows = batch_cache.analyse([it.post for it in items], params)
    routes = [route(it, multilingual=False) for it in items]
    picked = [i for i, r in enumerate(routes) if r.model == "english"]
    probs: list[list[Any] | None] = [None] * len(items)
    if picked:
        sub = analysis.matrix[[rows[i] for i in picked]]
        per_head = [h.probabilities(sub) for h in heads]
        for k, i in enumerate(picked):
            probs[i] = [p[k] for p in per_head]
    return routes, probs, analysis, rows
