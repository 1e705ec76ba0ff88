"""The topic lexicon (``models/topics/lexicon.toml``) compiled for matching, and the matcher.

Terms are keyed by their space-joined tokens (tokenized exactly like post text), so a lookup
is one dict access per candidate n-gram. The matcher walks the tokens left to right and takes
the longest term starting at each position: a phrase consumes its words, so "apple pie" does
not also count as "apple", and a neutral idiom ("game changer") counts for nothing.
"""

from __future__ import annotations

import math
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .tokens import HashtagSegmenter, Token, tokenize, word_variants

TIERS = ("strong", "medium", "weak")
_HIGH = re.compile("[\u2190-\U0010ffff]")  # every listed emoji lies above the arrows block
ENTITY_LABELS: dict[str, str] = {
    "person": "person", "per": "person", "people": "person",
    "organization": "organization", "organisation": "organization", "org": "organization",
    "corporation": "organization", "company": "organization", "brand": "organization",
    "location": "location", "loc": "location", "gpe": "location", "place": "location",
    "fac": "location", "facility": "location",
    "product": "product", "creative_work": "creative_work", "work_of_art": "creative_work",
    "work": "creative_work", "group": "group", "norp": "group", "event": "event",
}


def normalize_label(label: str) -> str:
    key = label.strip().lower().replace("-", "_").replace(" ", "_")
    return ENTITY_LABELS.get(key, key)


@dataclass(slots=True)
class Evidence:
    """Weight gathered for one topic and the surface forms that gave it."""

    weight: float = 0.0
    seen: dict[str, float] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)

    def add(self, key: str, weight: float) -> None:
        # a term counts once per post, at its best weight: repeating a word is not more evidence,
        # and neither is tagging it ("tour" and "#tour" are one term)
        base = key.lstrip("#$@")
        old = self.best.get(base, 0.0)
        if weight > old:
            self.weight += weight - old
            self.best[base] = weight
            self.seen[key] = weight

    def score(self) -> float:
        return 1.0 - math.exp(-self.weight)


