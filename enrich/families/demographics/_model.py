"""The author classifier: linear text models over sparse features (3-class female/male/brand,
and binary brand-vs-person; weight columns 0-2 and 3) plus a logistic stacker that combines
them with name priors, bio cues and account metadata into calibrated probabilities.

Trained by ``python -m enrich.train.demographics``; weights in ``models/demographics/``
(``text_model.npz`` + ``stacker.json``), no pickle.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from ._features import DIGITS, words
from ._names import NameHit

CLASSES = ("female", "male", "brand")
EVIDENCE_FEATURES = ("text_fm", "text_brand", "brand_logit", "name_logit", "name_logit_word",
                     "name_logit_rare", "has_name", "honorific", "pronoun", "role")
# Account metadata a post may carry (v1 user objects do; a bare handle + bio + post does not).
# Each group has a presence flag; training masks groups at random so the stacker also learns
# to do without them.
META_FEATURES = ("has_counts", "log_likes", "log_posts", "likes_minus_posts", "has_age",
                 "log_account_years", "has_theme", "default_profile")
META_GROUPS = ((0, 1, 2, 3), (4, 5), (6, 7))
STACK_FEATURES = EVIDENCE_FEATURES + META_FEATURES


def _logit(p: float) -> float:
    p = min(max(p, 0.02), 0.98)
    return math.log(p / (1.0 - p))


def stack_vector(text_logp: Iterable[float], brand_logit: float, name: NameHit | None,
                 honorific: int, pronoun: int, role: int) -> list[float]:
    """Dense stacker inputs: the text model's log-probabilities, the binary brand model's
    logit, and the name / honorific / pronoun / role-word evidence."""
    lf, lm, lb = text_logp
    person = max(lf, lm) + math.log1p(math.exp(-abs(lf - lm)))
    nl = _logit(name.p_female) if name is not None else 0.0
    return [lf - lm, lb - person, brand_logit, nl,
            nl if name is not None and name.common_word else 0.0,
            nl if name is not None and name.log10_count < 3.0 else 0.0,
            1.0 if name is not None else 0.0, float(honorific), float(pronoun), float(role)]


def meta_vector(likes: int | None, posts: int | None, account_years: float | None,
                default_profile: bool | None) -> list[float]:
    out = [0.0] * len(META_FEATURES)
    if likes is not None and posts is not None:
        ll, lp = math.log1p(max(likes, 0)), math.log1p(max(posts, 0))
        out[0:4] = [1.0, ll, lp, ll - lp]
    if account_years is not None:
        out[4:6] = [1.0, math.log1p(max(account_years, 0.0))]
    if default_profile is not None:
        out[6:8] = [1.0, 1.0 if default_profile else 0.0]
    return out


def _log_softmax(z: list[float]) -> list[float]:
    top = max(z)
    norm = top + math.log(sum(math.exp(x - top) for x in z))
    return [x - norm for x in z]


class AuthorModel:
    """Loaded text model + stacker; scoring is additive so profile scores can be cached."""

    def __init__(self, folder: Path) -> None:
        with np.load(folder / "text_model.npz", allow_pickle=False) as npz:
            vocab = [str(v) for v in npz["vocab"]]
            self.weights = npz["weights"].astype(np.float64)
            self.bias = npz["bias"].astype(np.float64)
        self.index = {f: i for i, f in enumerate(vocab)}
        # The same vocabulary keyed without the "h:"/"d:"/"t:" prefix, so inference looks up
        # n-grams and words directly instead of building one prefixed string per feature.
        self._by_kind: dict[str, dict[str, int]] = {"h": {}, "d": {}, "t": {}}
        for f, i in self.index.items():
            kind = self._by_kind.get(f[:1])
            if kind is not None and f[1:2] == ":":
                kind[f[2:]] = i
        meta = json.loads((folder / "stacker.json").read_text(encoding="utf-8"))
        if tuple(meta["classes"]) != CLASSES or tuple(meta["features"]) != STACK_FEATURES:
            raise ValueError("stacker.json does not match this code's classes/features")
        self.stack_coef = np.asarray(meta["coef"], dtype=np.float64)
        self.stack_bias = np.asarray(meta["intercept"], dtype=np.float64)
        self._coef_rows = self.stack_coef.tolist()
        self._bias_list = self.stack_bias.tolist()
        self.gender_threshold = float(meta["gender_threshold"])
        self.brand_threshold = float(meta["brand_threshold"])
        self.version = str(meta.get("version", "1"))

    def partial(self, features: Iterable[str]) -> np.ndarray:
        get = self.index.get
        idx = [i for f in features if (i := get(f)) is not None]
        if not idx:
            return np.zeros(self.weights.shape[1])
        return self.weights[idx].sum(axis=0)

    # Row indices of the features of ``_features`` (same strings, same order, unknown ones
    # dropped), for the batched scoring below; tests check them against ``partial``.
    def profile_rows(self, screen_name: str | None, description: str | None) -> list[int]:
        h, d = self._by_kind["h"].get, self._by_kind["d"].get
        if not screen_name:
            rows = [i for i in (h("__none"),) if i is not None]
        else:
            s = "^" + screen_name.lower()[:30] + "$"
            rows = [i for n in (2, 3, 4) for j in range(len(s) - n + 1)
                    if (i := h(s[j:j + n])) is not None]
            if DIGITS.search(screen_name) and (i := h("__digits")) is not None:
                rows.append(i)
        if not description or not description.strip():
            if (i := d("__empty")) is not None:
                rows.append(i)
            return rows
        toks = words(description)
        rows.extend(i for t in toks if (i := d(t)) is not None)
        rows.extend(i for a, b in itertools.pairwise(toks) if (i := d(f"{a} {b}")) is not None)
        return rows

    def text_rows(self, text: str | None) -> list[int]:
        t = self._by_kind["t"].get
        if not text or not text.strip():
            return [i for i in (t("__empty"),) if i is not None]
        return [i for w in words(text) if (i := t(w)) is not None]

    def partial_many(self, rows: Sequence[list[int]]) -> np.ndarray:
        """``partial`` of many feature lists: one gather and one segment sum for the batch.
        Rows are added in the same order as ``partial`` does, so the sums are bit-identical."""
        out = np.zeros((len(rows), self.weights.shape[1]))
        lens = [len(r) for r in rows]
        filled = [k for k, n in enumerate(lens) if n]
        if filled:
            starts = np.cumsum([0, *lens[:-1]])[filled]
            flat = list(itertools.chain.from_iterable(rows))
            out[filled] = np.add.reduceat(self.weights[flat], starts, axis=0)
        return out

    def text_scores_many(self, profile_scores: np.ndarray,
                         post_scores: np.ndarray) -> list[tuple[list[float], float]]:
        """``text_scores`` for a batch (rows of profile and post scores)."""
        z_rows = (self.bias + profile_scores + post_scores).tolist()
        return [(_log_softmax(z[:3]), z[3]) for z in z_rows]

    def text_scores(self, profile_score: np.ndarray, post_score: np.ndarray) -> tuple[list[float], float]:
        """(log-probabilities of the 3-class text model, logit of the binary brand model)."""
        z = (self.bias + profile_score + post_score).tolist()
        return _log_softmax(z[:3]), z[3]

    def stack(self, vector: list[float]) -> list[float]:
        # Plain Python: numpy's per-call overhead dominates on 3 x 9 numbers.
        # sum(map(mul)) adds the same products in the same order as a generator, only faster.
        if len(vector) != len(STACK_FEATURES):
            raise ValueError(f"stacker input has {len(vector)} values, not {len(STACK_FEATURES)}")
        z = [b + sum(map(operator.mul, row, vector))
             for row, b in zip(self._coef_rows, self._bias_list, strict=True)]
        return [math.exp(x) for x in _log_softmax(z)]
