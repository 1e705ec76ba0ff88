"""Profanity from better-profanity's word list, matched by token lookup.

better-profanity (MIT) ships a curated list of ~900 English swear words and phrases and matches
them with leetspeak variants, but its matcher costs ~90 ms a post (it tries every variant at
every word), which would cap the service at a dozen posts a second. We load the same list
through the library and apply the same character substitutions by normalizing each token
instead, which makes a match one set lookup. The tests check agreement with the library.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[\w@$*]+(?:!+[\w@$*]+)*")
# better-profanity's CHARS_MAPPING read backwards: the symbol a writer substitutes -> the letter.
_LEET = str.maketrans({"@": "a", "4": "a", "1": "i", "0": "o", "3": "e", "$": "s", "5": "s", "7": "t",
                       "!": "i"})
_MAX_PHRASE = 4


@lru_cache(maxsize=1)
def wordlist() -> tuple[frozenset[str], frozenset[str]]:
    """(single words, multi-word phrases) of better-profanity's default list."""
    from better_profanity.utils import get_complete_path_of_file, read_wordlist

    words = {w.strip().lower() for w in read_wordlist(get_complete_path_of_file("profanity_wordlist.txt"))}
    words.discard("")
    return (frozenset(w for w in words if " " not in w),
            frozenset(w.translate(_LEET) for w in words if " " in w))


def _variants(low: str, leet: str) -> tuple[str, ...]:
    # "1" stands for "i" or "l" in the library's mapping, "v" for "u" or "v".
    out = [low, leet]
    if "1" in low:
        out.append(low.translate(_LEET).replace("i", "l"))
    if "v" in leet:
        out.append(leet.replace("v", "u"))
    return tuple(out)


@lru_cache(maxsize=1)
def _phrase_starts() -> frozenset[str]:
    return frozenset(p.split(" ", 1)[0] for p in wordlist()[1])


_seen: dict[str, tuple[str, bool]] = {}
_SEEN_MAX = 50_000


def _token(tok: str, singles: frozenset[str]) -> tuple[str, bool]:
    """(leet-normalized form, is a listed word) of a token; tokens repeat, so cache (bounded)."""
    hit = _seen.get(tok)
    if hit is None:
        low = tok.lower()
        norm = low.translate(_LEET)
        hit = (norm, any(v in singles for v in _variants(low, norm)))
        if len(_seen) >= _SEEN_MAX:
            _seen.clear()
        _seen[tok] = hit
    return hit


def find(text: str) -> list[str]:
    """The profane words and phrases of ``text``, as written, in order."""
    singles, phrases = wordlist()
    starts = _phrase_starts()
    tokens = _TOKEN.findall(text)
    info = [_token(t, singles) for t in tokens]
    found: list[str] = []
    i = 0
    n_tok = len(tokens)
    while i < n_tok:
        norm, listed = info[i]
        matched = 0
        if norm in starts:
            for n in range(min(_MAX_PHRASE, n_tok - i), 1, -1):
                if " ".join(x[0] for x in info[i:i + n]) in phrases:
                    matched = n
                    break
        if not matched and listed:
            matched = 1
        if not matched and i + 1 < n_tok and norm + info[i + 1][0] in singles:
            matched = 2  # a compound split in two ("butt hole")
        if matched:
            found.append(" ".join(tokens[i:i + matched]))
            i += matched
        else:
            i += 1
    return found
