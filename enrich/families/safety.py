"""The ``safety`` family: offensive and hateful language, profanity, the platform's flag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..errors import NotConfigured
from ..family import Family, FamilySettings, Item
from ..registry import register
from ..textclf import profanity, runtime

OFFENSIVE_MODEL = "offensive"
HATE_MODEL = "hate"


class SafetySettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_SAFETY_", extra="forbid")

    offensive_threshold: float = Field(0.5, ge=0, le=1, description=(
        "Probability at which is_offensive becomes true."))
    hate_threshold: float = Field(0.5, ge=0, le=1, description=(
        "Probability at which is_hateful becomes true."))
    max_profanity_words: int = Field(20, ge=0, description="Longest list of profane words reported.")


@register
class SafetyFamily(Family):
    name = "safety"
    summary = (
        "Brand-safety signals. Probabilities that the post is offensive (TweetEval offensive, "
        "OffensEval 2019: insults, threats, profanity aimed at someone) and hateful (TweetEval "
        "hate, HatEval 2019: hate speech against immigrants and women), from linear classifiers "
        "over the shared tweet-normalized hashed n-grams (hate averaged with a small "
        "convolutional network over the post's word vectors), English only (other languages abstain "
        "with a reason); profane words found with better-profanity's word list (leetspeak "
        "spellings included, any language); and the platform's possibly_sensitive flag as given.")
    method = "model"
    version = "1"
    order = 320
    uses = ("language.language",)  # detected language when it ran (else declared, else own)
    Settings = SafetySettings
    settings: SafetySettings
    provides = (
        A("safety.offensive", "probability", "Probability that the post is offensive."),
        A("safety.is_offensive", "boolean", "offensive >= its threshold (setting, default 0.5)."),
        A("safety.hate", "probability", "Probability that the post is hate speech."),
        A("safety.is_hateful", "boolean", "hate >= its threshold (setting, default 0.5)."),
        A("safety.abstain_reason", "string", "Why the classifiers gave no probability.",
          enum=("unsupported_language",)),
        A("safety.profanity.count", "integer", "Profane words and phrases in the text.",
          nullable=False, minimum=0),
        A("safety.profanity.words[]", "string", "The profane words as written (at most 20 by default).",
          nullable=False),
        A("safety.possibly_sensitive", "boolean", "The platform's possibly_sensitive flag, passed through."),
    )

    def setup(self) -> None:
        self._offensive = runtime.load_head(OFFENSIVE_MODEL, self.name)
        self._hate = runtime.load_head(HATE_MODEL, self.name)
        if (self._offensive.labels != ("not-offensive", "offensive")
                or self._hate.labels != ("not-hate", "hate")):
            raise NotConfigured(self.name, "unexpected safety model labels")
        profanity.wordlist()

    def model_name(self) -> str:
        return (f"{OFFENSIVE_MODEL}@{self._offensive.meta.get('version', '?')} + "
                f"{HATE_MODEL}@{self._hate.meta.get('version', '?')} + better-profanity wordlist")

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        s = self.settings
        routes, probs, _, _ = runtime.predict_english(items, [self._offensive, self._hate])
        out = []
        for item, r, p in zip(items, routes, probs, strict=True):
            off = hate = None
            if p is not None:
                off, hate = round(float(p[0][1]), 4), round(float(p[1][1]), 4)
            words = profanity.find(item.post.text or "")
            out.append({
                "offensive": off,
                "is_offensive": None if off is None else off >= s.offensive_threshold,
                "hate": hate,
                "is_hateful": None if hate is None else hate >= s.hate_threshold,
                "abstain_reason": r.abstain_reason,
                "profanity": {"count": len(words), "words": words[: s.max_profanity_words]},
                "possibly_sensitive": item.post.possibly_sensitive,
            })
        return out