class Lexicon:
    """Compiled lexicon: term -> [(topic, weight)], emoji, senses and settings from ``[meta]``."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        meta = data.get("meta", {})
        self.version = str(meta.get("version", "1"))
        self.weights = {tier: float(meta.get(tier, default))
                        for tier, default in zip(TIERS, (1.0, 0.6, 0.3), strict=True)}
        self.emoji_weight = float(meta.get("emoji", 0.6))
        self.cashtag_weight = float(meta.get("cashtag", 1.0))
        self.threshold = float(meta.get("threshold", 0.5))
        self.secondary_threshold = float(meta.get("secondary_threshold", self.threshold))
        self.topics: list[str] = list(data["topics"])
        self.titles = {name: str(t.get("title", name)) for name, t in data["topics"].items()}
        self.terms: dict[str, list[tuple[str, float]]] = {}
        self.emoji: dict[str, list[tuple[str, float]]] = {}
        for name, topic in data["topics"].items():
            for tier in TIERS:
                for term in topic.get(tier, ()):
                    self._add_term(term, name, self.weights[tier])
            for emo in topic.get("emoji", ()):
                base = emo.replace("\ufe0f", "")
                if len(base) == 1:  # sequences (ZWJ families) contain a single emoji we also list
                    self.emoji.setdefault(base, []).append((name, self.emoji_weight))
        for phrase in data.get("neutral", {}).get("phrases", ()):
            key = self.key(phrase)
            if key:
                self.terms[key] = []  # consumes its words, counts for nothing
        self.senses: dict[str, dict[str, str]] = {
            word.lower(): {normalize_label(k): v for k, v in senses.items() if v in self.titles}
            for word, senses in data.get("senses", {}).items()}
        self.max_len = max((k.count(" ") + 1 for k in self.terms), default=1)
        # longest phrase starting with each word: most words start none, so skip the n-grams
        self.starts: dict[str, int] = {}
        for k in self.terms:
            first, _, rest = k.partition(" ")
            if rest:
                self.starts[first] = max(self.starts.get(first, 1), k.count(" ") + 1)
        self._word_cache: dict[str, tuple[str, list[tuple[str, float]]] | None] = {}

    @staticmethod
    def key(term: str) -> str:
        return " ".join(t.text for t in tokenize(term.lower()))

    def _add_term(self, term: str, topic: str, weight: float) -> None:
        key = self.key(term)
        if not key:
            return
        entries = self.terms.setdefault(key, [])
        for i, (t, w) in enumerate(entries):
            if t == topic:
                entries[i] = (t, max(w, weight))
                return
        entries.append((topic, weight))

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        return _load(str(path), path.stat().st_mtime_ns)

    def lookup_word(self, word: str) -> tuple[str, list[tuple[str, float]]] | None:
        hit = self.terms.get(word)
        if hit is not None:
            return word, hit
        cache = self._word_cache
        if word in cache:
            return cache[word]
        found: tuple[str, list[tuple[str, float]]] | None = None
        for variant in word_variants(word):
            hit = self.terms.get(variant)
            if hit is not None:
                found = variant, hit
                break
        if len(cache) > 200_000:  # bounded: a long stream of unique words must not grow it forever
            cache.clear()
        cache[word] = found
        return found

    def match_words(self, words: Sequence[str]) -> Iterable[tuple[str, list[tuple[str, float]]]]:
        """Longest-first matches over a run of lowercase words."""
        i, n = 0, len(words)
        starts, terms = self.starts, self.terms
        while i < n:
            longest = starts.get(words[i], 1)
            for size in range(min(longest, n - i), 1, -1):
                key = " ".join(words[i:i + size])
                hit = terms.get(key)
                if hit is not None:
                    yield key, hit
                    i += size
                    break
            else:
                one = self.lookup_word(words[i])
                if one is not None:
                    yield one
                i += 1


class TopicMatcher:
    """Scores the topics of one post from its words, hashtags, cashtags, emoji and entities."""

    def __init__(self, lexicon: Lexicon, segmenter: HashtagSegmenter | None) -> None:
        self.lexicon = lexicon
        self.segmenter = segmenter

    def evidence(self, text: str, entities: Sequence[Mapping[str, Any]] = ()) -> dict[str, Evidence]:
        lex = self.lexicon
        found: dict[str, Evidence] = {}

        def add(topic: str, key: str, weight: float) -> None:
            ev = found.get(topic)
            if ev is None:
                ev = found[topic] = Evidence()
            ev.add(key, weight)

        tokens = tokenize(text)
        run: list[str] = []
        for tok in [*tokens, Token("", "", "end")]:
            if tok.kind == "word":
                run.append(tok.text)
                continue
            for key, hits in lex.match_words(run):
                for topic, weight in hits:
                    add(topic, key, weight)
            run = []
            if tok.kind == "cashtag":
                add("finance_crypto", "$" + tok.text, lex.cashtag_weight)
            if tok.kind in ("hashtag", "cashtag", "mention"):
                self._tagged(tok, add)
        if lex.emoji and _HIGH.search(text):
            for ch in sorted(lex.emoji.keys() & set(text)):
                for topic, weight in lex.emoji[ch]:
                    add(topic, ch, weight)
        if entities and lex.senses:
            self._senses(tokens, entities, add)
        return found

    def _tagged(self, tok: Token, add: Any) -> None:
        lex = self.lexicon
        sigil = tok.raw[0]
        whole = lex.lookup_word(tok.text)
        if whole is not None:
            for topic, weight in whole[1]:
                add(topic, sigil + whole[0], weight)
            return
        if tok.kind != "hashtag" or self.segmenter is None:
            return
        words = self.segmenter.split(tok.raw[1:])
        if len(words) < 2:
            return
        for key, hits in lex.match_words(words):
            for topic, weight in hits:
                add(topic, f"#{key}", weight)

    def _senses(self, tokens: Sequence[Token], entities: Sequence[Mapping[str, Any]],
                add: Any) -> None:
        """An entity label settles an ambiguous word ("Apple" the organization -> technology)."""
        words = {t.text for t in tokens}
        for ent in entities:
            label = ent.get("label")
            text = ent.get("text")
            if not isinstance(label, str) or not isinstance(text, str):
                continue
            norm = normalize_label(label)
            parts = tokenize(unicodedata.normalize("NFC", text))
            if len(parts) > 1 and " ".join(t.text for t in parts) in self.lexicon.terms:
                continue  # the whole name is a term and already counted ("Manchester United")
            if norm == "person" and len(parts) > 1:
                # a person sense is for the name used alone ("Prince", "Swift said"): inside a
                # longer name it is usually someone else ("Prince George", "Olivia Jordan"), and
                # the famous full names are lexicon terms of their own
                continue
            for tok in parts:
                senses = self.lexicon.senses.get(tok.text)
                if senses and tok.text in words and norm in senses:
                    # medium, not strong: the NER label can be wrong ("Jordan" the location)
                    add(senses[norm], f"{tok.text} ({norm})", self.lexicon.weights["medium"])


@lru_cache(maxsize=4)
def _load(path: str, _mtime: int) -> Lexicon:
    """Compiled once per process and file version: the lexicon is read-only after loading."""
    with open(path, "rb") as fh:
        return Lexicon(tomllib.load(fh))
