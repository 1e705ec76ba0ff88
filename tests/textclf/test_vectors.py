"""Word-vector block of the text classifiers: storage, means, and its place in the features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from enrich.textclf import features
from enrich.textclf.features import DENSE_NAMES, Featurizer, FeaturizerParams
from enrich.textclf.vectors import WordVectors

TABLE = WordVectors(["good", "bad", "day"], np.array([[1, 0], [0, 1], [1, 1]], dtype=np.float32))


def test_roundtrip_without_pickle(tmp_path: Path) -> None:
    TABLE.save(tmp_path)
    loaded = WordVectors.load(tmp_path)
    assert loaded.words == TABLE.words
    assert np.allclose(loaded.matrix, TABLE.matrix)
    with np.load(tmp_path / "vectors.npz", allow_pickle=False) as data:
        assert data["matrix"].dtype == np.float16


def test_mean_rows_are_unit_means_of_known_words() -> None:
    got = TABLE.mean_rows([["good", "day", "unknown"], ["bad", "bad"], ["nothing", "known"], []])
    expected = np.array([2.0, 1.0]) / np.sqrt(5)
    assert np.allclose(got[0], expected)
    assert np.allclose(got[1], [0.0, 1.0])
    assert not got[2].any() and not got[3].any()


def test_table_must_match_its_words() -> None:
    with pytest.raises(ValueError, match="3 words"):
        WordVectors(["a", "b", "c"], np.zeros((2, 4), dtype=np.float32))
    with pytest.raises(ValueError, match="duplicate"):
        WordVectors(["a", "a"], np.zeros((2, 4), dtype=np.float32))


def test_featurizer_appends_the_weighted_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "load_vectors", lambda name: TABLE)
    params = FeaturizerParams(word_bits=6, char_bits=6, vectors="tiny", vectors_dim=2, vectors_weight=2.0)
    x = Featurizer(params).analyse(["good day", "nothing here"]).matrix
    assert x.shape == (2, params.n_features) == (2, 64 + 64 + len(DENSE_NAMES) + 2)
    block = x[:, -2:].toarray()
    assert np.allclose(block[0], 2.0 * np.array([2.0, 1.0]) / np.sqrt(5))
    assert not block[1].any()
    assert FeaturizerParams.from_json(params.to_json()) == params


def test_featurizer_refuses_a_table_of_another_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(features, "load_vectors", lambda name: TABLE)
    params = FeaturizerParams(word_bits=6, char_bits=6, vectors="tiny", vectors_dim=3, vectors_weight=1.0)
    with pytest.raises(ValueError, match="3"):
        Featurizer(params).analyse(["good"])


def test_old_heads_without_vectors_still_load() -> None:
    legacy = {"word_bits": 18, "char_bits": 18, "word_ngrams": [1, 2], "char_ngrams": [2, 5],
              "dense_weight": 1.0, "version": "1"}
    params = FeaturizerParams.from_json(legacy)
    assert params.vectors == "" and params.n_features == 2 * (1 << 18) + len(DENSE_NAMES)
