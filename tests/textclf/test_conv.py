"""The convolutional partner: the batched numpy forward pass against a plain reference,
storage without pickle, and how a head uses it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.modelstore import model_dir, models_root
from enrich.textclf.conv import CONV_FILE, MAX_WORDS, ConvHead
from enrich.textclf.features import Featurizer
from enrich.textclf.linear import META_FILE, LinearHead
from enrich.textclf.vectors import WordVectors

WORDS = [f"w{i}" for i in range(40)]


def _vectors(dim: int = 6, seed: int = 0) -> WordVectors:
    rng = np.random.default_rng(seed)
    return WordVectors(WORDS, rng.standard_normal((len(WORDS), dim)).astype(np.float32))


def _head(widths: tuple[int, ...] = (1, 2, 3), members: int = 2, filters: int = 5, labels: int = 2,
          seed: int = 1, vectors: WordVectors | None = None) -> ConvHead:
    vectors = vectors or _vectors()
    rng = np.random.default_rng(seed)
    filt = {k: (rng.standard_normal((members, k * vectors.dim, filters)).astype(np.float32),
                rng.standard_normal((members, filters)).astype(np.float32)) for k in widths}
    out_w = rng.standard_normal((members, filters * len(widths), labels)).astype(np.float32)
    out_b = rng.standard_normal((members, labels)).astype(np.float32)
    return ConvHead(widths, filt, out_w, out_b, vectors)


def _reference(head: ConvHead, words: list[str]) -> np.ndarray:
    """One post, the way the docstring describes it: padded windows, ReLU, max, softmax, mean."""
    table = head._table
    ids = head.ids(words)
    dim = table.shape[1]
    out = []
    for m in range(head.members):
        pooled = []
        for k in head.widths:
            w, b = head.filters[k]
            seq = [0] * (k - 1) + ids + [0] * (k - 1)
            windows = [np.concatenate([table[i] for i in seq[j:j + k]]) for j in range(len(ids) + k - 1)]
            windows.append(np.zeros(k * dim, dtype=np.float32))  # the all-zero window
            acts = np.maximum(np.stack(windows) @ w[m] + b[m], 0)
            pooled.append(acts.max(axis=0))
        logits = np.concatenate(pooled) @ head.out_w[m] + head.out_b[m]
        e = np.exp(logits - logits.max())
        out.append(e / e.sum())
    return np.mean(out, axis=0)


DOCS = [["w1", "w2", "w3"], [], ["unknown", "w5"], ["w7"], ["w2"] * 3 + ["zz"] + ["w9"] * 2,
        [f"w{i % 40}" for i in range(MAX_WORDS + 10)]]


@pytest.mark.parametrize("widths", [(1, 2, 3), (2, 4), (1,)])
def test_batched_forward_matches_the_reference(widths: tuple[int, ...]) -> None:
    head = _head(widths)
    got = head.probabilities(DOCS)
    want = np.stack([_reference(head, d) for d in DOCS])
    assert np.allclose(got, want, atol=1e-5)


word_lists = st.lists(st.lists(st.sampled_from([*WORDS, "oov", "#tag", ""]), max_size=12), max_size=8)


@settings(max_examples=60, deadline=None)
@given(docs=word_lists)
def test_a_post_scores_the_same_in_any_batch(docs: list[list[str]]) -> None:
    head = _head(labels=3)
    got = head.probabilities(docs)
    assert got.shape == (len(docs), 3) and np.all(np.isfinite(got))
    assert np.allclose(got.sum(axis=1), 1, atol=1e-5)
    for i, d in enumerate(docs):
        assert np.allclose(got[i], head.probabilities([d])[0], atol=1e-5)


def test_save_and_load_keep_the_predictions(tmp_path: Path) -> None:
    head = _head()
    head.save(tmp_path)
    loaded = ConvHead.load(tmp_path, _vectors())
    assert loaded.widths == head.widths and loaded.members == head.members
    assert np.allclose(loaded.probabilities(DOCS), head.probabilities(DOCS), atol=2e-3)  # float16


def test_pickled_filters_are_refused(tmp_path: Path) -> None:
    _head().save(tmp_path)
    np.savez(tmp_path / CONV_FILE, widths=np.array([1]), w1=np.array([object()], dtype=object),
             b1=np.zeros((2, 5)), out_w=np.zeros((2, 5, 2)), out_b=np.zeros((2, 2)))
    with pytest.raises(ValueError):
        ConvHead.load(tmp_path, _vectors())


def test_shapes_are_checked() -> None:
    vectors = _vectors()
    good = _head(vectors=vectors)
    with pytest.raises(ValueError, match="does not fit"):
        ConvHead((1, 2), {1: good.filters[1], 2: good.filters[3]}, good.out_w[:, :10], good.out_b, vectors)
    with pytest.raises(ValueError, match="output layer"):
        ConvHead(good.widths, good.filters, good.out_w[:, :4], good.out_b, vectors)


def test_shipped_irony_and_hate_heads_average_with_their_partner() -> None:
    texts = ["Oh great, another Monday, just what I needed...", "a sunny walk in the park"]
    for model in ("irony", "hate"):
        head = LinearHead.load(model_dir(model, model))
        assert head.conv is not None, model
        analysis = Featurizer(head.params).analyse(texts)
        linear = head.probabilities(analysis.matrix)
        conv = head.conv.probabilities([n.words.split() for n in analysis.normalized])
        both = head.predict(analysis, range(len(texts)))
        assert np.allclose(both, (linear + conv) / 2, atol=1e-6)
        assert not np.allclose(both, linear, atol=1e-3)  # the partner does change the reading
        assert head.meta["val"]["value"] != head.meta["val_linear"]["value"]


def test_heads_without_a_partner_predict_alone() -> None:
    head = LinearHead.load(model_dir("offensive", "safety"))
    assert head.conv is None
    analysis = Featurizer(head.params).analyse(["you are kind"])
    assert np.array_equal(head.predict(analysis, [0]), head.probabilities(analysis.matrix))


def test_a_missing_partner_file_is_not_silently_ignored(tmp_path: Path) -> None:
    shutil.copytree(models_root() / "irony", tmp_path / "irony")
    (tmp_path / "irony" / CONV_FILE).unlink()
    assert "conv" in json.loads((tmp_path / "irony" / META_FILE).read_text())
    with pytest.raises(FileNotFoundError):
        LinearHead.load(tmp_path / "irony")
