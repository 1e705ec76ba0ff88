"""The user family: account age, counts, ratios, profile and handle/name features."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.families.user import UserFamily
from enrich.family import Item
from enrich.post import Author, Metrics, Post

FAM = UserFamily()


def _user(author: Author | None, created: datetime | None = datetime(2021, 1, 1, tzinfo=UTC)) -> dict | None:
    return FAM.enrich_one(Item(Post(text="x", created_at=created, author=author)))


def test_counts_ratios_and_rates() -> None:
    out = _user(Author(id="1", screen_name="maria_garcia_1987", name="María García 🌻",
                       created_at=datetime(2020, 1, 1, tzinfo=UTC), followers_count=1000,
                       following_count=0, listed_count=5, posts_count=3660, likes_count=366,
                       verified=True, verified_type="blue", url="https://www.maria.example/about",
                       description="Runner 🏃 #marathon fan, coach at @club https://t.co/x",
                       location="Sevilla", profile_banner_url="https://pbs.example/b"))
    assert out is not None
    assert out["account_age_days"] == 366.0
    assert out["posts_per_day"] == 10.0 and out["likes_per_day"] == 1.0
    assert out["followers_per_following"] == 1000.0  # following floored at 1
    assert out["listed_per_1k_followers"] == 5.0 and out["followers_log10"] == 3.0004
    assert out["profile_url_domain"] == "maria.example" and out["has_banner"]
    assert (out["bio_hashtag_count"], out["bio_mention_count"], out["bio_url_count"],
            out["bio_emoji_count"]) == (1, 1, 1, 1)
    assert out["handle_trailing_digits"] == 4 and out["handle_underscore_count"] == 2
    assert out["name_has_emoji"] and out["name_word_count"] == 2
    assert out["name_handle_similarity"] > 0.7  # accents and case folded


def test_unrelated_name_and_handle() -> None:
    out = _user(Author(screen_name="xq7731", name="Sunshine Bakery"))
    assert out is not None and out["name_handle_similarity"] < 0.3


def test_missing_author_and_missing_fields() -> None:
    assert _user(None) is None
    out = _user(Author(), created=None)
    assert out is not None
    assert out["account_age_days"] is None and out["posts_per_day"] is None
    assert out["handle_length"] is None and out["name_handle_similarity"] is None
    assert out["has_bio"] is False and out["bio_length"] == 0


def test_young_account_has_no_rates() -> None:
    out = _user(Author(created_at=datetime(2020, 12, 31, 20, tzinfo=UTC), posts_count=50))
    assert out is not None and out["account_age_days"] < 1 and out["posts_per_day"] is None


@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=160),
       st.one_of(st.none(), st.integers(min_value=-5, max_value=10**9)))
def test_arbitrary_profiles(handle: str, name: str, bio: str, count: int | None) -> None:
    out = _user(Author(screen_name=handle, name=name, description=bio, followers_count=count,
                       following_count=count, url=bio or None))
    assert out is not None
    sim = out["name_handle_similarity"]
    assert sim is None or 0.0 <= sim <= 1.0
    assert out["followers_count"] is None or out["followers_count"] >= 0


_INTS = st.one_of(st.none(), st.integers(min_value=-10, max_value=10**12))
_DATES = st.one_of(st.none(), st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                                           timezones=st.just(UTC)))
_AUTHORS = st.builds(
    Author, id=st.one_of(st.none(), st.text(max_size=5)),
    screen_name=st.one_of(st.none(), st.text(max_size=20)),
    name=st.one_of(st.none(), st.text(max_size=30)), description=st.one_of(st.none(), st.text(max_size=80)),
    url=st.one_of(st.none(), st.text(max_size=30)), created_at=_DATES, followers_count=_INTS,
    following_count=_INTS, listed_count=_INTS, posts_count=_INTS, likes_count=_INTS, media_count=_INTS,
    utc_offset=_INTS, time_zone=st.one_of(st.none(), st.sampled_from(["Europe/Paris", "Bogus", "UTC", ""])))


@pytest.fixture(scope="module")
def profile_enricher() -> Iterator[tuple[Any, Any]]:
    import jsonschema

    from enrich import Enricher
    from enrich.registry import catalogue

    enricher = Enricher(families=["user", "time", "engagement"])
    yield enricher, jsonschema.Draft202012Validator(catalogue().json_schema())
    enricher.close()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_AUTHORS, _DATES, st.builds(Metrics, *[_INTS] * 6))
def test_arbitrary_profiles_are_schema_valid(profile_enricher: tuple[Any, Any], author: Author,
                                             created: datetime | None, metrics: Metrics) -> None:
    enricher, validator = profile_enricher
    out = enricher.enrich(Post(text="x", created_at=created, author=author, metrics=metrics))["enrichment"]
    assert out["errors"] == []
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(out)]
    assert not errors, errors[:3]
