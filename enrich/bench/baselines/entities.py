"""Baseline of the entities family: en_core_web_sm's NER component alone, stock settings.

The plain library call the family replaces: ``spacy.load`` of the small English pipeline with
everything but ``ner`` excluded (its NER has its own embedding layer), then ``nlp.pipe`` over the
post texts in batches of 256, with thinc's default (BLIS) matrix products.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...post import Post

BASELINE_NAME = "en_core_web_sm ner only, nlp.pipe(batch_size=256)"

_nlp: Any = None


def BASELINE_SETUP() -> None:
    global _nlp
    if _nlp is None:
        import spacy

        from ...families.entities.models import sm_package

        _nlp = spacy.load(sm_package(), exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                 "lemmatizer", "senter"])


def BASELINE(posts: Sequence[Post]) -> object:
    BASELINE_SETUP()
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents]
            for doc in _nlp.pipe((p.text for p in posts), batch_size=256)]
