"""The ``text`` family: lengths, entities, emoji, punctuation, numbers, money, scripts, readability."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import regex
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..family import Family, FamilySettings, Item
from ..post import Entities, Post
from ..registry import register
from ._text.features import emoji_hits, emoticons, flesch, money, numbers, script_counts
from ._text.twitter_text import Entity, extract_entities, extract_reply
from ._text.weighted_length import MAX_WEIGHTED_LENGTH, weighted_length

ENTITY_KINDS = ("hashtag", "mention", "cashtag", "url")
EMOJI_CATEGORIES = ("Smileys & Emotion", "People & Body", "Animals & Nature", "Food & Drink",
                    "Travel & Places", "Activities", "Objects", "Symbols", "Flags", "Component")
SKIN_TONES = ("light", "medium-light", "medium", "medium-dark", "dark")

_WORD_RE = re.compile(r"[^\W_][\w'’-]*")
_LATIN_WORD_RE = re.compile(r"[A-Za-z]+")
# A sentence: from a word character up to terminal punctuation followed by a space, or a line end.
_SENTENCE_RE = re.compile(r"[^\W_](?:[^.!?。！？…\n]|[.!?。！？…]+(?!\s|$))*")
_ASCII_UPPER_RE = re.compile(r"[A-Z]")
_ASCII_LOWER_RE = re.compile(r"[a-z]")
_UPPER_RE = regex.compile(r"\p{Lu}")
_LOWER_RE = regex.compile(r"\p{Ll}")
_PUNCT_RE = regex.compile(r"\p{P}")
_ASCII_PUNCT_RE = re.compile(r"[!\"#%&'()*,\-./:;?@\[\\\]_{}]")  # ASCII characters in \p{P}
_ASCII_SHOUT_RE = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,}(?![A-Za-z0-9])")
_TRIPLE_RE = re.compile(r"([^\W\d_])\1\1")  # cheap pre-check for elongated words
_DIGIT_RE = re.compile(r"\d")
_SHOUT_RE = regex.compile(r"(?<![\p{L}\p{N}])\p{Lu}{2,}(?![\p{L}\p{N}])")
_ELONGATED_RE = regex.compile(r"(?<![\p{L}\p{N}])(?=[\p{L}]*(\p{L})\1{2,})\p{L}+(?![\p{L}\p{N}])")
_REPEATED_PUNCT_RE = re.compile(r"[!?！？]{2,}|\.{4,}")
_RT_PREFIX_RE = re.compile(r"^\s*RT\s?@\w{1,20}:?", re.IGNORECASE)
_WS_RE = re.compile(r"\s")
_GRAPHEME_RE = regex.compile(r"\X")


class TextSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_TEXT_", extra="forbid")

    use_platform_entities: bool = Field(
        True, description="Prefer the entities the input carried over extracting them again.")
    max_list_items: int = Field(50, ge=1, description="Cap on each list in the output (long spam posts).")


def _strip_sign(s: str) -> str:
    return s[1:] if s[:1] in ("#", "＃", "@", "＠", "$") else s


def _platform_entities(text: str, ents: Entities) -> dict[str, list[Entity]]:
    """Platform entities as spans; offsets that do not index the text are dropped."""
    n = len(text)

    def ok(start: int, end: int) -> bool:
        return 0 <= start <= end <= n

    out: dict[str, list[Entity]] = {
        "hashtags": [Entity("hashtag", _strip_sign(h.text), h.start, h.end)
                     for h in ents.hashtags if ok(h.start, h.end)],
        "mentions": [Entity("mention", m.screen_name or _strip_sign(m.text), m.start, m.end)
                     for m in ents.mentions if ok(m.start, m.end)],
        "cashtags": [Entity("cashtag", _strip_sign(c.text), c.start, c.end)
                     for c in ents.cashtags if ok(c.start, c.end)],
        "urls": [Entity("url", u.url or u.text, u.start, u.end) for u in ents.urls if ok(u.start, u.end)],
    }
    return out


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text with entity spans replaced by spaces: word and number features ignore them."""
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in sorted(spans):
        if end <= pos:
            continue
        start = max(start, pos)
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _grapheme_count(text: str) -> int:
    if text.isascii():
        return len(text) - text.count("\r\n")
    return len(_GRAPHEME_RE.findall(text))


