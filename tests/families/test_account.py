"""The account family: heuristic bot score with exposed features, influence, activity."""

from __future__ import annotations

import datetime as dt
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.families.account import AccountFamily, app_category, handle_entropy
from enrich.family import Item
from enrich.post import Author, Metrics, Post

WHEN = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


def run(post: Post) -> dict | None:
    return AccountFamily().enrich_batch([Item(post)])[0]


def test_obvious_automation_scores_high() -> None:
    a = Author(screen_name="xkq83920193zqv", created_at=WHEN - dt.timedelta(days=20),
               posts_count=50_000, followers_count=10, following_count=4000,
               default_profile=True, default_profile_image=True, verified=False)
    out = run(Post(text="deals", created_at=WHEN, author=a, source="dlvr.it"))
    assert out is not None
    assert out["bot"]["label"] == "likely_automated" and out["bot"]["score"] > 0.9
    assert out["bot"]["features"]["handle_digits"] == 8
    assert any(r.startswith("automation_app") for r in out["bot"]["reasons"])
    assert out["activity"]["level"] == "hyperactive"


def test_ordinary_person_scores_low() -> None:
    a = Author(screen_name="emma_w", created_at=WHEN - dt.timedelta(days=2000), posts_count=3000,
               followers_count=300, following_count=250, default_profile=False,
               default_profile_image=False, verified=False, listed_count=3)
    out = run(Post(text="hi", created_at=WHEN, author=a, source="Twitter for iPhone",
                   metrics=Metrics(like_count=9, retweet_count=1)))
    assert out is not None
    assert out["bot"]["label"] == "no_strong_signal" and out["bot"]["score"] < 0.2
    assert out["activity"]["level"] == "active"
    assert 0 < out["influence"]["score"] < 50
    assert out["influence"]["engagement"] == round(math.log10(11), 3)


def test_verified_lowers_and_reach_raises_influence() -> None:
    big = Author(screen_name="news", followers_count=10_000_000, verified=True)
    small = Author(screen_name="news", followers_count=100, verified=False)
    ob, os_ = run(Post(text="x", author=big)), run(Post(text="x", author=small))
    assert ob is not None and os_ is not None
    assert ob["bot"]["score"] < os_["bot"]["score"]
    assert ob["influence"]["score"] > os_["influence"]["score"]


def test_thin_evidence_has_no_label_and_no_author_is_null() -> None:
    out = run(Post(text="x", author=Author(screen_name="abc")))
    assert out is not None and out["bot"]["label"] is None
    assert run(Post(text="x")) is None


def test_helpers() -> None:
    assert app_category("Twitter for Android") == "official"
    assert app_category("IFTTT") == "automation"
    assert app_category("Tweetbot for iOS") == "automation"  # "bot" in the name: conservative
    assert app_category("Flamingo") == "third_party" and app_category(None) is None
    assert handle_entropy("aaaa") == 0.0 and handle_entropy("abcd") == 2.0


def test_naive_datetimes_and_future_creation() -> None:
    a = Author(screen_name="a", created_at=dt.datetime(2030, 1, 1), posts_count=10)
    out = run(Post(text="x", created_at=dt.datetime(2024, 1, 1), author=a))
    assert out is not None and out["bot"]["features"]["account_age_days"] == 0.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.one_of(st.none(), st.integers(0, 10**9)),
       st.one_of(st.none(), st.integers(0, 10**9)), st.one_of(st.none(), st.integers(0, 10**8)),
       st.one_of(st.none(), st.text(max_size=40)))
def test_never_fails(handle: str, followers: int | None, following: int | None,
                     posts: int | None, source: str | None) -> None:
    a = Author(screen_name=handle, followers_count=followers, following_count=following,
               posts_count=posts, created_at=WHEN - dt.timedelta(days=3))
    out = run(Post(text="x", created_at=WHEN, author=a, source=source))
    assert out is not None and 0 <= out["bot"]["score"] <= 1
    if out["influence"]["score"] is not None:
        assert 0 <= out["influence"]["score"] <= 100
