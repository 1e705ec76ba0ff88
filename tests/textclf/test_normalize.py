"""Tweet normalization: tokens, cues, negation scope, sentences; never fails on any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.textclf.normalize import hashtag_words, normalize, sentence_spans


def test_placeholders_emoji_and_emoticons() -> None:
    n = normalize("@bob look http://x.co/abc 😂 :( #GoodMorning")
    toks = n.words.split()
    assert toks[:3] == ["<user>", "look", "<url>"]
    assert "emo:face_with_tears_of_joy" in toks
    assert "<emoticon->" in toks and n.emoticon_negative == 1
    assert toks[-3:] == ["#goodmorning", "good", "morning"]


def test_negation_scope_ends_at_punctuation() -> None:
    n = normalize("I don't like it, but fine")
    assert n.words.split() == ["i", "don't", "like_NEG", "it_NEG", ",", "but", "fine"]


def test_emphasis() -> None:
    n = normalize("SOOOO GOOD!!!")
    assert n.allcaps == 2 and n.elongated == 1 and n.exclamations == 3
    assert "soo" in n.words.split()


def test_hashtag_words() -> None:
    assert hashtag_words("BestDayEver") == ("best", "day", "ever")
    assert hashtag_words("nationalhotdogday") == ("national", "hot", "dog", "day")
    assert hashtag_words("tbt") == ("tbt",)


def test_sentence_spans() -> None:
    text = "Hello there. How are you?? fine\n:)"
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Hello there.", "How are you??", "fine"]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text(text: str) -> None:
    n = normalize(text)
    assert n.negations >= 0 and n.allcaps >= 0
    prev = 0
    for a, b in sentence_spans(text):
        assert prev <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        prev = b
