"""Sharded jobs in process: manifests, accounting, resume, verification, refusal."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from enrich.batch import sources
from enrich.batch.job import JobError, job_outputs, run_job
from enrich.batch.run import run_files
from enrich.batch.shard import sha256_file
from enrich.batch.worker import RunConfig
from enrich.errors import ErrorRecord
from enrich.post import Post

from .conftest import FAMILIES

CONFIG = RunConfig.make(FAMILIES, None)


def _single_file_run(inputs: list[str], tmp_path: Path) -> bytes:
    out = tmp_path / "single.jsonl"
    assert run_files(inputs, str(out), FAMILIES, progress=False) == 0
    return out.read_bytes()


def _concat(job_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in job_outputs(str(job_dir)))


def test_job_output_equals_single_run_and_manifests_add_up(posts_file: Path, tmp_path: Path) -> None:
    job = tmp_path / "job"
    outcome = run_job(str(job), [str(posts_file)], CONFIG, shard_lines=16, progress=False)
    assert (outcome.shards, outcome.done, outcome.skipped, outcome.failed) == (4, 4, 0, {})
    assert _concat(job) == _single_file_run([str(posts_file)], tmp_path)
    manifests = [orjson.loads(p.read_bytes()) for p in sorted((job / "shards").glob("*.json"))]
    assert [m["line_range"] for m in manifests] == [[0, 16], [16, 32], [32, 48], [48, 60]]
    for m in manifests:
        assert m["lines_read"] == m["records_out"] + m["dead_letters"]
        assert m["output"]["sha256"] == sha256_file(job / m["output"]["path"])
        assert m["families"] == FAMILIES and m["enrich_version"]
    assert sum(m["dead_letters"] for m in manifests) == 6  # every 9th of 60 records is cut off
    summary = orjson.loads((job / "summary.json").read_bytes())
    assert summary["complete"] and summary["lines_read"] == 60


def test_resume_skips_verified_shards_and_redoes_damaged_ones(posts_file: Path, tmp_path: Path) -> None:
    job = tmp_path / "job"
    run_job(str(job), [str(posts_file)], CONFIG, shard_lines=16, progress=False)
    before = _concat(job)
    again = run_job(str(job), None, CONFIG, progress=False)
    assert (again.skipped, again.done) == (4, 0)
    damaged = job / "out" / "00000-000001.jsonl"
    damaged.write_bytes(damaged.read_bytes()[:-10])
    (job / "shards" / "00000-000003.json").unlink()  # killed between output and manifest
    (job / "out" / ".00000-000002.jsonl.123.part").write_bytes(b"half")
    third = run_job(str(job), [str(posts_file)], CONFIG, progress=False)
    assert (third.skipped, third.done) == (2, 2)
    assert _concat(job) == before
    assert not list((job / "out").glob(".*"))


def test_dead_letter_job_keeps_error_records_apart(posts_file: Path, tmp_path: Path) -> None:
    job = tmp_path / "job"
    run_job(str(job), [str(posts_file)], RunConfig.make(FAMILIES, None, dead_letter=True), shard_lines=30,
            progress=False)
    files = sorted((job / "dead").glob("*.jsonl"))
    dead = [orjson.loads(x) for p in files for x in p.read_bytes().splitlines()]
    assert [d["error"]["position"] for d in dead] == [8, 17, 26, 35, 44, 53]
    out = _concat(job).splitlines()
    assert len(out) == 54 and all(b'"enrichment"' in x for x in out)


def test_refuses_to_resume_a_different_job(posts_file: Path, tmp_path: Path) -> None:
    job = tmp_path / "job"
    run_job(str(job), [str(posts_file)], CONFIG, shard_lines=30, progress=False)
    with pytest.raises(JobError, match="families"):
        run_job(str(job), [str(posts_file)], RunConfig.make(["post"], None), progress=False)
    with pytest.raises(JobError, match="already holds a job"):
        run_job(str(job), [str(posts_file)], CONFIG, resume=False, progress=False)
    os.utime(posts_file, ns=(0, 0))
    with pytest.raises(JobError, match="changed"):
        run_job(str(job), None, CONFIG, progress=False)
    with pytest.raises(JobError, match="holds no job"):
        run_job(str(tmp_path / "empty"), None, CONFIG, progress=False)


def test_a_shard_that_loses_a_record_is_not_marked_done(posts_file: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    real = sources.normalize

    def lossy(record: object, pos: int | None = None, source: str | None = None) -> list[Post | ErrorRecord]:
        return [] if pos == 20 else real(record, pos, source)

    monkeypatch.setattr(sources, "normalize", lossy)
    job = tmp_path / "job"
    outcome = run_job(str(job), [str(posts_file)], CONFIG, shard_lines=16, progress=False)
    assert list(outcome.failed) == ["00000-000001"] and "dead letters" in outcome.failed["00000-000001"]
    assert not (job / "shards" / "00000-000001.json").exists()
    assert not (job / "out" / "00000-000001.jsonl").exists()
    assert not list((job / "out").glob(".*"))
    monkeypatch.setattr(sources, "normalize", real)
    assert run_job(str(job), None, CONFIG, progress=False).done == 1


def test_dask_local_cluster_runs_the_same_shards(posts_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from enrich.batch.dask_backend import dask_runner

    job = tmp_path / "job"
    outcome = run_job(str(job), [str(posts_file)], CONFIG, shard_lines=16, progress=False,
                      runner=dask_runner("local", 1))  # one in-process (threaded) worker: fast
    assert outcome.done == 4 and not outcome.failed
    assert _concat(job) == _single_file_run([str(posts_file)], tmp_path)


def test_folder_with_gzip_and_csv_is_one_job(posts_file: Path, tmp_path: Path) -> None:
    import gzip

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl.gz").write_bytes(gzip.compress(posts_file.read_bytes()))
    (folder / "b.csv").write_text('id,text\n1,"a post, with a comma"\n2,"two\nlines"\n')
    (folder / "c.jsonl").write_bytes(posts_file.read_bytes())
    job = tmp_path / "job"
    outcome = run_job(str(job), [str(folder)], CONFIG, shard_lines=25, progress=False)
    plan = orjson.loads((job / "job.json").read_bytes())
    assert [s["id"] for s in plan["shards"]] == ["00000-000000", "00001-000000",
                                                 "00002-000000", "00002-000001", "00002-000002"]
    assert outcome.done == 5 and outcome.totals["lines_read"] == 60 + 2 + 60
    assert _concat(job) == _single_file_run([str(p) for p in sorted(folder.iterdir())], tmp_path)


def test_a_shard_that_raises_fails_alone(posts_file: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    real = sources.normalize

    def buggy(record: object, pos: int | None = None, source: str | None = None) -> list[Post | ErrorRecord]:
        if pos == 40:
            raise RuntimeError("adapter bug")
        return real(record, pos, source)

    monkeypatch.setattr(sources, "normalize", buggy)
    job = tmp_path / "job"
    outcome = run_job(str(job), [str(posts_file)], CONFIG, shard_lines=16, progress=False)
    assert outcome.failed == {"00000-000002": "RuntimeError: adapter bug"} and outcome.done == 3
    assert not orjson.loads((job / "summary.json").read_bytes())["complete"]
    monkeypatch.setattr(sources, "normalize", real)
    assert run_job(str(job), None, CONFIG, progress=False).done == 1
    assert _concat(job) == _single_file_run([str(posts_file)], tmp_path)


def test_pseudonymized_job_hides_handles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "users.jsonl"
    user = {"id_str": "777", "screen_name": "alice_handle", "name": "Alice"}
    src.write_bytes(b"".join(orjson.dumps({"id_str": str(i), "full_text": f"hello @friend_{i} from me",
                                           "user": user}) + b"\n" for i in range(5)))
    monkeypatch.setenv("ENRICH_PSEUDONYMIZE", "true")
    monkeypatch.setenv("ENRICH_PSEUDONYM_KEY", "test-key")
    job = tmp_path / "job"
    assert run_job(str(job), [str(src)], CONFIG, progress=False).done == 1
    out = _concat(job)
    assert b"alice_handle" not in out and b'"777"' not in out and out.count(b"\n") == 5
    assert orjson.loads((job / "shards" / "00000-000000.json").read_bytes())["pseudonymized"] is True
