"""Training the convolutional partner: PyTorch's weights turned into the numpy layout.

Skipped where PyTorch is not installed (it is only needed to train: ``.[train-conv]``)."""

from __future__ import annotations

import numpy as np
import pytest

from enrich.textclf.vectors import WordVectors

torch = pytest.importorskip("torch")

from enrich.train.conv import ConvConfig, fit, id_matrix  # noqa: E402


def _vectors() -> WordVectors:
    rng = np.random.default_rng(0)
    return WordVectors([f"w{i}" for i in range(30)], rng.standard_normal((30, 8)).astype(np.float32))


def test_id_matrix_pads_past_every_post() -> None:
    ids = id_matrix([["w0", "nope", "w2"], []], _vectors())
    assert ids.tolist() == [[1, 0, 3, 0], [0, 0, 0, 0]]


def test_fit_learns_and_matches_pytorch() -> None:
    torch.set_num_threads(1)
    rng = np.random.default_rng(1)
    # class 1 posts contain the phrase "w3 w4", class 0 posts "w4 w3": only word order tells
    docs, y = [], []
    for i in range(200):
        words = [f"w{j}" for j in rng.integers(5, 30, size=rng.integers(2, 9))]
        at = int(rng.integers(0, len(words) + 1))
        words[at:at] = ["w3", "w4"] if i % 2 else ["w4", "w3"]
        docs.append(words + (["unseen"] if i % 3 == 0 else []))
        y.append(i % 2)
    # fit itself raises when the numpy pass differs from PyTorch's by more than 1e-4
    config = ConvConfig(epochs=30, filters=8, widths=(1, 2), learning_rate=0.01)
    head = fit(config, docs, np.array(y), 2, _vectors(), seed=0)
    probs = head.probabilities([["w9", "w3", "w4", "w10"], ["w9", "w4", "w3", "w10"]])
    assert probs[0, 1] > 0.5 > probs[1, 1]