@register
class TextFamily(Family):
    name = "text"
    summary = ("Surface features of the post text, computed by rules: lengths (code points, grapheme "
               "clusters, tokens, words, the platform's weighted length), hashtags, mentions, cashtags "
               "and URLs (the platform's entities when the input carried them, otherwise extracted per "
               "the twitter-text rules with the official TLD list), emoji with names, Unicode groups and "
               "skin tones, emoticons, punctuation, case, elongated words, numbers, money amounts, "
               "scripts and an English readability estimate. Offsets are code point offsets into "
               "`post.text`.")
    method = "rules"
    version = "1"
    order = 10
    Settings = TextSettings
    settings: TextSettings
    provides = (
        A("text.char_count", "integer", "Length in Unicode code points.", minimum=0),
        A("text.grapheme_count", "integer",
          "Length in user-perceived characters (extended grapheme clusters): an emoji family is one.",
          minimum=0),
        A("text.weighted_length", "integer",
          "The platform's weighted length (twitter-text v3: URLs count 23, emoji 2, CJK 2, Latin 1).",
          minimum=0),
        A("text.within_length_limit", "boolean",
          f"True when the weighted length is between 1 and {MAX_WEIGHTED_LENGTH} and the text has "
          "no invalid characters (the platform would accept it)."),
        A("text.token_count", "integer", "Whitespace-separated tokens, entities included.", minimum=0),
        A("text.word_count", "integer",
          "Words (runs of letters and digits with at least one letter) outside hashtags, "
          "mentions, cashtags, URLs and emoji.", minimum=0),
        A("text.unique_word_ratio", "probability",
          "Distinct words (case-folded) divided by words: lexical diversity; null without words."),
        A("text.mean_word_length", "number", "Mean word length in code points; null without words.",
          minimum=0),
        A("text.sentence_count", "integer",
          "Sentences, split on terminal punctuation and line breaks (at least 1 for non-blank text).",
          minimum=0),
        A("text.line_count", "integer", "Lines (line breaks + 1; 0 for empty text).", minimum=0),
        A("text.newline_count", "integer", "Line breaks in the text.", minimum=0),
        A("text.whitespace_ratio", "probability", "Share of code points that are whitespace."),
        A("text.entities_source", "string",
          "Where hashtags, mentions, cashtags and URLs come from: the input's own entities, or "
          "extraction per the twitter-text rules.", enum=("platform", "extracted")),
        A("text.hashtags[]", "string", "Hashtags in order of appearance, without '#'."),
        A("text.hashtag_count", "integer", "Number of hashtags.", minimum=0),
        A("text.mentions[]", "string", "Mentioned screen names in order, without '@'."),
        A("text.mention_count", "integer", "Number of mentions.", minimum=0),
        A("text.leading_mention_count", "integer",
          "Mentions before any other word (the reply prefix of a conversation).", minimum=0),
        A("text.reply_prefix_screen_name", "string",
          "Screen name the text starts with ('@name ...'), the twitter-text reply rule."),
        A("text.cashtags[]", "string", "Cashtags (stock or coin symbols) in order, without '$'."),
        A("text.cashtag_count", "integer", "Number of cashtags.", minimum=0),
        A("text.urls[]", "string", "URLs as written in the text (often t.co links)."),
        A("text.url_count", "integer", "Number of URLs.", minimum=0),
        A("text.media_count", "integer",
          "Attached photos/videos according to the input's entities; null when it carried none.",
          minimum=0),
        A("text.entities[].kind", "string", "Kind of the entity span.", enum=ENTITY_KINDS,
          nullable=False),
        A("text.entities[].text", "string", "Entity value: tag, screen name, symbol or URL.",
          nullable=False),
        A("text.entities[].start", "integer", "Start offset (code points) in post.text.", minimum=0,
          nullable=False),
        A("text.entities[].end", "integer", "End offset (exclusive, code points) in post.text.",
          minimum=0, nullable=False),
        A("text.is_retweet_prefix", "boolean", "The text starts with the old-style 'RT @name:' prefix."),
        A("text.emoji[].char", "string", "The emoji as it appears (a full sequence: ZWJ, flags, tones).",
          nullable=False),
        A("text.emoji[].name", "string", "CLDR short name of the emoji (English).", nullable=False),
        A("text.emoji[].category", "string", "Unicode emoji group of the emoji.", enum=EMOJI_CATEGORIES),
        A("text.emoji[].skin_tone", "string", "Fitzpatrick skin tone modifier, when present.",
          enum=SKIN_TONES),
        A("text.emoji[].start", "integer", "Start offset (code points) in post.text.", minimum=0,
          nullable=False),
        A("text.emoji_count", "integer", "Number of emoji (sequences count once).", minimum=0),
        A("text.unique_emoji_count", "integer", "Number of distinct emoji.", minimum=0),
        A("text.emoji_categories[]", "string", "Distinct emoji groups present, most frequent first.",
          enum=EMOJI_CATEGORIES),
        A("text.skin_tones[]", "string", "Distinct skin tones used in emoji.", enum=SKIN_TONES),
        A("text.emoticons[]", "string", "ASCII/kaomoji emoticons such as :-) <3 ^_^ in order."),
        A("text.emoticon_count", "integer", "Number of emoticons.", minimum=0),
        A("text.punctuation_count", "integer",
          "Unicode punctuation characters outside entities and emoticons.", minimum=0),
        A("text.question_mark_count", "integer", "Question marks (ASCII and full-width).", minimum=0),
        A("text.exclamation_mark_count", "integer", "Exclamation marks (ASCII and full-width).",
          minimum=0),
        A("text.repeated_punctuation_count", "integer",
          "Runs of repeated ! and ? (such as '!!' or '?!') or of four or more dots.", minimum=0),
        A("text.is_question", "boolean", "The text asks something: it contains a question mark."),
        A("text.uppercase_ratio", "probability",
          "Upper-case letters divided by cased letters outside entities; null without cased letters."),
        A("text.uppercase_word_count", "integer",
          "All-capital words of two or more letters (shouting, acronyms).", minimum=0),
        A("text.elongated_words[]", "string",
          "Words with a letter repeated three or more times in a row ('soooo', 'noooo')."),
        A("text.elongated_word_count", "integer", "Number of elongated words.", minimum=0),
        A("text.numbers[]", "string", "Stand-alone numbers as written, outside entities."),
        A("text.number_count", "integer", "Number of stand-alone numbers.", minimum=0),
        A("text.money[].text", "string", "A money amount as written ('$49.99', '20 euros').",
          nullable=False),
        A("text.money[].amount", "number", "The amount as a number (k/m/bn suffixes applied).",
          nullable=False),
        A("text.money[].currency", "string",
          "ISO 4217 code of the currency ('$' is read as USD; BTC/ETH for coins).", nullable=False),
        A("text.money_count", "integer", "Number of money amounts.", minimum=0),
        A("text.scripts[]", "string",
          "ISO 15924 codes of the scripts of the letters, most letters first (Zzzz: other).",),
        A("text.dominant_script", "string", "ISO 15924 code of the script most letters are in."),
        A("text.script_count", "integer", "Number of distinct scripts among the letters.", minimum=0),
        A("text.dominant_script_share", "probability",
          "Share of letters in the dominant script (1.0: a single script)."),
        A("text.non_ascii_ratio", "probability", "Share of code points outside ASCII."),
        A("text.digit_ratio", "probability", "Share of code points that are decimal digits."),
        A("text.flesch_reading_ease", "number",
          "Flesch reading ease of the words outside entities (English formula, syllables by vowel "
          "groups); only for Latin-script text of three words or more; higher is easier."),
        A("text.flesch_kincaid_grade", "number",
          "Flesch-Kincaid grade level, same conditions as flesch_reading_ease."),
    )

    def setup(self) -> None:
        # Compile the large patterns (TLD and emoji tries) once per process, before any post.
        text_features(Post(text="warm up #tag @name $TAG https://example.com 😀 :) $5"))

    def enrich_one(self, item: Item) -> dict[str, Any]:
        return text_features(item.post, self.settings.use_platform_entities, self.settings.max_list_items)


