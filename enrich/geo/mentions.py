"""Places mentioned in post text: gazetteer n-gram matches and location entities.

Text is not a profile field: most capitalised words are not places, so a gazetteer match
must look like a name (capitalised, not a common lower-case word in tweets, not a stop word,
not an @handle) and a lone city must be big enough to be the likely reading; entity spans
labelled as locations by the ``entities`` family are accepted with less evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .gazetteer import CITY, COUNTRY, Gazetteer
from .nicknames import CITY_ALIASES, COUNTRY_ALIASES
from .normalize import fold
from .resolve import Priors, Resolver

_WORD = re.compile(r"[^\W_](?:[\w]|['’.\-&](?=\w))*")
_STOP = frozenset("""a an and are as at be but by for from has have he her his i if in into is it its
me my no not of on or our she so than that the their them then there these they this to too up us
was we were what when where which who why will with you your yours im ive dont cant just get got
like new good great big little old day today night time man men world love life one two all more
home north south east west central city state county republic kingdom island islands""".split())
# All-caps abbreviations we trust in running text ("NYC", "UK"); two-letter codes are not.
_TRUSTED_CAPS = frozenset(k.upper().replace(" ", "") for k in (*CITY_ALIASES, *COUNTRY_ALIASES)
                          if len(k.replace(" ", "")) >= 2)
LOCATION_LABELS = frozenset({"location", "loc", "gpe", "geo-loc", "place", "geo"})


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    row: int
    confidence: float
    granularity: str
    source: str  # gazetteer | entities


class MentionFinder:
    def __init__(self, gaz: Gazetteer, resolver: Resolver, min_city_population: int = 100_000) -> None:
        self.gaz = gaz
        self.resolver = resolver
        self.min_city_population = min_city_population
        self.max_words = min(gaz.max_key_words, 5)

    def _looks_like_name(self, span: str, words: list[str], key: str, prev_char: str) -> bool:
        if prev_char == "@":
            return False
        if span.isupper():
            squashed = span.replace(" ", "").replace(".", "")
            if len(squashed) <= 3 and squashed not in _TRUSTED_CAPS:
                return False
        elif not all(w[0].isupper() or w.casefold() in _STOP for w in words):
            return False
        if not words[0][0].isupper() and not words[0][0].isdigit():
            return False
        if len(words) == 1 and (key in self.gaz.common or key in _STOP):
            return False
        return not all(w.casefold() in _STOP for w in words)

    def find(self, text: str, priors: Priors | None,
             entity_spans: Iterable[tuple[int, int, str]] = ()) -> list[Mention]:
        gaz = self.gaz
        found: list[Mention] = []
        taken: list[tuple[int, int]] = []
        for start, end, span in entity_spans:
            rows = gaz.lookup(span)
            res = self.resolver.rank(rows, priors, span, base=0.95) if rows else None
            if res is not None:
                found.append(Mention(start, end, span, res.row, res.confidence, res.granularity, "entities"))
                taken.append((start, end))
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        i = 0
        while i < len(tokens):
            matched = False
            for n in range(min(self.max_words, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                span = text[start:end]
                # n-grams only over words separated by plain spaces or hyphens.
                if n > 1 and not all(tokens[j + 1][0] - tokens[j][1] <= 1 and
                                     text[tokens[j][1]:tokens[j + 1][0]] in (" ", "-")
                                     for j in range(i, i + n - 1)):
                    continue
                key = fold(span)
                rows = gaz.names.get(key)
                if not rows:
                    continue
                if any(s < end and start < e for s, e in taken):
                    matched = True
                    break
                prev_char = text[start - 1] if start else ""
                words = [t[2] for t in tokens[i:i + n]]
                if not self._looks_like_name(span, words, key, prev_char):
                    continue
                candidates = [r for r in rows if gaz.kind[r] != CITY or
                              gaz.population[r] >= self.min_city_population or n > 1]
                if not candidates:
                    continue
                res = self.resolver.rank(candidates, priors, span, base=0.9)
                if res is None:
                    continue
                found.append(Mention(start, end, span, res.row, res.confidence, res.granularity, "gazetteer"))
                taken.append((start, end))
                i += n
                matched = True
                break
            if not matched:
                i += 1
        found.sort(key=lambda m: m.start)
        return found


def country_priors(gaz: Gazetteer, base: Priors | None, mentions: list[Mention]) -> Priors:
    """Priors sharpened by the countries the post mentions outright."""
    countries = dict(base.countries) if base else {}
    for m in mentions:
        if gaz.kind[m.row] == COUNTRY:
            cc = gaz.country_code(m.row)
            countries[cc] = max(countries.get(cc, 1.0), 5.0)
    if base is None:
        return Priors(countries)
    return Priors(countries, base.timezones, base.utc_offset, base.languages)
