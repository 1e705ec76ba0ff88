"""Money amounts in post text: "$4.99", "€1.299,00", "20 bucks", "£3k", "USD 120", "5 euros".

Returns the amount as a number and the ISO 4217 code. A bare "$" is read as USD (the usual
case on English-language platforms) and said so in the docs; "¥" is read as JPY.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SYMBOLS: dict[str, str] = {
    "us$": "USD", "$": "USD", "c$": "CAD", "ca$": "CAD", "a$": "AUD", "au$": "AUD", "nz$": "NZD",
    "hk$": "HKD", "s$": "SGD", "r$": "BRL", "mx$": "MXN", "€": "EUR", "£": "GBP", "¥": "JPY",
    "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY", "₦": "NGN", "₱": "PHP", "฿": "THB", "₫": "VND",
    "₪": "ILS", "zł": "PLN",
}
WORDS: dict[str, str] = {
    "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "inr": "INR", "cad": "CAD",
    "aud": "AUD", "chf": "CHF", "cny": "CNY", "rmb": "CNY", "mxn": "MXN", "brl": "BRL",
    "krw": "KRW", "ngn": "NGN", "zar": "ZAR", "sek": "SEK", "nok": "NOK", "dkk": "DKK",
    "pln": "PLN", "sgd": "SGD", "hkd": "HKD", "nzd": "NZD",
    "dollar": "USD", "dollars": "USD", "buck": "USD", "bucks": "USD", "euro": "EUR",
    "euros": "EUR", "quid": "GBP", "yen": "JPY",
    "rupee": "INR", "rupees": "INR", "naira": "NGN", "pesos": "MXN", "peso": "MXN",
    "cents": "USD", "cent": "USD", "btc": "BTC", "eth": "ETH",
}
_MULT = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mil": 1e6, "million": 1e6, "bn": 1e9, "b": 1e9,
         "billion": 1e9, "trillion": 1e12, "tn": 1e12}
_NUM = r"\d{1,3}(?:[,.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SYM = "|".join(sorted((re.escape(s) for s in SYMBOLS), key=len, reverse=True))
_WORD = "|".join(sorted(WORDS, key=len, reverse=True))
_MULT_RE = r"(?:\s?(?P<mult{n}>k|thousand|million|mil|bn|billion|trillion|tn|m|b)\b)?"
MONEY_RE = re.compile(
    rf"(?<![\w$])(?P<sym>{_SYM})\s?(?P<amt>{_NUM}){_MULT_RE.format(n=1)}(?![\d,.]?\d)"
    rf"|(?<![\w.,])(?P<code>usd|eur|gbp|cad|aud|inr|jpy)\s?(?P<amt2>{_NUM}){_MULT_RE.format(n=2)}\b"
    rf"|(?<![\w.,])(?P<amt3>{_NUM}){_MULT_RE.format(n=3)}\s?(?:(?P<sym3>{_SYM})(?!\w)|(?P<word>{_WORD})\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str
    start: int
    end: int


def parse_amount(raw: str) -> float | None:
    """'1,299.99' -> 1299.99, '1.299,99' -> 1299.99, '4,99' -> 4.99, '1,000' -> 1000."""
    s = raw.strip()
    if "," in s and "." in s:
        decimal = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        s = s.replace(thousands, "").replace(decimal, ".")
    elif "," in s or "." in s:
        sep = "," if "," in s else "."
        parts = s.split(sep)
        grouped = len(parts) > 2 or len(parts[-1]) == 3  # "1,000" / "1.000.000": thousands
        s = s.replace(sep, "") if grouped else s.replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


_PRICE_CONTEXT = re.compile(r"\b(?:costs?|priced|price|for|paid|pay|sold|selling|buy|bought|worth|"
                            r"asking|listed|offer|at)\b", re.IGNORECASE)
_SYMBOL = re.compile("[" + "".join(sorted({s[-1] for s in SYMBOLS if not s[-1].isalpha()})) + "]|zł")
_WORD_SET = frozenset(WORDS) | frozenset(_MULT)


def find_money(text: str, words: frozenset[str] | None = None) -> list[Money]:
    """Money mentions in ``text``; ``words`` (its lowercase words) lets posts without any
    currency sign or word skip the regex."""
    out: list[Money] = []
    if not _SYMBOL.search(text) and (words is not None and words.isdisjoint(_WORD_SET)):
        return out
    for m in MONEY_RE.finditer(text):
        g = m.groupdict()
        raw = g["amt"] or g["amt2"] or g["amt3"]
        amount = parse_amount(raw) if raw else None
        if amount is None:
            continue
        if g["sym"]:
            currency = SYMBOLS[g["sym"].lower()]
        elif g["code"]:
            currency = WORDS[g["code"].lower()]
        elif g["sym3"]:
            currency = SYMBOLS[g["sym3"].lower()]
        else:
            word = g["word"].lower()
            if g["word"] == "Cent":  # 50 Cent, the rapper
                continue
            currency = WORDS[word]
            if word in ("cent", "cents"):
                amount /= 100
        mult = g["mult1"] or g["mult2"] or g["mult3"]
        if mult:
            amount *= _MULT[mult.lower()]
            # box-office takes and budget deficits are money but not prices
            if amount >= 1e6 and not _PRICE_CONTEXT.search(text, max(0, m.start() - 30), m.start()):
                continue
        out.append(Money(round(amount, 2), currency, m.start(), m.end()))
    return out
