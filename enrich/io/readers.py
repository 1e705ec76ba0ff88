"""Read input files into records: JSONL, JSON documents, CSV, the X archive's ``tweets.js`` and
plain text lines, gzip or not, from a path or stdin (``-``).

JSONL, text and CSV are streamed record by record (memory stays flat on large files); a JSON
document and ``tweets.js`` are one value and are parsed whole. A line that cannot be parsed is
yielded as an :class:`ErrorRecord` at its position, so that records in = records out.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from ..errors import ErrorCode, ErrorRecord
from .plain import CsvRow, text_column

FORMATS = ("auto", "jsonl", "json", "csv", "tsv", "tweets_js", "text")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl", ".json": "json",
               ".csv": "csv", ".tsv": "tsv", ".js": "tweets_js", ".txt": "text", ".text": "text"}
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 64 * 1024
_SURROGATE = re.compile("[\ud800-\udfff]")


def _source_name(source: str | Path) -> str:
    return "<stdin>" if str(source) == "-" else str(source)


@contextmanager
def open_input(source: str | Path) -> Iterator[IO[bytes]]:
    """A buffered binary stream over a path or stdin (``-``), gunzipped when it starts with the
    gzip magic bytes (whatever its name). Stdin is never closed."""
    owned = str(source) != "-"
    raw: Any = open(source, "rb") if owned else sys.stdin.buffer  # noqa: SIM115 - closed below
    # a large buffer lets the format sniffer peek at the first records without consuming them
    buf = io.BufferedReader(raw, buffer_size=_SNIFF_BYTES)
    try:
        if buf.peek(2)[:2] == _GZIP_MAGIC:
            with gzip.GzipFile(fileobj=buf, mode="rb") as gz:
                yield io.BufferedReader(gz, buffer_size=_SNIFF_BYTES)
        else:
            yield buf
    finally:
        if owned:
            buf.close()
        else:
            buf.detach()


def _strip_suffixes(name: str) -> str:
    low = name.lower()
    return low[:-3] if low.endswith(".gz") else low


def sniff_format(head: bytes, name: str = "") -> str:
    """Guess the format from the file name, then from the first bytes of (decompressed) content."""
    ext = Path(_strip_suffixes(name)).suffix if name else ""
    fmt = _EXTENSIONS.get(ext)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if fmt in ("csv", "tsv", "tweets_js", "text"):
        return fmt
    if text.startswith(b"window.") or text.startswith(b"var "):
        return "tweets_js"
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        # one object per line, or one (pretty-printed) document?
        first = text.split(b"\n", 1)[0].strip()
        try:
            orjson.loads(first)
        except orjson.JSONDecodeError:
            # a long first line cut by the sniff window is still JSONL
            return "jsonl" if b"\n" not in text and len(head) >= _SNIFF_BYTES else "json"
        return "jsonl"
    if fmt == "json":
        return "json"
    # any line break ends the header: a lone "\r" inside it would make the csv module raise
    first_line = (text.splitlines() or [b""])[0].decode("utf-8", "replace")
    for delim, kind in (("\t", "tsv"), (",", "csv")):
        if delim in first_line:
            header = next(csv.reader([first_line], delimiter=delim), [])
            if len(header) >= 2 and text_column(header) is not None:
                return kind
    return fmt or "text"


def _loads(line: bytes) -> Any:
    """orjson first; the stdlib parser accepts lone surrogates (in real archives), which are then
    replaced so the record can be written out again."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        text = line.decode("utf-8")  # UnicodeDecodeError: caller reports E109
        value = json.loads(text)
        return _scrub(value)


_INT_RANGE = (-(2**63), 2**64 - 1)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, int) and not isinstance(value, bool) and not (
            _INT_RANGE[0] <= value <= _INT_RANGE[1]):
        # Beyond 64 bits no JSON writer here can emit it as a number: keep its digits as a string.
        return str(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_scrub(k): _scrub(v) for k, v in value.items()}
    return value


def _parse_line(line: bytes, pos: int, source: str) -> Any:
    try:
        return _loads(line)
    except UnicodeDecodeError as exc:
        return ErrorRecord(ErrorCode.UNDECODABLE, position=pos, source=source, detail=str(exc))
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        return ErrorRecord(ErrorCode.INVALID_JSON, position=pos, source=source, detail=str(exc)[:200])


def _lines(stream: IO[bytes], limit: int, source: str) -> Iterator[tuple[int, bytes | ErrorRecord]]:
    """Non-blank lines with their record positions; an over-long line is skipped in bounded
    chunks and reported as E108 without ever being held whole."""
    pos = 0
    while True:
        line = stream.readline(limit + 2)
        if not line:
            return
        if len(line) > limit + 1 or (len(line) == limit + 2 and not line.endswith(b"\n")):
            size = len(line)
            while not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
                if not line:
                    break
                size += len(line)
            yield pos, ErrorRecord(ErrorCode.RECORD_TOO_LARGE, position=pos, source=source,
                                   size=size, limit=limit)
            pos += 1
            continue
        line = line.strip()
        if not line:
            continue
        if pos == 0 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        yield pos, line
        pos += 1


def _read_jsonl(stream: IO[bytes], limit: int, source: str) -> Iterator[tuple[int, Any]]:
    for pos, line in _lines(stream, limit, source):
        yield pos, line if isinstance(line, ErrorRecord) else _parse_line(line, pos, source)


