"""Input adapters and readers/writers.

``normalize(record, position)`` turns one input record (a parsed JSON value, a line of plain
text, a CSV row) into canonical posts, or error records. One record can hold several posts (a
v2 API page). Formats are recognized per record: Twitter v1.1 (compat, extended, streaming),
v2 pages and single or twarc2-flattened posts, Gnip Activity Streams, X archive ``tweets.js``
items, ``{"text": ...}``, plain text and CSV rows.

``read_records(source)`` streams ``(position, record)`` pairs out of a file or stdin; the
writers (:class:`JsonlWriter`, :class:`CsvWriter`, :class:`ParquetWriter`) write output records.
"""

from __future__ import annotations

from .normalize import normalize
from .plain import CsvRow, text_column
from .readers import FORMATS, open_input, read_jsonl_stream, read_records, read_text_stream, sniff_format
from .writers import CsvWriter, JsonlWriter, ParquetWriter, Writer, dumps, flatten, writer_for

__all__ = [
    "FORMATS",
    "CsvRow",
    "CsvWriter",
    "JsonlWriter",
    "ParquetWriter",
    "Writer",
    "dumps",
    "flatten",
    "normalize",
    "open_input",
    "read_jsonl_stream",
    "read_records",
    "read_text_stream",
    "sniff_format",
    "text_column",
    "writer_for",
]
