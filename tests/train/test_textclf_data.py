"""Readers of the development data for the text classifiers, on a folder written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from enrich.textclf import data
from enrich.textclf.tasks import TASKS, macro_recall


def _write(root: Path) -> None:
    sem = root / "semeval2017_sentiment_train" / "downloaded"
    sem.mkdir(parents=True)
    (sem / "twitter-2013train-A.tsv").write_text(
        "1\tpositive\tGreat day at @alice's party \\u2019yay\\u2019\n"
        "2\tnegative\tThis is awful http://t.co/x\n"
        "3\tneutral\tNot Available\n"
        "4\tbogus\tlabel is wrong\n", encoding="utf-8")
    (sem / "twitter-2016dev-A.tsv").write_text(
        "1\tpositive\tGreat day at @alice's party \\u2019yay\\u2019\n"
        "5\tneutral\tthe bus\tleaves at noon\n"
        "6\tneutral\tThe bus leaves at noon!!\n", encoding="utf-8")
    te = root / "tweeteval" / "sentiment"
    te.mkdir(parents=True)
    (te / "val_text.txt").write_text("This is awful http\n", encoding="utf-8")
    (te / "val_labels.txt").write_text("0\n", encoding="utf-8")
    for name in data.XLMT_LANGUAGES:
        folder = root / "xlmt_sentiment" / name
        folder.mkdir(parents=True)
        (folder / "val_text.txt").write_text(f"{name} one\n{name} two\n", encoding="utf-8")
        (folder / "val_labels.txt").write_text("0\n2\n", encoding="utf-8")


def test_semeval_reader_decodes_dedupes_and_excludes_validation(tmp_path: Path) -> None:
    _write(tmp_path)
    val = data.tweeteval(tmp_path, "sentiment", "val")
    assert val.labels == ["negative"]
    train = data.semeval_sentiment(tmp_path, exclude=val)
    assert train.texts == ["Great day at @alice's party ’yay’", "the bus\tleaves at noon"]
    assert train.labels == ["positive", "neutral"]


def test_xlmt_reader_tags_languages(tmp_path: Path) -> None:
    _write(tmp_path)
    split = data.xlmt(tmp_path, "val", languages=("fr", "de"))
    assert sorted(set(split.groups)) == ["de", "fr"] and len(split) == 4
    assert split.labels[:2] == ["negative", "positive"]


def test_metric_and_tasks() -> None:
    assert macro_recall(["a", "a", "b"], ["a", "b", "b"]) == pytest.approx(0.75)
    assert set(TASKS) == {"sentiment", "sentiment-xlmt", "emotion", "offensive", "hate", "irony"}


def test_shipped_heads_record_their_validation_figures() -> None:
    from enrich.modelstore import models_root

    for task in TASKS.values():
        meta = json.loads((models_root() / task.model / "head.json").read_text())
        assert meta["task"] == task.name and list(meta["labels"]) == list(task.labels)
        assert 0 < meta["val"]["value"] <= 1 and meta["val"]["metric"] == task.metric_name


def test_shipped_heads_still_match_the_featurizer() -> None:
    """The probe posts stored at training time must score the same with today's featurizer:
    a change to normalization or hashing without retraining fails here."""
    import numpy as np

    from enrich.modelstore import model_dir
    from enrich.textclf.features import Featurizer
    from enrich.textclf.linear import LinearHead

    for task in TASKS.values():
        head = LinearHead.load(model_dir(task.model, task.name))
        probe = head.meta["probe"]
        got = head.predict(Featurizer(head.params).analyse(probe["texts"]), range(len(probe["texts"])))
        assert np.allclose(got, np.array(probe["probabilities"]), atol=1e-3), task.model