def _read_text(stream: IO[bytes], limit: int, source: str) -> Iterator[tuple[int, Any]]:
    """A line is a post; a line that is a JSON object is read as one (mixed files work)."""
    for pos, line in _lines(stream, limit, source):
        if isinstance(line, ErrorRecord):
            yield pos, line
            continue
        if line[:1] == b"{" and line[-1:] == b"}":
            value = _parse_line(line, pos, source)
            if isinstance(value, dict):
                yield pos, value
                continue
        try:
            yield pos, line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield pos, ErrorRecord(ErrorCode.UNDECODABLE, position=pos, source=source, detail=str(exc))


def _iter_document(value: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(value, list):
        yield from enumerate(value)
    else:
        yield 0, value


def _read_json(stream: IO[bytes], limit: int, source: str) -> Iterator[tuple[int, Any]]:
    data = stream.read().lstrip(codecs.BOM_UTF8)
    if not data.strip():
        return  # an empty file holds no records
    try:
        value = _loads(data)
    except UnicodeDecodeError as exc:
        yield 0, ErrorRecord(ErrorCode.UNDECODABLE, position=0, source=source, detail=str(exc))
        return
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        # a .json file that is really JSONL with a broken line: fall back to lines (a broken
        # pretty-printed document stays one error)
        if b"\n" in data.strip() and _first_line_parses(data):
            yield from _read_jsonl(io.BufferedReader(io.BytesIO(data)), limit, source)
            return
        yield 0, ErrorRecord(ErrorCode.INVALID_JSON, position=0, source=source, detail=str(exc)[:200])
        return
    yield from _iter_document(value)


def _first_line_parses(data: bytes) -> bool:
    first = data.strip().split(b"\n", 1)[0]
    try:
        orjson.loads(first)
    except orjson.JSONDecodeError:
        return False
    return True


def _read_tweets_js(stream: IO[bytes], limit: int, source: str) -> Iterator[tuple[int, Any]]:
    """``window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`` from the X account archive."""
    data = stream.read().lstrip(codecs.BOM_UTF8).strip()
    eq = data.find(b"=")
    start = data.find(b"[")
    body = data[eq + 1:] if 0 <= eq < start or start < 0 else data
    body = body.strip().rstrip(b";")
    try:
        value = _loads(body)
    except UnicodeDecodeError as exc:
        yield 0, ErrorRecord(ErrorCode.UNDECODABLE, position=0, source=source, detail=str(exc))
        return
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        yield 0, ErrorRecord(ErrorCode.INVALID_JSON, position=0, source=source,
                             detail=f"tweets.js body: {str(exc)[:180]}")
        return
    yield from _iter_document(value)


def _read_csv(stream: IO[bytes], limit: int, source: str, delimiter: str) -> Iterator[tuple[int, Any]]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    old = csv.field_size_limit()
    csv.field_size_limit(max(limit, old))
    try:
        reader = csv.DictReader(text, delimiter=delimiter)
        for pos, row in enumerate(reader):
            extra = row.pop(None, None)
            rec = CsvRow((k, v) for k, v in row.items())
            if extra:
                rec["_extra_cells"] = extra
            yield pos, rec
    except csv.Error as exc:
        yield reader.line_num, ErrorRecord(ErrorCode.INVALID_FIELD, position=reader.line_num, source=source,
                                           field="csv", detail=str(exc)[:200])
    finally:
        csv.field_size_limit(old)
        text.detach()


def read_records(source: str | Path, fmt: str = "auto", *, max_record_bytes: int | None = None
                 ) -> Iterator[tuple[int, Any]]:
    """Yield ``(position, record)`` for every record of ``source`` (a path, or ``-`` for stdin).

    ``record`` is a parsed JSON value, a :class:`CsvRow`, a ``str`` (plain-text line), or an
    :class:`ErrorRecord` for a record that could not be read. Positions are 0-based record
    indices (blank lines are not records). Feed each record to :func:`enrich.io.normalize`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; one of {', '.join(FORMATS)}")
    if max_record_bytes is None:
        from ..settings import Settings
        max_record_bytes = Settings().max_record_bytes
    name = _source_name(source)
    last = -1
    try:
        with open_input(source) as stream:
            if fmt == "auto":
                peek = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if isinstance(stream, io.BufferedReader) \
                    else b""
                fmt = sniff_format(peek, "" if name == "<stdin>" else name)
            if fmt == "jsonl":
                records = _read_jsonl(stream, max_record_bytes, name)
            elif fmt == "json":
                records = _read_json(stream, max_record_bytes, name)
            elif fmt in ("csv", "tsv"):
                records = _read_csv(stream, max_record_bytes, name, "\t" if fmt == "tsv" else ",")
            elif fmt == "tweets_js":
                records = _read_tweets_js(stream, max_record_bytes, name)
            else:
                records = _read_text(stream, max_record_bytes, name)
            for pos, rec in records:
                last = pos
                yield pos, rec
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        # A truncated or corrupt .gz archive: what was read stands, the rest is one error record.
        yield last + 1, ErrorRecord(ErrorCode.UNDECODABLE, position=last + 1, source=name,
                                    detail=f"compressed input is corrupt or cut short ({exc})")


# The line readers over an already open binary stream (the batch runner feeds them a shard's
# byte range): ``(stream, max_record_bytes, source_label) -> Iterator[(position, record)]``,
# positions counted from 0 at the stream's start, blank lines not counted.
read_jsonl_stream = _read_jsonl
read_text_stream = _read_text
