"""The topic lexicon's check-and-seal command: validation catches malformed lexicons."""

from __future__ import annotations

from pathlib import Path

from enrich.modelstore import models_root
from enrich.train.topics import validate


def test_shipped_lexicon_is_valid() -> None:
    assert validate(models_root() / "topics" / "lexicon.toml") == []


def test_validation_reports_problems(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.toml"
    bad.write_text('[topics.sports]\nstrong = ["Goal", "goal"]\nmedium = ["goal"]\nweak = [1]\n',
                   encoding="utf-8")
    problems = validate(bad)
    text = "\n".join(problems)
    assert "taxonomy mismatch" in text
    assert "'Goal' is not lowercase" in text
    assert "listed in more than one tier" in text
    assert "sports.weak: not a list of non-empty strings" in text
