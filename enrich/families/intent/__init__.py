"""The ``intent`` family: commerce and customer-care signals as (intent, object, speaker) items.

Rules over the text (``rules.py``): want/plan to buy, bought/own, recommend, complain, ask a
question, churn/quit, sell, and price mentions with amount and currency (``money.py``). Each
item carries the object phrase (product, brand or service), who holds the intent, a confidence
set per rule, the cue and offsets into ``enrichment.post.text``.

No part-of-speech tagger: regular expressions keep the family at tens of thousands of posts
per second, and the precision measured on a hand-written sample is in docs/accuracy.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ...attributes import Attribute as A
from ...family import Family, FamilySettings, Item
from ...registry import register
from .extract import extract
from .rules import INTENTS

COMMERCIAL = frozenset({"want_to_buy", "bought", "recommend", "sell", "price"})
CARE = frozenset({"complain", "question", "churn"})
SPEAKERS = ("first_person", "other")


class IntentSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_INTENT_", extra="forbid")

    min_confidence: float = Field(0.0, description="Drop items whose confidence is below this.",
                                  ge=0, le=1)
    max_text_chars: int = Field(10_000, description="Only the first this many characters are read "
                                "(the rules are written for short posts).", ge=1)


@register
class IntentFamily(Family):
    name = "intent"
    summary = ("Commerce and customer-care signals as structured items: want/plan to buy, "
               "bought/own, recommend, complain, question, churn/quit, sell and price mentions "
               "(amount + ISO currency), each with the object phrase, who holds the intent, a "
               "confidence, the cue and offsets into the post text. Rules over the text.")
    method = "rules"
    version = "1"
    provides = (
        A("intent.items[].intent", "string", "The signal: want_to_buy, bought (bought or owns), "
          "recommend, complain, question, churn, sell or price.", nullable=False, enum=INTENTS),
        A("intent.items[].object", "string",
          "Product, brand or service phrase the intent is about (null when none was found)."),
        A("intent.items[].speaker", "string",
          "Who holds the intent: first_person (the author) or other (someone the author "
          "mentions); null when unknown.", enum=SPEAKERS),
        A("intent.items[].confidence", "probability",
          "Confidence set per rule (stronger cues score higher, implicit subjects and missing "
          "objects lower). Not calibrated: measured precision on real tweets is about 0.75 "
          "(docs/accuracy.md).", nullable=False),
        A("intent.items[].start", "integer", "Start offset (code points) of the cue and object "
          "span in enrichment.post.text.", nullable=False, minimum=0),
        A("intent.items[].end", "integer", "End offset (exclusive) of the span.", nullable=False,
          minimum=0),
        A("intent.items[].cue", "string", "The words that triggered the rule, as written.",
          nullable=False),
        A("intent.items[].amount", "number", "For price items: the amount as a number "
          "(thousands separators and k/m multipliers resolved)."),
        A("intent.items[].currency", "string", "For price items: ISO 4217 code (a bare '$' is "
          "read as USD, '¥' as JPY), or BTC/ETH."),
        A("intent.labels[]", "string", "The distinct intents found, in taxonomy order.",
          enum=INTENTS),
        A("intent.commercial", "boolean", "True when a buying, owning, recommending, selling or "
          "price signal was found.", nullable=False),
        A("intent.customer_care", "boolean", "True when a complaint, question or churn signal "
          "was found.", nullable=False),
    )
    Settings = IntentSettings
    settings: IntentSettings

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any] | None]:
        return [self.analyse(item.post.text or "") for item in items]

    def analyse(self, text: str) -> dict[str, Any]:
        text = text[: self.settings.max_text_chars]
        found = [it for it in extract(text) if it["confidence"] >= self.settings.min_confidence]
        labels = [i for i in INTENTS if any(it["intent"] == i for it in found)]
        return {
            "items": found,
            "labels": labels,
            "commercial": any(i in COMMERCIAL for i in labels),
            "customer_care": any(i in CARE for i in labels),
        }
