"""Empath emotion counts over normalized words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enrich.textclf.emotion_lexicon import CATEGORIES, _undouble, count, index
from enrich.textclf.normalize import normalize


def test_every_category_is_in_the_installed_empath() -> None:
    found = {CATEGORIES[i] for ix in index().values() for i in ix}
    assert found == set(CATEGORIES)
    assert {CATEGORIES[i] for i in index()["furious"]} >= {"anger", "negative_emotion"}


def test_markers_and_punctuation_are_not_words() -> None:
    counts, words = count(normalize("@bob 😂 :) !!! http://x.co/a $5 furious"))
    assert words == 1
    assert counts[CATEGORIES.index("anger")] == 1


def test_undouble() -> None:
    assert _undouble("loove") == "love"
    assert _undouble("") == ""


@given(st.text(max_size=200))
def test_any_text_gives_bounded_counts(text: str) -> None:
    counts, words = count(normalize(text))
    assert len(counts) == len(CATEGORIES)
    assert all(0 <= c <= words for c in counts)
