"""A linear classifier head over the shared features, stored without pickle.

``<folder>/head.npz`` holds ``weights`` (float16, features x outputs) and ``bias`` (float32);
``<folder>/head.json`` the label set, featurizer parameters and training record. Binary heads
have one output (the logit of the positive label, ``labels[1]``). Multi-class heads are either
multinomial (``link="softmax"``) or one-vs-rest (``link="ovr"``: per-class sigmoids, normalized).

A head may have a convolutional partner (``enrich.textclf.conv``, ``conv.npz`` beside the head,
named in ``head.json`` under ``conv``): :meth:`LinearHead.predict` then averages the two models'
probabilities. Heads without one predict from the linear model alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .conv import ConvHead, combine
from .features import Analysis, FeaturizerParams
from .vectors import load_vectors

WEIGHTS_FILE = "head.npz"
META_FILE = "head.json"


class LinearHead:
    def __init__(self, labels: tuple[str, ...], weights: np.ndarray, bias: np.ndarray,
                 params: FeaturizerParams, meta: dict[str, Any] | None = None,
                 link: str = "softmax") -> None:
        if link not in ("softmax", "ovr"):
            raise ValueError(f"unknown link {link!r}")
        outputs = 1 if len(labels) == 2 else len(labels)
        if weights.shape != (params.n_features, outputs) or bias.shape != (outputs,):
            raise ValueError(f"head shape {weights.shape}/{bias.shape} does not fit {len(labels)} labels "
                             f"over {params.n_features} features")
        self.labels = labels
        self.weights = np.ascontiguousarray(weights, dtype=np.float32)
        self.bias = bias.astype(np.float32)
        self.params = params
        self.meta = meta or {}
        self.link = link
        self.conv: ConvHead | None = None

    def predict(self, analysis: Analysis, rows: Iterable[int]) -> np.ndarray:
        """Rows of probabilities over ``labels`` for the given rows of a batch's analysis: the
        linear model's, averaged with the convolutional partner's when the head has one."""
        rows = list(rows)
        probs = self.probabilities(analysis.matrix[rows])
        if self.conv is not None and rows:
            words = [analysis.normalized[r].words.split() for r in rows]
            probs = combine(probs, self.conv.probabilities(words))
        return probs

    def probabilities(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Rows of the linear model's probabilities over ``labels`` (no partner)."""
        logits = np.asarray(matrix @ self.weights) + self.bias
        if len(self.labels) == 2:
            p = 1.0 / (1.0 + np.exp(-np.clip(logits[:, 0], -40, 40)))
            return np.stack([1.0 - p, p], axis=1)
        if self.link == "ovr":
            scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -40, 40)))
        else:
            scores = np.exp(logits - logits.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(folder / WEIGHTS_FILE, weights=self.weights.astype(np.float16),
                            bias=self.bias.astype(np.float32))
        self.write_meta(folder)

    def write_meta(self, folder: Path) -> None:
        """``head.json``: the training record in ``meta`` with the labels, link and featurizer."""
        meta = {**self.meta, "labels": list(self.labels), "link": self.link,
                "featurizer": self.params.to_json()}
        (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")

    @classmethod
    def load(cls, folder: Path) -> LinearHead:
        meta = json.loads((folder / META_FILE).read_text())
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as data:
            weights = data["weights"].astype(np.float32)
            bias = data["bias"].astype(np.float32)
        params = FeaturizerParams.from_json(meta["featurizer"])
        head = cls(tuple(meta["labels"]), weights, bias, params, meta, link=str(meta.get("link", "softmax")))
        if "conv" in meta:
            if not params.vectors:
                raise ValueError("a convolutional partner needs the head's word vectors")
            head.conv = ConvHead.load(folder, load_vectors(params.vectors))
            if head.conv.n_labels != len(head.labels):
                raise ValueError(f"the partner has {head.conv.n_labels} outputs for "
                                 f"{len(head.labels)} labels")
        return head

    @classmethod
    def from_sklearn(cls, model: Any, labels: tuple[str, ...], params: FeaturizerParams,
                     meta: dict[str, Any] | None = None) -> LinearHead:
        """From a fitted scikit-learn linear model (or one-vs-rest wrapper of binary ones)
        whose ``classes_`` are label names."""
        classes = [str(c) for c in model.classes_]
        link = "softmax"
        if hasattr(model, "estimators_"):
            link = "ovr"
            coef = np.vstack([np.asarray(e.coef_, dtype=np.float32) for e in model.estimators_])
            intercept = np.concatenate([np.asarray(e.intercept_, dtype=np.float32).ravel()
                                        for e in model.estimators_])
        else:
            coef = np.asarray(model.coef_, dtype=np.float32)
            intercept = np.asarray(model.intercept_, dtype=np.float32)
        if len(labels) == 2:
            if classes == list(labels)[::-1]:  # sklearn sorts classes: flip to our positive label
                coef, intercept = -coef, -intercept
            elif classes != list(labels):
                raise ValueError(f"binary classes {classes} are not the labels {labels}")
            return cls(labels, coef.T.copy(), intercept[:1], params, meta)
        order = [classes.index(label) for label in labels]
        return cls(labels, coef[order].T.copy(), intercept[order], params, meta, link=link)
