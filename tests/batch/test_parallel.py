"""``--workers N`` to one output file: the same bytes as one process, in input order; and the
command line's usage errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from enrich.batch.run import run_files
from enrich.cli import main

from .conftest import FAMILIES, write_posts


def test_two_workers_write_what_one_process_writes(tmp_path: Path) -> None:
    a = write_posts(tmp_path / "a.jsonl", 700, broken_every=13, blank_every=17)
    b = write_posts(tmp_path / "b.jsonl", 40, broken_every=5)
    inputs = [str(a), str(tmp_path / "missing.jsonl"), str(b)]
    outputs = {}
    for workers in (1, 2):
        out, dead = tmp_path / f"out{workers}.jsonl", tmp_path / f"dead{workers}.jsonl"
        assert run_files(inputs, str(out), FAMILIES, dead_letter=str(dead), progress=False,
                         workers=workers) == 0
        outputs[workers] = (out.read_bytes(), dead.read_bytes())
    assert outputs[1] == outputs[2]
    good, bad = outputs[2]
    assert len(good.splitlines()) == 700 - 700 // 13 + 40 - 8
    assert len(bad.splitlines()) == 700 // 13 + 1 + 8  # the missing file is one error record


@pytest.mark.parametrize("args", [
    ["--scheduler", "local"],                      # a scheduler runs shards: it needs a job folder
    ["--out-dir", "{tmp}/job"],                    # a job reads files, not stdin
    ["--out-dir", "{tmp}/job", "-o", "x.jsonl", "{src}"],
    ["--workers", "0", "{src}"],
    ["--families", "post,nope", "--workers", "2", "{src}"],  # E203 before any worker starts
])
def test_usage_errors_exit_2(args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_posts(tmp_path / "p.jsonl", 3)
    argv = ["run", "--no-progress", *(a.format(tmp=tmp_path, src=src) for a in args)]
    assert main(argv) == 2
    assert "enrich" in capsys.readouterr().err


def test_unwritable_output_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_posts(tmp_path / "p.jsonl", 3)
    assert main(["run", str(src), "-o", str(tmp_path / "no" / "such" / "dir.jsonl"), "--no-progress",
                 "--families", "post"]) == 1
    assert "No such file" in capsys.readouterr().err


def test_job_on_a_local_pool_equals_the_inline_job(tmp_path: Path) -> None:
    from enrich.batch.job import job_outputs, pool_runner, run_job
    from enrich.batch.worker import RunConfig

    src = write_posts(tmp_path / "p.jsonl", 300, broken_every=7)
    config = RunConfig.make(FAMILIES, None)
    outs = []
    for name, runner in (("inline", None), ("pool", pool_runner(2))):
        job = tmp_path / name
        outcome = run_job(str(job), [str(src)], config, shard_lines=50, progress=False, runner=runner)
        assert outcome.done == 6 and not outcome.failed
        outs.append(b"".join(p.read_bytes() for p in job_outputs(str(job))))
    assert outs[0] == outs[1]


@pytest.mark.slow
def test_dask_cluster_of_two_processes(tmp_path: Path) -> None:
    """Two Dask worker processes, each building the pipeline once through the worker plugin."""
    pytest.importorskip("distributed")
    import orjson

    from enrich.batch.dask_backend import dask_runner
    from enrich.batch.job import job_outputs, run_job
    from enrich.batch.worker import RunConfig

    src = write_posts(tmp_path / "p.jsonl", 400)
    job = tmp_path / "job"
    outcome = run_job(str(job), [str(src)], RunConfig.make(FAMILIES, None), shard_lines=25, progress=False,
                      runner=dask_runner("local", 2))
    assert outcome.done == 16 and not outcome.failed
    pids = {orjson.loads(p.read_bytes())["pid"] for p in (job / "shards").glob("*.json")}
    assert len(pids) <= 2 and os.getpid() not in pids
    out = tmp_path / "single.jsonl"
    assert run_files([str(src)], str(out), FAMILIES, progress=False) == 0
    assert b"".join(p.read_bytes() for p in job_outputs(str(job))) == out.read_bytes()
