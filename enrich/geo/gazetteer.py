"""The compiled offline gazetteer: name lookup, reverse geocoding and place records.

Built by ``python -m enrich.train.gazetteer`` into ``models/gazetteer/`` (``places.npz`` +
``index.json.gz``) and loaded once per process. Rows are places of four kinds (country, admin1,
US county, city); every name, alternate name and nickname is folded (``normalize.fold``) into
one dictionary from key to rows, most populous first.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from scipy.spatial import cKDTree

from .normalize import fold

COUNTRY, ADMIN1, ADMIN2, CITY = 0, 1, 2, 3
GRANULARITY = {COUNTRY: "country", ADMIN1: "admin1", ADMIN2: "admin2", CITY: "city"}
EARTH_RADIUS_KM = 6371.0088


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat.astype(np.float64)), np.radians(lon.astype(np.float64))
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


class Gazetteer:
    """Read-only view of the compiled gazetteer."""

    def __init__(self, folder: Path) -> None:
        with np.load(folder / "places.npz", allow_pickle=False) as npz:
            self.lat: list[float] = npz["lat"].astype(np.float64).round(5).tolist()
            self.lon: list[float] = npz["lon"].astype(np.float64).round(5).tolist()
            self.population: list[int] = npz["population"].tolist()
            self.geonames_id: list[int] = npz["geonames_id"].tolist()
            self.kind: list[int] = npz["kind"].tolist()
            self.country: list[int] = npz["country"].tolist()
            self.admin1: list[int] = npz["admin1"].tolist()
            self.tz: list[int] = npz["tz"].tolist()
            kinds = npz["kind"]
            lat, lon = npz["lat"], npz["lon"]
        index = orjson.loads(gzip.decompress((folder / "index.json.gz").read_bytes()))
        self.countries: list[tuple[str, str]] = [(c, n) for c, n in index["countries"]]
        self.country_index = {c: i for i, (c, _n) in enumerate(self.countries)}
        self.country_langs: dict[str, list[str]] = index["country_langs"]
        self.admin1_table: list[tuple[int, str, str]] = [(c, iso, n) for c, iso, n in index["admin1"]]
        self.timezones: list[tuple[str, int, int]] = [(n, a, b) for n, a, b in index["timezones"]]
        self.tz_index = {n: i for i, (n, _a, _b) in enumerate(self.timezones)}
        self.display: list[str] = index["display"]
        # key -> row, or rows most populous first (one row for nine keys in ten: a bare int
        # loads twice as fast as a one-element list); read through ``rows``.
        self.names: dict[str, int | list[int]] = index["names"]
        self.codes: dict[str, list[int]] = index["codes"]
        self.common: frozenset[str] = frozenset(index["common"])
        self.prefixes: frozenset[str] = frozenset(index["prefixes"])
        # folded continent name -> (GeoNames id, name, lat, lon); text mentions only
        self.continents: dict[str, tuple[int, str, float, float]] = {
            k: (int(g), str(n), float(la), float(lo))
            for k, (g, n, la, lo) in index.get("continents", {}).items()
        }
        # Reverse geocoding over cities only, on unit vectors so nearness is on the sphere.
        self._city_rows = np.flatnonzero(kinds == CITY)
        self._tree = cKDTree(_unit_vectors(lat[self._city_rows], lon[self._city_rows]))
        self.country_row: dict[int, int] = {}
        self.admin1_row: dict[int, int] = {}
        for row, kind in enumerate(self.kind):
            if kind == COUNTRY:
                self.country_row[self.country[row]] = row
            elif kind == ADMIN1:
                self.admin1_row[self.admin1[row]] = row
        self.max_key_words = max((k.count(" ") + 1 for k in self.names), default=1)

    # -- lookups -----------------------------------------------------------------------------
    def lookup(self, name: str) -> list[int]:
        """Rows whose name, alternate name or nickname folds to the same key."""
        return self.rows(fold(name))

    def rows(self, key: str) -> list[int]:
        """Rows of an already folded key."""
        found = self.names.get(key)
        if found is None:
            return []
        return [found] if isinstance(found, int) else found

    def lookup_code(self, code: str) -> list[int]:
        """Rows with this ISO code (country alpha-2/alpha-3, subdivision suffix)."""
        return self.codes.get(fold(code), [])

    def nearest_city(self, lat: float, lon: float) -> tuple[int, float]:
        """The nearest city row and its great-circle distance in km."""
        la, lo = math.radians(lat), math.radians(lon)
        chord, pos = self._tree.query(
            (math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la))
        )
        angle = 2.0 * math.asin(min(1.0, float(chord) / 2.0))
        return int(self._city_rows[int(pos)]), angle * EARTH_RADIUS_KM

    # -- facts about a row ----------------------------------------------------------------------
    def country_code(self, row: int) -> str:
        return self.countries[self.country[row]][0]

    def admin1_code(self, row: int) -> str | None:
        a1 = self.admin1[row]
        return (self.admin1_table[a1][1] or None) if a1 >= 0 else None

    def timezone(self, row: int) -> str | None:
        """IANA zone of a city, or of a region/country that lies (95% of its people) in one zone."""
        tz = self.tz[row]
        return self.timezones[tz][0] if tz >= 0 else None

    def parent_rows(self, row: int) -> tuple[int | None, int | None]:
        """(admin1 row, country row) that contain ``row``."""
        a1 = self.admin1[row]
        return (self.admin1_row.get(a1) if a1 >= 0 else None, self.country_row.get(self.country[row]))

    def contains(self, outer: int, inner: int) -> bool:
        """True when place ``outer`` contains place ``inner`` (or is it)."""
        if outer == inner:
            return True
        kind = self.kind[outer]
        if kind == COUNTRY:
            return self.country[inner] == self.country[outer] and self.kind[inner] != COUNTRY
        if kind == ADMIN1:
            return self.admin1[inner] == self.admin1[outer] and self.kind[inner] in (ADMIN2, CITY)
        return False

    def record(
        self,
        row: int,
        *,
        confidence: float,
        source: str,
        granularity: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
    ) -> dict[str, Any]:
        """The place object the family emits for ``row``."""
        kind = self.kind[row]
        cc, country = self.countries[self.country[row]]
        a1 = self.admin1[row]
        admin1_name = self.admin1_table[a1][2] if a1 >= 0 else None
        gid = self.geonames_id[row]
        return {
            "name": self.display[row],
            "country": country,
            "country_code": cc,
            "admin1": admin1_name,
            "admin1_code": self.admin1_code(row),
            "city": self.display[row] if kind == CITY else None,
            "latitude": self.lat[row] if lat is None else lat,
            "longitude": self.lon[row] if lon is None else lon,
            "geonames_id": gid or None,
            "granularity": granularity or GRANULARITY[kind],
            "confidence": round(confidence, 3),
            "source": source,
        }
