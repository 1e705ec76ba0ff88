"""The demographics evaluation: the age extractor on the bios written for this project, and
(slow, with ../shared/data) the held-back gender and brand figures docs/accuracy.md reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from enrich.evaluate.demographics import baseline_gender, evaluate_age_bios, evaluate_profiles, reliability


def test_age_extractor_on_written_bios() -> None:
    res = evaluate_age_bios()
    assert res["bios"] == 60
    assert res["recall"] >= 0.85 and res["accuracy_answered"] >= 0.95
    assert res["false_answer_rate"] == 0.0


def test_reliability_bins() -> None:
    p = np.array([0.05, 0.05, 0.95, 0.95])
    o = np.array([0.0, 1.0, 1.0, 1.0])
    table = reliability(p, o)
    assert [(t[0], t[1], t[3]) for t in table] == [("0.0-0.1", 2, 0.5), ("0.9-1.0", 2, 1.0)]


def test_baseline_uses_first_letters_token() -> None:
    gg = pytest.importorskip("gender_guesser.detector")  # the bench extra

    det = gg.Detector()
    assert baseline_gender("mary_smith99", det) == "female"
    assert baseline_gender("JohnDoe", det) is None  # "Johndoe" is not a name: the baseline is literal
    assert baseline_gender("1234", det) is None


@pytest.mark.slow
def test_held_back_targets(shared_data: Path) -> None:
    pytest.importorskip("gender_guesser")
    res = evaluate_profiles(shared_data)
    assert res["gender"]["coverage"] >= 0.6 and res["gender"]["accuracy"] >= 0.8
    assert res["brand"]["f1"] >= 0.85
    assert res["baseline"]["coverage"] < 0.15
