"""Sharded, resumable jobs (``enrich run IN... --out-dir DIR``).

Layout of ``DIR``::

    job.json            the plan: inputs, their size/mtime, families, options, the shard list
    shards/<id>.json    one manifest per finished shard (written last, atomically)
    out/<id>.jsonl      the shard's output records (and error records, unless dead-lettered)
    dead/<id>.jsonl     the shard's error records with ``--dead-letter``
    summary.json        totals over every finished shard, rewritten at the end of each run

Running again on the same ``DIR`` resumes: a shard whose manifest is there and whose files
still match the manifest's sha256 is skipped; any other shard runs again from its start.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .. import __version__
from ..errors import ErrorCode
from ..runtime import tuned_gc
from .progress import Progress
from .shard import (
    DEAD_DIR,
    MANIFEST_DIR,
    OUTPUT_DIR,
    ShardIncomplete,
    atomic_write_bytes,
    output_paths,
    run_shard,
    sha256_file,
)
from .sources import ShardSpec, expand_inputs, plan_file
from .worker import RunConfig, engine_for, init_pool_worker, pool_context

log = logging.getLogger(__name__)

JOB_FILE = "job.json"
SUMMARY_FILE = "summary.json"
DEFAULT_SHARD_LINES = 50_000


class JobError(Exception):
    """The job cannot start as asked (a usage error: exit status 2)."""


@dataclass(slots=True)
class JobOutcome:
    shards: int = 0
    skipped: int = 0
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    posts_this_run: int = 0

    def summary(self) -> str:
        t = self.totals
        rate = self.posts_this_run / self.seconds if self.seconds > 0 else 0.0
        failed = f", {len(self.failed)} FAILED" if self.failed else ""
        return (f"enrich job: {self.shards} shards ({self.skipped} already done, {self.done} run now"
                f"{failed}); {t.get('lines_read', 0)} records in, {t.get('records_out', 0)} enriched, "
                f"{t.get('dead_letters', 0)} error records, {t.get('posts_out', 0)} posts out; "
                f"this run {self.seconds:.1f} s, {rate:,.0f} posts/s")


def _source_info(path: str) -> dict[str, Any]:
    st = os.stat(path)
    return {"path": path, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def plan_job(inputs: list[str], config: RunConfig, shard_lines: int) -> dict[str, Any]:
    # absolute, so the job resumes from any working directory
    sources = [s if s == "-" else os.path.abspath(s) for s in expand_inputs(inputs)]
    if not sources:
        raise JobError("no input files")
    shards: list[ShardSpec] = []
    infos = []
    for index, source in enumerate(sources):
        if source == "-":
            raise JobError("a job reads files (it must be able to read them again to resume), not stdin")
        if not Path(source).is_file():
            raise JobError(f"no such file: {source}")
        infos.append(_source_info(source))
        shards.extend(plan_file(source, index, config.fmt, shard_lines))
    return {
        "enrich_version": __version__,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "inputs": [os.path.abspath(i) for i in inputs],
        "sources": infos,
        "format": config.fmt,
        "families": config.family_list,
        "options": config.options,
        "batch_size": config.batch_size,
        "dead_letter": config.dead_letter,
        "shard_lines": shard_lines,
        "shards": [s.to_dict() for s in shards],
    }


def _check_resumable(job: dict[str, Any], inputs: list[str] | None, config: RunConfig) -> None:
    if inputs and [os.path.abspath(i) for i in inputs] != job["inputs"]:
        raise JobError(f"the job in this folder reads {job['inputs']}, not {inputs}")
    if config.family_list is not None and config.family_list != job["families"]:
        raise JobError(f"the job in this folder runs families {job['families']}, not {config.family_list}")
    for info in job["sources"]:
        try:
            now = _source_info(info["path"])
        except OSError as exc:
            raise JobError(f"input {info['path']} is gone: {exc}") from exc
        if now != info:
            raise JobError(f"input {info['path']} changed since the job was planned "
                           "(size or modification time); start a new job folder")


def _config_of(job: dict[str, Any]) -> RunConfig:
    return RunConfig.make(job["families"], job["options"], job["batch_size"], job["format"],
                          job["dead_letter"])


def load_manifest(root: Path, shard_id: str) -> dict[str, Any] | None:
    """A finished shard's manifest, if its files still match it; else None."""
    _, _, path = output_paths(root, shard_id)
    try:
        manifest: dict[str, Any] = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    for key in ("output", "dead_letter"):
        entry = manifest.get(key)
        if entry is None:
            continue
        target = root / entry["path"]
        intact = target.is_file() and target.stat().st_size == entry["bytes"]
        if not intact or sha256_file(target) != entry["sha256"]:
            log.warning("%s %s (%s); running it again", ErrorCode.MANIFEST_MISMATCH.code,
                        ErrorCode.MANIFEST_MISMATCH.format(shard=shard_id), target)
            return None
    if manifest.get("enrich_version") != __version__:
        log.warning("shard %s was written by enrich %s; running it again", shard_id,
                    manifest.get("enrich_version"))
        return None
    return manifest


def _clean_partials(root: Path) -> None:
    for sub in (OUTPUT_DIR, DEAD_DIR, MANIFEST_DIR):
        for stale in (root / sub).glob(".*"):
            if stale.name.endswith((".part", ".tmp")):
                stale.unlink(missing_ok=True)


