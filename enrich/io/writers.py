"""Write output records: JSONL (orjson), CSV and Parquet in the flat form (dotted columns).

Every writer takes a path (``.gz`` → gzip) or ``-`` for stdout, is a context manager, and
accepts output dicts or :class:`ErrorRecord` objects.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, cast

import orjson

from ..errors import ErrorRecord

_DUMP_OPTS = orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
EXTRA_COLUMN = "_extra"


def _default(obj: Any) -> Any:
    if isinstance(obj, ErrorRecord):
        return obj.to_dict()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"cannot serialize {type(obj).__name__}")


def dumps(record: Any) -> bytes:
    """One JSON line (with its newline)."""
    if isinstance(record, ErrorRecord):
        record = record.to_dict()
    return orjson.dumps(record, default=_default, option=_DUMP_OPTS)


def _open_output(target: str | Path, compress: bool | None) -> tuple[IO[bytes], bool]:
    if str(target) == "-":
        return sys.stdout.buffer, False
    path = Path(target)
    if compress is None:
        compress = path.name.lower().endswith(".gz")
    if compress:
        return cast(IO[bytes], gzip.open(path, "wb", compresslevel=6)), True
    return open(path, "wb"), True


class Writer:
    """Base of the writers: opens on construction, ``write(record)``, ``write_many(records)``,
    ``count`` (records written), ``close()`` (idempotent), context manager."""

    def __init__(self, target: str | Path | IO[bytes], compress: bool | None = None) -> None:
        if isinstance(target, str | Path):
            self._out, self._owned = _open_output(target, compress)
        else:
            self._out, self._owned = target, False
        self.count = 0
        self.closed = False

    def write_many(self, records: Any) -> int:
        n = 0
        for rec in records:
            self.write(rec)
            n += 1
        return n

    def write(self, record: Any) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Flush buffered rows before the stream closes."""

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self._finish()
        if self._owned:
            self._out.close()
        else:
            self._out.flush()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class JsonlWriter(Writer):
    """One JSON object a line, written with orjson; gzip when the path ends in ``.gz``."""

    def write(self, record: Any) -> None:
        self._out.write(dumps(record))
        self.count += 1

    def __enter__(self) -> JsonlWriter:
        return self


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        return orjson.dumps(list(value), default=_default, option=orjson.OPT_NON_STR_KEYS).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def flatten(record: Any, sep: str = ".") -> dict[str, Any]:
    """The flat form of an output record: nested objects become dotted keys
    (``enrichment.sentiment.compound``), lists become JSON strings, scalars stay as they are.
    An empty object becomes ``None`` under its own key so the column does not vanish."""
    if isinstance(record, ErrorRecord):
        record = record.to_dict()
    out: dict[str, Any] = {}
    if not isinstance(record, dict):
        return {"value": _cell(record)}

    def walk(obj: dict[Any, Any], prefix: str) -> None:
        for k, v in obj.items():
            key = f"{prefix}{k}"
            if isinstance(v, dict):
                if v:
                    walk(v, key + sep)
                else:
                    out[key] = None
            else:
                out[key] = _cell(v)

    walk(record, "")
    return out


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class CsvWriter(Writer):
    """Flat records as CSV. Columns are given, or taken from the first ``sample`` records (in
    order of first appearance); keys first seen later go, as JSON, into a trailing ``_extra``
    column so nothing is dropped."""

    def __init__(self, target: str | Path | IO[bytes], columns: list[str] | None = None,
                 compress: bool | None = None, sample: int = 1000) -> None:
        super().__init__(target, compress)
        self._text = io.TextIOWrapper(self._out, encoding="utf-8", newline="", write_through=True)
        self._csv = csv.writer(self._text)
        self._columns: list[str] | None = list(columns) if columns is not None else None
        self._known: set[str] = set(self._columns or ())
        self._pending: list[dict[str, Any]] = []
        self._sample = sample
        if self._columns is not None:
            self._csv.writerow([*self._columns, EXTRA_COLUMN])

    @property
    def columns(self) -> list[str] | None:
        return self._columns

    def write(self, record: Any) -> None:
        flat = flatten(record)
        self.count += 1
        if self._columns is None:
            self._pending.append(flat)
            if len(self._pending) >= self._sample:
                self._start()
            return
        self._row(flat)

    def _start(self) -> None:
        cols: dict[str, None] = {}
        for row in self._pending:
            for k in row:
                cols.setdefault(k, None)
        self._columns = list(cols)
        self._known = set(cols)
        self._csv.writerow([*self._columns, EXTRA_COLUMN])
        for row in self._pending:
            self._row(row)
        self._pending = []

    def _row(self, flat: dict[str, Any]) -> None:
        assert self._columns is not None
        extra = {k: v for k, v in flat.items() if k not in self._known}
        cells = [_csv_value(flat.get(c)) for c in self._columns]
        cells.append(orjson.dumps(extra, default=_default).decode() if extra else "")
        self._csv.writerow(cells)

    def _finish(self) -> None:
        if self._columns is None:
            self._start()
        self._text.flush()
        self._text.detach()

    def __enter__(self) -> CsvWriter:
        return self


