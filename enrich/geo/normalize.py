"""Name folding shared by the gazetteer builder and every lookup.

Folding must be identical at build time and at lookup time, so it lives in one place:
case-folded, accents stripped (NFKD minus combining marks, so "São Paulo" and "Sao Paulo" meet),
punctuation turned into single spaces. Non-Latin scripts keep their letters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
# Letters whose NFKD form has no base letter but which fold to ASCII by convention.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "þ": "th",
        "’": "'",
        "‘": "'",
    }
)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """The lookup key of a place name: lower case, no accents, words separated by one space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "St. John's" -> "st johns": apostrophes join, other punctuation separates.
    stripped = stripped.replace("'", "")
    # A second pass: NFKD can turn one character into letters that fold further.
    return _NON_WORD.sub(" ", stripped.casefold().translate(_SPECIAL)).strip()


def is_latin(text: str) -> bool:
    """True when every letter of ``text`` is Latin (or the text has no letters)."""
    return all(not (ch.isalpha() and "LATIN" not in unicodedata.name(ch, "")) for ch in text)