Done = Callable[[dict[str, Any]], None]
Failed = Callable[[ShardSpec, BaseException], None]
Runner = Callable[[list[ShardSpec], str, RunConfig, Done, Failed], None]
"""Runs shards and reports each manifest (``Done``) or failure (``Failed``) as it comes."""


def run_inline(specs: list[ShardSpec], job_dir: str, config: RunConfig,
               done: Done, failed: Failed) -> None:
    for spec in specs:
        try:
            done(run_shard(spec, job_dir, config))
        except Exception as exc:  # any shard failure is reported; the next run redoes it
            failed(spec, exc)


def tuned_inline(specs: list[ShardSpec], job_dir: str, config: RunConfig,
                 done: Done, failed: Failed) -> None:
    """:func:`run_inline` for a process of its own (the command line): GC tuned once the
    pipeline is loaded (see :func:`enrich.batch.worker.tune_gc`)."""
    if not specs:
        return
    engine_for(config)
    with tuned_gc():
        run_inline(specs, job_dir, config, done, failed)


def pool_runner(workers: int) -> Runner:
    def run(specs: list[ShardSpec], job_dir: str, config: RunConfig,
            done: Done, failed: Failed) -> None:
        ctx = pool_context()
        with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=init_pool_worker,
                                                    initargs=(config,)) as pool:
            futures = {pool.submit(run_shard, spec, job_dir, config): spec for spec in specs}
            try:
                for fut in concurrent.futures.as_completed(futures):
                    try:
                        done(fut.result())
                    except Exception as exc:  # any shard failure is reported; the next run redoes it
                        failed(futures[fut], exc)
            except BaseException:
                for fut in futures:
                    fut.cancel()
                raise
    return run


def run_job(job_dir: str, inputs: list[str] | None, config: RunConfig, *,
            shard_lines: int = DEFAULT_SHARD_LINES, resume: bool = True, runner: Runner | None = None,
            progress: bool | None = None) -> JobOutcome:
    root = Path(job_dir)
    job_file = root / JOB_FILE
    if job_file.exists():
        if not resume:
            raise JobError(f"{job_dir} already holds a job; resume it (the default) or use a new folder")
        job = orjson.loads(job_file.read_bytes())
        _check_resumable(job, inputs, config)
        config = _config_of(job)
    else:
        if not inputs:
            raise JobError(f"{job_dir} holds no job; give input files to start one")
        job = plan_job(inputs, config, shard_lines)
        for sub in (OUTPUT_DIR, DEAD_DIR, MANIFEST_DIR):
            (root / sub).mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(job_file, orjson.dumps(job, option=orjson.OPT_INDENT_2))
    _clean_partials(root)
    specs = [ShardSpec.from_dict(s) for s in job["shards"]]
    manifests: dict[str, dict[str, Any]] = {}
    for spec in specs:
        found = load_manifest(root, spec.id)
        if found is not None:
            manifests[spec.id] = found
    pending = [s for s in specs if s.id not in manifests]
    outcome = JobOutcome(shards=len(specs), skipped=len(manifests))
    sizes = [s.records for s in specs]
    total = sum(x for x in sizes if x is not None) if all(x is not None for x in sizes) else None
    bar = Progress(progress, total=total, unit=" records",
                   initial=sum(m["lines_read"] for m in manifests.values()))

    def done(manifest: dict[str, Any]) -> None:
        manifests[manifest["shard"]] = manifest
        outcome.done += 1
        outcome.posts_this_run += manifest["posts_out"]
        bar.update(manifest["lines_read"])

    def failed(spec: ShardSpec, exc: BaseException) -> None:
        outcome.failed[spec.id] = f"{type(exc).__name__}: {exc}"
        expected = isinstance(exc, OSError | ShardIncomplete)  # else a bug: keep its traceback
        log.error("shard %s failed: %s", spec.id, exc, exc_info=None if expected else exc)

    t0 = time.perf_counter()
    try:
        (runner or run_inline)(pending, str(root), config, done, failed)
    finally:
        bar.close()
        outcome.seconds = time.perf_counter() - t0
        outcome.totals = _totals(manifests.values())
        summary = {"shards": outcome.shards, "shards_done": len(manifests), "failed": outcome.failed,
                   **outcome.totals, "complete": len(manifests) == len(specs)}
        atomic_write_bytes(root / SUMMARY_FILE, orjson.dumps(summary, option=orjson.OPT_INDENT_2))
    return outcome


def _totals(manifests: Iterable[dict[str, Any]]) -> dict[str, int]:
    keys = ("lines_read", "records_out", "dead_letters", "posts_out", "error_records")
    totals = dict.fromkeys(keys, 0)
    for m in manifests:
        for k in keys:
            totals[k] += int(m[k])
    return totals


def job_outputs(job_dir: str) -> list[Path]:
    """The shard outputs of a finished job, in input order."""
    root = Path(job_dir)
    job = orjson.loads((root / JOB_FILE).read_bytes())
    return [output_paths(root, s["id"])[0] for s in job["shards"]]


def print_summary(outcome: JobOutcome) -> None:
    print(outcome.summary(), file=sys.stderr)