class ParquetWriter(Writer):
    """Flat records as Parquet (pyarrow), in row groups of ``batch_size``. The schema comes from
    the first batch (all-null columns as strings); a later value that does not fit its column's
    type, or a key first seen later, goes as JSON into the trailing ``_extra`` column."""

    def __init__(self, target: str | Path, batch_size: int = 10_000) -> None:
        if str(target) == "-":
            raise ValueError("Parquet cannot be streamed to stdout; give a file path")
        super().__init__(target, compress=False)
        self._batch: list[dict[str, Any]] = []
        self._batch_size = batch_size
        self._schema: Any = None
        self._writer: Any = None
        self._types: dict[str, str] = {}

    def write(self, record: Any) -> None:
        self._batch.append(flatten(record))
        self.count += 1
        if len(self._batch) >= self._batch_size:
            self._flush()

    @staticmethod
    def _kind(values: list[Any]) -> str:
        kinds = {type(v) for v in values if v is not None}
        if not kinds:
            return "string"
        if kinds <= {bool}:
            return "bool"
        if kinds <= {int}:
            return "int"
        if kinds <= {int, float}:
            return "float"
        return "string"

    @staticmethod
    def _fits(kind: str, v: Any) -> bool:
        if v is None:
            return True
        if kind == "bool":
            return isinstance(v, bool)
        if kind == "int":
            return isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63
        if kind == "float":
            return isinstance(v, int | float) and not isinstance(v, bool)
        return isinstance(v, str)

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows, self._batch = self._batch, []
        if not rows:
            return
        if self._schema is None:
            cols: dict[str, list[Any]] = {}
            for row in rows:
                for k in row:
                    cols.setdefault(k, [])
            for k in cols:
                cols[k] = [row.get(k) for row in rows]
            self._types = {k: self._kind(v) for k, v in cols.items()}
            arrow = {"bool": pa.bool_(), "int": pa.int64(), "float": pa.float64(), "string": pa.string()}
            self._schema = pa.schema([*(pa.field(k, arrow[t]) for k, t in self._types.items()),
                                      pa.field(EXTRA_COLUMN, pa.string())])
            self._writer = pq.ParquetWriter(self._out, self._schema)
        columns: dict[str, list[Any]] = {k: [] for k in self._types}
        extras: list[str | None] = []
        for row in rows:
            extra: dict[str, Any] = {}
            for k, kind in self._types.items():
                v = row.get(k)
                if not self._fits(kind, v):
                    extra[k] = v
                    v = None
                elif kind == "float" and v is not None:
                    v = float(v)
                columns[k].append(v)
            for k, v in row.items():
                if k not in self._types:
                    extra[k] = v
            extras.append(orjson.dumps(extra, default=_default).decode() if extra else None)
        columns[EXTRA_COLUMN] = extras
        self._writer.write_table(pa.table(columns, schema=self._schema))

    def _finish(self) -> None:
        self._flush()
        if self._writer is not None:
            self._writer.close()
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({EXTRA_COLUMN: pa.array([], pa.string())}), self._out)

    def __enter__(self) -> ParquetWriter:
        return self


def writer_for(target: str | Path, fmt: str = "auto") -> Writer:
    """The writer for an output path by format name or extension (jsonl is the default)."""
    name = str(target).lower().removesuffix(".gz")
    if fmt == "auto":
        fmt = "csv" if name.endswith(".csv") else "parquet" if name.endswith(".parquet") else "jsonl"
    if fmt == "csv":
        return CsvWriter(target)
    if fmt == "parquet":
        return ParquetWriter(target)
    if fmt == "jsonl":
        return JsonlWriter(target)
    raise ValueError(f"unknown output format {fmt!r}; one of jsonl, csv, parquet")
