"""A job killed part-way (SIGKILL, no clean-up) and resumed ends with exactly the output of an
uninterrupted run: the same shards, byte for byte, every input record once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from enrich.batch.job import job_outputs, run_job
from enrich.batch.worker import RunConfig
from enrich.cli import main

from ..conftest import ROOT
from .conftest import FAMILIES, write_posts

N, SHARD = 1500, 25


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "enrich", "run", *args, "--families", ",".join(FAMILIES), "--no-progress"]


def _manifests(job: Path) -> dict[str, dict[str, object]]:
    return {p.stem: orjson.loads(p.read_bytes()) for p in (job / "shards").glob("*.json")}


def test_killed_job_resumes_to_the_uninterrupted_output(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    src = write_posts(tmp_path / "posts.jsonl", N, broken_every=97, blank_every=50)
    job = tmp_path / "job"
    proc = subprocess.Popen(_cli(str(src), "--out-dir", str(job), "--shard-lines", str(SHARD)), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while len(list((job / "shards").glob("*.json"))) < 3 and proc.poll() is None:
            assert time.monotonic() < deadline, "the job never finished a shard"
            time.sleep(0.01)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert proc.stderr is not None
        proc.stderr.close()
    killed_at = _manifests(job)
    assert 3 <= len(killed_at) < N // SHARD, "the job ended before it could be killed"

    # resume in this process: the same command line, without paying for another interpreter
    assert main(_cli("--out-dir", str(job))[3:]) == 0
    err = capsys.readouterr().err
    assert f"({len(killed_at)} already done, {N // SHARD - len(killed_at)} run now)" in err

    reference = tmp_path / "reference"
    run_job(str(reference), [str(src)], RunConfig.make(FAMILIES, None), shard_lines=SHARD, progress=False)
    got, want = _manifests(job), _manifests(reference)
    assert sorted(got) == sorted(want)
    for shard, manifest in got.items():
        assert manifest["output"] == want[shard]["output"]  # path, sha256 and size
        assert manifest["lines_read"] == manifest["records_out"] + manifest["dead_letters"]  # type: ignore[operator]
    for shard in killed_at:  # finished shards were skipped, not redone
        assert got[shard]["pid"] == killed_at[shard]["pid"] == proc.pid

    lines = [orjson.loads(x) for p in job_outputs(str(job)) for x in p.read_bytes().splitlines()]
    assert len(lines) == N
    ids = [r["id_str"] for r in lines if "enrichment" in r]
    bad = [r["error"]["position"] for r in lines if "error" in r]
    assert len(set(ids)) == len(ids) == N - N // 97
    assert bad == [i for i in range(N) if i % 97 == 96]
