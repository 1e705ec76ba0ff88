"""The author classifier: a linear text model over sparse features plus a logistic stacker
that combines it with name priors and bio cues into calibrated female/male/brand probabilities.

Trained by ``python -m enrich.train.demographics``; weights in ``models/demographics/``
(``text_model.npz`` + ``stacker.json``), no pickle.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ._names import NameHit

CLASSES = ("female", "male", "brand")
STACK_FEATURES = ("text_fm", "text_brand", "name_logit", "name_logit_word", "name_logit_rare",
                  "has_name", "honorific", "pronoun", "role")


def _logit(p: float) -> float:
    p = min(max(p, 0.02), 0.98)
    return math.log(p / (1.0 - p))


def stack_vector(text_logp: Iterable[float], name: NameHit | None, honorific: int,
                 pronoun: int, role: int) -> list[float]:
    """Dense stacker inputs; ``text_logp`` are the text model's log-probabilities."""
    lf, lm, lb = text_logp
    person = max(lf, lm) + math.log1p(math.exp(-abs(lf - lm)))
    nl = _logit(name.p_female) if name is not None else 0.0
    return [lf - lm, lb - person, nl,
            nl if name is not None and name.common_word else 0.0,
            nl if name is not None and name.log10_count < 3.0 else 0.0,
            1.0 if name is not None else 0.0, float(honorific), float(pronoun), float(role)]


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    return z - math.log(float(np.exp(z).sum()))


class AuthorModel:
    """Loaded text model + stacker; scoring is additive so profile scores can be cached."""

    def __init__(self, folder: Path) -> None:
        with np.load(folder / "text_model.npz", allow_pickle=False) as npz:
            vocab = [str(v) for v in npz["vocab"]]
            self.weights = npz["weights"].astype(np.float64)
            self.bias = npz["bias"].astype(np.float64)
        self.index = {f: i for i, f in enumerate(vocab)}
        meta = json.loads((folder / "stacker.json").read_text(encoding="utf-8"))
        if tuple(meta["classes"]) != CLASSES or tuple(meta["features"]) != STACK_FEATURES:
            raise ValueError("stacker.json does not match this code's classes/features")
        self.stack_coef = np.asarray(meta["coef"], dtype=np.float64)
        self.stack_bias = np.asarray(meta["intercept"], dtype=np.float64)
        self.gender_threshold = float(meta["gender_threshold"])
        self.brand_threshold = float(meta["brand_threshold"])
        self.version = str(meta.get("version", "1"))

    def partial(self, features: Iterable[str]) -> np.ndarray:
        idx = [i for i in (self.index.get(f) for f in features) if i is not None]
        if not idx:
            return np.zeros(len(CLASSES))
        return self.weights[idx].sum(axis=0)

    def text_logp(self, profile_score: np.ndarray, post_score: np.ndarray) -> np.ndarray:
        return log_softmax(self.bias + profile_score + post_score)

    def stack(self, vector: list[float]) -> np.ndarray:
        z = self.stack_coef @ np.asarray(vector) + self.stack_bias
        return np.exp(log_softmax(z))
