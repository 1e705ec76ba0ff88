"""Tokens for topic matching: words, hashtags, cashtags and mentions, plus hashtag segmentation.

Matching happens on lowercase tokens; the tokenizer keeps the characters that lexicon terms
need inside a word ("c++", "s&p", "r&b", "node.js", "f-150", "mcdonald's") and marks hashtags,
cashtags and mentions by their sigil.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

# A word: letters/digits joined by in-word punctuation, optional trailing "+" ("c++", "disney+").
_WORD = r"[^\W_]+(?:['’&.+\-*/][^\W_]+)*\+*"
# A hashtag runs to its end, underscores included ("#new_york" is one tag, segmented later). A
# handle stops at its first underscore and the rest reads as words: "@Atlanta_Falcons" and
# "@br_football" say what the account is about more often than "@the_hindu" misleads.
_TAG_WORD = r"\w+(?:['’&.+\-*/]\w+)*\+*"
TOKEN_RE = re.compile(rf"#{_TAG_WORD}|[$@]?{_WORD}|%")
_CAMEL_RE = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\d|$)|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")
_ELONGATED_RE = re.compile(r"(.)\1{2,}")


class Token(NamedTuple):
    """One token: ``text`` lowercased without its sigil, ``kind`` word/hashtag/cashtag/mention."""

    text: str
    raw: str
    kind: str


def tokenize(text: str) -> list[Token]:
    out: list[Token] = []
    for raw in TOKEN_RE.findall(text.replace("’", "'")):
        sigil = raw[0]
        if sigil not in "#$@" or len(raw) == 1:
            out.append(Token(raw.lower(), raw, "word"))
        elif sigil == "#":
            out.append(Token(raw[1:].lower(), raw, "hashtag"))
        elif sigil == "$":
            body = raw[1:]
            # "$5" and "$4.99" are prices, not cashtags
            kind = "cashtag" if body[0].isalpha() and len(body) <= 10 else "word"
            out.append(Token(body.lower(), raw, kind))
        else:
            out.append(Token(raw[1:].lower(), raw, "mention"))
    return out


def word_variants(word: str) -> list[str]:
    """Fallback spellings of an unmatched word: possessive, plural, elongation ("goooal")."""
    out: list[str] = []
    if word.endswith("'s") and len(word) > 3:
        out.append(word[:-2])
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        out.append(word[:-1])
    if _ELONGATED_RE.search(word):
        out.append(_ELONGATED_RE.sub(r"\1\1", word))
        out.append(_ELONGATED_RE.sub(r"\1", word))
    return out


@lru_cache(maxsize=1)
def _unigram_counts() -> tuple[dict[str, float], float]:
    """``wordsegment``'s unigram counts and their total, loaded once per process (the table is
    shared with every other user of ``wordsegment`` in the process, so no copy is made)."""
    import wordsegment

    wordsegment.load()
    return wordsegment.UNIGRAMS, float(wordsegment._segmenter.total)


class HashtagSegmenter:
    """Splits hashtag bodies into words: CamelCase and digits first, then a unigram Viterbi
    search over ``wordsegment``'s word counts (the Google Web Trillion Word Corpus).

    ``wordsegment.segment`` itself runs a recursive bigram search that costs about a millisecond
    per hashtag; the unigram Viterbi below gives the same splits on hashtags in tens of
    microseconds, and results are cached because hashtags repeat.
    """

    MAX_WORD = 24

    def __init__(self, use_wordsegment: bool = True, cache_size: int = 65536) -> None:
        self._counts: dict[str, float] = {}
        self._total = 1.0
        if use_wordsegment:
            self._counts, self._total = _unigram_counts()
        self._log_total = math.log10(self._total)
        # wordsegment's penalty for unknown words, by length: longer unknown strings are rarer
        self._unknown = [math.log10(10.0 / (self._total * 10.0 ** k)) for k in range(self.MAX_WORD + 1)]
        self.split = lru_cache(maxsize=cache_size)(self._split)

    def segment(self, text: str) -> list[str]:
        """Most likely split of a lowercase ASCII run into words."""
        n = len(text)
        counts, unknown, log_total, log10 = self._counts, self._unknown, self._log_total, math.log10
        best = [0.0] + [-math.inf] * n
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            top, arg = -math.inf, 0
            for j in range(max(0, i - self.MAX_WORD), i):
                count = counts.get(text[j:i])
                score = best[j] + (log10(count) - log_total if count else unknown[i - j])
                if score > top:
                    top, arg = score, j
            best[i], back[i] = top, arg
        words: list[str] = []
        i = n
        while i > 0:
            words.append(text[back[i]:i])
            i = back[i]
        return words[::-1]

    def _split(self, body: str) -> tuple[str, ...]:
        words: list[str] = []
        for part in _CAMEL_RE.findall(body):
            low = part.lower()
            if self._counts and part.isascii() and part.isalpha() and len(part) > 3 \
                    and (part.islower() or part.isupper()) and len(part) <= 60:
                words.extend(self.segment(low))
            else:
                words.append(low)
        return tuple(words)
