"""The NER evaluation's report: intervals and the paired comparison of two models."""

from __future__ import annotations

from typing import Any

from enrich.evaluate.ner import CORPUS_LABELS, markdown, novel_only, pooled, score, typed_f1
from enrich.train.ner import Sentence


def _result(name: str, f: float, diff: dict[str, Any] | None) -> dict[str, Any]:
    corpus: dict[str, Any] = {
        "typed": {"p": f, "r": f, "f": f}, "untyped": {"p": f, "r": f, "f": f},
        "typed_f1_interval": [f - 0.03, f + 0.03], "per_label": {}}
    if diff:
        corpus["first_minus_this"] = diff
    return {"model": name, "split": "dev", **{c: corpus for c in CORPUS_LABELS}}


def test_typed_f1_pools_spans_over_sentences() -> None:
    labels = CORPUS_LABELS["btc"]
    golds = [{(0, 1, "person")}, {(2, 4, "location")}]
    preds = [{(0, 1, "person")}, {(2, 4, "organization")}]
    assert typed_f1(labels)(golds, preds) == score(golds, preds, labels)["typed"]["f"] == 0.5


def test_markdown_shows_intervals_and_the_comparison() -> None:
    diff = {"first": "a", "delta": 0.085, "interval": [0.044, 0.12]}
    text = markdown({"a": _result("a", 0.384, None), "b": _result("b", 0.299, diff)})
    assert "| a | wnut17 dev | 0.384 | 0.384 | 0.384 [0.354, 0.414] |" in text
    assert "| a − b | btc dev | +0.085 [+0.044, +0.120] |" in text
    assert "comparison" not in markdown({"a": _result("a", 0.384, None)})


def test_novel_only_drops_known_entities_and_predictions_touching_them() -> None:
    sent = Sentence(words=("Taylor", "Swift", "met", "Zorblax", "in", "Paris"),
                    tags=("B-person", "I-person", "O", "B-person", "O", "B-location"))
    gold = {(0, 2, "person"), (3, 4, "person"), (5, 6, "location")}
    pred = {(1, 2, "person"), (3, 4, "person"), (2, 3, "location"), (5, 6, "location")}
    golds, preds = novel_only([sent], [gold], [pred], frozenset({"taylor swift", "paris"}))
    assert golds == [{(3, 4, "person")}]
    # the partial "Swift" and the right "Paris" touch known entities: neither counts;
    # "met" as a location is a false positive on novel ground and stays
    assert preds == [{(3, 4, "person"), (2, 3, "location")}]
    assert score(golds, preds, CORPUS_LABELS["wnut17"])["typed"] == {"p": 0.5, "r": 1.0, "f": 0.6667}


def test_pooled_adds_the_counts_of_both_corpora() -> None:
    result = {"wnut17": {"correct": 2, "predicted": 4, "gold": 8},
              "btc": {"correct": 6, "predicted": 8, "gold": 8}}
    assert pooled(result) == {"p": 0.6667, "r": 0.5, "f": 0.5714}
    text = markdown({"a": {**_result("a", 0.5, None), "pooled": {"p": 0.6667, "r": 0.5, "f": 0.5714}}})
    assert "| a | dev | 0.667 | 0.500 | 0.571 |" in text
