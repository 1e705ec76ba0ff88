"""The ``time`` family: when a post was written, in UTC and, when known, in local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from ..attributes import Attribute as A
from ..family import Family, FamilySettings, Item
from ..registry import register

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PARTS_OF_DAY = ("night", "morning", "afternoon", "evening")
LOCAL_SOURCES = ("location", "profile_time_zone", "profile_utc_offset")


def part_of_day(hour: int) -> str:
    """night 0-5, morning 6-11, afternoon 12-17, evening 18-23."""
    return PARTS_OF_DAY[hour // 6]


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    # Legacy profile time zones are mostly Rails names ("Pacific Time (US & Canada)"), which no
    # maintained library maps to IANA; only values that already are IANA names are used.
    if not name or ("/" not in name and name not in ("UTC", "GMT")):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


class TimeSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_TIME_", extra="forbid")

    use_profile_offset: bool = Field(
        True, description="Without location.timezone, use the author's legacy utc_offset / time_zone.")


def _calendar(dt: datetime, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}hour": dt.hour,
        f"{prefix}weekday": dt.weekday(),
        f"{prefix}weekday_name": WEEKDAYS[dt.weekday()],
        f"{prefix}is_weekend": dt.weekday() >= 5,
        f"{prefix}part_of_day": part_of_day(dt.hour),
    }


@register
class TimeFamily(Family):
    name = "time"
    summary = ("When the post was written: calendar features of its creation time in UTC (hour, "
               "weekday, weekend, part of day, ISO week, day of year, epoch) and, when a time zone is "
               "known, the same in local time. The zone comes from the location family (IANA name) "
               "when it ran, else from the author's legacy profile time zone (when it is an IANA name) "
               "or utc_offset (fixed offset as of when the profile was captured).")
    method = "rules"
    version = "1"
    order = 30
    uses = ("location.timezone",)
    Settings = TimeSettings
    settings: TimeSettings
    provides = (
        A("time.created_at_epoch", "integer", "Creation time as Unix epoch seconds.", unit="s"),
        A("time.utc_date", "string", "Creation date in UTC, YYYY-MM-DD."),
        A("time.utc_hour", "integer", "Hour of day in UTC.", minimum=0, maximum=23),
        A("time.utc_minute", "integer", "Minute of the hour in UTC.", minimum=0, maximum=59),
        A("time.utc_weekday", "integer", "Day of week in UTC, Monday=0 .. Sunday=6.", minimum=0,
          maximum=6),
        A("time.utc_weekday_name", "string", "Day of week in UTC, in English.", enum=WEEKDAYS),
        A("time.utc_is_weekend", "boolean", "Saturday or Sunday in UTC."),
        A("time.utc_part_of_day", "string",
          "Part of day in UTC: night 0-5h, morning 6-11h, afternoon 12-17h, evening 18-23h.",
          enum=PARTS_OF_DAY),
        A("time.year", "integer", "Calendar year (UTC)."),
        A("time.quarter", "integer", "Calendar quarter (UTC).", minimum=1, maximum=4),
        A("time.month", "integer", "Month (UTC).", minimum=1, maximum=12),
        A("time.day_of_month", "integer", "Day of month (UTC).", minimum=1, maximum=31),
        A("time.day_of_year", "integer", "Ordinal day of the year (UTC).", minimum=1, maximum=366),
        A("time.iso_year", "integer", "ISO 8601 week-numbering year (UTC)."),
        A("time.iso_week", "integer", "ISO 8601 week number (UTC).", minimum=1, maximum=53),
        A("time.timezone", "string", "IANA time zone used for local time, when one is known."),
        A("time.local_source", "string",
          "Where the local time zone or offset comes from: the location family, the author's "
          "profile time zone, or the profile's fixed utc_offset.", enum=LOCAL_SOURCES),
        A("time.utc_offset_minutes", "integer", "Offset of local time from UTC at posting time.",
          minimum=-840, maximum=840, unit="min"),
        A("time.local_datetime", "datetime", "Creation time in local time, ISO 8601 with offset."),
        A("time.local_hour", "integer", "Hour of day in local time.", minimum=0, maximum=23),
        A("time.local_weekday", "integer", "Day of week in local time, Monday=0.", minimum=0,
          maximum=6),
        A("time.local_weekday_name", "string", "Day of week in local time, in English.",
          enum=WEEKDAYS),
        A("time.local_is_weekend", "boolean", "Saturday or Sunday in local time."),
        A("time.local_part_of_day", "string", "Part of day in local time (same bands as UTC).",
          enum=PARTS_OF_DAY),
    )

    def enrich_one(self, item: Item) -> dict[str, Any] | None:
        created = item.post.created_at
        if created is None:
            return None
        dt = created.astimezone(UTC) if created.tzinfo else created.replace(tzinfo=UTC)
        iso = dt.isocalendar()
        out: dict[str, Any] = {
            "created_at_epoch": int(dt.timestamp()),
            "utc_date": dt.date().isoformat(),
            **_calendar(dt, "utc_"),
            "utc_minute": dt.minute,
            "year": dt.year,
            "quarter": (dt.month - 1) // 3 + 1,
            "month": dt.month,
            "day_of_month": dt.day,
            "day_of_year": dt.timetuple().tm_yday,
            "iso_year": iso.year,
            "iso_week": iso.week,
        }
        zone, name, source = self._local_zone(item)
        if zone is None:
            return out
        local = dt.astimezone(zone)
        offset = local.utcoffset()
        out.update({
            "timezone": name,
            "local_source": source,
            "utc_offset_minutes": int(offset.total_seconds() // 60) if offset is not None else None,
            "local_datetime": local.isoformat(),
            **_calendar(local, "local_"),
        })
        return out

    def _local_zone(self, item: Item) -> tuple[tzinfo | None, str | None, str | None]:
        loc = item.out.get("location")
        if isinstance(loc, dict):
            tz_name = loc.get("timezone")
            if isinstance(tz_name, str):
                zone = _zone(tz_name)
                if zone is not None:
                    return zone, tz_name, "location"
        author = item.post.author
        if author is None or not self.settings.use_profile_offset:
            return None, None, None
        if author.time_zone:
            zone = _zone(author.time_zone)
            if zone is not None:
                return zone, author.time_zone, "profile_time_zone"
        off = author.utc_offset
        if isinstance(off, int) and not isinstance(off, bool) and abs(off) <= 14 * 3600:
            return timezone(timedelta(seconds=off)), None, "profile_utc_offset"
        return None, None, None
