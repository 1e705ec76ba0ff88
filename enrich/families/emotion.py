"""The ``emotion`` family: anger, joy, optimism or sadness, from a trained classifier."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..errors import NotConfigured
from ..family import Family, FamilySettings, Item
from ..registry import register
from ..textclf import emotion_lexicon, runtime

MODEL = "emotion"
LABELS = ("anger", "joy", "optimism", "sadness")


class EmotionSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_EMOTION_", extra="forbid")

    min_confidence: float = Field(0.0, ge=0, le=1, description=(
        "Below this top probability the label abstains (low_confidence); the probabilities stay."))


@register
class EmotionFamily(Family):
    name = "emotion"
    summary = (
        "The emotion a post expresses, as one of anger, joy, optimism and sadness (the TweetEval "
        "emotion classes, from SemEval 2018 task 1), with the four probabilities. A linear "
        "classifier over the same tweet-normalized hashed n-grams and VADER scores as sentiment; "
        "English only (other languages abstain with a reason). The classes have no 'none': a "
        "post with no emotion still gets the closest one, so read the confidence. Also counts "
        "of the post's words in the emotion categories of the Empath lexicon (MIT): descriptive "
        "counts, not a prediction.")
    method = "model"
    version = "1"
    order = 310
    uses = ("language.language",)  # detected language when it ran (else declared, else own)
    Settings = EmotionSettings
    settings: EmotionSettings
    provides = (
        A("emotion.label", "string", "Most probable emotion; null when abstaining.", enum=LABELS),
        *(A(f"emotion.probabilities.{lab}", "probability", f"Classifier probability of {lab}.")
          for lab in LABELS),
        A("emotion.confidence", "probability", "Probability of the chosen label."),
        A("emotion.abstain_reason", "string", "Why no emotion was given.",
          enum=("unsupported_language", "low_confidence")),
        *(A(f"emotion.lexicon.{cat}", "integer",
            f"Words of the post in Empath's {cat.replace('_', ' ')} category (its own word list: "
            "see docs/accuracy.md for what it holds and how well it agrees with the labels). "
            "English posts only; null otherwise.", minimum=0)
          for cat in emotion_lexicon.CATEGORIES),
        A("emotion.lexicon.words", "integer",
          "Words read for the lexicon counts (hashtags also as their words): the denominator for "
          "rates.", minimum=0),
    )

    def setup(self) -> None:
        self._head = runtime.load_head(MODEL, self.name)
        try:
            emotion_lexicon.index()
        except (ImportError, LookupError) as exc:
            raise NotConfigured(self.name, f"the Empath emotion lexicon is unusable: {exc}") from exc
        if self._head.labels != LABELS:
            raise NotConfigured(self.name, f"unexpected emotion labels {self._head.labels}")

    def model_name(self) -> str:
        return f"{MODEL}@{self._head.meta.get('version', '?')}"

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        routes, probs, analysis, rows = runtime.predict_english(items, [self._head])
        out = []
        for r, p, row_i in zip(routes, probs, rows, strict=True):
            value: dict[str, Any] = {"label": None, "probabilities": None, "confidence": None,
                                     "abstain_reason": r.abstain_reason, "lexicon": None}
            if p is not None:
                counts, words = emotion_lexicon.count(analysis.normalized[row_i])
                value["lexicon"] = {**dict(zip(emotion_lexicon.CATEGORIES, counts, strict=True)),
                                    "words": words}
                row = p[0]
                best = int(row.argmax())
                value["probabilities"] = {lab: round(float(v), 4) for lab, v in zip(LABELS, row, strict=True)}
                value["confidence"] = round(float(row[best]), 4)
                if row[best] >= self.settings.min_confidence:
                    value["label"] = LABELS[best]
                else:
                    value["abstain_reason"] = "low_confidence"
            out.append(value)
        return out
