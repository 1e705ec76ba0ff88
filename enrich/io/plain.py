"""Posts that are just text: a line, ``{"text": ...}``, or a CSV row with a text column."""

from __future__ import annotations

from typing import Any

from ..errors import ErrorCode, InputError
from ..post import Author, Post
from .fields import as_str, parse_any_time, str_id

# Preference order when a table has several of them.
TEXT_COLUMNS = ("text", "full_text", "tweet_text", "tweet", "content", "body", "message",
                "post", "post_text", "status", "caption", "clean_text", "sentence", "review")
ID_COLUMNS = ("id_str", "id", "tweet_id", "status_id", "post_id")
TIME_COLUMNS = ("created_at", "timestamp", "date", "datetime", "time", "posted_at", "published_at")
LANG_COLUMNS = ("lang", "language")
HANDLE_COLUMNS = ("author.username", "user.screen_name", "username", "screen_name", "user_screen_name",
                  "user", "author", "handle")
AUTHOR_ID_COLUMNS = ("author_id", "author.id", "user.id_str", "user.id", "user_id")
AUTHOR_NAME_COLUMNS = ("author.name", "user.name", "user_name", "name")


class CsvRow(dict[str, Any]):
    """A CSV row as read by :func:`enrich.io.read_records`: marks the record as tabular so that a
    row with a ``text`` column is not mistaken for a ``{"text": ...}`` JSON record."""

    __slots__ = ()


def _pick(lower: dict[str, str], names: tuple[str, ...]) -> str | None:
    for n in names:
        if n in lower:
            return lower[n]
    return None


def text_column(columns: Any) -> str | None:
    """The column holding the post text, if any (case-insensitive; ``…_text`` as a last resort)."""
    lower = {str(c).strip().lower(): str(c) for c in columns if c is not None}
    got = _pick(lower, TEXT_COLUMNS)
    if got is not None:
        return got
    for low, orig in lower.items():
        if low.endswith(("_text", ".text")) and not low.startswith("enrichment."):
            return orig
    return None


def from_text(text: str, position: int | None) -> Post:
    return Post(text=text, source_format="text", raw={"text": text}, position=position)


def from_text_record(r: dict[str, Any], position: int | None) -> Post:
    """``{"text": ...}`` with optional id, created_at and lang."""
    text = r["text"]
    return Post(text=text, id=str_id(r.get("id")), source_format="text",
                created_at=parse_any_time(r.get("created_at")), lang=as_str(r.get("lang")),
                raw=r, position=position)


def from_csv_row(row: dict[str, Any], position: int | None) -> Post:
    lower = {str(k).strip().lower(): k for k in row if k is not None}
    col = text_column(row.keys())
    if col is None:
        raise InputError(ErrorCode.NO_TEXT_COLUMN, columns=", ".join(map(str, list(row)[:20])))
    text = row.get(col)
    if not isinstance(text, str) or not text.strip():
        raise InputError(ErrorCode.MISSING_TEXT, detail=f"CSV column {col!r} is empty")

    def cell(names: tuple[str, ...]) -> str | None:
        key = _pick(lower, names)
        return as_str(row.get(key)) if key is not None else None

    warnings: list[str] = []
    when = cell(TIME_COLUMNS)
    created = parse_any_time(when) if when else None
    if when and created is None:
        warnings.append(f"unreadable time {when[:40]!r}")
    handle, author_id, name = cell(HANDLE_COLUMNS), cell(AUTHOR_ID_COLUMNS), cell(AUTHOR_NAME_COLUMNS)
    author = Author(id=author_id, screen_name=handle.lstrip("@") if handle else None, name=name) \
        if handle or author_id else None
    return Post(text=text, id=str_id(cell(ID_COLUMNS)), source_format="csv", created_at=created,
                lang=cell(LANG_COLUMNS), author=author, raw=dict(row), position=position,
                warnings=warnings)
