"""The engagement family: counts, totals, log scales and rates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrich.families.engagement import EngagementFamily
from enrich.family import Item
from enrich.post import Author, Metrics, Post

FAM = EngagementFamily()


def _eng(metrics: Metrics | None, followers: int | None = None) -> dict | None:
    author = Author(followers_count=followers) if followers is not None else None
    return FAM.enrich_one(Item(Post(text="x", metrics=metrics, author=author)))


def test_totals_and_rates() -> None:
    out = _eng(Metrics(reply_count=10, retweet_count=20, quote_count=5, like_count=65,
                       bookmark_count=0, impression_count=10_000), followers=1000)
    assert out is not None
    assert out["total"] == 100 and out["has_engagement"]
    assert out["rate_per_follower"] == 0.1 and out["like_rate_per_follower"] == 0.065
    assert out["rate_per_impression"] == 0.01
    assert out["amplification_share"] == 0.25 and out["conversation_share"] == 0.1
    assert out["total_log10"] == pytest.approx(2.0043, abs=1e-4)


def test_partial_and_missing_counts() -> None:
    assert _eng(None) is None
    out = _eng(Metrics(like_count=0, retweet_count=0), followers=0)
    assert out is not None
    assert out["total"] == 0 and out["has_engagement"] is False
    assert out["rate_per_follower"] is None  # no followers: no rate
    assert out["reply_count"] is None and out["conversation_share"] is None
    assert out["amplification_share"] is None  # total is zero


@given(st.lists(st.one_of(st.none(), st.integers(min_value=-3, max_value=10**12)), min_size=6, max_size=6),
       st.one_of(st.none(), st.integers(min_value=-3, max_value=10**9)))
def test_arbitrary_counts(values: list[int | None], followers: int | None) -> None:
    out = _eng(Metrics(*values), followers)
    assert out is not None
    for key in ("amplification_share", "conversation_share"):
        assert out[key] is None or 0.0 <= out[key] <= 1.0
    assert all(out[k] is None or out[k] >= 0 for k in ("total", "rate_per_follower", "rate_per_impression"))
