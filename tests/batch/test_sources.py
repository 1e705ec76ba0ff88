"""Shard planning: byte ranges that start on record boundaries and read back every record once,
with the positions it has in the whole file."""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrich.batch.engine import InputRecord
from enrich.batch.sources import iter_records, plan_file, shard_records
from enrich.errors import ErrorRecord


def _key(rec: InputRecord) -> tuple[int | None, list[object]]:
    return rec.position, [s.to_dict() if isinstance(s, ErrorRecord) else s.text for s in rec.slots]


def _whole_and_sharded(path: Path, shard_lines: int) -> tuple[list[object], list[object], list[int | None]]:
    whole: list[object] = [_key(r) for r in iter_records([str(path)])]
    sharded: list[object] = []
    sizes: list[int | None] = []
    for spec in plan_file(str(path), 0, "auto", shard_lines):
        got = [_key(r) for r in shard_records(spec, 1 << 20)]
        sizes.append(spec.records)
        assert spec.records is None or len(got) == spec.records
        sharded.extend(got)
    return whole, sharded, sizes


def test_shards_cover_the_file_once(tmp_path: Path) -> None:
    from .conftest import write_posts

    path = write_posts(tmp_path / "p.jsonl", 25, broken_every=4, blank_every=6)
    whole, sharded, sizes = _whole_and_sharded(path, 7)
    assert sharded == whole and len(whole) == 25
    assert sizes == [7, 7, 7, 4]
    # an error record in a later shard carries its position in the whole file
    errors = [r.position for r in iter_records([str(path)]) if isinstance(r.slots[0], ErrorRecord)]
    assert errors == [3, 7, 11, 15, 19, 23]
    assert [rec.position for spec in plan_file(str(path), 0, "auto", 7)[1:2]
            for rec in shard_records(spec, 1 << 20)] == list(range(7, 14))


def test_gzip_and_csv_are_one_shard_each(tmp_path: Path) -> None:
    import gzip

    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(b'{"text": "a"}\n{"text": "b"}\n'))
    (tmp_path / "b.csv").write_text("id,text\n1,hello\n2,world\n")
    for name in ("a.jsonl.gz", "b.csv"):
        (spec,) = plan_file(str(tmp_path / name), 0, "auto", 1)
        assert spec.byte_start is None and spec.records is None
        assert [r.position for r in shard_records(spec, 1 << 20)] == [0, 1]


_line = st.one_of(
    st.just(b""), st.just(b"   "), st.just(b"{broken"), st.just(b"[1, 2]"),
    st.text(min_size=1, max_size=30).map(lambda t: orjson.dumps({"text": t})),
    st.binary(max_size=20).filter(lambda b: b"\n" not in b and b"\r" not in b),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, max_size=40), shard_lines=st.integers(1, 9), trailing=st.booleans())
def test_sharded_read_equals_whole_read(tmp_path: Path, lines: list[bytes], shard_lines: int,
                                        trailing: bool) -> None:
    path = tmp_path / "h.jsonl"
    path.write_bytes(b"\n".join(lines) + (b"\n" if trailing else b""))
    whole, sharded, _ = _whole_and_sharded(path, shard_lines)
    assert sharded == whole


def test_truncated_gzip_ends_with_an_error_record(tmp_path: Path) -> None:
    import gzip

    data = gzip.compress(b"".join(b'{"text": "post %d"}\n' % i for i in range(200)))
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    (spec,) = plan_file(str(path), 0, "auto", 10)
    recs = list(shard_records(spec, 1 << 20))
    last = recs[-1].slots[0]
    assert isinstance(last, ErrorRecord) and last.code in {"E109", "E401"}  # reader or runner reports it
    assert all(not isinstance(r.slots[0], ErrorRecord) for r in recs[:-1])
