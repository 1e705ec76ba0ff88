"""Tweet-aware normalization: one left-to-right scan of the text.

The scan yields two strings: ``words`` (tokens for word n-grams, with placeholders, emoji
names, emoticon polarity, emphasis markers and ``_NEG`` suffixes inside a negation's scope)
and ``chars`` (lowercased text with placeholders, for character n-grams), plus counts of the
emphasis cues that the sentiment family reports as flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import emoji

# TweetEval replaces links with "http" and mentions with "@user": both spellings map to the same
# placeholder so that training data and live posts look alike.
_SCAN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+|\bhttps?\b)"
    r"|(?P<mention>(?<![\w@])@\w{1,20})"
    r"|(?P<hashtag>(?<![\w#])#\w+)"
    r"|(?P<pos>(?<![\w:])(?:[:=;][-']?[)\]}DpP3]+|\(+[-']?[:=]|<3+|\^_*\^|[xX]D+\b))"
    r"|(?P<neg>(?<![\w:])(?:[:=;]['’]?-?[(\[/\\{|]+(?!\w)|</3|[)]-?[:=]|D-?:(?!\w)))"
    r"|(?P<word>[^\W_](?:[\w’']*\w)?)"
    r"|(?P<punct>[.,;:!?…]+)"
    r"|(?P<other>\S)"
)
_ELONG = re.compile(r"(\w)\1{2,}")
_CAMEL = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|\d)|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NEGATORS = frozenset((
    "not", "no", "never", "nothing", "nobody", "none", "nowhere", "neither", "nor", "cannot", "cant",
    "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt",
    "couldnt", "hasnt", "havent", "hadnt", "aint", "without",
))
_MAX_SEGMENT = 24  # longer lowercase hashtags are kept whole: segmenting them costs more than it gives


@dataclass(frozen=True, slots=True)
class Normalized:
    words: str
    chars: str
    negations: int
    allcaps: int
    elongated: int
    emoji_positive: int
    emoji_negative: int
    emoticon_positive: int
    emoticon_negative: int
    exclamations: int
    questions: int


@lru_cache(maxsize=1)
def _emoji_table() -> dict[str, tuple[str, int]]:
    """Single-codepoint emoji -> (token, polarity -1/0/+1 from VADER's reading of its name)."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    table: dict[str, tuple[str, int]] = {}
    for char, data in emoji.EMOJI_DATA.items():
        base = char.replace("\ufe0f", "")
        if len(base) != 1:
            continue
        name = str(data.get("en", "")).strip(":").lower()
        if not name or name.endswith("skin_tone"):
            continue
        described = vader.emojis.get(char) or vader.emojis.get(base) or name.replace("_", " ")
        score = vader.polarity_scores(described)["compound"]
        polarity = 1 if score >= 0.3 else -1 if score <= -0.3 else 0
        table[base] = ("emo:" + re.sub(r"\W+", "_", name), polarity)
    return table


@lru_cache(maxsize=1)
def _segmenter() -> object:
    import wordsegment

    wordsegment.load()
    return wordsegment


@lru_cache(maxsize=65536)
def hashtag_words(tag: str) -> tuple[str, ...]:
    """Words of a hashtag body: camelCase and digits split; lowercase bodies segmented."""
    parts = _CAMEL.findall(tag)
    if len(parts) > 1 or not tag.isalpha() or not tag.islower() or len(tag) > _MAX_SEGMENT or len(tag) < 6:
        return tuple(p.lower() for p in parts) or (tag.lower(),)
    seg = _segmenter()
    return tuple(seg.segment(tag))  # type: ignore[attr-defined]


def normalize(text: str) -> Normalized:
    emojis = _emoji_table()
    words: list[str] = []
    chars: list[str] = []
    in_scope = False
    negations = allcaps = elongated = 0
    emo_pos = emo_neg = emot_pos = emot_neg = excl = quest = 0
    for m in _SCAN.finditer(text):
        kind = m.lastgroup
        tok = m.group()
        if kind == "word":
            low = tok.lower().replace("’", "'")
            if len(tok) >= 3 and tok.isupper() and tok.isalpha():
                allcaps += 1
                words.append("_caps_")
            if _ELONG.search(low):
                elongated += 1
                low = _ELONG.sub(r"\1\1", low)
                words.append("_elong_")
            chars.append(low)
            bare = low.replace("'", "")
            if bare in _NEGATORS or low.endswith("n't"):
                negations += 1
                in_scope = True
                words.append(low)
                continue
            words.append(low + "_NEG" if in_scope else low)
        elif kind == "punct":
            in_scope = False
            excl += tok.count("!")
            quest += tok.count("?")
            mark = tok[0] if len(tok) == 1 or len(set(tok)) == 1 else tok[:2]
            words.append(mark + ("+" if len(tok) > 1 else ""))
            chars.append(tok[:3])
        elif kind == "url":
            words.append("<url>")
            chars.append("http")
        elif kind == "mention":
            words.append("<user>")
            chars.append("@user")
        elif kind == "hashtag":
            body = tok[1:]
            words.append("#" + body.lower())
            split = hashtag_words(body)
            words.extend(split)
            chars.append(" ".join(split))
        elif kind == "pos":
            emot_pos += 1
            words.append("<emoticon+>")
        elif kind == "neg":
            emot_neg += 1
            words.append("<emoticon->")
        else:
            hit = emojis.get(tok)
            if hit is None:
                continue
            name, polarity = hit
            words.append(name)
            chars.append(tok)
            if polarity > 0:
                emo_pos += 1
                words.append("<emoji+>")
            elif polarity < 0:
                emo_neg += 1
                words.append("<emoji->")
    return Normalized(" ".join(words), " ".join(chars), negations, allcaps, elongated,
                      emo_pos, emo_neg, emot_pos, emot_neg, excl, quest)


_SENTENCE = re.compile(r"[^.!?…\n]*(?:[.!?…]+|\n|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text`` (stripped; spans without letters dropped)."""
    spans: list[tuple[int, int]] = []
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped or not any(c.isalpha() for c in stripped):
            continue
        lead = len(chunk) - len(chunk.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
    return spans
