"""read_records: formats, sniffing, gzip, stdin, bad lines, size limits."""

from __future__ import annotations

import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from enrich.errors import ErrorRecord
from enrich.io import CsvRow, normalize, read_records, sniff_format
from enrich.post import Post

from ..conftest import FIXTURES

IO = FIXTURES / "io"


def records(path: str | Path, fmt: str = "auto", **kw: Any) -> list[tuple[int, Any]]:
    return list(read_records(path, fmt, **kw))


def test_jsonl_with_bad_lines_keeps_positions() -> None:
    got = records(IO / "broken.jsonl")
    assert [p for p, _ in got] == list(range(11))
    assert isinstance(got[1][1], ErrorRecord) and got[1][1].code == "E101"
    assert got[1][1].source is not None and got[1][1].source.endswith("broken.jsonl")
    assert isinstance(got[7][1], ErrorRecord) and got[7][1].code == "E109"
    assert got[2][1] == [1, 2, 3] and got[3][1] == 42 and got[10][1] == "just a JSON string"
    outs = [o for pos, rec in got for o in normalize(rec, pos)]
    assert len(outs) == 11  # records in = records out
    assert [isinstance(o, Post) for o in outs].count(True) == 2


def test_gzip_is_detected_by_magic_bytes(tmp_path: Path) -> None:
    data = (IO / "v1.jsonl").read_bytes()
    plain = records(IO / "v1.jsonl")
    for name in ("x.jsonl.gz", "no_suffix", "x.jsonl"):
        path = tmp_path / name
        path.write_bytes(gzip.compress(data))
        assert records(path) == plain


def test_json_array_object_and_jsonl_named_json(tmp_path: Path) -> None:
    arr = tmp_path / "a.json"
    arr.write_text(json.dumps([{"text": "one"}, {"text": "two"}], indent=2))
    assert records(arr) == [(0, {"text": "one"}), (1, {"text": "two"})]
    obj = tmp_path / "b.json"
    obj.write_text(json.dumps({"text": "pretty", "id": "1"}, indent=2))
    assert records(obj) == [(0, {"text": "pretty", "id": "1"})]
    lines = tmp_path / "c.json"  # many ".json" files are really JSONL
    lines.write_text('{"text": "a"}\n{"text": "b"}\n')
    assert [r for _, r in records(lines)] == [{"text": "a"}, {"text": "b"}]
    empty = tmp_path / "d.json"
    empty.write_text("  \n")
    assert records(empty) == []
    bad = tmp_path / "e.json"
    bad.write_text('{"text": ')
    (_pos, err), = records(bad)
    assert isinstance(err, ErrorRecord) and err.code == "E101"
    broken_doc = tmp_path / "f.json"
    broken_doc.write_text('[\n  {"text": "a"},\n  {"text": \n]\n')
    (_pos, err), = records(broken_doc)
    assert isinstance(err, ErrorRecord) and err.code == "E101"
    broken_lines = tmp_path / "g.json"
    broken_lines.write_text('{"text": "a"}\n{"text": \n{"text": "c"}\n')
    got = records(broken_lines, "json")
    assert [type(r).__name__ for _, r in got] == ["dict", "ErrorRecord", "dict"]


def test_tweets_js() -> None:
    got = records(IO / "tweets.js")
    assert len(got) == 2 and all("tweet" in r for _, r in got)
    posts = [o for pos, rec in got for o in normalize(rec, pos)]
    assert all(isinstance(p, Post) and p.source_format == "tweets_js" for p in posts)


def test_tweets_js_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "archive_export"
    path.write_bytes((IO / "tweets.js").read_bytes())
    assert len(records(path)) == 2


def test_csv_rows_are_marked_and_multiline_cells_work() -> None:
    got = records(IO / "posts.csv")
    assert len(got) == 4 and all(isinstance(r, CsvRow) for _, r in got)
    assert got[1][1]["Tweet"] == "Multi-line\ncell text #csv"
    outs = [o for pos, rec in got for o in normalize(rec, pos)]
    assert [type(o).__name__ for o in outs] == ["Post", "Post", "Post", "ErrorRecord"]


