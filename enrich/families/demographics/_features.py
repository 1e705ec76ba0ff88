"""Sparse features of the trained author classifier, shared by training and inference.

Profile features (screen-name character n-grams, bio words and bigrams) are computed once per
author; post features (words of the post text) once per post. Keeping both in this one module
is what guarantees that training and inference see the same strings.
"""

from __future__ import annotations

import itertools
import re

_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_MENTION = re.compile(r"@\w+")
_TOKEN = re.compile(r"#?\w+(?:'\w+)?|[^\w\s]")
DIGITS = re.compile(r"\d")


def handle_features(screen_name: str | None) -> list[str]:
    if not screen_name:
        return ["h:__none"]
    s = "^" + screen_name.lower()[:30] + "$"
    feats = [f"h:{s[i:i + n]}" for n in (2, 3, 4) for i in range(len(s) - n + 1)]
    if DIGITS.search(screen_name):
        feats.append("h:__digits")
    return feats


def words(text: str) -> list[str]:
    text = text.lower()
    # Substring checks skip the substitutions when they cannot match (most texts).
    if "http" in text or "www." in text:
        text = _URL.sub(" __url__ ", text)
    if "@" in text:
        text = _MENTION.sub(" @user ", text)
    return _TOKEN.findall(text)[:80]


def description_features(description: str | None) -> list[str]:
    if not description or not description.strip():
        return ["d:__empty"]
    toks = words(description)
    feats = [f"d:{t}" for t in toks]
    feats.extend(f"d:{a} {b}" for a, b in itertools.pairwise(toks))
    return feats


def text_features(text: str | None) -> list[str]:
    if not text or not text.strip():
        return ["t:__empty"]
    return [f"t:{t}" for t in words(text)]
