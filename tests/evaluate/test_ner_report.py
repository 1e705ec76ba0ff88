"""The NER evaluation's report: intervals and the paired comparison of two models."""

from __future__ import annotations

from typing import Any

from enrich.evaluate.ner import CORPUS_LABELS, markdown, score, typed_f1


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
