"""The time family: UTC calendar features and local time from location or profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrich.families.time import TimeFamily, part_of_day
from enrich.family import Item
from enrich.post import Author, Post

FAM = TimeFamily()


def _time(post: Post, location: dict[str, object] | None = None) -> dict[str, object] | None:
    item = Item(post)
    if location is not None:
        item.out["location"] = location
    return FAM.enrich_one(item)


def test_utc_features() -> None:
    out = _time(Post(text="x", created_at=datetime(2021, 1, 3, 23, 30, 5, tzinfo=UTC)))
    assert out is not None
    assert (out["utc_hour"], out["utc_minute"], out["utc_weekday_name"]) == (23, 30, "Sunday")
    assert out["utc_is_weekend"] and out["utc_part_of_day"] == "evening"
    assert (out["iso_year"], out["iso_week"]) == (2020, 53)  # 3 Jan 2021 belongs to ISO 2020-W53
    assert out["day_of_year"] == 3 and out["quarter"] == 1 and out["utc_date"] == "2021-01-03"
    assert out["created_at_epoch"] == 1609716605
    assert "local_hour" not in out  # no zone known


def test_no_created_at_abstains() -> None:
    assert _time(Post(text="x")) is None


def test_local_time_from_location_family_with_dst() -> None:
    summer = Post(text="x", created_at=datetime(2022, 7, 1, 23, 0, tzinfo=UTC))
    out = _time(summer, {"timezone": "America/New_York"})
    assert out is not None
    assert out["local_source"] == "location" and out["utc_offset_minutes"] == -240
    assert out["local_hour"] == 19 and out["local_part_of_day"] == "evening"
    winter = _time(Post(text="x", created_at=datetime(2022, 1, 1, 23, 0, tzinfo=UTC)),
                   {"timezone": "America/New_York"})
    assert winter is not None and winter["utc_offset_minutes"] == -300


def test_location_wins_over_profile_and_bad_zone_falls_back() -> None:
    author = Author(time_zone="Asia/Tokyo", utc_offset=3600)
    post = Post(text="x", created_at=datetime(2022, 3, 4, 20, 0, tzinfo=UTC), author=author)
    out = _time(post, {"timezone": "Europe/Paris"})
    assert out is not None and out["timezone"] == "Europe/Paris"
    out = _time(post, {"timezone": "Not/AZone"})
    assert out is not None and out["timezone"] == "Asia/Tokyo" and out["local_weekday_name"] == "Saturday"


def test_rails_zone_name_uses_offset_only() -> None:
    author = Author(time_zone="Pacific Time (US & Canada)", utc_offset=-28800)
    out = _time(Post(text="x", created_at=datetime(2015, 2, 1, 6, 0, tzinfo=UTC), author=author))
    assert out is not None
    assert out["timezone"] is None and out["local_source"] == "profile_utc_offset"
    assert out["local_hour"] == 22 and out["local_weekday_name"] == "Saturday"


def test_no_zone_no_local_fields() -> None:
    out = _time(Post(text="x", created_at=datetime(2015, 2, 1, 6, 0, tzinfo=UTC), author=Author()))
    assert out is not None and "local_hour" not in out


@pytest.mark.parametrize(("hour", "part"), [(0, "night"), (5, "night"), (6, "morning"), (12, "afternoon"),
                                            (18, "evening"), (23, "evening")])
def test_part_of_day(hour: int, part: str) -> None:
    assert part_of_day(hour) == part


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1)),
       st.integers(min_value=-14 * 3600, max_value=14 * 3600))
def test_arbitrary_times(dt: datetime, offset: int) -> None:
    post = Post(text="x", created_at=dt.replace(tzinfo=timezone(timedelta(hours=2))),
                author=Author(utc_offset=offset))
    out = _time(post)
    assert out is not None and 0 <= out["local_hour"] <= 23 and out["utc_offset_minutes"] == offset // 60
