"""Lenient readers for single fields of untrusted records: ids, counts, flags, times, places.

Every helper returns ``None`` for a value it cannot use instead of raising, so adapters can read
whatever a record holds without guarding each access.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from ..post import Place

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_TAG = re.compile(r"<[^>]*>")
_INT = re.compile(r"[+-]?\d{1,30}")


# These run a few dozen times per record: exact ``type(...) is`` checks for the common case
# (values straight out of orjson) come first because they are cheaper than isinstance.


def as_dict(value: Any) -> dict[str, Any] | None:
    return value if type(value) is dict or isinstance(value, dict) else None


def as_list(value: Any) -> list[Any]:
    return value if type(value) is list or isinstance(value, list) else []


def as_str(value: Any) -> str | None:
    """A non-empty string, or None."""
    if type(value) is str:
        return value or None
    return value if isinstance(value, str) and value else None


def str_id(value: Any) -> str | None:
    """Ids as strings: ints are exact (never floats), strings are kept when they look like ids."""
    if type(value) is str and 0 < len(value) <= 64 and value.isdigit():
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        return value if 0 < len(value) <= 64 else None
    return None


def to_int(value: Any) -> int | None:
    """Counts arrive as ints, or as strings in the X archive; floats only when integral."""
    if type(value) is int:
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INT.fullmatch(value.strip()):
        return int(value)
    return None


def to_bool(value: Any) -> bool | None:
    if value is True or value is False:
        return value
    if isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
    return None


def to_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def parse_v1_time(value: Any) -> datetime | None:
    """``Wed Oct 10 20:19:24 +0000 2018`` (v1.1 and the X archive), parsed without strptime.
    Cached: a stream holds many posts a second, and account creation times repeat."""
    if type(value) is not str or len(value) > 40:
        return None
    return _parse_v1_time(value)


@lru_cache(maxsize=8192)
def _parse_v1_time(value: str) -> datetime | None:
    parts = value.split()
    if len(parts) != 6:
        return None
    try:
        month = _MONTHS[parts[1]]
        hh, mm, ss = parts[3].split(":")
        off = parts[4]
        tz = UTC if off == "+0000" else timezone(
            (1 if off[0] == "+" else -1) * timedelta(hours=int(off[1:3]), minutes=int(off[3:5])))
        dt = datetime(int(parts[5]), month, int(parts[2]), int(hh), int(mm), int(ss), tzinfo=tz)
    except (KeyError, ValueError, IndexError):
        return None
    return dt if tz is UTC else dt.astimezone(UTC)


def parse_iso_time(value: Any) -> datetime | None:
    """ISO 8601 (v2, Activity Streams, CSV); naive times are taken as UTC."""
    if not isinstance(value, str) or not 8 <= len(value) <= 40:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def parse_any_time(value: Any) -> datetime | None:
    """For CSV cells and plain records: ISO 8601, the v1 format, or a Unix time in seconds/ms."""
    if isinstance(value, str):
        return parse_iso_time(value) or parse_v1_time(value) or parse_any_time(to_float(value))
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        secs = value / 1000 if value > 1e11 else value
        try:
            return datetime.fromtimestamp(secs, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def strip_tags(value: Any) -> str | None:
    """``<a href="…">Twitter for iPhone</a>`` → ``Twitter for iPhone``."""
    if not isinstance(value, str):
        return None
    text = _TAG.sub("", value).strip() if "<" in value else value.strip()
    return text or None


def lon_lat(lon: Any, lat: Any) -> tuple[float, float] | None:
    x, y = to_float(lon), to_float(lat)
    if x is None or y is None or not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return (x, y)


def geojson_point(value: Any) -> tuple[float, float] | None:
    """A GeoJSON point (lon, lat) from ``{"type": "Point", "coordinates": [lon, lat]}``."""
    d = as_dict(value)
    coords = d.get("coordinates") if d else None
    if isinstance(coords, list) and len(coords) == 2:
        return lon_lat(coords[0], coords[1])
    return None


def latlon_point(value: Any) -> tuple[float, float] | None:
    """The legacy ``geo`` field (v1 and Activity Streams) is (lat, lon): swap it."""
    d = as_dict(value)
    coords = d.get("coordinates") if d else None
    if isinstance(coords, list) and len(coords) == 2:
        return lon_lat(coords[1], coords[0])
    return None


def polygon_bbox(value: Any) -> tuple[float, float, float, float] | None:
    """Bounding box of a GeoJSON polygon ``{"coordinates": [[[lon, lat], ...]]}``."""
    d = as_dict(value)
    rings = d.get("coordinates") if d else None
    if not isinstance(rings, list) or not rings or not isinstance(rings[0], list):
        return None
    pts = [lon_lat(p[0], p[1]) for p in rings[0] if isinstance(p, list) and len(p) >= 2]
    good = [p for p in pts if p is not None]
    if not good:
        return None
    xs, ys = [p[0] for p in good], [p[1] for p in good]
    return (min(xs), min(ys), max(xs), max(ys))


def list_bbox(value: Any) -> tuple[float, float, float, float] | None:
    """A GeoJSON ``bbox`` list ``[min_lon, min_lat, max_lon, max_lat]``."""
    if not isinstance(value, list) or len(value) != 4:
        return None
    a, b = lon_lat(value[0], value[1]), lon_lat(value[2], value[3])
    if a is None or b is None:
        return None
    return (a[0], a[1], b[0], b[1])


def v1_place(value: Any) -> Place | None:
    d = as_dict(value)
    if not d:
        return None
    place = Place(id=str_id(d.get("id")), name=as_str(d.get("name")),
                  full_name=as_str(d.get("full_name")), country=as_str(d.get("country")),
                  country_code=as_str(d.get("country_code")), place_type=as_str(d.get("place_type")),
                  bbox=polygon_bbox(d.get("bounding_box")))
    return place if place.id or place.full_name or place.name else None


def v2_place(d: dict[str, Any]) -> Place | None:
    geo = as_dict(d.get("geo"))
    place = Place(id=str_id(d.get("id")), name=as_str(d.get("name")),
                  full_name=as_str(d.get("full_name")), country=as_str(d.get("country")),
                  country_code=as_str(d.get("country_code")), place_type=as_str(d.get("place_type")),
                  bbox=list_bbox(geo.get("bbox")) if geo else None)
    return place if place.id or place.full_name or place.name else None


def id_from_uri(value: Any) -> str | None:
    """Activity Streams ids: ``tag:search.twitter.com,2005:123`` or a status link → ``123``."""
    if isinstance(value, str) and value:
        tail = re.split(r"[:/]", value.rstrip("/"))[-1]
        return tail if tail.isdigit() else None
    return None


def record_id(record: Any) -> str | None:
    """Best-effort id of a record, for error messages."""
    if not isinstance(record, dict):
        return None
    for key in ("id_str", "id"):
        got = str_id(record.get(key))
        if got:
            return got
    inner = record.get("tweet")
    if isinstance(inner, dict):
        return record_id(inner)
    return None
