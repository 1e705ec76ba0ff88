"""Places mentioned in post text: gazetteer n-gram matches and location entities.

Text is not a profile field: most capitalised words are not places, so a gazetteer match
must look like a name (capitalised, not a common lower-case word in tweets, not a stop word,
not an @handle) and a lone city must be big enough to be the likely reading; entity spans
labelled as locations by the ``entities`` family are accepted with less evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .gazetteer import ADMIN1, ADMIN2, CITY, COUNTRY, Gazetteer
from .nicknames import CITY_ALIASES, COUNTRY_ALIASES
from .normalize import fold
from .resolve import Priors, Resolver

# Words for the matcher: apostrophes and "&" join ("O'Fallon", "J&K"), a dot only after a single
# letter ("U.S", "D.C"), never a possessive "'s" ("Spain's"); hyphens split ("pro-Russia") and
# n-grams rejoin hyphenated names ("Winston-Salem").
_WORD = re.compile(r"[^\W_](?:\w|['’&](?!s\b)(?=\w)|(?<=\b\w)\.(?=\w))*")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "im",
        "ive",
        "dont",
        "cant",
        "just",
        "get",
        "got",
        "like",
        "new",
        "good",
        "great",
        "big",
        "little",
        "old",
        "day",
        "today",
        "night",
        "time",
        "man",
        "men",
        "world",
        "love",
        "life",
        "one",
        "two",
        "all",
        "more",
        "home",
        "north",
        "south",
        "east",
        "west",
        "central",
        "city",
        "state",
        "county",
        "republic",
        "kingdom",
        "island",
        "islands",
    ]
)
_NICKNAME_KEYS = frozenset(CITY_ALIASES) | frozenset(COUNTRY_ALIASES)
# All-caps abbreviations we trust in running text ("NYC", "UK"); two-letter codes are not.
_TRUSTED_CAPS = frozenset(
    k.upper().replace(" ", "") for k in (*CITY_ALIASES, *COUNTRY_ALIASES) if len(k.replace(" ", "")) >= 2
)
# Country abbreviations that are safe in running text when written in capitals.
_TEXT_CODES = {"US": "US", "USA": "US", "UK": "GB", "UAE": "AE", "DRC": "CD", "KSA": "SA"}
# "Napa, CA", "Fargo, ND": a capitalised name, a comma, a US state code.
_CITY_STATE = re.compile(r"\b([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2}),\s?([A-Z]{2})\b")
LOCATION_LABELS = frozenset({"location", "loc", "gpe", "geo-loc", "place", "geo"})
# log10 of US births (SSA) above which a given name before a capitalised word reads as a person:
# Paul, David, Taylor, Austin, Dallas, Sydney; not Paris, London, Atlanta, Cleveland.
_COMMON_GIVEN_NAME = 5.0
_SENTENCE_END = re.compile(r"[.!?:;\n\"“”()\[\]|]")
# Months and weekday abbreviations that are also towns (March, Cambridgeshire; Mon State).
_CALENDAR_WORDS = frozenset((
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
))


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    row: int
    confidence: float
    granularity: str
    source: str  # gazetteer | entities
    continent: tuple[int, str, float, float] | None = None  # set when ``row`` is -1


class MentionFinder:
    def __init__(self, gaz: Gazetteer, resolver: Resolver, min_city_population: int = 20_000,
                 first_names: Mapping[str, float] | None = None) -> None:
        self.gaz = gaz
        self.resolver = resolver
        self.min_city_population = min_city_population
        # Given names ("Paul", "George", "Austin", "Jordan") are towns and countries too; next to
        # another capitalised word they are far more often part of a person's name. Maps the
        # folded name to log10 of its US births (SSA).
        self.first_names: Mapping[str, float] = first_names or {}
        self.max_words = min(gaz.max_key_words, 5)
        self.prefixes = gaz.prefixes
        self.text_codes = {code: gaz.country_row[gaz.country_index[cc]] for code, cc in _TEXT_CODES.items()}

    def _text_candidates(self, rows: list[int], key: str, n_words: int, lower: bool) -> list[int]:
        """Readings of a name that are plausible in running text."""
        gaz = self.gaz
        out = []
        # An alternate spelling of six letters or more is taken, but not one that is a given name
        # ("Victor" for Victorville, "Norris" for Norristown).
        alternate_ok = len(key) >= 6 and key not in self.first_names
        for r in rows:
            kind = gaz.kind[r]
            primary = fold(gaz.display[r]) == key or key in _NICKNAME_KEYS or alternate_ok
            if kind == COUNTRY:
                ok = primary or not lower
            elif kind == ADMIN1:
                ok = primary and not lower
            elif kind == ADMIN2:
                ok = "county" in key and not lower
            else:
                pop = gaz.population[r]
                ok = primary and (
                    pop >= (1_000_000 if lower else self.min_city_population) or (n_words > 1 and not lower)
                )
            if ok:
                out.append(r)
        return out

    def _looks_like_name(
        self, span: str, words: list[str], key: str, prev_char: str, lower_ok: bool = True
    ) -> bool:
        if prev_char == "@":
            return False
        if span.isupper():
            squashed = span.replace(" ", "").replace(".", "")
            if len(squashed) <= 3 and squashed not in _TRUSTED_CAPS:
                return False
        elif not all(w[0].isupper() or w.casefold() in _STOP for w in words):
            return (
                lower_ok
                and all(w.islower() for w in words)
                and key not in self.gaz.common
                and key not in _STOP
                and len(key) >= 4
            )
        if not words[0][0].isupper() and not words[0][0].isdigit():
            return False
        if len(words) == 1 and (key in self.gaz.common or key in _STOP) and key not in _NICKNAME_KEYS:
            return False
        return not all(w.casefold() in _STOP for w in words)

    @staticmethod
    def _title_case(tokens: list[tuple[int, int, str]]) -> bool:
        """Most words of four letters or more capitalised ("Cleveland Fans Flood The Streets")."""
        long = [t[2] for t in tokens if len(t[2]) >= 4 and t[2][0].isalpha()]
        return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.75 * len(long)

    def _in_person_name(self, text: str, tokens: list[tuple[int, int, str]], i: int,
                        granularity: str) -> bool:
        """Whether the one-word name at ``tokens[i]`` reads as part of a person's name: a given
        name followed by a capitalised word that is not a place ("Paul McCartney", "Taylor
        Swift"; not "Austin Texas"), or a word after a given name ("Josh Hamilton"). The caller
        skips it in headline-style text (:meth:`_title_case`), where capitals say nothing."""
        gaz = self.gaz

        def capitalised(k: int) -> bool:
            word = tokens[k][2]
            return word[0].isupper() and not word.isupper() and word.casefold() not in _STOP

        def region(word: str) -> bool:
            # "Austin Texas", "Paris France": a state or country next to it keeps the place; a
            # surname that is also some town ("David Cameron", "Scott Walker") does not.
            return any(gaz.kind[r] in (COUNTRY, ADMIN1) for r in gaz.rows(word))

        key = fold(tokens[i][2])
        if i + 1 < len(tokens) and text[tokens[i][1] : tokens[i + 1][0]] == " " and capitalised(i + 1):
            after = fold(tokens[i + 1][2])
            # Only a very common given name: "Paris Protest", "Atlanta Hospital" are places.
            if self.first_names.get(key, 0.0) >= _COMMON_GIVEN_NAME and not region(after):
                return True
        # A town after a given name is a surname ("Josh Hamilton"); a state is not ("Cleveland Ohio").
        if granularity == "city" and i > 0 and text[tokens[i - 1][1] : tokens[i][0]] == " " \
                and capitalised(i - 1):
            before = fold(tokens[i - 1][2])
            # A capital at the start of a sentence says nothing: there only a very common given
            # name counts ("Scott Walker said", not "Storm Tulsa" or "Hope Springs").
            opening = i == 1 or bool(_SENTENCE_END.search(text[tokens[i - 2][1] : tokens[i - 1][0]]))
            given = self.first_names.get(before, 0.0)
            if given and (not opening or given >= _COMMON_GIVEN_NAME) and not region(before):
                return True
        return False

    def find(
        self,
        text: str,
        priors: Priors | None,
        entity_spans: Iterable[tuple[int, int, str, tuple[str, ...]]] = (),
        person_spans: Iterable[tuple[int, int]] = (),
    ) -> list[Mention]:
        """Mentions in ``text``; ``entity_spans`` are (start, end, text, other spellings) of NER
        location spans (e.g. a hashtag and its segmented words); ``person_spans`` are NER person
        spans, where no place is read."""
        gaz = self.gaz
        found: list[Mention] = []
        taken: list[tuple[int, int]] = list(person_spans)
        for m in _CITY_STATE.finditer(text):
            states = [
                r
                for r in gaz.codes.get(m.group(2).lower(), ())
                if gaz.kind[r] == ADMIN1 and gaz.country_code(r) == "US"
            ]
            if not states:
                continue
            state = states[0]
            towns = [r for r in gaz.lookup(m.group(1)) if gaz.kind[r] == CITY and gaz.contains(state, r)]
            if towns:
                found.append(Mention(m.start(1), m.end(1), m.group(1), towns[0], 0.9, "city", "gazetteer"))
                taken.append((m.start(1), m.end(1)))
            found.append(Mention(m.start(2), m.end(2), m.group(2), state, 0.9, "admin1", "gazetteer"))
            taken.append((m.start(2), m.end(2)))
        shouting: bool | None = None
        headline: bool | None = None
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        keys = [fold(t[2]) for t in tokens]
        names, prefixes, continents = gaz.names, self.prefixes, gaz.continents
        i = 0
        while i < len(tokens):
            first = tokens[i][2][0]
            # Longest-first readings starting here, grown word by word along known prefixes;
            # n-grams only span words separated by one space or hyphen.
            spans: list[tuple[int, str]] = []
            key = keys[i]
            j = i
            while True:
                if key in names or key in continents:
                    spans.append((j, key))
                if (
                    not (first.isupper() or first.isdigit())
                    or j + 1 >= len(tokens)
                    or j - i + 1 >= self.max_words
                    or text[tokens[j][1] : tokens[j + 1][0]] not in (" ", "-")
                ):
                    break
                key = key + " " + keys[j + 1]
                if key not in prefixes and key not in names and key not in continents:
                    break
                j += 1
            start = tokens[i][0]
            prev_char = text[start - 1] if start else ""
            step = 1
            if prev_char != "@" and not any(s < tokens[i][1] and start < e for s, e in taken):
                code_row = self.text_codes.get(tokens[i][2].replace(".", ""))
                if code_row is not None:
                    if shouting is None:
                        shouting = sum(ch.isupper() for ch in text) > 0.5 * sum(ch.isalpha() for ch in text)
                    if not shouting:
                        end = tokens[i][1]
                        found.append(
                            Mention(start, end, text[start:end], code_row, 0.85, "country", "gazetteer")
                        )
                        taken.append((start, end))
                        spans = []
                for j, key in reversed(spans):
                    end = tokens[j][1]
                    if any(s < end and start < e for s, e in taken):
                        continue
                    span = text[start:end]
                    n = j - i + 1
                    words = [t[2] for t in tokens[i : j + 1]]
                    if not self._looks_like_name(span, words, key, prev_char):
                        continue
                    if key in continents:
                        if not span.islower():
                            found.append(
                                Mention(start, end, span, -1, 0.9, "continent", "gazetteer", continents[key])
                            )
                            taken.append((start, end))
                            step = n
                            break
                        continue
                    candidates = self._text_candidates(gaz.rows(key), key, n, span.islower())
                    res = (
                        self.resolver.rank(candidates, priors, span, base=0.9, key=key)
                        if candidates
                        else None
                    )
                    if res is None:
                        continue
                    if n == 1 and res.granularity != "country" and key not in _NICKNAME_KEYS:
                        if key in _CALENDAR_WORDS:
                            continue
                        if not span.isupper():
                            if headline is None:  # in a headline every word is capitalised
                                headline = self._title_case(tokens)
                            if not headline and self._in_person_name(text, tokens, i, res.granularity):
                                continue
                    found.append(
                        Mention(start, end, span, res.row, res.confidence, res.granularity, "gazetteer")
                    )
                    taken.append((start, end))
                    step = n
                    break
            i += step
        # NER location spans fill the gaps the gazetteer left (hashtags, small towns); they do not
        # override its matches, and they still need a plausible reading of the name.
        for start, end, span, alternatives in entity_spans:
            if any(s < end and start < e for s, e in taken):
                continue
            for name in (span, *alternatives):
                key = fold(name)
                candidates = self._text_candidates(gaz.rows(key), key, 2, False)
                res = self.resolver.rank(candidates, priors, span, base=0.9, key=key) if candidates else None
                if res is not None:
                    found.append(
                        Mention(start, end, span, res.row, res.confidence, res.granularity, "entities")
                    )
                    taken.append((start, end))
                    break
        found.sort(key=lambda m: m.start)
        return found


def country_priors(gaz: Gazetteer, base: Priors | None, mentions: list[Mention]) -> Priors:
    """Priors sharpened by the countries the post mentions outright."""
    countries = dict(base.countries) if base else {}
    for m in mentions:
        if m.row >= 0 and gaz.kind[m.row] == COUNTRY:
            cc = gaz.country_code(m.row)
            countries[cc] = max(countries.get(cc, 1.0), 5.0)
    if base is None:
        return Priors(countries)
    return Priors(countries, base.timezones, base.utc_offset, base.languages)
