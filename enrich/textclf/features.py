"""Hashed word + character n-gram features and dense lexicon features, computed once a batch.

The layout of a feature row is ``[word block | char block | dense block | vector block]`` (the
last only when the parameters name a word-vector table); each hashed block
is sublinear-tf weighted and L2-normalized on its own so neither dominates. Hashing needs no
vocabulary file, so a head is only its weight matrix and the parameters recorded here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from .normalize import Normalized, normalize
from .vectors import load_vectors

_WORD_CACHE = 50_000  # words whose hashed n-grams are kept (~20 MB at most)

DENSE_NAMES = (
    "vader_neg", "vader_neu", "vader_pos", "vader_compound",
    "negations", "allcaps", "elongated", "emoji_positive", "emoji_negative",
    "emoticon_positive", "emoticon_negative", "exclamations", "questions",
)


@dataclass(frozen=True, slots=True)
class FeaturizerParams:
    word_bits: int = 18
    char_bits: int = 18
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    dense_weight: float = 1.0
    version: str = "1"
    vectors: str = ""  # a word-vector table in models/ (enrich.textclf.vectors); "" for none
    vectors_dim: int = 0
    vectors_weight: float = 0.0

    @property
    def n_features(self) -> int:
        return (1 << self.word_bits) + (1 << self.char_bits) + len(DENSE_NAMES) + self.vectors_dim

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeaturizerParams:
        return cls(word_bits=int(data["word_bits"]), char_bits=int(data["char_bits"]),
                   word_ngrams=(int(data["word_ngrams"][0]), int(data["word_ngrams"][1])),
                   char_ngrams=(int(data["char_ngrams"][0]), int(data["char_ngrams"][1])),
                   dense_weight=float(data["dense_weight"]), version=str(data["version"]),
                   vectors=str(data.get("vectors", "")), vectors_dim=int(data.get("vectors_dim", 0)),
                   vectors_weight=float(data.get("vectors_weight", 0.0)))


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_scores(text: str) -> dict[str, float]:
    return dict(_vader().polarity_scores(text))


@dataclass(slots=True)
class Analysis:
    """What one pass over a batch yields: the feature matrix and per-post readings."""

    matrix: sp.csr_matrix
    normalized: list[Normalized]
    vader: list[dict[str, float]]


class Featurizer:
    def __init__(self, params: FeaturizerParams) -> None:
        self.params = params
        self._words = HashingVectorizer(
            n_features=1 << params.word_bits, analyzer="word", token_pattern=r"\S+",  # noqa: S106
            lowercase=False, ngram_range=params.word_ngrams, alternate_sign=False, norm=None,
            dtype=np.float32)
        self._chars = HashingVectorizer(
            n_features=1 << params.char_bits, analyzer="char_wb", lowercase=False,
            ngram_range=params.char_ngrams, alternate_sign=False, norm=None, dtype=np.float32)
        self._word_grams: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._vectors = load_vectors(params.vectors) if params.vectors else None
        if self._vectors is not None and self._vectors.dim != params.vectors_dim:
            raise ValueError(f"vectors {params.vectors!r} have {self._vectors.dim} dimensions, "
                             f"the featurizer expects {params.vectors_dim}")

    def analyse(self, texts: Sequence[str]) -> Analysis:
        norms = [normalize(t) for t in texts]
        vader = [vader_scores(t) for t in texts]
        return Analysis(self.matrix(norms, vader), norms, vader)

    def matrix(self, norms: Sequence[Normalized], vader: Sequence[dict[str, float]]) -> sp.csr_matrix:
        words = self._block(self._words.transform([n.words for n in norms]))
        chars = self._block(self._char_counts([n.chars for n in norms]))
        dense = sp.csr_matrix(dense_features(norms, vader) * self.params.dense_weight)
        blocks = [words, chars, dense]
        if self._vectors is not None:
            means = self._vectors.mean_rows([n.words.split() for n in norms])
            blocks.append(sp.csr_matrix(means * self.params.vectors_weight))
        return sp.hstack(blocks, format="csr", dtype=np.float32)

    def _char_counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Hashed char_wb n-gram counts, identical to ``self._chars.transform(docs)``.

        char_wb n-grams never cross a space, so a document's counts are the sum of its words'
        counts; words repeat across posts, so each word is hashed once and cached (bounded).
        """
        split = [d.split() for d in docs]
        cache = self._word_grams
        missing = list({w for ws in split for w in ws if w not in cache})
        if missing and len(cache) + len(missing) > _WORD_CACHE:
            # start over, keeping nothing this call would read from the old cache
            cache.clear()
            missing = list({w for ws in split for w in ws})
        if missing:
            hashed = self._chars.transform(missing)
            ptr, idx, val = hashed.indptr, hashed.indices, hashed.data
            for i, w in enumerate(missing):
                cache[w] = (idx[ptr[i]:ptr[i + 1]], val[ptr[i]:ptr[i + 1]])
        pieces = [cache[w] for ws in split for w in ws]
        lengths = np.fromiter((len(ws) for ws in split), dtype=np.int64, count=len(split))
        shape = (len(docs), 1 << self.params.char_bits)
        if not pieces:
            return sp.csr_matrix(shape, dtype=np.float32)
        sizes = np.fromiter((len(p[0]) for p in pieces), dtype=np.int64, count=len(pieces))
        word_rows = np.repeat(np.arange(len(docs)), lengths)
        rows = np.repeat(word_rows, sizes)
        cols = np.concatenate([p[0] for p in pieces])
        vals = np.concatenate([p[1] for p in pieces])
        out = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float32)
        out.sum_duplicates()
        return out

    @staticmethod
    def _block(x: sp.csr_matrix) -> sp.csr_matrix:
        x = x.tocsr()
        np.log1p(x.data, out=x.data)
        return l2_normalize(x, copy=False)


def dense_features(norms: Sequence[Normalized], vader: Sequence[dict[str, float]]) -> np.ndarray:
    out = np.zeros((len(norms), len(DENSE_NAMES)), dtype=np.float32)
    for i, (n, v) in enumerate(zip(norms, vader, strict=True)):
        out[i] = (
            v["neg"], v["neu"], v["pos"], v["compound"],
            min(n.negations, 3) / 3, min(n.allcaps, 3) / 3, min(n.elongated, 3) / 3,
            min(n.emoji_positive, 3) / 3, min(n.emoji_negative, 3) / 3,
            min(n.emoticon_positive, 3) / 3, min(n.emoticon_negative, 3) / 3,
            min(n.exclamations, 5) / 5, min(n.questions, 5) / 5,
        )
    return out
