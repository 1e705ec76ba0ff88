"""Confidence of a predicted entity: a calibrated precision table, not a model score.

spaCy's greedy NER gives no per-entity probability. Instead, the training command measures,
on a held-out tenth of the *training* sentences (never the dev splits), how often the model's
entities are exactly right (same span, same label), grouped by a few cheap properties of the
span: its label, its form (an @mention, a #hashtag, capitalised, or lower case) and whether it
has one token or several. A prediction's confidence is the smoothed precision of its group,
``(correct + 1) / (predicted + 2)``, falling back to the label alone, then to the whole model,
when a group was seen fewer than :data:`MIN_SUPPORT` times. For untagged @mentions the table
also holds ``other|mention|1``: how often an @mention the model leaves untyped is indeed not a
person/organization/location in the gold data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MIN_SUPPORT = 20


def form(text: str) -> str:
    """The coarse surface form of a span's text."""
    if text[:1] in ("@", "＠"):
        return "mention"
    if text[:1] in ("#", "＃"):
        return "hashtag"
    first = next((c for c in text if c.isalpha()), "")
    return "cap" if first.isupper() else "lower"


def keys(label: str, text: str, n_tokens: int) -> tuple[str, str, str]:
    """Lookup keys from the most to the least specific."""
    size = "1" if n_tokens <= 1 else "n"
    return f"{label}|{form(text)}|{size}", label, "*"


def lookup(table: Mapping[str, Any], label: str, text: str, n_tokens: int) -> float | None:
    """Calibrated precision of a span, or ``None`` when the table is empty."""
    for key in keys(label, text, n_tokens):
        entry = table.get(key)
        if entry is not None and (entry[1] >= MIN_SUPPORT or key == "*"):
            return round((entry[0] + 1) / (entry[1] + 2), 3)
    return None


def build_table(outcomes: Iterable[tuple[str, str, int, bool]]) -> dict[str, list[int]]:
    """``{key: [correct, predicted]}`` from ``(label, text, n_tokens, correct)`` outcomes."""
    table: dict[str, list[int]] = {}
    for label, text, n_tokens, correct in outcomes:
        for key in keys(label, text, n_tokens):
            entry = table.setdefault(key, [0, 0])
            entry[0] += int(correct)
            entry[1] += 1
    return dict(sorted(table.items()))
