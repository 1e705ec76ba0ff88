"""Page metadata from the head of an HTML document: title, description, OpenGraph, Twitter
Cards, canonical URL, language, dates, author — and client-side redirects (meta refresh,
literal ``location.replace("…")``/``window.location = "…"``), which are followed as hops."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from typing import Any

log = logging.getLogger(__name__)

_META_REFRESH_URL = re.compile(
    r"^\s*\d*(?:\.\d+)?\s*[;,]?\s*(?:url\s*=\s*)?(['\"]?)(?P<url>[^'\"]+)\1\s*$", re.I)
_JS_REDIRECT = re.compile(
    r"""(?:window\.|document\.|top\.|self\.)?location(?:\.href)?\s*=\s*(['"])(?P<a>[^'"\s]{1,2048})\1"""
    r"""|location\.(?:replace|assign)\(\s*(['"])(?P<b>[^'"\s]{1,2048})\3\s*\)""")
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*['"]?([A-Za-z0-9_\-]+)""", re.I)


def parse_refresh(value: str) -> str | None:
    """The target of a ``Refresh`` header or meta refresh content (``"0; url=/next"``)."""
    m = _META_REFRESH_URL.match(value or "")
    if not m:
        return None
    url = m.group("url").strip()
    if not url or (url[0].isdigit() and url.replace(".", "").isdigit()):
        return None
    return url


def script_redirect(html: str) -> str | None:
    """A literal location assignment in a small page (no JavaScript is executed)."""
    m = _JS_REDIRECT.search(html)
    if not m:
        return None
    return m.group("a") or m.group("b")


def sniff_charset(body: bytes, header_charset: str | None) -> str:
    if header_charset:
        return header_charset
    m = _CHARSET.search(body[:4096])
    return m.group(1).decode("ascii", "replace") if m else "utf-8"


class _HeadParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title_parts: list[str] = []
        self.in_title = False
        self.canonical: str | None = None
        self.lang: str | None = None
        self.refresh: str | None = None
        self.done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"].strip()[:35]
        elif tag == "title":
            self.in_title = True
        elif tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if a.get("http-equiv", "").lower() == "refresh":
                self.refresh = a.get("content", "")
            elif key and "content" in a and key not in self.meta:
                self.meta[key] = a["content"].strip()[:2000]
        elif tag == "link":
            rel = a.get("rel", "").lower().split()
            if "canonical" in rel and a.get("href") and self.canonical is None:
                self.canonical = a["href"].strip()
        elif tag == "body":
            self.done = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "head":
            self.done = True

    def handle_data(self, data: str) -> None:
        if self.in_title and not self.done and sum(map(len, self.title_parts)) < 2000:
            self.title_parts.append(data)


def parse_head(html: str) -> dict[str, Any]:
    """Metadata from an HTML document (only the head is read)."""
    p = _HeadParser()
    try:
        p.feed(html)
        p.close()
    except Exception as exc:  # html.parser is lenient, but a malformed page must never fail a link
        log.debug("HTML head parse stopped early: %s", exc)
    m = p.meta
    title = " ".join("".join(p.title_parts).split()) or None
    og = {k[3:]: v for k, v in m.items() if k.startswith("og:")}
    tw = {k[8:]: v for k, v in m.items() if k.startswith("twitter:")}
    return {
        "title": og.get("title") or title or tw.get("title"),
        "html_title": title,
        "description": og.get("description") or m.get("description") or tw.get("description"),
        "site_name": og.get("site_name") or m.get("application-name"),
        "language": p.lang or m.get("content-language") or og.get("locale"),
        "published_time": m.get("article:published_time") or m.get("datepublished")
        or m.get("date") or m.get("pubdate"),
        "modified_time": m.get("article:modified_time") or m.get("og:updated_time") or m.get("datemodified"),
        "author": m.get("author") or m.get("article:author") or tw.get("creator"),
        "image": og.get("image") or tw.get("image") or tw.get("image:src"),
        "type": og.get("type"),
        "canonical_url": p.canonical or og.get("url"),
        "og": og,
        "twitter": tw,
        "refresh": parse_refresh(p.refresh) if p.refresh is not None else None,
        "head_complete": p.done,
    }