def text_features(post: Post, use_platform: bool = True, cap: int = 50) -> dict[str, Any]:
    text = post.text or ""
    n = len(text)
    if use_platform and post.entities is not None:
        source = "platform"
        ents = _platform_entities(text, post.entities)
    else:
        source = "extracted"
        ents = extract_entities(text)
    spans = [(e.start, e.end) for group in ents.values() for e in group]
    ems = emoji_hits(text)
    emos = emoticons(text)
    clean = _blank(text, spans + [(h.start, h.end) for h in ems])
    ascii_clean = clean.isascii()
    words = [w for w in _WORD_RE.findall(clean) if not w.isdigit()]
    folded = [w.casefold() for w in words]
    wl = weighted_length(text, [(e.start, e.end) for e in ents["urls"]] if source == "extracted" else None,
                         [(h.start, h.end) for h in ems])
    if ascii_clean:
        upper, lower = len(_ASCII_UPPER_RE.findall(clean)), len(_ASCII_LOWER_RE.findall(clean))
    else:
        upper, lower = len(_UPPER_RE.findall(clean)), len(_LOWER_RE.findall(clean))
    scripts = script_counts(clean)
    letters = sum(scripts.values())
    dominant = next(iter(scripts), None)
    sentences = len(_SENTENCE_RE.findall(clean))
    elongated = [m.group() for m in _ELONGATED_RE.finditer(clean)] if _TRIPLE_RE.search(clean) else []
    nums = numbers(clean)
    amounts = money(_blank(text, spans))
    readability = None
    if dominant == "Latn":
        latin_words = [w for w in words if _LATIN_WORD_RE.fullmatch(w)]
        readability = flesch(latin_words, max(sentences, 1))
    tag_spans: list[dict[str, Any]] = sorted(
        [{"kind": e.kind, "text": e.text, "start": e.start, "end": e.end}
         for group in ents.values() for e in group], key=lambda d: int(d["start"]))
    cat_counts: dict[str, int] = {}
    for h in ems:
        if h.category:
            cat_counts[h.category] = cat_counts.get(h.category, 0) + 1
    tones = list(dict.fromkeys(h.skin_tone for h in ems if h.skin_tone))
    leading, pos = 0, 0
    for m in sorted(ents["mentions"], key=lambda e: e.start):
        if text[pos:m.start].strip(" \t\n.") or m.start < pos:
            break
        leading, pos = leading + 1, m.end
    media = len(post.entities.media) if post.entities is not None else None
    punct_text = clean
    for e in emos:
        punct_text = punct_text.replace(e, " ", 1)
    return {
        "char_count": n,
        "grapheme_count": _grapheme_count(text),
        "weighted_length": wl.weighted_length,
        "within_length_limit": wl.valid,
        "token_count": len(text.split()),
        "word_count": len(words),
        "unique_word_ratio": _ratio(len(set(folded)), len(folded)),
        "mean_word_length": _ratio(sum(map(len, words)), len(words)),
        "sentence_count": sentences,
        "line_count": text.count("\n") + 1 if text else 0,
        "newline_count": text.count("\n"),
        "whitespace_ratio": _ratio(len(_WS_RE.findall(text)), n),
        "entities_source": source,
        "hashtags": [e.text for e in ents["hashtags"][:cap]],
        "hashtag_count": len(ents["hashtags"]),
        "mentions": [e.text for e in ents["mentions"][:cap]],
        "mention_count": len(ents["mentions"]),
        "leading_mention_count": leading,
        "reply_prefix_screen_name": extract_reply(text),
        "cashtags": [e.text for e in ents["cashtags"][:cap]],
        "cashtag_count": len(ents["cashtags"]),
        "urls": [e.text for e in ents["urls"][:cap]],
        "url_count": len(ents["urls"]),
        "media_count": media,
        "entities": tag_spans[:cap],
        "is_retweet_prefix": bool(_RT_PREFIX_RE.match(text)),
        "emoji": [{"char": h.char, "name": h.name, "category": h.category, "skin_tone": h.skin_tone,
                   "start": h.start} for h in ems[:cap]],
        "emoji_count": len(ems),
        "unique_emoji_count": len({h.char for h in ems}),
        "emoji_categories": sorted(cat_counts, key=lambda c: (-cat_counts[c], c)),
        "skin_tones": tones,
        "emoticons": emos[:cap],
        "emoticon_count": len(emos),
        "punctuation_count": len((_ASCII_PUNCT_RE if ascii_clean else _PUNCT_RE).findall(punct_text)),
        "question_mark_count": clean.count("?") + clean.count("？"),
        "exclamation_mark_count": clean.count("!") + clean.count("！"),
        "repeated_punctuation_count": len(_REPEATED_PUNCT_RE.findall(clean)),
        "is_question": "?" in clean or "？" in clean,
        "uppercase_ratio": _ratio(upper, upper + lower),
        "uppercase_word_count": len((_ASCII_SHOUT_RE if ascii_clean else _SHOUT_RE).findall(clean)),
        "elongated_words": elongated[:cap],
        "elongated_word_count": len(elongated),
        "numbers": nums[:cap],
        "number_count": len(nums),
        "money": [{"text": m.text, "amount": m.amount, "currency": m.currency} for m in amounts[:cap]],
        "money_count": len(amounts),
        "scripts": list(scripts),
        "dominant_script": dominant,
        "script_count": len(scripts),
        "dominant_script_share": _ratio(scripts[dominant], letters) if dominant else None,
        "non_ascii_ratio": _ratio(n - len(text.encode("ascii", "ignore")), n),
        "digit_ratio": _ratio(len(_DIGIT_RE.findall(text)), n),
        "flesch_reading_ease": round(readability[0], 2) if readability else None,
        "flesch_kincaid_grade": round(readability[1], 2) if readability else None,
    }
