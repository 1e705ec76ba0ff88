"""Shared runtime: safe head storage, checksum verification, one featurization per batch."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from enrich.errors import NotConfigured
from enrich.family import Item
from enrich.modelstore import model_dir, models_root, write_sums
from enrich.post import Post
from enrich.textclf import runtime
from enrich.textclf.features import Featurizer, FeaturizerParams
from enrich.textclf.linear import WEIGHTS_FILE, LinearHead

SMALL = FeaturizerParams(word_bits=8, char_bits=8)
TEXTS = ["good great love", "bad awful hate", "the table is wooden", "love it", "hate it", "a chair"]
LABELS3 = ["positive", "negative", "neutral", "positive", "negative", "neutral"]


def _fit(labels: list[str], multi: bool) -> LinearHead:
    x = Featurizer(SMALL).analyse(TEXTS).matrix
    base = LogisticRegression(solver="liblinear")
    model = OneVsRestClassifier(base).fit(x, labels) if multi else base.fit(x, labels)
    order = ("negative", "neutral", "positive") if multi else ("negative", "positive")
    return LinearHead.from_sklearn(model, order, SMALL, {"version": "test"})


def test_head_roundtrip_matches_sklearn_order(tmp_path: Path) -> None:
    head = _fit(LABELS3, multi=True)
    head.save(tmp_path)
    loaded = LinearHead.load(tmp_path)
    x = Featurizer(SMALL).analyse(["love love", "hate hate"]).matrix
    p = loaded.probabilities(x)
    assert np.allclose(p.sum(axis=1), 1)
    assert [loaded.labels[i] for i in p.argmax(axis=1)] == ["positive", "negative"]
    assert loaded.link == "ovr" and loaded.meta["version"] == "test"


def test_binary_head(tmp_path: Path) -> None:
    labels = ["positive" if lab == "positive" else "negative" for lab in LABELS3]
    head = _fit(labels, multi=False)
    p = head.probabilities(Featurizer(SMALL).analyse(["love it", "a table"]).matrix)
    assert p.shape == (2, 2) and p[0, 1] > p[1, 1]


def test_pickled_weights_are_refused(tmp_path: Path) -> None:
    head = _fit(LABELS3, multi=True)
    head.save(tmp_path)
    np.savez(tmp_path / WEIGHTS_FILE, weights=np.array([object()], dtype=object), bias=np.zeros(3))
    with pytest.raises(ValueError):
        LinearHead.load(tmp_path)


def test_checksum_mismatch_disables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = models_root() / "irony"
    shutil.copytree(src, tmp_path / "irony")
    monkeypatch.setenv("ENRICH_MODELS_DIR", str(tmp_path))
    model_dir("irony", "irony")
    (tmp_path / "irony" / "head.json").write_text("{}")
    with pytest.raises(NotConfigured):
        model_dir("irony", "irony")
    write_sums(tmp_path / "irony")  # a consistent folder loads again
    model_dir("irony", "irony")


def test_missing_word_vectors_disable_the_family_asking(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.textclf.vectors import load_vectors

    shutil.copytree(models_root() / "irony", tmp_path / "irony")  # no tweet-vectors beside it
    monkeypatch.setenv("ENRICH_MODELS_DIR", str(tmp_path))
    monkeypatch.setattr(runtime, "_heads", {})
    monkeypatch.setattr(runtime, "_featurizers", {})
    load_vectors.cache_clear()
    with pytest.raises(NotConfigured) as info:
        runtime.load_head("irony", "irony")
    assert info.value.details["family"] == "irony"
    assert "tweet-vectors" in str(info.value.details["detail"])
    load_vectors.cache_clear()


def test_shipped_heads_share_one_featurizer() -> None:
    params = {runtime.load_head(m, "test").params
              for m in ("sentiment-en", "sentiment-xlmt", "emotion", "offensive", "hate", "irony")}
    assert len(params) == 1


def test_batch_is_featurized_once(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime.featurizer(SMALL)  # created (and warmed up) before counting
    calls: list[int] = []
    real = Featurizer.analyse

    def counting(self: Featurizer, texts: list[str]):  # type: ignore[no-untyped-def]
        calls.append(len(texts))
        return real(self, texts)

    monkeypatch.setattr(Featurizer, "analyse", counting)
    posts = [Post(text=t, lang="en") for t in TEXTS]
    a1, rows1 = runtime.batch_cache.analyse(posts, SMALL)
    a2, rows2 = runtime.batch_cache.analyse(list(reversed(posts)), SMALL)
    assert calls == [len(TEXTS)] and a1 is a2 and rows2 == list(reversed(rows1))
    runtime.batch_cache.analyse([Post(text="new", lang="en")], SMALL)
    assert len(calls) == 2


@pytest.mark.parametrize(("out", "lang", "expected"), [
    ({"language": "en", "reliable": True}, "es", ("en", "detected", "english")),
    ({"language": "en", "reliable": False}, "es", ("es", "declared", "multilingual")),
    ({"language": "nl", "reliable": True}, None, ("nl", "detected", None)),
    ({"language": None, "abstain_reason": "too_few_letters"}, None, (None, "none", "english")),
    (None, "pt-BR", ("pt", "declared", "multilingual")),
    (None, None, ("en", "detected", "english")),  # no language family: own detection
])
def test_route(out: dict | None, lang: str | None, expected: tuple) -> None:
    item = Item(Post(text="I think these are some words in English", lang=lang))
    if out is not None:
        item.out["language"] = out
    r = runtime.route(item, multilingual=True)
    assert (r.language, r.source, r.model) == expected


def test_binary_head_whose_positive_label_sorts_first() -> None:
    # sklearn orders classes alphabetically ("hate" < "not-hate"); the head must still give the
    # probability of its second label.
    labels = ["hate" if lab == "negative" else "not-hate" for lab in LABELS3]
    x = Featurizer(SMALL).analyse(TEXTS).matrix
    model = LogisticRegression(solver="liblinear").fit(x, labels)
    head = LinearHead.from_sklearn(model, ("not-hate", "hate"), SMALL)
    xq = Featurizer(SMALL).analyse(["hate awful", "love great"]).matrix
    p = head.probabilities(xq)
    assert p[0, 1] > 0.5 > p[1, 1]
    assert np.allclose(p[:, 1], model.predict_proba(xq)[:, 0], atol=1e-5)
