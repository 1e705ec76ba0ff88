"""Writers: JSONL (gzip, stdout), CSV and Parquet in the flat form."""

from __future__ import annotations

import csv
import gzip
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from enrich.errors import ErrorCode, ErrorRecord
from enrich.io import CsvWriter, JsonlWriter, ParquetWriter, flatten, read_records, writer_for

RECORDS = [
    {"id": "1", "text": "héllo", "enrichment": {"post": {"kind": "original", "warnings": []},
                                                  "text": {"hashtags": ["a", "b"], "length": 5}}},
    ErrorRecord(ErrorCode.INVALID_JSON, position=1, source="in.jsonl", detail="bad"),
    {"id": "3", "text": "late column", "when": datetime(2020, 1, 2, tzinfo=UTC), "extra": {"deep": True}},
]


def test_flatten() -> None:
    flat = flatten(RECORDS[0])
    assert flat == {"id": "1", "text": "héllo", "enrichment.post.kind": "original",
                    "enrichment.post.warnings": "[]", "enrichment.text.hashtags": '["a","b"]',
                    "enrichment.text.length": 5}
    assert flatten(RECORDS[1])["error.code"] == "E101"
    assert flatten({"empty": {}, "n": None}) == {"empty": None, "n": None}
    assert flatten([1, 2]) == {"value": "[1,2]"}


@pytest.mark.parametrize("name", ["out.jsonl", "out.jsonl.gz"])
def test_jsonl_roundtrip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with JsonlWriter(path) as w:
        assert w.write_many(RECORDS) == 3
    raw = path.read_bytes()
    assert raw[:2] == b"\x1f\x8b" if name.endswith(".gz") else raw[:1] == b"{"
    got = [r for _, r in read_records(path)]
    assert got[0] == RECORDS[0]
    err = RECORDS[1]
    assert isinstance(err, ErrorRecord) and got[1] == err.to_dict()
    assert got[2]["when"] == "2020-01-02T00:00:00+00:00"


def test_jsonl_to_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdout:
        buffer = io.BytesIO()

    monkeypatch.setattr(sys, "stdout", FakeStdout())
    with JsonlWriter("-") as w:
        w.write({"a": 1})
    assert FakeStdout.buffer.getvalue() == b'{"a":1}\n'
    assert not FakeStdout.buffer.closed


def test_csv_writer_infers_columns_and_keeps_late_keys(tmp_path: Path) -> None:
    path = tmp_path / "out.csv.gz"
    with CsvWriter(path, sample=2) as w:
        w.write_many(RECORDS)
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))
    assert len(rows) == 3
    assert rows[0]["enrichment.text.hashtags"] == '["a","b"]' and rows[0]["text"] == "héllo"
    assert rows[1]["error.code"] == "E101" and rows[1]["id"] == ""
    assert orjson.loads(rows[2]["_extra"]) == {"when": "2020-01-02T00:00:00+00:00", "extra.deep": True}


def test_csv_writer_given_columns(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    with CsvWriter(path, columns=["id", "text"]) as w:
        w.write({"id": "1", "text": "a,b", "flag": False})
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert rows == [["id", "text", "_extra"], ["1", "a,b", '{"flag":false}']]


def test_parquet_writer(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "out.parquet"
    with ParquetWriter(path, batch_size=2) as w:
        w.write({"id": "1", "n": 1, "x": 1.5, "ok": True, "tags": ["a"]})
        w.write({"id": "2", "n": 2, "x": 2, "ok": None})
        w.write({"id": "3", "n": "three", "x": 3.0, "ok": False, "late": 1})
    table = pq.read_table(path).to_pylist()
    assert [r["id"] for r in table] == ["1", "2", "3"]
    assert table[1]["x"] == 2.0 and table[0]["tags"] == '["a"]'
    assert table[2]["n"] is None and orjson.loads(table[2]["_extra"]) == {"n": "three", "late": 1}


def test_writer_for(tmp_path: Path) -> None:
    for name, cls in (("a.csv", CsvWriter), ("a.jsonl.gz", JsonlWriter), ("a.parquet", ParquetWriter)):
        with writer_for(tmp_path / name) as w:
            assert isinstance(w, cls)
    with pytest.raises(ValueError):
        writer_for(tmp_path / "a.x", "xml")
