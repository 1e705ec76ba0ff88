"""Emotion word counts from the Empath lexicon, over the featurizer's normalized words.

Empath (Fast et al., CHI 2016; MIT, github.com/Ejhfast/empath-client) ships 194 word categories
built from word embeddings and checked by crowd workers, among them Plutchik's eight emotions and
optimism. It is the one emotion lexicon on PyPI we found under a licence that allows commercial
use (the NRC lexicons are research-only). We load its categories through the library and count
with our own tokens: Empath's ``analyze`` splits on spaces only (so "happy!" or "#happy" would
not count) and rebuilds its index on every call.
"""

from __future__ import annotations

from functools import lru_cache

from .normalize import Normalized

# Plutchik's eight basic emotions, the TweetEval class that is not among them, and Empath's two
# broad ones (which hold many everyday words the narrow lists lack: "happy", "angry").
CATEGORIES = ("anger", "anticipation", "disgust", "fear", "joy", "sadness", "surprise", "trust",
              "optimism", "positive_emotion", "negative_emotion")
_ELONGATED = "_elong_"
_NEGATED = "_NEG"


@lru_cache(maxsize=1)
def index() -> dict[str, tuple[int, ...]]:
    """Word -> indices into :data:`CATEGORIES` of the categories that list it."""
    from empath import Empath

    cats = Empath().cats
    missing = [c for c in CATEGORIES if c not in cats]
    if missing:
        raise LookupError(f"the installed empath has no categories {missing}")
    found: dict[str, list[int]] = {}
    for i, name in enumerate(CATEGORIES):
        for word in set(cats[name]):
            found.setdefault(word.lower(), []).append(i)
    return {w: tuple(ix) for w, ix in found.items()}


def _undouble(word: str) -> str:
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def count(norm: Normalized) -> tuple[list[int], int]:
    """Words of each category in the post, and the number of words read.

    Words are the normalized ones: lower case, hashtags also split into words, a negated word
    counted as itself ("not sad" counts toward sadness, as in LIWC-style counts). An elongated word
    has been cut to two repeats ("happyyyy" -> "happyy"), so it is looked up as written, with its
    last double letter single, then with every double single ("loove" -> "love").
    """
    table = index()
    counts = [0] * len(CATEGORIES)
    words = 0
    elongated = False
    for tok in norm.words.split():
        if tok == _ELONGATED:
            elongated = True
            continue
        if tok.endswith(_NEGATED):
            tok = tok[: -len(_NEGATED)]
        if not tok.isalpha():  # markers (_caps_, <user>, emo:…), punctuation, the hashtag itself
            elongated = False
            continue
        words += 1
        hit = table.get(tok)
        if hit is None and elongated:
            last_single = tok[:-1] if len(tok) > 2 and tok[-1] == tok[-2] else tok
            hit = table.get(last_single) or table.get(_undouble(tok))
        elongated = False
        for i in hit or ():
            counts[i] += 1
    return counts, words
