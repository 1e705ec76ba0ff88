"""The irony family: a probability and a flag, English only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from enrich import Enricher


@pytest.fixture(scope="module")
def enricher() -> Iterator[Enricher]:
    with Enricher(families=["irony"]) as enr:
        yield enr


def test_ironic_post_scores_above_a_plain_one(enricher: Enricher) -> None:
    text = "Oh great, another Monday. Just what I needed #not"
    ironic = enricher.enrich({"text": text})["enrichment"]["irony"]
    plain = enricher.enrich({"text": "The library opens at nine on weekdays and ten on Saturdays"})
    plain_irony = plain["enrichment"]["irony"]
    assert 0 <= plain_irony["probability"] < ironic["probability"] <= 1
    assert ironic["is_ironic"] is True


def test_threshold_setting() -> None:
    with Enricher(families=["irony"], options={"irony": {"threshold": 1.0}}) as enr:
        out = enr.enrich({"text": "Oh great, another Monday. Just what I needed #not"})["enrichment"]["irony"]
    assert out["is_ironic"] is False


def test_other_languages_abstain(enricher: Enricher) -> None:
    text = "Ach wie schön, schon wieder Montag und der Zug fällt aus"
    out = enricher.enrich({"text": text})["enrichment"]["irony"]
    assert out["probability"] is None and out["abstain_reason"] == "unsupported_language"
