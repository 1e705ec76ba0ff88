"""Resolve free-text places: profile location strings, time zones, and names found in text.

Ambiguous names are ranked by population times priors (the profile's time zone and UTC
offset, the author's language, other places in the same post); the confidence is the share of
the winner's weight among all readings, and the granularity is lowered (city -> admin1 ->
country) when only the coarser answer is sure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .gazetteer import ADMIN1, CITY, COUNTRY, Gazetteer
from .nicknames import CITY_ALIASES, COUNTRY_ALIASES
from .normalize import fold
from .timezones import RAILS_ZONES

# Profile strings that are not places: folded, matched on the whole (cleaned) string.
_NOT_PLACE_PHRASES = frozenset(
    " ".join(line.split())
    for line in """
earth
planet earth
the earth
world
the world
worldwide
world wide
global
globe
everywhere
anywhere
nowhere
somewhere
wherever
where ever
here
there
here and there
here there and everywhere
home
my home
at home
home sweet home
universe
the universe
galaxy
space
outer space
the moon
moon
mars
heaven
hell
paradise
the internet
internet
online
the web
cyberspace
the cloud
twitter
on the road
on the move
travelling
traveling
all over
all over the world
around the world
in my head
in your head
in your heart
in my heart
your heart
in your dreams
dreamland
wonderland
neverland
narnia
hogwarts
middle earth
gotham
gotham city
westeros
mordor
the shire
atlantis
behind you
next to you
in your mind
your mom
ur mom
your moms house
in bed
my bed
under your bed
the matrix
somewhere over the rainbow
over the rainbow
n a
na
none
unknown
undisclosed
secret
private
ask me
who knows
idk
living the dream
""".splitlines()
    if line.strip()
)
_NOT_PLACE_PATTERNS = re.compile(
    r"\b(in (?:your|my|ur|his|her|their|the) (?:heart|head|mind|dreams?|bed|arms|soul)|"
    r"(?:your|ur|yo) (?:mom|mum|mama|momma)|wherever|everywhere|nowhere|"
    r"earth|planet|universe|galaxy|heaven|hell|neverland|narnia|hogwarts|wonderland)\b"
)
_PRONOUNS = re.compile(
    r"\b(?:she|he|they|xe|ze|fae|it|any)\s*/\s*(?:her|him|them|hers|his|theirs|xem|zir|faer|its|"
    r"they|she|he|all)(?:\s*/\s*\w+)?\b|\bpronouns?\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|io|co|me|tv|ly|info)\b\S*", re.IGNORECASE)
_HANDLE_TAG = re.compile(r"[@#](\w+)")
_LATLON = re.compile(r"(?<![\d.])(-?\d{1,2}\.\d{2,})\s*[,; ]\s*(-?\d{1,3}\.\d{2,})(?![\d.])")
_FLAG = re.compile("([\U0001f1e6-\U0001f1ff])([\U0001f1e6-\U0001f1ff])")
# Strong separators between several places in one string ("London / NYC", "MTL|NYC").
_SEPARATORS = re.compile(
    r"\s*(?:[/|;•·~→↔⇄<>+\n]|&|\band\b|\s-\s|\s–\s|\s—\s|\bvia\b|\bx\b|\bby way of\b|"
    r"[\u2600-\u27BF\U0001F000-\U0001FAFF\u2764\u2665\uFE0F]+)\s*",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:(?:currently|now|living|lives|live|based|born|raised|residing|located|somewhere|"
    r"proud(?:ly)?|from|in|at|near|outside(?: of)?|around|the|greater|metro|downtown|uptown|"
    r"north|south|east|west|central|northern|southern|eastern|western)\b[\s,:]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"[\s,.:!?'\"]*(?:\b(?:area|metro|region|based|native|born|raised|bred))?[\s,.:!?'\"]*$", re.IGNORECASE
)
_PRIMARY_BONUS = 4.0
# Countries whose subdivision codes people write after a town ("Austin, TX", "Ottawa, ON",
# "Perth, WA", "Santos, SP"); elsewhere a two-letter code after a comma is a country code, and
# matching every ISO suffix in the world would read "Georgetown, DE" as Guyana's Demerara.
_CODE_COUNTRIES = frozenset({"US", "CA", "AU", "BR", "IN", "MX"})
_CURRENT = re.compile(
    r"\b(?:now|currently|living|based|residing|lives?)\s+(?:in|at|@)\s+([^/|;•]+)", re.IGNORECASE
)
_US_STATE_CODE = re.compile(r"^[A-Za-z]{2}$")  # "austin, tx" is written lower case too
_NICKNAME_KEYS = frozenset(CITY_ALIASES) | frozenset(COUNTRY_ALIASES)
_WORDS = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_SCAN_STOP = frozenset(
    (
        "the",
        "and",
        "for",
        "life",
        "land",
        "love",
        "city",
        "town",
        "home",
        "world",
        "everyone",
        "with",
        "you",
        "your",
        "our",
        "my",
        "its",
        "all",
        "out",
        "new",
        "one",
        "far",
        "god",
        "can",
        "man",
        "day",
        "now",
        "here",
        "there",
    )
)


@dataclass(slots=True)
class Priors:
    """Evidence about where the author is, besides the string itself."""

    countries: dict[str, float] = field(default_factory=dict)  # country code -> multiplier
    timezones: frozenset[str] = frozenset()  # IANA names that match the profile's zone
    utc_offset: int | None = None  # seconds
    languages: frozenset[str] = frozenset()  # two-letter language codes

    def key(self) -> tuple[object, ...]:
        return (tuple(sorted(self.countries.items())), self.timezones, self.utc_offset, self.languages)


@dataclass(slots=True)
class Resolution:
    row: int
    confidence: float
    granularity: str
    text: str


class Resolver:
    """Ranks gazetteer readings of a name with population and priors."""

    def __init__(self, gaz: Gazetteer) -> None:
        self.gaz = gaz

    # -- priors --------------------------------------------------------------------------------
    @lru_cache(maxsize=4096)  # noqa: B019 - one resolver per process, bounded cache
    def zone_info(self, time_zone: str) -> tuple[str | None, str | None]:
        """(IANA zone, country code) of a legacy profile time zone name, or an IANA name."""
        if "/" in time_zone and time_zone in self.gaz.tz_index:
            return time_zone, None
        key = fold(time_zone)
        if key in RAILS_ZONES:
            zone, cc = RAILS_ZONES[key]
            return zone, cc or None
        for row in self.gaz.rows(key)[:1]:
            return self.gaz.timezone(row), self.gaz.country_code(row)
        return None, None

    def priors(
        self, time_zone: str | None, utc_offset: int | None, languages: tuple[str | None, ...]
    ) -> Priors:
        countries: dict[str, float] = {}
        zones: set[str] = set()
        if time_zone:
            zone, cc = self.zone_info(time_zone)
            if zone:
                zones.add(zone)
            if cc:
                countries[cc] = 8.0
        langs = frozenset(lang.split("-")[0].lower() for lang in languages if lang)
        return Priors(countries, frozenset(zones), utc_offset, langs)

    def _weight(self, row: int, priors: Priors | None) -> float:
        gaz = self.gaz
        weight = float(gaz.population[row]) + 1000.0
        if priors is None:
            return weight
        cc = gaz.country_code(row)
        weight *= priors.countries.get(cc, 1.0)
        if priors.timezones or priors.utc_offset is not None:
            tz = gaz.tz[row]
            if tz >= 0:
                name, jan, jul = gaz.timezones[tz]
                if name in priors.timezones or (
                    priors.utc_offset is not None and priors.utc_offset in (jan, jul)
                ):
                    weight *= 3.0
        if priors.languages:
            spoken = gaz.country_langs.get(cc, ())
            if any(lang in spoken for lang in priors.languages if lang != "en"):
                weight *= 3.0
        return weight

    # -- ranking -----------------------------------------------------------------------------
    def rank(
        self, rows: list[int], priors: Priors | None, text: str, base: float = 1.0, key: str | None = None
    ) -> Resolution | None:
        """The best reading of ``rows`` at the finest granularity that is sure enough.

        With ``key`` (the folded name that matched), places whose own name it is outweigh those
        that merely list it among alternate names (GeoNames lists "Cambridge" for Newton, MA).
        """
        if not rows:
            return None
        gaz = self.gaz
        if key and any(gaz.kind[r] == COUNTRY and fold(gaz.display[r]) == key for r in rows):
            # A country's own name means the country, not a bigger namesake town ("Saint Barthelemy").
            rows = [r for r in rows if gaz.kind[r] != CITY] or rows
        weights = [
            (self._weight(r, priors) * (_PRIMARY_BONUS if key and fold(gaz.display[r]) == key else 1.0), r)
            for r in rows
        ]
        weights.sort(reverse=True)
        total = sum(w for w, _ in weights)
        best_w, best = weights[0]
        # "New York", "São Paulo": a state and its namesake city -> the city.
        if gaz.kind[best] == ADMIN1:
            for _w, r in weights[1:]:
                if gaz.kind[r] == CITY and gaz.admin1[r] == gaz.admin1[best] and gaz.population[r] >= 100_000:
                    best_w += _w
                    best = r
                    break
        share = best_w / total
        if share >= 0.5 or gaz.kind[best] == COUNTRY:
            return Resolution(best, base * share, _granularity(gaz.kind[best]), text)
        # Not sure of the place: maybe sure of its admin1 or country.
        a1 = gaz.admin1[best]
        if a1 >= 0:
            a1_share = sum(w for w, r in weights if gaz.admin1[r] == a1) / total
            row = gaz.admin1_row.get(a1)
            if a1_share >= 0.6 and row is not None:
                return Resolution(row, base * a1_share, "admin1", text)
        cc = gaz.country[best]
        c_share = sum(w for w, r in weights if gaz.country[r] == cc) / total
        row = gaz.country_row.get(cc)
        if c_share >= 0.6 and row is not None:
            return Resolution(row, base * c_share, "country", text)
        return Resolution(best, base * share, _granularity(gaz.kind[best]), text)

    # -- one segment of a profile string --------------------------------------------------
    def _qualifier_rows(self, part: str) -> list[int]:
        stripped = part.strip(" .")
        rows: list[int] = []
        if len(stripped) <= 3 and stripped.replace(".", "").isalpha():
            gaz = self.gaz
            rows = [
                r
                for r in gaz.lookup_code(stripped.replace(".", ""))
                if gaz.kind[r] == COUNTRY or gaz.country_code(r) in _CODE_COUNTRIES
            ]
        return rows + [r for r in self.gaz.lookup(stripped) if r not in rows]

    def segment(self, seg: str, priors: Priors | None) -> list[Resolution]:
        """Resolve one segment: "City", "City, Region", "City, Region, Country", "Region Country"."""
        gaz = self.gaz
        parts = [_clean(p) for p in seg.split(",")]
        parts = [p for p in parts if p]
        if not parts:
            return []
        if len(parts) == 1:
            one = self._single(parts[0], priors)
            return [one] if one else []
        head, tail = parts[0], parts[1:]
        quals = [self._qualifier_rows(p) or self._qualifier_rows(_unfill(p)) for p in tail]
        head_rows = gaz.lookup(head) or gaz.lookup(_unfill(head))
        if head_rows and all(quals):
            inside = [r for r in head_rows if all(any(gaz.contains(q, r) for q in qrows) for qrows in quals)]
            if len(tail) == 1:
                inside = self._us_first(inside, tail[0])
            if inside:
                res = self.rank(inside, priors, seg, base=0.98, key=fold(head))
                return [res] if res else []
        if not head_rows and quals[-1]:
            # Unknown town in a known region ("Smallville, KS"): the region is the answer.
            qual_rows = quals[-1]
            if len(quals) > 1 and quals[0]:
                nested = [q for q in quals[0] if any(gaz.contains(o, q) for o in quals[-1])]
                qual_rows = nested or qual_rows
            res = self.rank(qual_rows, priors, seg, base=0.9)
            return [res] if res else []
        # Several places listed with commas ("Berlin, San Francisco, Taipei").
        out = []
        for part in parts:
            one = self._single(part, priors)
            if one:
                out.append(one)
        return out

    def _us_first(self, rows: list[int], qualifier: str) -> list[int]:
        """The US readings of ``rows`` when the qualifier is two letters ("Bella Vista, AR",
        "Esperance WA": a US state before a country or another country's region), else ``rows``."""
        if not _US_STATE_CODE.match(qualifier.strip()):
            return rows
        return [r for r in rows if self.gaz.country_code(r) == "US"] or rows

    def _us_state(self, part: str) -> list[int]:
        """A US state when ``part`` is its two-letter code: "WA" alone is Washington, not the
        town of Wa in Ghana (the gazetteer has towns named Il, Me, Mo, Or, Wa, Ål)."""
        code = part.strip()
        if not _US_STATE_CODE.match(code) or fold(code) in _NICKNAME_KEYS:  # "LA" is Los Angeles
            return []
        gaz = self.gaz
        return [r for r in gaz.lookup_code(code) if gaz.kind[r] == ADMIN1 and gaz.country_code(r) == "US"]

    def _single(self, part: str, priors: Priors | None) -> Resolution | None:
        gaz = self.gaz
        rows = self._us_state(part) or gaz.lookup(part)
        written = part
        if not rows:
            # "Living in Chicago", "Dallas area": the name without the words around it.
            part = _unfill(part)
            rows = self._us_state(part) or gaz.lookup(part)
        if rows:
            return self.rank(rows, priors, part, base=0.95, key=fold(part))
        # "Austin TX", "Brooklyn NY", "Toronto Canada": a name followed by a qualifier.
        for text in dict.fromkeys((written, part)):
            words = text.split()
            for cut in range(len(words) - 1, 0, -1):
                head, tail = " ".join(words[:cut]), " ".join(words[cut:])
                head_rows = gaz.lookup(head)
                qual_rows = self._qualifier_rows(tail) if head_rows else []
                if head_rows and qual_rows:
                    inside = [r for r in head_rows if any(gaz.contains(q, r) for q in qual_rows)]
                    inside = self._us_first(inside, tail)
                    if inside:
                        return self.rank(inside, priors, text, base=0.95, key=fold(head))
        return self._scan(part, priors)

    def _scan(self, part: str, priors: Priors | None) -> Resolution | None:
        """A place name inside other words ("SoCal for life", "Louisiana non-metro")."""
        gaz = self.gaz
        words = _WORDS.findall(part)
        for n in range(min(4, len(words)), 0, -1):
            for i in range(len(words) - n + 1):
                key = fold(" ".join(words[i : i + n]))
                if len(key) < 3 or key in gaz.common or key in _SCAN_STOP:
                    continue
                rows = gaz.rows(key)
                if rows:
                    # Only a name that is not a small town: the rest of the string is noise.
                    rows = [
                        r
                        for r in rows
                        if gaz.kind[r] != CITY or gaz.population[r] >= 50_000 or key in _NICKNAME_KEYS
                    ]
                    if rows:
                        return self.rank(rows, priors, part, base=0.75, key=key)
        return None


def _granularity(kind: int) -> str:
    return {COUNTRY: "country", ADMIN1: "admin1", CITY: "city"}.get(kind, "admin2")


def _clean(part: str) -> str:
    part = _HANDLE_TAG.sub(r"\1", part)
    return part.strip(" .,:;!?'\"()[]{}*")


def _unfill(part: str) -> str:
    """``part`` without filler words around the name ("living in", "area"), unless that leaves
    nothing: "IN" is Indiana, "Northern Mariana Islands" a country, "Bay Area" a region, and
    those are looked up as written first."""
    stripped = _TRAILING.sub("", _FILLER.sub("", part)).strip(" .,:;!?'\"()[]{}*")
    return stripped or part


@dataclass(slots=True)
class ProfileResult:
    status: str  # resolved | coordinates | flag | not_a_place | pronouns | url | unknown | empty
    places: list[Resolution]
    coordinates: tuple[float, float] | None = None  # (lat, lon) written in the string


def _separated_name(resolver: Resolver, text: str) -> bool:
    """Whether ``text`` starts with a gazetteer name that has a separator inside, followed by a
    comma or one more word ("Loyola/Notre Dame, MD", "Allston/Brighton MA"), or has such a name
    as a whole part after a comma or ending the string ("San Fernando, Trinidad and Tobago",
    "San Fernando Trinidad and Tobago")."""
    head, *rest = (part.strip() for part in text.split(","))
    words = head.split()
    last = (rest[-1] if rest else head).split()
    endings = (" ".join(last[k:]) for k in range(1, len(last) - 1))
    for candidate in (head, " ".join(words[:-1]), *rest, *endings):
        pieces = [p for p in _SEPARATORS.split(candidate) if p and p.strip()]
        if len(pieces) > 1 and resolver.gaz.lookup(candidate):
            return True
    return False


def parse_profile(resolver: Resolver, text: str | None, priors: Priors | None) -> ProfileResult:
    """Read a profile location string into zero or more places, with a status saying why."""
    if not text or not text.strip():
        return ProfileResult("empty", [])
    raw = text.strip()
    match = _LATLON.search(raw)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0):
            return ProfileResult("coordinates", [], (lat, lon))
    flags = [chr(ord(a) - 0x1F1E6 + 65) + chr(ord(b) - 0x1F1E6 + 65) for a, b in _FLAG.findall(raw)]
    had_url = bool(_URL.search(raw))
    had_pronouns = bool(_PRONOUNS.search(raw))
    cleaned = _PRONOUNS.sub(" ", _URL.sub(" ", _FLAG.sub(" ", raw)))
    folded = fold(cleaned)
    if folded in _NOT_PLACE_PHRASES:
        return ProfileResult("not_a_place", [])
    places: list[Resolution] = []
    # A name with a separator inside ("Trinidad and Tobago", "Allston/Brighton, MA") is one
    # place, not two.
    if resolver.gaz.lookup(cleaned) or _separated_name(resolver, cleaned):
        places = resolver.segment(cleaned, priors)
    else:
        for seg in _SEPARATORS.split(cleaned):
            if seg and seg.strip():
                places.extend(resolver.segment(seg, priors))
    # "Born in Paris, living in London": where the author is now comes first.
    current = _CURRENT.search(cleaned)
    if current and len(places) > 1:
        now = resolver.segment(current.group(1), priors)
        if now:
            places = now + [p for p in places if p.row != now[0].row]
    gaz = resolver.gaz
    if flags and not places:
        places = [
            Resolution(gaz.country_row[gaz.country_index[f]], 0.8, "country", raw)
            for f in flags
            if f in gaz.country_index and gaz.country_index[f] in gaz.country_row
        ]
        if places:
            return ProfileResult("flag", places)
    if places:
        return ProfileResult("resolved", places)
    if not folded:
        if had_url:
            return ProfileResult("url", [])
        if had_pronouns:
            return ProfileResult("pronouns", [])
        return ProfileResult("not_a_place", [])
    if _NOT_PLACE_PATTERNS.search(folded):
        return ProfileResult("not_a_place", [])
    if had_pronouns and len(folded) < 12:
        return ProfileResult("pronouns", [])
    return ProfileResult("unknown", [])
