"""The ``topics`` family: a fixed taxonomy of 20 marketing topics, multi-label, from a lexicon.

Evidence comes from words and multiword phrases, hashtags (looked up whole, then segmented into
words), cashtags, @mentions of known accounts, emoji, and entity labels when the ``entities``
family ran (they settle ambiguous words: "Apple" the organization is technology, not food).
Each topic's score is ``1 - exp(-w)`` where ``w`` sums the weights of its distinct terms, so one
unambiguous term, or two weaker ones, clear the default threshold of 0.5.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ...attributes import Attribute as A
from ...family import Family, FamilySettings, Item
from ...modelstore import model_dir
from ...registry import register
from .lexicon import Lexicon, TopicMatcher
from .tokens import HashtagSegmenter

MODEL = "topics"
TOPICS = ("sports", "politics", "entertainment", "music", "film_tv", "gaming", "technology",
          "business", "finance_crypto", "health", "food", "travel", "fashion_beauty", "autos",
          "science", "education", "religion", "family_parenting", "weather_disasters", "shopping")


class TopicsSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_TOPICS_", extra="forbid")

    threshold: float | None = Field(
        None, description="Score the first topic needs (default: the lexicon's, 0.5).", ge=0, le=1)
    # a second or later topic needs more evidence than the first: passing mentions ("send
    # coffee", "my brother") should not add a label to a post that is about something else
    secondary_threshold: float | None = Field(
        None, description="Score every further topic needs (default: the lexicon's, 0.7).", ge=0, le=1)
    max_labels: int = Field(5, description="Most topics reported per post.", ge=1)
    segment_hashtags: bool = Field(
        True, description="Split hashtags into words (wordsegment counts) when not found whole.")
    max_evidence: int = Field(5, description="Most evidence terms listed per topic.", ge=1)


@register
class TopicsFamily(Family):
    name = "topics"
    summary = ("Marketing topics (sports, politics, music, film/TV, gaming, technology, finance/"
               "crypto, food, travel, fashion/beauty, shopping and more: 20 in all), multi-label "
               "with scores and the words, hashtags, cashtags, emoji or entities that gave them. "
               "A curated lexicon of about 6,700 weighted terms; precision is measured on a "
               "hand-written labelled sample (docs/accuracy.md).")
    method = "lexicon"
    version = "1"
    uses = ("entities.items[].label",)
    provides = (
        A("topics.labels[]", "string", "Topics whose score reaches the threshold, best first.",
          enum=TOPICS),
        A("topics.top", "string", "The best-scoring topic above the threshold; null when none is.",
          enum=TOPICS),
        A("topics.scores", "object",
          "Score in 0..1 of every topic with any evidence (topic -> score), including those "
          "below the threshold. A lexicon evidence score, not a calibrated probability."),
        A("topics.items[].label", "string", "A topic that reached the threshold.", nullable=False,
          enum=TOPICS),
        A("topics.items[].score", "number", "Its score: 1 - exp(-sum of distinct term weights).",
          nullable=False, minimum=0, maximum=1),
        A("topics.items[].evidence[]", "string",
          "Terms that gave the score: words/phrases, #hashtag words, $cashtags, @mentions, "
          "emoji, or 'word (entity label)' when an entity settled an ambiguous word."),
        A("topics.reason", "string",
          "Why no topic was assigned (no evidence, or evidence below the threshold); null "
          "when at least one topic was."),
    )
    Settings = TopicsSettings
    settings: TopicsSettings
    lexicon: Lexicon
    matcher: TopicMatcher
    threshold: float
    secondary: float

    def setup(self) -> None:
        folder = model_dir(MODEL, self.name)
        self.lexicon = Lexicon.load(folder / "lexicon.toml")
        unknown = set(self.lexicon.topics) - set(TOPICS)
        if unknown:
            from ...errors import NotConfigured

            raise NotConfigured(self.name, f"lexicon has topics outside the taxonomy: {sorted(unknown)}")
        segmenter = HashtagSegmenter(self.settings.segment_hashtags)
        self.matcher = TopicMatcher(self.lexicon, segmenter)
        self.threshold = (self.settings.threshold if self.settings.threshold is not None
                          else self.lexicon.threshold)
        secondary = (self.settings.secondary_threshold if self.settings.secondary_threshold is not None
                     else self.lexicon.secondary_threshold)
        self.secondary = max(self.threshold, secondary)

    def model_name(self) -> str | None:
        return f"{MODEL}-lexicon-{self.lexicon.version}" if getattr(self, "lexicon", None) else None

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any] | None]:
        return [self.classify(item.post.text, _entity_items(item.out.get("entities")))
                for item in items]

    def classify(self, text: str, entities: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
        found = self.matcher.evidence(text or "", entities)
        scored = sorted(((round(ev.score(), 4), topic, ev) for topic, ev in found.items()),
                        key=lambda x: (-x[0], x[1]))
        chosen = [x for n, x in enumerate(scored)
                  if x[0] >= (self.threshold if n == 0 else self.secondary)][: self.settings.max_labels]
        items = [{"label": topic, "score": score,
                  "evidence": sorted(ev.seen, key=lambda k: -ev.seen[k])[: self.settings.max_evidence]}
                 for score, topic, ev in chosen]
        if chosen:
            reason = None
        elif scored:
            best_score, best_topic, _ = scored[0]
            reason = f"evidence below the threshold {self.threshold:g} (best: {best_topic} {best_score:g})"
        else:
            reason = "no topic evidence in the text"
        return {
            "labels": [x["label"] for x in items],
            "top": items[0]["label"] if items else None,
            "scores": {topic: score for score, topic, _ in scored},
            "items": items,
            "reason": reason,
        }


def _entity_items(out: Any) -> list[Mapping[str, Any]]:
    if not isinstance(out, Mapping):
        return []
    items = out.get("items")
    if not isinstance(items, list):
        return []
    return [e for e in items if isinstance(e, Mapping)]
