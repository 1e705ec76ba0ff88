"""A small convolutional classifier over the tweet word vectors, run in numpy.

The linear heads see hashed n-grams and the *mean* word vector of a post. Max-pooled
convolution filters over the word vectors see something they cannot: whether any short phrase
of the post, read through ~120k tweets' worth of word similarity, looks like the phrases of
one class. On the irony and hate training splits, averaging the two beat the head alone in each
of three 5-fold cross-validation splittings (docs/accuracy.md), so the heads of those tasks ship
with a convolutional partner.

Architecture (trained by ``python -m enrich.train.conv``, which needs PyTorch; running it needs
only numpy): the post's normalized words are looked up in ``models/tweet-vectors`` (unit-length
rows, frozen during training; unknown words are zero vectors); for each window width ``k``,
``F`` filters over the concatenated vectors of ``k`` consecutive words (the sequence padded with
``k - 1`` zero vectors on each side, as a padded ``Conv1d``), ReLU, max over positions (an
all-zero window is always among them: the training batches are padded past every post); the
pooled features of all widths go through one linear layer and a softmax. The format holds
several members (their probabilities are averaged); the shipped partners have one each.

``<folder>/conv.npz`` holds, for member ``m`` and width ``k``: ``w{k}`` (members x k*dim x F,
float16), ``b{k}`` (members x F), ``out_w`` (members x F*widths x labels), ``out_b``
(members x labels), and ``widths``; loaded with ``allow_pickle=False``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from .vectors import WordVectors

CONV_FILE = "conv.npz"
MAX_WORDS = 64  # longer posts are cut: the training used the same limit


@lru_cache(maxsize=4)
def lookup_table(vectors: WordVectors) -> np.ndarray:
    """The unit-length word vectors, after a zero row 0 for unknown words and padding.

    Cached per table (by identity): the hate and irony partners share one copy (~14 MB)."""
    norms = np.linalg.norm(vectors.matrix, axis=1, keepdims=True)
    return np.vstack([np.zeros((1, vectors.dim), dtype=np.float32),
                      vectors.matrix / np.maximum(norms, 1e-6)]).astype(np.float32)


def word_ids(words: Sequence[str], index: dict[str, int]) -> list[int]:
    """Row + 1 of each word in the vector table (0: unknown), the first MAX_WORDS words."""
    return [index.get(w, -1) + 1 for w in words[:MAX_WORDS]]


def combine(linear: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """A head's probabilities with its partner's: the plain average (what the selection scored)."""
    return (linear + partner) / 2


def _ranks(lengths: np.ndarray) -> np.ndarray:
    """0, 1, ..., len-1 for each length, concatenated."""
    return np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)


class ConvHead:
    def __init__(self, widths: Sequence[int], filters: dict[int, tuple[np.ndarray, np.ndarray]],
                 out_w: np.ndarray, out_b: np.ndarray, vectors: WordVectors) -> None:
        self.widths = tuple(int(k) for k in widths)
        members = out_w.shape[0]
        dim = vectors.dim
        sizes = set()
        for k in self.widths:
            w, b = filters[k]
            if w.ndim != 3 or w.shape[:2] != (members, k * dim) or b.shape != (members, w.shape[2]):
                raise ValueError(f"width {k}: filter shape {w.shape}/{b.shape} does not fit "
                                 f"{members} members over {dim}-dimensional vectors")
            sizes.add(w.shape[2])
        if len(sizes) != 1:
            raise ValueError("every width must have the same number of filters")
        n_filters = sizes.pop()
        pooled = n_filters * len(self.widths)
        if out_w.shape[:2] != (members, pooled) or out_b.shape != (members, out_w.shape[2]):
            raise ValueError(f"output layer {out_w.shape}/{out_b.shape} does not fit "
                             f"{pooled} pooled features of {members} members")
        self.filters = {k: (np.asarray(filters[k][0], dtype=np.float32), filters[k][1].astype(np.float32))
                        for k in self.widths}
        self.out_w = out_w.astype(np.float32)
        self.out_b = out_b.astype(np.float32)
        self.members = members
        self.n_filters = n_filters
        self.n_labels = int(out_w.shape[2])
        self._table = lookup_table(vectors)
        self._index = vectors.index
        # Every width's filters, one block per offset in the window, side by side; a block is
        # members x F columns. A window's activation is then the sum of its words' products.
        self._block = members * n_filters
        blocks: list[np.ndarray] = []
        for k in self.widths:
            w = self.filters[k][0].reshape(members, k, dim, n_filters)
            blocks.extend(w[:, i].transpose(1, 0, 2).reshape(dim, self._block) for i in range(k))
        self._stacked = np.ascontiguousarray(np.hstack(blocks), dtype=np.float32)
        self._bias = {k: self.filters[k][1].reshape(-1) for k in self.widths}

    def ids(self, words: Sequence[str]) -> list[int]:
        return word_ids(words, self._index)

    def probabilities(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """Rows of label probabilities (the mean over members) for posts given as word lists."""
        n = len(docs)
        if n == 0:
            return np.zeros((0, self.n_labels), dtype=np.float32)
        pad = max(self.widths) - 1
        # All posts in one sequence, each after `pad` zero vectors and `pad` more at the end:
        # each width's windows over the sequence then include every post's padded windows.
        id_lists = [self.ids(d) for d in docs]
        lengths = np.fromiter((len(ids) for ids in id_lists), dtype=np.int64, count=n)
        total = int(lengths.sum())
        begins = np.cumsum(lengths + pad) - lengths  # where each post's first word sits
        seq = np.zeros(total + pad * (n + 1), dtype=np.int64)
        if total:
            seq[np.repeat(begins, lengths) + _ranks(lengths)] = np.fromiter(
                (i for ids in id_lists for i in ids), dtype=np.int64, count=total)
        # Words repeat across a batch's posts (and padding is everywhere): project each once.
        unique, inverse = np.unique(seq, return_inverse=True)
        proj = (self._table[unique] @ self._stacked)[inverse]
        size, width, col = len(seq), self._block, 0
        pooled: list[np.ndarray] = []
        for k in self.widths:
            act = proj[:size - k + 1, col:col + width].copy()
            for i in range(1, k):
                act += proj[i:size - k + 1 + i, col + i * width:col + (i + 1) * width]
            col += k * width
            act += self._bias[k]
            np.maximum(act, 0.0, out=act)
            # a post's windows start k - 1 places before its first word; the segment up to the
            # next post's start adds only all-zero windows, which the max includes anyway
            peak = np.maximum.reduceat(act, begins - (k - 1), axis=0)
            pooled.append(np.maximum(peak, np.maximum(self._bias[k], 0.0)).reshape(n, self.members, -1))
        feats = np.concatenate(pooled, axis=2)  # n x members x F*widths
        logits = np.einsum("nmf,mfl->nml", feats, self.out_w) + self.out_b[None, :, :]
        logits -= logits.max(axis=2, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=2, keepdims=True)
        return np.asarray(probs.mean(axis=1), dtype=np.float32)

    def save(self, folder: Path) -> None:
        arrays: dict[str, np.ndarray] = {"widths": np.asarray(self.widths, dtype=np.int64),
                                         "out_w": self.out_w.astype(np.float16),
                                         "out_b": self.out_b.astype(np.float32)}
        for k in self.widths:
            arrays[f"w{k}"] = self.filters[k][0].astype(np.float16)
            arrays[f"b{k}"] = self.filters[k][1].astype(np.float32)
        np.savez_compressed(folder / CONV_FILE, **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, folder: Path, vectors: WordVectors) -> ConvHead:
        with np.load(folder / CONV_FILE, allow_pickle=False) as data:
            widths = [int(k) for k in data["widths"]]
            filters = {k: (data[f"w{k}"].astype(np.float32), data[f"b{k}"].astype(np.float32))
                       for k in widths}
            out_w = data["out_w"].astype(np.float32)
            out_b = data["out_b"].astype(np.float32)
        return cls(widths, filters, out_w, out_b, vectors)
