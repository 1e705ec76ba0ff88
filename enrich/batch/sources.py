"""Input for the batch runner: files and folders expanded, records read and normalized, and large
line-based files cut into shards (ranges of lines, found by byte offset) that can be read alone.

A shard of a JSONL or text file is a byte range starting at a record boundary; its reader seeks
there and numbers records from the shard's first position, so positions in error records are
positions in the whole file. Formats that are one document (JSON, ``tweets.js``), CSV (quoted
fields may span lines) and gzip files are read whole, as one shard each.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import ErrorCode, ErrorRecord
from ..io import normalize, read_records, sniff_format
from ..io.readers import read_jsonl_stream, read_text_stream  # fed a shard's byte range
from .engine import InputRecord

_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".js", ".txt", ".gz")
_SPLITTABLE = ("jsonl", "text")
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1 << 20


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Files as given; folders walked recursively for known suffixes, in sorted order."""
    for name in inputs:
        path = Path(name)
        if name != "-" and path.is_dir():
            for sub in sorted(p for p in path.rglob("*") if p.is_file()):
                if sub.name.lower().endswith(_SUFFIXES):
                    yield str(sub)
        else:
            yield name


def _normalized(label: str, records: Iterable[tuple[int, Any]], offset: int = 0) -> Iterator[InputRecord]:
    for local, rec in records:
        pos = offset + local
        if isinstance(rec, ErrorRecord):
            rec.source = rec.source or label
            rec.position = pos
            yield InputRecord(label, pos, [rec])
        else:
            yield InputRecord(label, pos, list(normalize(rec, pos, label)))


def missing_input(source: str, detail: str) -> InputRecord:
    return InputRecord(source, None, [ErrorRecord(ErrorCode.BAD_INPUT_PATH, source=source, path=source,
                                                  detail=detail)])


def raw_records(inputs: Iterable[str], fmt: str) -> Iterator[tuple[str, int | None, Any]]:
    """``(source, position, record)`` for every record of every input, not yet normalized; a
    missing or unreadable file is one :class:`ErrorRecord`."""
    for source in expand_inputs(inputs):
        if source != "-" and not Path(source).exists():
            yield source, None, missing_input(source, "no such file").slots[0]
            continue
        label = "<stdin>" if source == "-" else source
        try:
            for pos, rec in read_records(source, fmt):
                yield label, pos, rec
        except (OSError, EOFError) as exc:  # unreadable, or a gzip stream cut short
            yield label, None, missing_input(label, str(exc) or type(exc).__name__).slots[0]


def normalize_raw(label: str, pos: int | None, rec: Any) -> InputRecord:
    if isinstance(rec, ErrorRecord):
        rec.source = rec.source or label
        if rec.position is None:
            rec.position = pos
        return InputRecord(label, pos, [rec])
    return InputRecord(label, pos, list(normalize(rec, pos, label)))


def iter_records(inputs: Iterable[str], fmt: str = "auto") -> Iterator[InputRecord]:
    for label, pos, rec in raw_records(inputs, fmt):
        yield normalize_raw(label, pos, rec)


# -- shards -------------------------------------------------------------------------------------

@dataclass(slots=True, frozen=True)
class ShardSpec:
    """What one shard reads: ``records`` records of ``source`` from position ``first``; for a
    line-based file the byte range ``[byte_start, byte_end)``, else the whole file."""

    id: str
    source: str
    format: str
    first: int
    records: int | None
    byte_start: int | None = None
    byte_end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShardSpec:
        return cls(**data)

    @property
    def line_range(self) -> tuple[int, int | None]:
        return self.first, None if self.records is None else self.first + self.records


def detect_format(source: str, fmt: str) -> tuple[str, bool]:
    """The file's format and whether it is gzip-compressed."""
    with open(source, "rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    gz = head[:2] == b"\x1f\x8b"
    if fmt != "auto":
        return fmt, gz
    if gz:
        import gzip

        try:
            with gzip.open(source, "rb") as gzf:
                head = gzf.read(_SNIFF_BYTES)
        except (OSError, EOFError):  # a broken gzip file: its shard reports it as an error record
            head = b""
    return sniff_format(head, source), gz


def _record_starts(fh: IO[bytes]) -> Iterator[int]:
    """Byte offsets where non-blank lines start (the reader's record positions), in bounded reads."""
    offset = 0
    start = 0
    blank = True
    while True:
        chunk = fh.readline(_CHUNK)
        if not chunk:
            if not blank:
                yield start
            return
        if blank and chunk.strip():
            blank = False
        offset += len(chunk)
        if chunk.endswith(b"\n"):
            if not blank:
                yield start
            start, blank = offset, True


def plan_file(source: str, index: int, fmt: str, shard_lines: int) -> list[ShardSpec]:
    kind, gz = detect_format(source, fmt)
    if gz or kind not in _SPLITTABLE:
        return [ShardSpec(f"{index:05d}-000000", source, kind, 0, None)]
    shards: list[ShardSpec] = []
    size = os.path.getsize(source)
    with open(source, "rb") as fh:
        bounds: list[int] = []
        count = 0
        for off in _record_starts(fh):
            if count % shard_lines == 0:
                bounds.append(off)
            count += 1
    for n, begin in enumerate(bounds):
        end = bounds[n + 1] if n + 1 < len(bounds) else size
        first = n * shard_lines
        shards.append(ShardSpec(f"{index:05d}-{n:06d}", source, kind, first,
                                min(shard_lines, count - first), begin, end))
    return shards


class _Window(io.RawIOBase):
    """A read-only view of ``[start, end)`` of a file."""

    def __init__(self, fh: IO[bytes], start: int, end: int) -> None:
        self._fh = fh
        self._left = end - start
        fh.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buf)[: min(len(buf), self._left)]
        n = self._fh.readinto(view)  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0


def shard_records(spec: ShardSpec, max_record_bytes: int) -> Iterator[InputRecord]:
    if spec.byte_start is None or spec.byte_end is None:
        for label, pos, rec in raw_records([spec.source], spec.format):
            yield normalize_raw(label, pos, rec)
        return
    with open(spec.source, "rb") as fh:
        stream = io.BufferedReader(_Window(fh, spec.byte_start, spec.byte_end), buffer_size=_SNIFF_BYTES)
        reader = read_jsonl_stream if spec.format == "jsonl" else read_text_stream
        yield from _normalized(spec.source, reader(stream, max_record_bytes, spec.source), spec.first)
