"""Hashed featurization: the per-word char n-gram cache must equal a plain transform."""

from __future__ import annotations

import numpy as np
import pytest

from enrich.textclf import features
from enrich.textclf.features import Featurizer, FeaturizerParams

SMALL = FeaturizerParams(word_bits=10, char_bits=10)


def _reference(feat: Featurizer, docs: list[str]) -> np.ndarray:
    return np.asarray(feat._chars.transform(docs).toarray())


def test_char_counts_equal_plain_transform() -> None:
    feat = Featurizer(SMALL)
    docs = ["good morning world", "", "morning   again good", "naïve café 😀"]
    assert np.array_equal(feat._char_counts(docs).toarray(), _reference(feat, docs))


def test_char_counts_survive_a_full_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # A batch that overflows the cache must not lose the cached words it also needs.
    monkeypatch.setattr(features, "_WORD_CACHE", 4)
    feat = Featurizer(SMALL)
    first = ["alpha beta gamma"]
    second = ["alpha beta delta epsilon"]
    feat._char_counts(first)
    got = feat._char_counts(second).toarray()
    assert np.array_equal(got, _reference(feat, second))
    assert len(feat._word_grams) <= 4
