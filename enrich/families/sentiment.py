"""The ``sentiment`` family: VADER's lexicon reading plus a trained classifier's label."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..errors import NotConfigured
from ..family import Family, FamilySettings, Item
from ..registry import register
from ..textclf import runtime
from ..textclf.features import vader_scores
from ..textclf.linear import LinearHead
from ..textclf.normalize import Normalized, sentence_spans

LABELS = ("negative", "neutral", "positive")
_CUES = ("negations", "allcaps", "elongated", "emoji_positive", "emoji_negative",
         "emoticon_positive", "emoticon_negative", "exclamations", "questions")


class SentimentSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_SENTIMENT_", extra="forbid")

    multilingual: bool = Field(True, description=(
        "Use the multilingual (XLM-T) model for ar, de, es, fr, hi, it and pt posts; false: those "
        "abstain like every other non-English language."))
    min_confidence: float = Field(0.0, ge=0, le=1, description=(
        "Below this top probability the label abstains (low_confidence); the probabilities stay."))
    max_sentences: int = Field(12, ge=0, description="Per-sentence scores for at most this many sentences.")
    vader_threshold: float = Field(0.05, ge=0, le=1, description=(
        "|compound| at which VADER labels read positive/negative (VADER's own convention: 0.05)."))


def vader_label(compound: float, threshold: float) -> str:
    return "positive" if compound >= threshold else "negative" if compound <= -threshold else "neutral"


@register
class SentimentFamily(Family):
    name = "sentiment"
    summary = (
        "Sentiment of the post. Always VADER's lexicon reading (neg/neu/pos/compound, English "
        "lexicon); plus a trained linear classifier over tweet-normalized hashed word and character "
        "n-grams and the VADER scores (SemEval 2013-2016 English tweets; XLM-T tweets for Arabic, "
        "German, Spanish, French, Hindi, Italian and Portuguese) giving the label, the three "
        "probabilities and a confidence. Other languages abstain with a reason: the English model "
        "is never applied to them. Multi-sentence posts also get a VADER score per sentence, and "
        "the emphasis cues found (negation, all-caps, elongation, emoji and emoticon polarity).")
    method = "model"
    version = "1"
    order = 300
    uses = ("language.language",)  # detected language when it ran (else declared, else own)
    Settings = SentimentSettings
    settings: SentimentSettings
    provides = (
        A("sentiment.neg", "probability", "VADER: proportion of the text that reads negative."),
        A("sentiment.neu", "probability", "VADER: proportion of the text that reads neutral."),
        A("sentiment.pos", "probability", "VADER: proportion of the text that reads positive."),
        A("sentiment.compound", "number", "VADER compound score: normalized sum of lexicon valences.",
          minimum=-1, maximum=1),
        A("sentiment.vader_label", "string",
          "Label from the VADER compound alone (>= 0.05 positive, <= -0.05 negative).", enum=LABELS),
        A("sentiment.label", "string", "Label from the trained classifier; null when abstaining.",
          enum=LABELS),
        A("sentiment.probabilities.negative", "probability", "Classifier probability of negative."),
        A("sentiment.probabilities.neutral", "probability", "Classifier probability of neutral."),
        A("sentiment.probabilities.positive", "probability", "Classifier probability of positive."),
        A("sentiment.confidence", "probability", "Probability of the chosen label."),
        A("sentiment.model", "string",
          "Which classifier read the post: the English one or the multilingual (XLM-T) one.",
          enum=("english", "multilingual")),
        A("sentiment.language", "string", "Language the post was treated as (ISO 639-1)."),
        A("sentiment.language_source", "string",
          "Where that language came from: the language family's detection, the platform's "
          "declaration, or none (no letters to read).", enum=("detected", "declared", "none")),
        A("sentiment.abstain_reason", "string", "Why the classifier gave no label.",
          enum=("unsupported_language", "low_confidence")),
        A("sentiment.sentences[].start", "integer", "Start offset of the sentence in post.text.",
          nullable=False, minimum=0, unit="characters"),
        A("sentiment.sentences[].end", "integer", "End offset (exclusive) of the sentence.",
          nullable=False, minimum=0, unit="characters"),
        A("sentiment.sentences[].compound", "number", "VADER compound score of the sentence.",
          nullable=False, minimum=-1, maximum=1),
        A("sentiment.sentences[].label", "string", "Label from the sentence's VADER compound.",
          nullable=False, enum=LABELS),
        *(A(f"sentiment.cues.{c}", "integer", f"How many {c.replace('_', ' ')} cues the text has "
            "(see docs: emphasis cues).", nullable=False, minimum=0) for c in _CUES),
    )

    def setup(self) -> None:
        self._english = runtime.load_head(runtime.ENGLISH_MODEL, self.name)
        self._multi: LinearHead | None = None
        if self.settings.multilingual:
            self._multi = runtime.load_head(runtime.MULTILINGUAL_MODEL, self.name)
            if self._multi.params != self._english.params:
                raise NotConfigured(self.name, "sentiment models were built with different featurizers")
        if self._english.labels != LABELS:
            raise NotConfigured(self.name, f"unexpected sentiment labels {self._english.labels}")

    def model_name(self) -> str:
        names = [f"{runtime.ENGLISH_MODEL}@{self._english.meta.get('version', '?')}"]
        if self._multi is not None:
            names.append(f"{runtime.MULTILINGUAL_MODEL}@{self._multi.meta.get('version', '?')}")
        return " + ".join(names)

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        analysis, rows = runtime.batch_cache.analyse([it.post for it in items], self._english.params)
        routes = [runtime.route(it, self._multi is not None) for it in items]
        probs: dict[str, Any] = {}
        for kind, head in (("english", self._english), ("multilingual", self._multi)):
            picked = [rows[i] for i, r in enumerate(routes) if r.model == kind]
            if picked and head is not None:
                probs[kind] = dict(zip(picked, head.predict(analysis, picked), strict=True))
        out = []
        for item, row, r in zip(items, rows, routes, strict=True):
            p = probs[r.model][row] if r.model in probs else None
            out.append(self._one(item, analysis.vader[row], analysis.normalized[row], r, p))
        return out

    def _one(self, item: Item, vader: dict[str, float], norm: Normalized, r: runtime.Route,
             p: Any) -> dict[str, Any]:
        s = self.settings
        text = item.post.text or ""
        out: dict[str, Any] = {
            "neg": vader["neg"], "neu": vader["neu"], "pos": vader["pos"],
            "compound": vader["compound"], "vader_label": vader_label(vader["compound"], s.vader_threshold),
            "label": None, "probabilities": None, "confidence": None, "model": r.model,
            "language": r.language, "language_source": r.source, "abstain_reason": r.abstain_reason,
            "sentences": self._sentences(text),
            "cues": {c: getattr(norm, c) for c in _CUES},
        }
        if p is not None:
            best = int(p.argmax())
            out["probabilities"] = {lab: round(float(v), 4) for lab, v in zip(LABELS, p, strict=True)}
            out["confidence"] = round(float(p[best]), 4)
            if p[best] >= s.min_confidence:
                out["label"] = LABELS[best]
            else:
                out["abstain_reason"] = "low_confidence"
        return out

    def _sentences(self, text: str) -> list[dict[str, Any]]:
        spans = sentence_spans(text)
        if len(spans) < 2:
            return []
        out = []
        for start, end in spans[: self.settings.max_sentences]:
            compound = vader_scores(text[start:end])["compound"]
            out.append({"start": start, "end": end, "compound": compound,
                        "label": vader_label(compound, self.settings.vader_threshold)})
        return out
