"""The ``entities`` family: named entities of a tweet, with tweet-aware tokens and context sentiment.

Sources, merged into one offset-sorted list:

* ``model``: a spaCy NER pipeline (the tweet-tuned ``models/ner-tweets`` by default, or
  ``en_core_web_sm``) run with ``nlp.pipe`` over the batch, on a tokenizer that keeps @mentions,
  #hashtags, $cashtags, URLs and emoji sequences whole (:mod:`.tokenizer`);
* ``mention``: every @mention, typed person/organization/location when the model types it (the
  tweet model learnt that from the Broad Twitter Corpus, which tags mentions) and ``other``
  otherwise, with the display name from the post's own mention entities when present;
* ``hashtag``: a #hashtag that names an entity: typed by the model in context, or else by the
  model on the segmented words (:mod:`.hashtags`) when one entity covers them all;
* ``cashtag``: every $cashtag, as label ``organization`` with subtype ``ticker`` (a ticker
  symbol names a listed company in most posts; crypto and index tickers are labelled the same).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ...attributes import Attribute as A
from ...family import Family, FamilySettings, Item
from ...registry import register
from ...textclf.runtime import route
from . import confidence as conf
from .hashtags import load as load_segmenter
from .hashtags import phrase, segment
from .tokenizer import CASHTAG, HASHTAG, MENTION

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

LABELS = ("person", "organization", "location", "product", "creative_work", "event", "other")
SOURCES = ("model", "mention", "hashtag", "cashtag")

_TWEET_TOKEN = re.compile(rf"(?P<mention>{MENTION})|(?P<cashtag>{CASHTAG})|(?P<hashtag>{HASHTAG})")
_HASHTAG_CACHE_MAX = 50_000
_SENTENCE_BREAK = re.compile(r"(?<=[.!?…])\s+|\n\s*")


class EntitiesSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_ENTITIES_", extra="forbid")

    model: Literal["tweets", "en_core_web_sm"] = Field(
        "tweets", description="NER model: the shipped tweet model or en_core_web_sm's ner alone")
    numpy_gemm: bool = Field(True, description="run thinc's matrix products through numpy (OpenBLAS)")
    batch_size: int = Field(256, ge=1, description="texts per nlp.pipe batch")
    hashtags: bool = Field(True, description="segment and type hashtags")
    context_chars: int = Field(100, ge=0,
                               description="characters either side of an entity read for its sentiment")
    min_confidence: float = Field(0.0, ge=0.0, le=1.0,
                                  description="drop model entities calibrated below this precision")
    english_only: bool = Field(
        True, description="run the NER model and hashtag typing only on posts in English (or with "
        "too few letters to tell); other languages get @mentions and $cashtags only, with "
        "abstain_reason. False runs the English model on every post, at a much lower precision "
        "on other languages (docs/accuracy.md)")


@register
class EntitiesFamily(Family):
    name = "entities"
    summary = ("Named entities in the post text (person, organization, location, product, "
               "creative_work, event, other) from a tweet-tuned spaCy NER model, plus @mentions, "
               "#hashtags that name an entity (segmented into words) and $cashtags (tickers). "
               "Each carries character offsets into `post.text`, a normalized form, its source, a "
               "calibrated confidence and the VADER sentiment of its sentence (cut to 100 "
               "characters either side). The model reads English posts only (setting "
               "english_only): other languages list their @mentions and $cashtags, with a reason.")
    method = "model"
    version = "1"
    order = 300
    uses = ("language.language",)  # detected language when it ran (else declared, else own)
    Settings = EntitiesSettings
    provides = (
        A("entities.items[].text", "string", "The entity as written in the post text.", nullable=False),
        A("entities.items[].label", "string", "Entity type.", nullable=False, enum=LABELS),
        A("entities.items[].subtype", "string",
          "Finer type when known: 'ticker' for cashtags; null otherwise."),
        A("entities.items[].start", "integer", "Start character offset into post.text.", nullable=False,
          minimum=0),
        A("entities.items[].end", "integer", "End character offset (exclusive) into post.text.",
          nullable=False, minimum=0),
        A("entities.items[].normalized", "string",
          "Normalized form: whitespace collapsed; the handle for mentions, the segmented words for "
          "hashtags, the upper-case symbol for cashtags.", nullable=False),
        A("entities.items[].source", "string", "Where the entity came from.", nullable=False, enum=SOURCES),
        A("entities.items[].confidence", "probability",
          "Calibrated probability that span and label are right: the NER model's precision on "
          "held-out training tweets for entities of this label and form. Null for cashtags "
          "(a rule, not a prediction) and when no calibration is available."),
        A("entities.items[].sentiment", "number",
          "VADER compound sentiment of the entity's context: its sentence, cut to "
          "context_chars (default 100) either side, widened to whole words. Null on posts the "
          "model does not read (abstain_reason): VADER's lexicon is English.",
          minimum=-1, maximum=1),
        A("entities.items[].display_name", "string",
          "Display name of a mentioned account, from the post's own mention entities."),
        A("entities.count", "integer", "Number of entity items.", nullable=False, minimum=0),
        A("entities.counts", "object", "Number of items per label, e.g. {\"person\": 2}."),
        A("entities.by_label", "object",
          "Distinct normalized forms per label, in order of appearance, e.g. {\"location\": [\"Paris\"]}."),
        A("entities.salient.text", "string", "Text of the most salient entity (see family docs)."),
        A("entities.salient.label", "string", "Label of the most salient entity.", enum=LABELS),
        A("entities.salient.normalized", "string", "Normalized form of the most salient entity."),
        A("entities.salient.index", "integer", "Index of the most salient entity in entities.items.",
          minimum=0),
        A("entities.abstain_reason", "string",
          "Why the NER model was not applied: the post is not in English (setting english_only). "
          "Such a post lists only its @mentions (label other) and $cashtags. Null when it was applied.",
          enum=("unsupported_language",)),
    )

    def setup(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        from .models import load_calibration, load_pipeline
        from .tokenizer import tweet_tokenizer

        s = self.settings
        assert isinstance(s, EntitiesSettings)
        self._nlp: Language
        self._nlp, self._labels, self._model_name = load_pipeline(
            s.model, self.name, numpy_gemm=s.numpy_gemm)
        tweet_tokenizer(self._nlp)
        self._calibration = load_calibration(s.model)
        self._vader = SentimentIntensityAnalyzer()
        self._hashtag_types: dict[str, tuple[str, float | None] | None] = {}
        if s.hashtags:
            load_segmenter()

    def model_name(self) -> str | None:
        return getattr(self, "_model_name", None)

    # -- work -----------------------------------------------------------------------------
    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any] | None]:
        s = self.settings
        assert isinstance(s, EntitiesSettings)
        texts = [item.post.text or "" for item in items]
        if s.english_only:
            reasons = [route(item, multilingual=False).abstain_reason for item in items]
        else:
            reasons = [None] * len(items)
        modelled = [i for i, r in enumerate(reasons) if r is None]
        read = dict(zip(modelled, self._nlp.pipe([texts[i] for i in modelled], batch_size=s.batch_size),
                        strict=True))
        if s.hashtags:
            self._type_hashtags([texts[i] for i in modelled], list(read.values()))
        # A post the model does not read is still tokenized, for its mentions and cashtags.
        return [self._entities(item, text, read[i] if i in read else self._nlp.make_doc(text), reasons[i])
                for i, (item, text) in enumerate(zip(items, texts, strict=True))]

    def _confidence(self, label: str, text: str, n_tokens: int) -> float | None:
        return conf.lookup(self._calibration, label, text, n_tokens)

    def _type_hashtags(self, texts: Sequence[str], docs: Sequence[Doc]) -> None:
        """Type every new hashtag of the batch by running the model on its segmented words."""
        pending: dict[str, str] = {}
        for text, doc in zip(texts, docs, strict=True):
            for kind, tok in _tweet_tokens(text, doc):
                if kind == "hashtag" and tok.text not in self._hashtag_types:
                    pending[tok.text] = phrase(segment(tok.text))
        if not pending:
            return
        if len(self._hashtag_types) + len(pending) > _HASHTAG_CACHE_MAX:
            self._hashtag_types.clear()
        tags = list(pending)
        # The words as a short sentence of their own (with a full stop, as sentences end in the
        # training data): a name is typed there far more reliably than as a bare fragment.
        phrases = self._nlp.pipe([pending[t] + " ." for t in tags])
        for tag, doc in zip(tags, phrases, strict=True):
            ents = [e for e in doc.ents if e.label_ in self._labels]
            if len(ents) == 1 and ents[0].start == 0 and ents[0].end == len(doc) - 1:
                label = self._labels[ents[0].label_]
                self._hashtag_types[tag] = (label, self._confidence(label, pending[tag], len(doc) - 1))
            else:
                self._hashtag_types[tag] = None

    def _entities(self, item: Item, text: str, doc: Doc, abstain_reason: str | None) -> dict[str, Any]:
        """The family's value for one post; ``text`` is the post text ``doc`` was made from
        (spaCy keeps it exactly, so token and entity character offsets index it). A post the
        model did not read (``abstain_reason``) has a tokenized ``doc`` without entities."""
        s = self.settings
        assert isinstance(s, EntitiesSettings)
        tagged = {(e.start, e.end): e for e in doc.ents if e.label_ in self._labels}
        found: list[dict[str, Any]] = []
        taken: set[int] = set()  # token indices already covered by a tweet-token entity
        names: dict[str, str] | None = None
        for kind, tok in _tweet_tokens(text, doc):
            t = tok.text
            ent = tagged.get((tok.i, tok.i + 1))
            label = self._labels[ent.label_] if ent is not None else None
            if kind == "mention":
                handle = t[1:]
                if label is None:
                    entry = self._calibration.get("other|mention|1")
                    score = round((entry[0] + 1) / (entry[1] + 2), 3) if entry else None
                    label = "other"
                else:
                    score = self._confidence(label, t, 1)
                if names is None:
                    names = _display_names(item)
                found.append(_item(tok.idx, t, label, None, handle, "mention", score,
                                   names.get(handle.casefold())))
            elif kind == "cashtag":
                found.append(_item(tok.idx, t, "organization", "ticker", t[1:].upper(), "cashtag", None))
            else:
                if label is not None:
                    score = self._confidence(label, t, 1)
                elif (s.hashtags and abstain_reason is None
                      and (typed := self._hashtag_types.get(t)) is not None):
                    label, score = typed
                else:
                    continue
                found.append(_item(tok.idx, t, label, None, phrase(segment(t)) or t, "hashtag", score))
            taken.add(tok.i)
        for (start, end), ent in tagged.items():
            if any(i in taken for i in range(start, end)):
                continue
            label = self._labels[ent.label_]
            score = self._confidence(label, ent.text, end - start)
            if score is not None and score < s.min_confidence:
                continue
            found.append(_item(ent.start_char, ent.text, label, None, " ".join(ent.text.split()),
                               "model", score))
        found.sort(key=lambda e: (e["start"], e["end"]))
        windows: dict[tuple[int, int], float] = {}
        bounds = _sentence_bounds(text) if found else []
        for entry in found:
            # VADER's lexicon is English: other languages get no context sentiment.
            entry["sentiment"] = None if abstain_reason else self._context_sentiment(
                text, entry["start"], entry["end"], bounds, windows)
        return {**_summary(found), "abstain_reason": abstain_reason}

    def _context_sentiment(self, text: str, start: int, end: int, bounds: Sequence[int],
                           seen: dict[tuple[int, int], float]) -> float:
        """VADER compound of the entity's sentence, cut to ``context_chars`` either side."""
        width = self.settings.context_chars  # type: ignore[attr-defined]
        i = bisect_right(bounds, start)
        sent_lo = bounds[i - 1] if i else 0
        sent_hi = bounds[i] if i < len(bounds) else len(text)
        lo, hi = max(sent_lo, start - width), min(max(sent_hi, end), end + width)
        # widen to whole words so a cut word does not read as a different one
        while lo > 0 and not text[lo - 1].isspace():
            lo -= 1
        while hi < len(text) and not text[hi].isspace():
            hi += 1
        if (lo, hi) not in seen:  # in a short post every entity shares the whole-post window
            seen[(lo, hi)] = float(self._vader.polarity_scores(text[lo:hi])["compound"])
        return seen[(lo, hi)]


