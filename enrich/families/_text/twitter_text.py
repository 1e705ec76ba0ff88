"""Hashtag, mention, cashtag and URL extraction per the twitter-text rules.

A port of the extraction half of twitter-text (JavaScript 3.x, Apache-2.0) checked against its
conformance suite (``extract.yml``; see ``tests/families/test_text.py``). No maintained PyPI
library covers all four entity types: ``twitter-text-parser`` extracts URLs only and carries an
older, hard-coded TLD list, so the rules are ported here and fed the official TLD list shipped
in ``data/tlds.json``.

Offsets are code point offsets into the text (Python ``str`` indices), as in ``Post`` spans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import regex

MAX_URL_LENGTH = 4096
MAX_TCO_SLUG_LENGTH = 40
DEFAULT_PROTOCOL = "https://"

_SPACES = r"\x09-\x0D\x20\x85\xA0\u1680\u180E\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
_INVALID_CHARS = r"\uFFFE\uFEFF\uFFFF"
_DIRECTIONAL_MARKERS = r"\u202A-\u202E\u061C\u200E\u200F\u2066\u2067\u2068\u2069"
_PUNCT = r"\!'#%&'\(\)*\+,\\\-\.\/:;<=>\?@\[\]\^_{|}~\$"
_LATIN_ACCENTS = (r"\xC0-\xD6\xD8-\xF6\xF8-\xFF\u0100-\u024F\u0253\u0254\u0256\u0257\u0259\u025B"
                  r"\u0263\u0268\u026F\u0272\u0289\u028B\u02BB\u0300-\u036F\u1E00-\u1EFF")
_CYRILLIC = r"\u0400-\u04FF"
_AT_SIGNS = "@＠"
_HASH_SIGNS = "#＃"

# -- hashtags --------------------------------------------------------------------------------
_HASHTAG_ALPHA = r"\p{L}\p{M}"
_HASHTAG_ALNUM = (_HASHTAG_ALPHA + r"\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4\uff5e\u301c\u309b"
                  r"\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7")
# twitter-text consumes one boundary character (JS has no look-behind); a look-behind is the
# same rule without eating the character a following entity may need.
_HASHTAG_RE = regex.compile(
    rf"(?<=^|[\uFE0E\uFE0F]|[^&{_HASHTAG_ALNUM}])"
    rf"([{_HASH_SIGNS}])(?!\uFE0F|\u20E3)"
    rf"([{_HASHTAG_ALNUM}]*[{_HASHTAG_ALPHA}][{_HASHTAG_ALNUM}]*)",
    regex.IGNORECASE,
)
_END_HASHTAG_RE = regex.compile(rf"[{_HASH_SIGNS}]|://")

# -- mentions ---------------------------------------------------------------------------------
_MENTION_RE = regex.compile(
    rf"(?:(?<=^|[^a-zA-Z0-9_!#$%&*{_AT_SIGNS}])|(?<=(?:^|[^a-zA-Z0-9_+~.-])(?:rt|RT|rT|Rt):?))"
    rf"([{_AT_SIGNS}])([a-zA-Z0-9_]{{1,20}})(/[a-zA-Z][a-zA-Z0-9_-]{{0,24}})?"
)
_END_MENTION_RE = regex.compile(rf"[{_AT_SIGNS}{_LATIN_ACCENTS}]|://")
_REPLY_RE = regex.compile(rf"^[{_SPACES}]*[{_AT_SIGNS}]([a-zA-Z0-9_]{{1,20}})")

# -- cashtags ---------------------------------------------------------------------------------
_CASHTAG_RE = regex.compile(
    rf"(?<=^|[{_SPACES}])(\$)([a-z]{{1,6}}(?:[._][a-z]{{1,2}})?)(?=$|\s|[{_PUNCT}])",
    regex.IGNORECASE,
)


@cache
def _tlds() -> tuple[list[str], list[str]]:
    raw = resources.files(__package__).joinpath("data/tlds.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return list(data["country"]), list(data["generic"])


def _trie_pattern(words: list[str], lower: bool = True) -> str:
    """One alternation of many literals as a prefix trie: far faster than a flat ``a|b|c``.

    ``lower`` folds the words to lower case (for patterns compiled case-insensitively)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for ch in word.lower() if lower else word:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return "(?!)"

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [regex.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # greedy first, then the shorter word: backtracking finds whichever the look-ahead allows
        return f"(?:{body})?" if ends else body

    return build(trie)


trie_pattern = _trie_pattern


@cache
def _url_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    country, generic = _tlds()
    tld_end = r"(?=[^a-zA-Z0-9@+-]|$)"
    gtld = f"(?:{_trie_pattern(generic)}){tld_end}"
    cctld = f"(?:{_trie_pattern(country)}){tld_end}"
    punycode = r"(?:xn--[\-0-9a-z]+)"
    invalid_domain = _PUNCT + _SPACES + _INVALID_CHARS + _DIRECTIONAL_MARKERS
    dchar = f"[^{invalid_domain}]"
    subdomain = f"(?:(?:{dchar}(?:[_-]|{dchar})*)?{dchar}\\.)"
    domain_name = f"(?:(?:{dchar}(?:-|{dchar})*)?{dchar}\\.)"
    domain = f"(?:{subdomain}*{domain_name}(?:{gtld}|{cctld}|{punycode}))"
    ascii_domain = f"(?:(?:[\\-a-z0-9{_LATIN_ACCENTS}]+)\\.)+(?:{gtld}|{cctld}|{punycode})"
    path_chars = f"[a-z{_CYRILLIC}0-9!\\*';:=\\+\\,\\.\\$\\/%#\\[\\]\\-\\u2013_~&\\|@{_LATIN_ACCENTS}]"
    balanced = (f"\\((?:{path_chars}+|(?:{path_chars}*\\({path_chars}+\\){path_chars}*))\\)")
    path_ending = f"(?:[\\+\\-a-z{_CYRILLIC}0-9=_#\\/{_LATIN_ACCENTS}]|(?:{balanced}))"
    path = (f"(?:(?:{path_chars}*(?:{balanced}{path_chars}*)*{path_ending})"
            f"|(?:@{path_chars}+/))")
    query_chars = r"[a-z0-9!?\*'@\(\);:&=\+\$\/%#\[\]\-_\.,~|]"
    query_ending = r"[a-z0-9\-_&=#\/]"
    preceding = f"(?:[^A-Za-z0-9@＠$#＃{_INVALID_CHARS}]|[{_DIRECTIONAL_MARKERS}]|^)"
    extract = regex.compile(
        f"({preceding})"                      # 1 preceding character
        f"((https?://)?"                      # 2 url, 3 protocol
        f"({domain})"                         # 4 domain
        f"(?::([0-9]+))?"                     # 5 port
        f"(/{path}*)?"                        # 6 path
        f"(\\?{query_chars}*{query_ending})?"  # 7 query
        f")",
        regex.IGNORECASE,
    )
    tco = regex.compile(f"^https?://t\\.co/([a-z0-9]+)(?:\\?{query_chars}*{query_ending})?",
                        regex.IGNORECASE)
    return extract, regex.compile(ascii_domain, regex.IGNORECASE), tco


# Every URL has a dot (before its TLD) and no twitter-text space, so only whitespace-free tokens
# holding a dot are scanned: the full pattern is costly to try at every position of a post.
_TOKEN_WITH_DOT = re.compile(f"(?<![^{_SPACES}])[^{_SPACES}]*\\.[^{_SPACES}]*")
_INVALID_URL_WITHOUT_PROTOCOL_PRECEDING = regex.compile(r"[-_./]$")


@dataclass(slots=True, frozen=True)
class Entity:
    """One extracted entity: ``text`` is the value without its sign (``#``, ``@``, ``$``)."""

    kind: str  # hashtag | mention | list | cashtag | url
    text: str
    start: int
    end: int


def extract_hashtags(text: str, check_url_overlap: bool = True,
                     urls: list[Entity] | None = None) -> list[Entity]:
    """Hashtags; those inside a URL are dropped (pass ``urls`` when already extracted)."""
    if "#" not in text and "＃" not in text:
        return []
    tags: list[Entity] = []
    for m in _HASHTAG_RE.finditer(text):
        if _END_HASHTAG_RE.match(text, m.end()):
            continue
        tags.append(Entity("hashtag", m.group(2), m.start(1), m.end()))
    if check_url_overlap and tags:
        if urls is None:
            urls = extract_urls(text)
        if urls:
            tags = [t for t in tags if not any(u.start < t.end and t.start < u.end for u in urls)]
    return tags


def extract_entities(text: str) -> dict[str, list[Entity]]:
    """All four entity types at once, URLs extracted a single time."""
    urls = extract_urls(text)
    return {"hashtags": extract_hashtags(text, urls=urls), "mentions": extract_mentions(text),
            "cashtags": extract_cashtags(text), "urls": urls}


def extract_mentions_or_lists(text: str) -> list[Entity]:
    if "@" not in text and "＠" not in text:
        return []
    found: list[Entity] = []
    for m in _MENTION_RE.finditer(text):
        if _END_MENTION_RE.match(text, m.end()):
            continue
        slug = m.group(3)
        name = m.group(2) + (slug or "")
        found.append(Entity("list" if slug else "mention", name, m.start(1), m.end()))
    return found


def extract_mentions(text: str) -> list[Entity]:
    """Mentions only; a ``@user/list`` reference is not a mention."""
    return [e for e in extract_mentions_or_lists(text) if e.kind == "mention"]


def extract_reply(text: str) -> str | None:
    """The screen name a post replies to when it starts with a mention, else ``None``."""
    m = _REPLY_RE.match(text)
    if m is None or _END_MENTION_RE.match(text, m.end()):
        return None
    return m.group(1)


def extract_cashtags(text: str) -> list[Entity]:
    if "$" not in text:
        return []
    return [Entity("cashtag", m.group(2), m.start(1), m.end()) for m in _CASHTAG_RE.finditer(text)]


def _valid_length(url: str, protocol: str, domain: str) -> bool:
    if domain.isascii():
        # What the IDNA codec checks for an ASCII name, without its cost: label lengths.
        if not all(0 < len(label) <= 63 for label in domain.split(".")):
            return False
        return len(protocol) + len(url) <= MAX_URL_LENGTH
    try:
        # IDNA rejects what twitter-text's toASCII rejects: labels over 63 octets, and
        # non-ASCII labels that claim to be punycode already ("xn--" + non-ASCII).
        encoded = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    if not encoded:
        return False
    return len(protocol) + len(url) + len(encoded) - len(domain) <= MAX_URL_LENGTH


def _url_matches(extract_re: regex.Pattern[str], text: str) -> Iterator[regex.Match[str]]:
    for tok in _TOKEN_WITH_DOT.finditer(text):
        start, end = tok.span()
        # From the space before the token, which the pattern takes as the preceding character.
        yield from extract_re.finditer(text, max(start - 1, 0), end)


def extract_urls(text: str, without_protocol: bool = True) -> list[Entity]:
    if not text or ("." not in text if without_protocol else ":" not in text):
        return []
    extract_re, ascii_domain_re, tco_re = _url_patterns()
    urls: list[Entity] = []
    for m in _url_matches(extract_re, text):
        before, url, protocol, domain, path = m.group(1), m.group(2), m.group(3), m.group(4), m.group(6)
        start, end = m.start(2), m.end(2)
        if not _valid_length(url, protocol or DEFAULT_PROTOCOL, domain):
            continue
        if not protocol:
            if not without_protocol or _INVALID_URL_WITHOUT_PROTOCOL_PRECEDING.search(before):
                continue
            last: Entity | None = None
            pos = 0
            dom_start = m.start(4)
            for dm in ascii_domain_re.finditer(domain):
                a_start = domain.index(dm.group(0), pos)
                pos = a_start + len(dm.group(0))
                last = Entity("url", dm.group(0), dom_start + a_start, dom_start + pos)
                urls.append(last)
            if last is None:
                continue
            if path:
                urls[-1] = Entity("url", url.replace(domain, last.text, 1), last.start, end)
        else:
            tco = tco_re.match(url)
            if tco is not None:
                if len(tco.group(1)) > MAX_TCO_SLUG_LENGTH:
                    continue
                url = tco.group(0)
                end = start + len(url)
            urls.append(Entity("url", url, start, end))
    return urls
