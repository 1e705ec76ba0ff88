"""The ``irony`` family: probability that a post is ironic, from a trained classifier."""

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

MODEL = "irony"


class IronySettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_IRONY_", extra="forbid")

    threshold: float = Field(0.5, ge=0, le=1, description="Probability at which is_ironic becomes true.")


@register
class IronyFamily(Family):
    name = "irony"
    summary = (
        "Whether a post is ironic or sarcastic: a probability trained on TweetEval irony "
        "(SemEval 2018 task 3, verbal irony incl. sarcasm): the average of a linear classifier "
        "over the shared tweet-normalized hashed n-grams, VADER scores and mean word vector and "
        "a small convolutional network over the post's word vectors, and a flag at a configurable "
        "threshold. English only: other languages abstain with a reason. Irony is hard for any "
        "model; read the probability, not just the flag.")
    method = "model"
    version = "1"
    order = 330
    uses = ("language.language",)  # detected language when it ran (else declared, else own)
    Settings = IronySettings
    settings: IronySettings
    provides = (
        A("irony.probability", "probability", "Probability that the post is ironic."),
        A("irony.is_ironic", "boolean", "probability >= the threshold (setting, default 0.5)."),
        A("irony.abstain_reason", "string", "Why no probability was given.",
          enum=("unsupported_language",)),
    )

    def setup(self) -> None:
        self._head = runtime.load_head(MODEL, self.name)
        if self._head.labels != ("non_irony", "irony"):
            raise NotConfigured(self.name, f"unexpected irony labels {self._head.labels}")

    def model_name(self) -> str:
        return f"{MODEL}@{self._head.meta.get('version', '?')}"

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        routes, probs, _, _ = runtime.predict_english(items, [self._head])
        out = []
        for r, p in zip(routes, probs, strict=True):
            prob = None if p is None else round(float(p[0][1]), 4)
            out.append({"probability": prob,
                        "is_ironic": None if prob is None else prob >= self.settings.threshold,
                        "abstain_reason": r.abstain_reason})
        return out
