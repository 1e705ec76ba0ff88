"""Page metadata and client-side redirects from untrusted HTML."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from enrich.net.html_meta import parse_head, parse_refresh, script_redirect

PAGE = """<!doctype html><html lang="pt-BR"><head>
<!-- <title>commented out</title> -->
<title> Caf&eacute; &amp; Bar </title>
<meta property="og:title" content="Caf&eacute; OG"><meta name='description' content='Best coffee'>
<meta name="twitter:card" content="summary_large_image"><meta name=author content=Ana>
<link rel="alternate canonical" href="https://example.org/cafe">
</head><body><title>not this</title><meta name="description" content="nor this"></body></html>"""


def test_head_fields() -> None:
    meta = parse_head(PAGE)
    assert meta["title"] == "Café OG" and meta["html_title"] == "Café & Bar"
    assert meta["description"] == "Best coffee" and meta["author"] == "Ana"
    assert meta["language"] == "pt-BR" and meta["canonical_url"] == "https://example.org/cafe"
    assert meta["twitter"] == {"card": "summary_large_image"} and meta["head_complete"]


def test_refresh_forms() -> None:
    assert parse_refresh("0; url=https://a.example/x") == "https://a.example/x"
    assert parse_refresh("5;URL='/rel'") == "/rel"
    assert parse_refresh("10") is None
    assert parse_head('<head><meta http-equiv="Refresh" content="0;url=/n"></head>')["refresh"] == "/n"


def test_script_redirects_are_literal_only() -> None:
    assert script_redirect('<script>window.location.href = "https://b.example/";</script>') == "https://b.example/"
    assert script_redirect("<script>location.replace('/next')</script>") == "/next"
    assert script_redirect("<script>location = computeUrl();</script>") is None


@given(st.text(max_size=2000))
def test_any_text_is_safe(doc: str) -> None:
    meta = parse_head(doc)
    assert meta["title"] is None or isinstance(meta["title"], str)
    script_redirect(doc)


SOUP = ["<head>", "<title>", "</title>", "<meta ", "content=", "name=", "'", '"', ">", "<body>", "og:title",
        "x", " ", "<!--", "-->", "&amp;", "<link rel=canonical "]


@given(st.lists(st.sampled_from(SOUP), max_size=60))
def test_tag_soup_is_safe(parts: list[str]) -> None:
    parse_head("".join(parts))
