"""The sentiment family: VADER always, the trained label by language, sentences and cues."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich import Enricher
from enrich.family import Family, Item
from enrich.post import Post


@pytest.fixture(scope="module")
def enricher() -> Iterator[Enricher]:
    with Enricher(families=["sentiment"]) as enr:
        yield enr


def _sent(enricher: Enricher, record: Any) -> dict[str, Any]:
    out = enricher.enrich(record)["enrichment"]
    assert not out["errors"], out["errors"]
    return out["sentiment"]


@pytest.mark.parametrize(("text", "label"), [
    ("I love this phone so much, best purchase I've made all year! 😍", "positive"),
    ("This is the worst customer service I have ever had. Absolutely terrible.", "negative"),
    ("The meeting has been moved to room 204 on the third floor at 3pm.", "neutral"),
])
def test_clear_cases_get_the_right_label(enricher: Enricher, text: str, label: str) -> None:
    s = _sent(enricher, {"text": text})
    assert s["label"] == label
    assert s["model"] == "english"
    probs = s["probabilities"]
    assert abs(sum(probs.values()) - 1) < 1e-3
    assert s["confidence"] == max(probs.values())
    assert -1 <= s["compound"] <= 1
    assert abs(s["neg"] + s["neu"] + s["pos"] - 1) < 0.01


def test_negation_flips_the_reading(enricher: Enricher) -> None:
    pos = _sent(enricher, {"text": "The new album is good and I like it"})
    neg = _sent(enricher, {"text": "The new album is not good and I don't like it"})
    assert pos["probabilities"]["positive"] > neg["probabilities"]["positive"]
    assert neg["cues"]["negations"] == 2 and pos["cues"]["negations"] == 0


def test_cues_are_counted(enricher: Enricher) -> None:
    s = _sent(enricher, {"text": "VERY HAPPY today, sooooo good 😍 :) !!"})
    cues = s["cues"]
    assert cues["allcaps"] == 2
    assert cues["elongated"] == 1
    assert cues["emoji_positive"] == 1
    assert cues["emoticon_positive"] == 1
    assert cues["exclamations"] == 2


def test_multilingual_model_for_spanish(enricher: Enricher) -> None:
    text = "Me encanta este restaurante, la comida es deliciosa y el servicio excelente"
    s = _sent(enricher, {"text": text})
    assert s["language"] == "es"
    assert s["model"] == "multilingual"
    assert s["label"] == "positive"


def test_unsupported_language_abstains_but_keeps_vader(enricher: Enricher) -> None:
    s = _sent(enricher, {"text": "Dit is echt een geweldige dag geweest met mijn vrienden in het park"})
    assert s["language"] == "nl"
    assert s["label"] is None and s["probabilities"] is None and s["model"] is None
    assert s["abstain_reason"] == "unsupported_language"
    assert s["compound"] is not None


def test_declared_language_is_used_when_detection_has_too_little_text(enricher: Enricher) -> None:
    s = _sent(enricher, {"text": "ok", "lang": "fr"})
    assert s["language"] == "fr" and s["language_source"] == "declared"
    assert s["model"] == "multilingual"


def test_sentences_have_offsets_into_the_text(enricher: Enricher) -> None:
    text = "The train was late again. I'm really not happy about it! At least the coffee was great."
    s = _sent(enricher, {"text": text})
    sents = s["sentences"]
    assert len(sents) == 3
    assert text[sents[0]["start"]:sents[0]["end"]] == "The train was late again."
    assert sents[2]["label"] == "positive" and sents[2]["compound"] > 0
    assert _sent(enricher, {"text": "Just one sentence here"})["sentences"] == []


@pytest.mark.parametrize("text", ["", "   ", "😂😂😂", "\u200b\u202e\x00", "#" * 300, "@a @b http://x.y"])
def test_odd_input(enricher: Enricher, text: str) -> None:
    s = _sent(enricher, {"text": text})
    assert s["compound"] is not None


def test_min_confidence_abstains() -> None:
    from enrich.families.sentiment import SentimentFamily

    fam = SentimentFamily({"min_confidence": 0.99, "multilingual": False})
    fam.setup()
    (out,) = fam.enrich_batch([Item(Post(text="It is what it is I guess", lang="en"))])
    assert out["label"] is None and out["abstain_reason"] == "low_confidence"
    assert out["probabilities"] is not None
    (other,) = fam.enrich_batch([Item(Post(text="Vamos a la playa mañana con todos", lang="es"))])
    assert other["abstain_reason"] == "unsupported_language"



@lru_cache(maxsize=1)
def _families() -> tuple[Family, ...]:
    from enrich.families.emotion import EmotionFamily
    from enrich.families.irony import IronyFamily
    from enrich.families.safety import SafetyFamily
    from enrich.families.sentiment import SentimentFamily

    fams: tuple[Family, ...] = (SentimentFamily(), EmotionFamily(), SafetyFamily(), IronyFamily())
    for fam in fams:
        fam.setup()
    return fams


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=120), min_size=1, max_size=5))
def test_any_batch_of_texts(texts: list[str]) -> None:
    items = [Item(Post(text=t, lang="en")) for t in texts]
    sent, emo, safe, irony = (fam.enrich_batch(items) for fam in _families())
    assert len(sent) == len(emo) == len(safe) == len(irony) == len(items)
    for s, e, f, i in zip(sent, emo, safe, irony, strict=True):
        assert s["model"] == "english" and abs(sum(s["probabilities"].values()) - 1) < 1e-3
        assert abs(sum(e["probabilities"].values()) - 1) < 1e-3
        assert 0 <= f["offensive"] <= 1 and 0 <= f["hate"] <= 1 and 0 <= i["probability"] <= 1
        assert -1 <= s["compound"] <= 1