def test_tsv_and_sniffed_csv(tmp_path: Path) -> None:
    tsv = tmp_path / "x.tsv"
    tsv.write_text("id\ttext\n1\thello, world\n")
    assert records(tsv) == [(0, {"id": "1", "text": "hello, world"})]
    sniffed = tmp_path / "export"
    sniffed.write_text("id,full_text,lang\n1,\"hi, there\",en\n")
    (_, row), = records(sniffed)
    assert isinstance(row, CsvRow) and row["full_text"] == "hi, there"


def test_text_lines() -> None:
    got = records(IO / "lines.txt")
    assert [r for _, r in got] == ["first plain line #one", {"text": "a JSON line among text", "id": "77"},
                                   "{not json, so text", "last line with emoji \U0001F600"]
    assert [p for p, _ in got] == [0, 1, 2, 3]  # blank lines are not records


def test_unknown_extension_plain_text_is_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("hello there\nsecond, with a comma\n")
    assert [r for _, r in records(path)] == ["hello there", "second, with a comma"]


def test_explicit_format_overrides(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"text": "a"}\n')
    assert records(path, "text") == [(0, {"text": "a"})]
    with pytest.raises(ValueError):
        records(path, "xml")


def test_record_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = json.dumps({"text": "x" * 5000})
    path.write_text('{"text": "small"}\n' + big + "\n" + big + big + '\n{"text": "after"}\n')
    got = records(path, max_record_bytes=2048)
    assert [type(r).__name__ for _, r in got] == ["dict", "ErrorRecord", "ErrorRecord", "dict"]
    err = got[1][1]
    assert err.code == "E108" and str(len(big) + 1) in err.message
    assert got[3] == (3, {"text": "after"})


def test_lone_surrogates_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"text": "half \\ud83d emoji"}\n')
    (_, rec), = records(path)
    assert rec == {"text": "half \ufffd emoji"}


def test_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"text": "a"}\n')
    assert records(path) == [(0, {"text": "a"})]


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    payload = gzip.compress(b'{"text": "from stdin"}\nplain\n')

    class FakeStdin:
        buffer = io.BytesIO(payload)

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    got = records("-")  # sniffed as JSONL, where a line that is not JSON is an error
    assert got[0] == (0, {"text": "from stdin"})
    assert isinstance(got[1][1], ErrorRecord) and got[1][1].source == "<stdin>"
    assert not FakeStdin.buffer.closed  # stdin is never closed
    FakeStdin.buffer.seek(0)
    assert records("-", "text") == [(0, {"text": "from stdin"}), (1, "plain")]


def test_large_jsonl_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    with path.open("w") as f:
        for i in range(20_000):
            f.write(json.dumps({"id_str": str(i), "text": "t", "truncated": False}) + "\n")
    it = read_records(path)
    assert next(it) == (0, {"id_str": "0", "text": "t", "truncated": False})
    assert sum(1 for _ in it) == 19_999


@pytest.mark.parametrize(("head", "name", "fmt"), [
    (b'{"a": 1}\n{"a": 2}\n', "", "jsonl"),
    (b'{\n  "a": 1\n}\n', "", "json"),
    (b"[1, 2]", "", "json"),
    (b"window.YTD.tweets.part0 = [", "", "tweets_js"),
    (b"text,id\nhello,1\n", "", "csv"),
    (b"hello world\n", "", "text"),
    (b"anything", "x.csv.gz", "csv"),
    (b"anything", "x.txt", "text"),
    (b'{"a": 1}\n', "x.ndjson", "jsonl"),
])
def test_sniff_format(head: bytes, name: str, fmt: str) -> None:
    assert sniff_format(head, name) == fmt
