"""The sample of other-language posts printed for judging the English NER model on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.evaluate.ner_languages import main, sample_posts


def _data(tmp_path: Path) -> Path:
    posts = {
        "english": [f"Loved the speech by Barack Obama in Chicago last night, post {i}" for i in range(30)],
        "french": [f"Bonne journée à tous, message {i}" for i in range(30)],
    }
    for language, lines in posts.items():
        folder = tmp_path / "xlmt_sentiment" / language
        folder.mkdir(parents=True)
        (folder / "train_text.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


def test_sample_is_seeded_per_language_and_drawn_from_train(tmp_path: Path) -> None:
    data = _data(tmp_path)
    first = sample_posts(data, "french", 5, seed=7)
    assert first == sample_posts(data, "french", 5, seed=7)
    assert first != sample_posts(data, "french", 5, seed=8)
    assert len(set(first)) == 5 and all(p.startswith("Bonne journée") for p in first)
    assert len(sample_posts(data, "english", 100, seed=7)) == 30


def test_report_numbers_each_model_entity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["--data", str(_data(tmp_path)), "--per-language", "3", "--languages", "english,french"])
    out = capsys.readouterr().out
    assert "    en001  person        Barack Obama" in out
    assert "location      Chicago" in out
    assert out.rstrip().splitlines()[-1].startswith("# entities per language: english ")
