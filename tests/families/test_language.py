"""The language family: offline detection, cleaning, abstention, declared-language agreement."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.families.language import LanguageFamily, base_language, clean_text
from enrich.family import Item
from enrich.post import Post


@pytest.fixture(scope="module")
def family() -> Iterator[LanguageFamily]:
    fam = LanguageFamily()
    fam.setup()
    yield fam
    fam.close()


def _detect(fam: LanguageFamily, text: str, lang: str | None = None) -> dict[str, Any]:
    (out,) = fam.enrich_batch([Item(Post(text=text, lang=lang))])
    return out


@pytest.mark.parametrize(("text", "code", "script"), [
    ("I can't believe how good the coffee is at this place, highly recommend it", "en", "Latn"),
    ("Hoy es un gran día para salir con amigos al parque y tomar algo", "es", "Latn"),
    ("Je suis vraiment content de ce nouveau restaurant près de chez moi", "fr", "Latn"),
    ("Das Wetter ist heute wirklich schön, wir gehen am Nachmittag spazieren", "de", "Latn"),
    ("Сегодня отличная погода, мы идём гулять в парк с друзьями", "ru", "Cyrl"),
    ("صباح الخير يا أصدقاء، يوم جميل اليوم في المدينة", "ar", "Arab"),
    ("आज का मौसम बहुत अच्छा है दोस्तों, चलो घूमने चलते हैं", "hi", "Deva"),
])
def test_detects_handwritten_sentences(family: LanguageFamily, text: str, code: str, script: str) -> None:
    out = _detect(family, text)
    assert out["language"] == code and out["script"] == script
    assert out["reliable"] and out["confidence"] > 0.5
    assert all(a["language"] != code for a in out["alternatives"])


def test_entities_do_not_sway_the_detector(family: LanguageFamily) -> None:
    text = "RT @the_english_account: Das ist wirklich eine tolle Nachricht #goodnews https://t.co/abc 🎉"
    assert clean_text(text) == "Das ist wirklich eine tolle Nachricht goodnews"
    assert _detect(family, text)["language"] == "de"


def test_abstains_without_letters(family: LanguageFamily) -> None:
    for text in ("", "😂😂😂 @someone https://t.co/x", "12:30 !!"):
        out = _detect(family, text)
        assert out["language"] is None and out["abstain_reason"] == "too_few_letters"
        assert not out["reliable"]


def test_agreement_with_declared(family: LanguageFamily) -> None:
    text = "Questa pizza è la migliore che abbia mai mangiato in vita mia"
    assert _detect(family, text, "it")["agrees_with_declared"] is True
    assert _detect(family, text, "en")["agrees_with_declared"] is False
    assert _detect(family, text, "und")["agrees_with_declared"] is None
    assert _detect(family, text, "und")["declared"] is None


def test_base_language() -> None:
    assert base_language("en-GB") == "en"
    assert base_language("in") == "id"
    assert base_language("arz") == "ar"
    assert base_language("und") is None and base_language("") is None


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_unicode(family: LanguageFamily, text: str) -> None:
    out = _detect(family, text)
    assert out["language"] is None or (out["confidence"] is not None and 0 <= out["confidence"] <= 1)
    assert out["letters"] >= 0


def test_second_opinion_mixes_in_py3langid() -> None:
    text = "hola amigos que tal"  # short: fastText alone is unsure between Spanish and Portuguese
    alone = LanguageFamily({"second_opinion_below": 0.0})
    always = LanguageFamily({"second_opinion_below": 1.01})
    alone.setup()
    always.setup()
    assert "py3langid" not in (alone.model_name() or "")
    assert "py3langid" in (always.model_name() or "")
    a, b = _detect(alone, text), _detect(always, text)
    assert b["language"] == "es"
    assert a["confidence"] != b["confidence"]
    total = b["confidence"] + sum(x["confidence"] for x in b["alternatives"])
    assert total <= 1.0001