def _sentence_bounds(text: str) -> list[int]:
    """Offsets where a new sentence starts (after . ! ? … followed by space, or a line break)."""
    return [m.end() for m in _SENTENCE_BREAK.finditer(text)]


def _tweet_tokens(text: str, doc: Doc) -> Iterator[tuple[str, Token]]:
    """``(kind, token)`` for each @mention, $cashtag and #hashtag that is a whole token.

    Found by a regex over the text and kept only when it aligns with one token, which is much
    cheaper than walking every token in Python.
    """
    for m in _TWEET_TOKEN.finditer(text):
        span = doc.char_span(m.start(), m.end())
        if span is not None and len(span) == 1:
            yield m.lastgroup or "", span[0]


def _display_names(item: Item) -> dict[str, str]:
    ents = item.post.entities
    if ents is None:
        return {}
    return {m.screen_name.casefold(): m.name for m in ents.mentions if m.screen_name and m.name}


def _item(start: int, text: str, label: str, subtype: str | None, normalized: str, source: str,
          confidence: float | None, display_name: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"text": text, "label": label, "subtype": subtype, "start": start,
                           "end": start + len(text), "normalized": normalized, "source": source,
                           "confidence": confidence}
    if display_name is not None:
        out["display_name"] = display_name
    return out


def _salient(found: Sequence[Mapping[str, Any]]) -> int | None:
    """Index of the most salient item: the most repeated normalized form; ties go to a
    non-mention, then to the higher confidence, then to the earlier one."""
    if not found:
        return None
    freq: dict[str, int] = {}
    for e in found:
        key = e["normalized"].casefold()
        freq[key] = freq.get(key, 0) + 1
    return max(range(len(found)), key=lambda i: (
        freq[found[i]["normalized"].casefold()], found[i]["source"] != "mention",
        found[i]["confidence"] or 0.0, -found[i]["start"]))


def _summary(found: list[dict[str, Any]]) -> dict[str, Any]:
    counts: dict[str, int] = {}
    by_label: dict[str, list[str]] = {}
    for e in found:
        counts[e["label"]] = counts.get(e["label"], 0) + 1
        forms = by_label.setdefault(e["label"], [])
        if e["normalized"] not in forms:
            forms.append(e["normalized"])
    best = _salient(found)
    salient = None if best is None else {"text": found[best]["text"], "label": found[best]["label"],
                                         "normalized": found[best]["normalized"], "index": best}
    return {"items": found, "count": len(found), "counts": counts, "by_label": by_label,
            "salient": salient}
