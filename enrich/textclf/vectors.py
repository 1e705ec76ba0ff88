"""Word vectors learned from unlabeled tweets, read as one dense block per post.

A post's block is the L2-normalized mean of the vectors of its normalized words (words the
table does not know are skipped). The hashed n-gram blocks only know the words a task's
training set contains; these vectors carry what ~120k other tweets say about a word, which
matters most for the small training sets (irony: 2,862 tweets).

Stored as ``vectors.npz`` (``matrix`` float16, rows in the order of ``words.txt``), loaded
without pickle and verified by checksum like every other artefact.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from ..modelstore import model_dir

MATRIX_FILE = "vectors.npz"
WORDS_FILE = "words.txt"


class WordVectors:
    def __init__(self, words: Sequence[str], matrix: np.ndarray) -> None:
        if matrix.ndim != 2 or matrix.shape[0] != len(words):
            raise ValueError(f"{len(words)} words but a {matrix.shape} matrix")
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}
        if len(self.index) != len(self.words):
            raise ValueError("duplicate words in the vector table")
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)

    @property
    def dim(self) -> int:
        return int(self.matrix.shape[1])

    def mean_rows(self, docs: Sequence[Sequence[str]]) -> np.ndarray:
        """One row per document: the unit-length mean vector of its known words (zeros if none)."""
        index = self.index
        rows: list[int] = []
        cols: list[int] = []
        for r, words in enumerate(docs):
            for w in words:
                i = index.get(w)
                if i is not None:
                    rows.append(r)
                    cols.append(i)
        counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                               shape=(len(docs), len(self.words)))
        out = np.asarray(counts @ self.matrix, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)
        return out

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / WORDS_FILE).write_text("\n".join(self.words) + "\n", encoding="utf-8")
        np.savez_compressed(folder / MATRIX_FILE, matrix=self.matrix.astype(np.float16))

    @classmethod
    def load(cls, folder: Path) -> WordVectors:
        words = (folder / WORDS_FILE).read_text(encoding="utf-8").split("\n")[:-1]
        with np.load(folder / MATRIX_FILE, allow_pickle=False) as data:
            matrix = data["matrix"]
        return cls(words, matrix)


@lru_cache(maxsize=2)
def load_vectors(name: str) -> WordVectors:
    """The table in ``models/<name>/``, checksum-verified once per process."""
    return WordVectors.load(model_dir(name, "textclf"))
