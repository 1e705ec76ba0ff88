"""Input adapters and readers/writers.

``normalize(record, position)`` turns one input record (a parsed JSON value, or a line of plain
text) into canonical posts, or error records. One record can hold several posts (a v2 API page).
"""

from __future__ import annotations

from typing import Any

from ..errors import ErrorCode, ErrorRecord
from ..post import Post

__all__ = ["normalize"]


def normalize(record: Any, position: int | None = None, source: str | None = None) -> list[Post | ErrorRecord]:
    """Normalize one record. Never raises for bad input: returns an :class:`ErrorRecord`."""
    if isinstance(record, str):
        return [Post(text=record, raw={"text": record}, position=position)]
    if isinstance(record, dict):
        text = record.get("text")
        if isinstance(text, str):
            return [Post(text=text, raw=record, position=position)]
        return [ErrorRecord(ErrorCode.UNRECOGNIZED_RECORD, position=position, source=source,
                            keys=", ".join(sorted(map(str, record))[:12]))]
    return [ErrorRecord(ErrorCode.NOT_AN_OBJECT, position=position, source=source,
                        kind=type(record).__name__)]
