"""One shard of a job, start to finish: read its records, enrich them, write the output to a temp
file that is fsynced and atomically renamed, then write the shard's manifest (also atomically).

The manifest is the mark of a finished shard and is written last, only if every record read is
accounted for (``lines_read == records_out + dead_letters``, and ``lines_read`` equals the
number of records the plan found in the shard's byte range). The same function runs in process,
in a local pool process, or on a Dask worker.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from pathlib import Path
from typing import IO, Any

import orjson

from .. import __version__
from ..io import JsonlWriter
from ..settings import Settings
from .engine import RunStats
from .sources import ShardSpec, shard_records
from .worker import RunConfig, _lock_engine, engine_for

MANIFEST_DIR = "shards"
OUTPUT_DIR = "out"
DEAD_DIR = "dead"


class ShardIncomplete(RuntimeError):
    """A shard's records do not add up; it is not marked done."""


class _HashingFile:
    """A write-only binary file that hashes what goes through it."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)

    def flush(self) -> None:
        self.fh.flush()


def sha256_file(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def output_paths(job_dir: Path, shard_id: str) -> tuple[Path, Path, Path]:
    return (job_dir / OUTPUT_DIR / f"{shard_id}.jsonl", job_dir / DEAD_DIR / f"{shard_id}.jsonl",
            job_dir / MANIFEST_DIR / f"{shard_id}.json")


def _open_part(final: Path) -> tuple[Path, IO[bytes], _HashingFile]:
    part = final.with_name(f".{final.name}.{os.getpid()}.part")
    fh = open(part, "wb")  # noqa: SIM115 - closed in _commit / on failure
    return part, fh, _HashingFile(fh)


def _commit(part: Path, fh: IO[bytes], final: Path) -> None:
    fh.flush()
    os.fsync(fh.fileno())
    fh.close()
    os.replace(part, final)


def _file_entry(job_dir: Path, path: Path, hashed: _HashingFile) -> dict[str, Any]:
    return {"path": str(path.relative_to(job_dir)), "sha256": hashed.sha.hexdigest(), "bytes": hashed.size}


def run_shard(spec: ShardSpec, job_dir: str, config: RunConfig) -> dict[str, Any]:
    """Enrich one shard into ``job_dir``; return its manifest (also written to disk)."""
    root = Path(job_dir)
    out_path, dead_path, manifest_path = output_paths(root, spec.id)
    engine = engine_for(config)
    t0 = time.perf_counter()
    opened: list[tuple[Path, IO[bytes], Path]] = []
    try:
        out_part, out_fh, out_hash = _open_part(out_path)
        opened.append((out_part, out_fh, out_path))
        dead_hash: _HashingFile | None = None
        if config.dead_letter:
            dead_part, dead_fh, dead_hash = _open_part(dead_path)
            opened.append((dead_part, dead_fh, dead_path))
        limit = Settings().max_record_bytes
        with _lock_engine(engine):
            out = JsonlWriter(out_hash)  # type: ignore[arg-type]
            dead = JsonlWriter(dead_hash) if dead_hash is not None else None  # type: ignore[arg-type]
            stats = engine.run(shard_records(spec, limit), out, dead)
            out.close()
            if dead is not None:
                dead.close()
        _check(spec, stats)
        for part, fh, final in opened:
            _commit(part, fh, final)
        opened.clear()
    finally:
        for part, fh, _ in opened:  # failed: leave nothing that could pass for output
            fh.close()
            part.unlink(missing_ok=True)
    manifest = _manifest(spec, config, stats, time.perf_counter() - t0,
                         _file_entry(root, out_path, out_hash),
                         _file_entry(root, dead_path, dead_hash) if dead_hash is not None else None,
                         engine.pipeline.names, dict(engine.pipeline.disabled), engine.privacy is not None)
    atomic_write_bytes(manifest_path, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    return manifest


def _check(spec: ShardSpec, stats: RunStats) -> None:
    if not stats.balanced:
        raise ShardIncomplete(
            f"shard {spec.id}: {stats.records_in} lines read != {stats.records_enriched} records out "
            f"+ {stats.records_failed} dead letters")
    if spec.records is not None and stats.records_in != spec.records:
        raise ShardIncomplete(f"shard {spec.id}: read {stats.records_in} records, the plan found "
                              f"{spec.records} (has {spec.source} changed?)")


def _manifest(spec: ShardSpec, config: RunConfig, stats: RunStats, seconds: float,
              output: dict[str, Any], dead: dict[str, Any] | None, families: list[str],
              disabled: dict[str, str], pseudonymized: bool) -> dict[str, Any]:
    first, end = spec.line_range
    return {
        "shard": spec.id,
        "source": spec.source,
        "format": spec.format,
        "line_range": [first, end],
        "byte_range": [spec.byte_start, spec.byte_end],
        "lines_read": stats.records_in,
        "records_out": stats.records_enriched,
        "dead_letters": stats.records_failed,
        "posts_out": stats.posts_out,
        "error_records": stats.error_records,
        "errors_by_code": dict(sorted(stats.errors_by_code.items())),
        "output": output,
        "dead_letter": dead,
        "families": families,
        "families_disabled": disabled,
        "families_requested": config.family_list,
        "pseudonymized": pseudonymized,
        "enrich_version": __version__,
        "seconds": round(seconds, 3),
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
