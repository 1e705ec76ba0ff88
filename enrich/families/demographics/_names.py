"""First names from display names and screen names, with gender and birth-year priors.

The lexicon is compiled by ``python -m enrich.train.names`` into ``models/names/`` (SSA baby
names + nomquamgender). Screen names are segmented without a dictionary search: split on
separators, digits and camelCase, drop lead-in words ("its", "the", "real"...), then take the
longest known first name that starts a chunk.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...first_names import read_first_names

_CAMEL = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_WORD = re.compile(r"[^\W\d_]+")
# Words that start handles and display names but are not names; honorifics also carry gender.
_LEAD_INS = ("official", "itsme", "its", "iam", "the", "real", "im", "xx", "x", "lil", "dj", "dr",
             "mr", "mrs", "ms", "miss", "sir", "lady", "mz", "mister", "prof")
HONORIFIC_GENDER = {"mr": -1, "mister": -1, "sir": -1, "mrs": 1, "ms": 1, "miss": 1, "mz": 1,
                    "lady": 1}
_MIN_PREFIX = 4  # shorter name prefixes of a run-together handle are mostly accidental


@dataclass(frozen=True, slots=True)
class NameHit:
    """A first name found in a profile, with its priors."""

    name: str
    source: str  # "display_name" or "screen_name"
    p_female: float
    log10_count: float
    common_word: bool


def fold(text: str) -> str:
    """Lower-case ASCII folding: "José" -> "jose" (the lexicon keys are folded the same way)."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


class NameLexicon:
    """Name -> (p_female, log10 count, common-word flag), and name -> birth-year shares."""

    def __init__(self, folder: Path) -> None:
        self.names = read_first_names(folder)
        with np.load(folder / "birth_years.npz", allow_pickle=False) as npz:
            age_names = [str(n) for n in npz["names"]]
            self.years = npz["years"].astype(np.int64)
            share = npz["share"].astype(np.float64)
        share /= np.maximum(share.sum(axis=1, keepdims=True), 1.0)
        self._age_row = {n: i for i, n in enumerate(age_names)}
        self._share = share
        self.base_share = share.mean(axis=0)

    def _hit(self, token: str, source: str) -> NameHit | None:
        entry = self.names.get(token)
        if entry is None:
            return None
        return NameHit(token, source, entry[0], entry[1], entry[2])

    def honorific(self, display_name: str | None, screen_name: str | None) -> int:
        """+1 for Mrs/Ms/Miss, -1 for Mr/Sir, 0 otherwise."""
        if display_name:
            first = _WORD.findall(fold(display_name)[:12])
            if first and first[0] in HONORIFIC_GENDER:
                return HONORIFIC_GENDER[first[0]]
        if screen_name:
            chunks = self._raw_chunks(screen_name)
            if chunks and chunks[0] in HONORIFIC_GENDER and len(chunks) > 1:
                return HONORIFIC_GENDER[chunks[0]]
        return 0

    @staticmethod
    def _raw_chunks(screen_name: str) -> list[str]:
        chunks: list[str] = []
        for part in re.split(r"[\W\d_]+", screen_name):
            if part:
                pieces = _CAMEL.findall(part) if not part.islower() and not part.isupper() else [part]
                chunks.extend(fold(p) for p in pieces if p)
        return chunks

    def from_display_name(self, display_name: str | None) -> NameHit | None:
        if not display_name:
            return None
        tokens = _WORD.findall(fold(display_name))
        for tok in tokens[:3]:
            if tok in _LEAD_INS:
                continue
            hit = self._hit(tok, "display_name")
            if hit is not None and len(tok) >= 2:
                return hit
            break  # only the first real token is a first name
        return None

    def from_screen_name(self, screen_name: str | None) -> NameHit | None:
        if not screen_name:
            return None
        for chunk in self.segment(screen_name):
            hit = self._longest_prefix(chunk)
            if hit is not None:
                return hit
        return None

    def segment(self, screen_name: str) -> list[str]:
        """Split a handle into lower-case chunks at separators, digits and camelCase."""
        chunks = self._raw_chunks(screen_name)
        # Strip lead-ins glued to the name: "itssarah" -> "sarah", "therealjohn" -> "john",
        # unless a longer name starts there ("theresajones" keeps "theresa").
        out: list[str] = []
        for chunk in chunks:
            changed = True
            while changed and chunk:
                changed = False
                for lead in _LEAD_INS:
                    if chunk.startswith(lead) and len(chunk) - len(lead) >= 3 \
                            and chunk not in _NAMES_GUARD and not self._longer_name(chunk, lead):
                        chunk = chunk[len(lead):]
                        changed = True
                        break
            if chunk:
                out.append(chunk)
        return out[:4]

    def _longer_name(self, chunk: str, lead: str) -> bool:
        for end in range(min(len(chunk), 12), len(lead), -1):
            entry = self.names.get(chunk[:end])
            if entry is not None and not entry[2]:
                return True
        return False

    def _longest_prefix(self, chunk: str) -> NameHit | None:
        if chunk in _LEAD_INS:
            return None
        entry = self.names.get(chunk)
        if entry is not None and len(chunk) >= 3:
            return NameHit(chunk, "screen_name", entry[0], entry[1], entry[2])
        for end in range(min(len(chunk) - 1, 12), _MIN_PREFIX - 1, -1):
            prefix = chunk[:end]
            entry = self.names.get(prefix)
            if entry is not None and not entry[2]:
                return NameHit(prefix, "screen_name", entry[0], entry[1], entry[2])
        return None

    def birth_year_share(self, name: str) -> np.ndarray | None:
        row = self._age_row.get(name)
        return None if row is None else self._share[row]


# Names that begin with a lead-in and must not be cut ("theresa" is not "the" + "resa").
_NAMES_GUARD = frozenset({"theresa", "theo", "theodore", "thea", "xavier", "ximena", "imani",
                          "imogen", "imran", "drew", "dre", "misty", "missy", "sirius", "realtor",
                          "ladybug", "ismail", "itsuki", "thelma", "theron"})
