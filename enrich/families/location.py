"""The ``location`` family: where a post was sent, where its author lives, which places it names.

Offline: everything resolves against the compiled gazetteer (``models/gazetteer``, built by
``python -m enrich.train.gazetteer``); time zones of coordinates come from timezonefinder's
bundled polygons, distances from geopy.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from geopy.distance import great_circle
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..errors import NotConfigured
from ..family import Family, FamilySettings, Item
from ..first_names import read_first_names
from ..geo.gazetteer import ADMIN1, CITY, COUNTRY, Gazetteer
from ..geo.mentions import LOCATION_LABELS, MentionFinder, country_priors
from ..geo.online import GeocodeCache
from ..geo.resolve import Priors, ProfileResult, Resolution, Resolver, parse_profile
from ..modelstore import model_dir
from ..post import Place, Post
from ..registry import register

log = logging.getLogger(__name__)

GRANULARITIES = ("coordinates", "city", "admin2", "admin1", "country")
SOURCES = ("coordinates", "place", "profile", "profile_coordinates", "geocoder", "post", "timezone")
PROFILE_STATUS = (
    "resolved",
    "coordinates",
    "flag",
    "geocoded",
    "not_a_place",
    "pronouns",
    "url",
    "unknown",
    "low_confidence",
    "empty",
)
_PLACE_KIND = {"city": CITY, "neighborhood": CITY, "poi": CITY, "admin": ADMIN1, "country": COUNTRY}


class LocationSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_LOCATION_", extra="forbid")

    gazetteer: str = Field("gazetteer", description="Folder under models/ holding the gazetteer.")
    min_confidence: float = Field(
        0.3, ge=0, le=1, description="Below this, a profile or mention reading abstains."
    )
    mention_min_city_population: int = Field(
        20_000, ge=0, description="A lone city name in text needs this many people to count."
    )
    timezone_from_coordinates: bool = Field(
        True, description="Use timezonefinder's polygons for the zone of coordinates."
    )
    geocoder_cache: str | None = Field(
        None,
        description="SQLite cache filled by the online pre-pass (python -m enrich.geo.online), read "
        "for profile strings the gazetteer cannot resolve. Off when unset.",
    )


def _place_attrs(prefix: str, what: str) -> tuple[A, ...]:
    return (
        A(f"{prefix}.name", "string", f"Name of the place {what} (GeoNames spelling)."),
        A(f"{prefix}.country", "string", f"Country {what}, English name."),
        A(f"{prefix}.country_code", "string", f"ISO 3166-1 alpha-2 code of the country {what}."),
        A(f"{prefix}.admin1", "string", f"First-level subdivision (state, province) {what}, English name."),
        A(
            f"{prefix}.admin1_code",
            "string",
            f"ISO 3166-2 subdivision suffix of the admin1 {what} (e.g. CA for California).",
        ),
        A(f"{prefix}.city", "string", f"City {what}, when known to city level or finer."),
        A(
            f"{prefix}.latitude",
            "number",
            f"Latitude {what} (WGS84; the coordinates themselves, a "
            "bounding-box centroid, or the place's representative point).",
            minimum=-90,
            maximum=90,
        ),
        A(f"{prefix}.longitude", "number", f"Longitude {what} (WGS84).", minimum=-180, maximum=180),
        A(f"{prefix}.geonames_id", "integer", f"GeoNames id of the place {what}."),
        A(f"{prefix}.granularity", "string", f"How precise the place {what} is.", enum=GRANULARITIES),
        A(f"{prefix}.confidence", "probability", f"How sure the reading of the place {what} is."),
        A(f"{prefix}.source", "string", f"Evidence the place {what} comes from.", enum=SOURCES),
    )


@register
class LocationFamily(Family):
    name = "location"
    summary = (
        "Where the post was sent (its coordinates reverse-geocoded, else its tagged place), "
        "where the author lives (the profile location string read against an offline "
        "GeoNames gazetteer with nicknames, codes and time-zone/language priors; else the "
        "post's place; else the profile time zone) and which places the text names, each "
        "with granularity, confidence and source; plus the IANA time zone and local time. "
        "Non-places ('Earth', 'she/her', URLs) abstain with a status."
    )
    method = "lookup"
    version = "1"
    kind = "cpu"
    uses = ("entities.items[].label",)
    Settings = LocationSettings
    settings: LocationSettings
    provides = (
        *_place_attrs("location.post", "where the post was sent"),
        A(
            "location.post.distance_km",
            "number",
            "Distance from the post's coordinates to the nearest gazetteer city (geodesic, km).",
            minimum=0,
            unit="km",
        ),
        *_place_attrs("location.home", "where the author lives"),
        A(
            "location.profile_status",
            "string",
            "How the author's profile location string was read; abstentions say why.",
            enum=PROFILE_STATUS,
        ),
        A("location.profile_places[].name", "string", "A place named in the profile location string."),
        A("location.profile_places[].country_code", "string", "ISO 3166-1 alpha-2 code of that place."),
        A("location.profile_places[].admin1_code", "string", "ISO 3166-2 subdivision suffix of that place."),
        A("location.profile_places[].geonames_id", "integer", "GeoNames id of that place."),
        A(
            "location.profile_places[].granularity",
            "string",
            "How precise that place is.",
            enum=GRANULARITIES,
        ),
        A("location.profile_places[].confidence", "probability", "How sure that reading is."),
        A("location.mentions[].text", "string", "The place name as written in the post text."),
        A(
            "location.mentions[].start",
            "integer",
            "Start offset (code points) of the mention in post.text.",
            minimum=0,
        ),
        A(
            "location.mentions[].end",
            "integer",
            "End offset (exclusive) of the mention in post.text.",
            minimum=0,
        ),
        A("location.mentions[].name", "string", "GeoNames name of the place the mention resolves to."),
        A("location.mentions[].geonames_id", "integer", "GeoNames id of the mentioned place."),
        A("location.mentions[].country_code", "string", "ISO 3166-1 alpha-2 code of the mentioned place."),
        A(
            "location.mentions[].admin1_code",
            "string",
            "ISO 3166-2 subdivision suffix of the mentioned place.",
        ),
        A(
            "location.mentions[].latitude",
            "number",
            "Latitude of the mentioned place.",
            minimum=-90,
            maximum=90,
        ),
        A(
            "location.mentions[].longitude",
            "number",
            "Longitude of the mentioned place.",
            minimum=-180,
            maximum=180,
        ),
        A(
            "location.mentions[].granularity",
            "string",
            "Kind of the mentioned place (continents have no country).",
            enum=(*GRANULARITIES, "continent"),
        ),
        A("location.mentions[].confidence", "probability", "How sure the reading of the mention is."),
        A(
            "location.mentions[].source",
            "string",
            "gazetteer (name match) or entities (NER span).",
            enum=("gazetteer", "entities"),
        ),
        A(
            "location.timezone",
            "string",
            "IANA time zone of the post (coordinates, place, home, or the "
            "profile's legacy zone, in that order).",
        ),
        A(
            "location.timezone_source",
            "string",
            "Where the time zone comes from.",
            enum=("coordinates", "place", "home", "profile_time_zone"),
        ),
        A(
            "location.local_time",
            "datetime",
            "Creation time of the post in its local time zone (ISO 8601 with offset).",
        ),
    )

    def setup(self) -> None:
        folder = model_dir(self.settings.gazetteer, self.name)
        try:
            self.gaz = Gazetteer(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise NotConfigured(self.name, f"gazetteer unreadable: {exc}") from exc
        self.resolver = Resolver(self.gaz)
        self.mentions = MentionFinder(self.gaz, self.resolver, self.settings.mention_min_city_population,
                                      _given_names(self.name))
        self._tzf: Any = None
        if self.settings.timezone_from_coordinates:
            from timezonefinder import TimezoneFinder

            self._tzf = TimezoneFinder()
        self._zones: dict[str, ZoneInfo | None] = {}
        self._profiles: dict[tuple[object, ...], ProfileResult] = {}
        self._geocoded: GeocodeCache | None = None
        if self.settings.geocoder_cache:
            try:
                self._geocoded = GeocodeCache(self.settings.geocoder_cache, read_only=True)
            except (OSError, sqlite3.Error) as exc:
                raise NotConfigured(self.name, f"geocoder cache unreadable: {exc}") from exc

    def model_name(self) -> str | None:
        return f"geonames-gazetteer-{len(self.gaz.population)}"

    # -- sources ---------------------------------------------------------------------------
    def _from_coordinates(self, lon: float, lat: float, source: str) -> dict[str, Any] | None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return None
        row, _ = self.gaz.nearest_city(lat, lon)
        rec = self.gaz.record(
            row,
            confidence=1.0,
            source=source,
            granularity="coordinates",
            lat=round(lat, 6),
            lon=round(lon, 6),
        )
        rec["distance_km"] = round(great_circle((lat, lon), (self.gaz.lat[row], self.gaz.lon[row])).km, 3)
        return rec

    def _from_place(self, place: Place) -> tuple[dict[str, Any] | None, int | None]:
        gaz = self.gaz
        lat = lon = None
        if place.bbox:
            min_lon, min_lat, max_lon, max_lat = place.bbox
            lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
        kind = _PLACE_KIND.get((place.place_type or "").lower(), CITY)
        cc = (place.country_code or "").upper()
        row = None
        for name in (place.name, (place.full_name or "").split(",")[0]):
            if not name:
                continue
            rows = [
                r for r in gaz.lookup(name) if (not cc or gaz.country_code(r) == cc) and gaz.kind[r] == kind
            ]
            if rows and lat is not None:
                row = min(rows, key=lambda r: great_circle((lat, lon), (gaz.lat[r], gaz.lon[r])).km)
                if great_circle((lat, lon), (gaz.lat[row], gaz.lon[row])).km > 200:
                    row = None
            elif rows:
                row = rows[0]
            if row is not None:
                break
        by_name = row is not None
        if row is None and lat is not None and lon is not None:
            near, _ = gaz.nearest_city(lat, lon)
            a1_row, c_row = gaz.parent_rows(near)
            row = c_row if kind == COUNTRY else (a1_row or c_row) if kind == ADMIN1 else near
            if row is None or (cc and gaz.country_code(row) != cc):
                row = None
        if row is None and cc in gaz.country_index:
            row = gaz.country_row.get(gaz.country_index[cc])
        if row is None:
            return None, None
        rec = gaz.record(row, confidence=0.95, source="place", lat=lat, lon=lon)
        if kind == CITY and gaz.kind[row] == CITY and place.name and not by_name:
            # The nearest gazetteer town to the box is only a neighbour: keep the platform's
            # name, and no GeoNames id that would claim more than we know.
            rec["name"] = rec["city"] = place.name
            rec["geonames_id"] = None
        if lat is not None:
            rec["latitude"], rec["longitude"] = round(lat, 6), round(lon or 0.0, 6)
        return rec, row

    def _from_geocoder(self, location: str) -> dict[str, Any] | None:
        if self._geocoded is None:
            return None
        try:
            _found, place = self._geocoded.get(location)
        except sqlite3.Error:
            return None  # a cache being rewritten by the pre-pass: the gazetteer answer stands
        if not place or not place.get("country_code"):
            return None
        return {**place, "confidence": 0.7, "source": "geocoder"}

    def close(self) -> None:
        cache = getattr(self, "_geocoded", None)
        if cache is not None:
            cache.close()

    def _record(self, res: Resolution, source: str) -> dict[str, Any]:
        return self.gaz.record(res.row, confidence=res.confidence, source=source, granularity=res.granularity)

    def _zone(self, name: str | None) -> ZoneInfo | None:
        if not name:
            return None
        if name not in self._zones:
            try:
                self._zones[name] = ZoneInfo(name)
            except Exception:  # a zone this tzdata does not know: no local time
                self._zones[name] = None
        return self._zones[name]

    # -- one post ---------------------------------------------------------------------------
    def enrich_one(self, item: Item) -> dict[str, Any]:
        post: Post = item.post
        gaz = self.gaz
        author = post.author
        min_conf = self.settings.min_confidence

        post_rec: dict[str, Any] | None = None
        post_row: int | None = None
        tz_name: str | None = None
        tz_source: str | None = None
        if post.coordinates is not None:
            lon, lat = post.coordinates
            post_rec = self._from_coordinates(lon, lat, "coordinates")
            if post_rec is not None:
                post_row = gaz.nearest_city(lat, lon)[0]
                if self._tzf is not None:
                    tz_name = self._tzf.timezone_at(lng=lon, lat=lat)
                    tz_source = "coordinates" if tz_name else None
        if post_rec is None and post.place is not None:
            post_rec, post_row = self._from_place(post.place)
        if tz_name is None and post_row is not None:
            tz_name = gaz.timezone(post_row)
            tz_source = "place" if tz_name else None

        priors = self.resolver.priors(
            author.time_zone if author else None,
            author.utc_offset if author else None,
            (author.lang if author else None, post.lang),
        )
        if post_rec is not None:
            priors.countries[post_rec["country_code"]] = (
                priors.countries.get(post_rec["country_code"], 1.0) * 3
            )

        # Where the author lives: profile > the post's own place > the profile time zone.
        home: dict[str, Any] | None = None
        home_row: int | None = None
        status = "empty"
        profile_places: list[dict[str, Any]] = []
        if author is not None and author.location:
            cache_key = (author.location, priors.key())
            parsed = self._profiles.get(cache_key)
            if parsed is None:
                parsed = parse_profile(self.resolver, author.location, priors)
                if len(self._profiles) >= 50_000:  # bounded: archives repeat authors, not forever
                    self._profiles.clear()
                self._profiles[cache_key] = parsed
            status = parsed.status
            if parsed.coordinates is not None:
                home = self._from_coordinates(
                    parsed.coordinates[1], parsed.coordinates[0], "profile_coordinates"
                )
                if home is not None:
                    home.pop("distance_km", None)
                    home["confidence"] = 0.9
                    home_row = gaz.nearest_city(parsed.coordinates[0], parsed.coordinates[1])[0]
            sure = [p for p in parsed.places if p.confidence >= min_conf]
            if parsed.places and not sure:
                status = "low_confidence"
            if sure and home is None:
                home, home_row = self._record(sure[0], "profile"), sure[0].row
            profile_places = [
                {
                    k: v
                    for k, v in self._record(p, "profile").items()
                    if k
                    in ("name", "country_code", "admin1_code", "geonames_id", "granularity", "confidence")
                }
                for p in sure
            ]
            if home is None and self._geocoded is not None and status in ("unknown", "low_confidence"):
                home = self._from_geocoder(author.location)
                if home is not None:
                    status = "geocoded"
                    keep = ("name", "country_code", "admin1_code", "geonames_id", "granularity", "confidence")
                    profile_places = [{k: home[k] for k in keep}]
        if home is None and post_rec is not None:
            home = dict(post_rec)
            home.pop("distance_km", None)
            if home["granularity"] == "coordinates":
                home["granularity"] = "city"
                home["latitude"], home["longitude"] = gaz.lat[post_row or 0], gaz.lon[post_row or 0]
            home["source"] = "post"
            home["confidence"] = 0.5
            home_row = post_row
        if home is None and author is not None and author.time_zone:
            _zone, cc = self.resolver.zone_info(author.time_zone)
            if cc and cc in gaz.country_index and gaz.country_index[cc] in gaz.country_row:
                home = gaz.record(gaz.country_row[gaz.country_index[cc]], confidence=0.5, source="timezone")

        # Places the text names, ranked with what we know of the author and the post.
        entity_spans = _location_entities(item.out.get("entities"), post.text)
        person_spans = _person_entities(item.out.get("entities"), post.text)
        text_priors = priors
        if home is not None:
            text_priors = Priors(
                dict(priors.countries), priors.timezones, priors.utc_offset, priors.languages
            )
            cc = home["country_code"]
            text_priors.countries[cc] = text_priors.countries.get(cc, 1.0) * 2
        found = self.mentions.find(post.text or "", text_priors, entity_spans, person_spans)
        if len(found) > 1 and any(m.row >= 0 and gaz.kind[m.row] == COUNTRY for m in found):
            sharpened = country_priors(gaz, text_priors, found)
            if sharpened.countries != text_priors.countries:
                found = self.mentions.find(post.text or "", sharpened, entity_spans, person_spans)
        mentions = []
        for m in found:
            if m.confidence < min_conf:
                continue
            if m.continent is not None:
                gid, cname, clat, clon = m.continent
                rec = {
                    "name": cname,
                    "geonames_id": gid,
                    "country_code": None,
                    "admin1_code": None,
                    "latitude": clat,
                    "longitude": clon,
                    "granularity": "continent",
                    "confidence": round(m.confidence, 3),
                }
            else:
                rec = gaz.record(m.row, confidence=m.confidence, source=m.source, granularity=m.granularity)
            mentions.append(
                {
                    "text": m.text,
                    "start": m.start,
                    "end": m.end,
                    "name": rec["name"],
                    "geonames_id": rec["geonames_id"],
                    "country_code": rec["country_code"],
                    "admin1_code": rec["admin1_code"],
                    "latitude": rec["latitude"],
                    "longitude": rec["longitude"],
                    "granularity": rec["granularity"],
                    "confidence": rec["confidence"],
                    "source": m.source,
                }
            )

        if tz_name is None and home is not None and home["source"] != "timezone":
            tz_name = gaz.timezone(home_row) if home_row is not None else None
            tz_source = "home" if tz_name else None
        if tz_name is None and author is not None and author.time_zone:
            tz_name = self.resolver.zone_info(author.time_zone)[0]
            tz_source = "profile_time_zone" if tz_name else None
        local_time = None
        tzinfo = self._zone(tz_name)
        if tzinfo is not None and post.created_at is not None:
            local_time = post.created_at.astimezone(tzinfo).isoformat()
        elif tzinfo is None:
            tz_name = tz_source = None

        return {
            "post": post_rec,
            "home": home,
            "profile_status": status,
            "profile_places": profile_places,
            "mentions": mentions,
            "timezone": tz_name,
            "timezone_source": tz_source,
            "local_time": local_time,
        }

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        return [self.enrich_one(item) for item in items]


# Given names of at least this many US births (SSA, 1880-2020): rarer "names" are mostly
# one-off spellings or words.
_GIVEN_NAME_MIN_LOG10 = 3.0


def _given_names(family: str) -> dict[str, float]:
    """Folded given name -> log10 of its US births, from ``models/names`` (the demographics
    lexicon); empty if it is absent, which only switches the person-name check off."""
    try:
        names = read_first_names(model_dir("names", family))
    except (NotConfigured, OSError, ValueError, KeyError) as exc:
        log.warning("location: no given-name list (%s); person names are not told from places", exc)
        return {}
    # Names that are also common words ("Hall", "Rose", "China") say nothing about a person.
    return {k: log10 for k, (_, log10, common) in names.items()
            if log10 >= _GIVEN_NAME_MIN_LOG10 and not common}


def _entity_items(entities: Any, text: str) -> Iterator[tuple[dict[str, Any], int, int]]:
    """``(item, start, end)`` of each well-formed item of the entities family's output whose
    offsets lie inside ``text``; malformed output is skipped, not fatal."""
    if not isinstance(entities, dict):
        return
    for ent in entities.get("items") or ():
        if not isinstance(ent, dict):
            continue
        start, end = ent.get("start"), ent.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            yield ent, start, end


def _person_entities(entities: Any, text: str) -> list[tuple[int, int]]:
    """(start, end) of the entities family's person spans read by its model."""
    return [(start, end) for ent, start, end in _entity_items(entities, text)
            if ent.get("label") == "person" and ent.get("source") == "model"]


def _location_entities(entities: Any, text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, text, other spellings) of the entities family's location spans."""
    return [(start, end, text[start:end],
             tuple(v for v in (ent.get("normalized"), ent.get("display_name")) if isinstance(v, str)))
            for ent, start, end in _entity_items(entities, text)
            if str(ent.get("label", "")).lower() in LOCATION_LABELS]
