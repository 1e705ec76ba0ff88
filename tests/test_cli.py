"""The command line, run as a user would (subprocess) and in process."""

from __future__ import annotations

import gzip
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from enrich.cli import main

from .conftest import ROOT


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "enrich", *args], input=stdin, capture_output=True,
                          cwd=ROOT, timeout=600)


def test_run_example_file_accounts_for_every_record() -> None:
    proc = _run("run", "examples/posts.jsonl", "--no-progress")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = [orjson.loads(x) for x in proc.stdout.splitlines()]
    n_in = len((ROOT / "examples/posts.jsonl").read_text().splitlines())
    assert len(lines) == n_in  # one post per record in this file; errors inline, in order
    assert "error" in lines[-1] and lines[-1]["error"]["position"] == n_in - 1
    assert all("enrichment" in x for x in lines[:-1])
    assert b"records in" in proc.stderr and b"error records" in proc.stderr


def test_run_stdin_to_gzip_with_dead_letter(tmp_path: Path) -> None:
    out, dead = tmp_path / "out.jsonl.gz", tmp_path / "dead.jsonl"
    data = b'{"text": "first post #one"}\nnot json {\n{"text": "second"}\n'
    proc = _run("run", "-", "-o", str(out), "--dead-letter", str(dead), "--no-progress",
                "--families", "post", stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    good = [orjson.loads(x) for x in gzip.decompress(out.read_bytes()).splitlines()]
    bad = [orjson.loads(x) for x in dead.read_bytes().splitlines()]
    assert [g["text"] for g in good] == ["first post #one", "second"]
    assert len(bad) == 1 and bad[0]["error"]["position"] == 1
    assert set(good[0]["enrichment"]) == {"schema_version", "post", "provenance", "errors"}


def test_run_missing_file_is_an_error_record(tmp_path: Path) -> None:
    proc = _run("run", str(tmp_path / "nope.jsonl"), "--no-progress", "--families", "post")
    assert proc.returncode == 0
    (rec,) = [orjson.loads(x) for x in proc.stdout.splitlines()]
    assert rec["error"]["code"] == "E401"


def test_text_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["text", "--families", "post", "hello", "world"]) == 0
    out = orjson.loads(capsys.readouterr().out)
    assert out["post"]["text"] == "hello world"


@pytest.mark.parametrize("fmt", ["json", "md", "schema"])
def test_attributes_command(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attributes", "--format", fmt]) == 0
    out = capsys.readouterr().out
    if fmt == "md":
        assert out.startswith("# Attribute reference") and "`post.text`" in out
    elif fmt == "schema":
        assert orjson.loads(out)["properties"]["post"]["properties"]["text"]["type"] == "string"
    else:
        assert any(a["path"] == "post.kind" for a in orjson.loads(out))


def test_unknown_family_fails_clearly() -> None:
    proc = _run("text", "--families", "nope", "x")
    assert proc.returncode != 0 and b"E203" in proc.stderr


def test_run_overlaps_link_resolution_and_keeps_order(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead (dripping) site costs one deadline for the whole job, not one per batch."""
    from enrich.bench.linklab import LabThread

    src = tmp_path / "in.jsonl"
    lines = []
    for i in range(40):
        url = f"http://drip.test/slow{i}" if i % 10 == 0 else f"http://short.test/p{i}"
        text = f"post {i} {url}"
        lines.append(orjson.dumps({"id_str": str(i), "full_text": text, "entities": {"urls": [
            {"url": url, "expanded_url": url, "indices": [len(text) - len(url), len(text)]}]}}))
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    with LabThread() as lab:
        args = ["run", str(src), "-o", str(out), "--no-progress", "--families", "links", "--batch-size", "4",
                "--links", "live", "--allow-address", f"{lab.host}/32"]
        for entry in lab.connect_to():
            args += ["--connect-to", entry]
        monkeypatch.setenv("ENRICH_LINKS_DEADLINE", "1.0")
        monkeypatch.setenv("ENRICH_LINKS_PORTS", f"80,{lab.port}")
        monkeypatch.setenv("ENRICH_LINKS_CACHE", "memory")
        t0 = time.perf_counter()
        assert main(args) == 0
        took = time.perf_counter() - t0
    recs = [orjson.loads(x) for x in out.read_bytes().splitlines()]
    assert [r["id_str"] for r in recs] == [str(i) for i in range(40)]
    codes = [r["enrichment"]["links"][0]["error_code"] for r in recs]
    assert codes == [("timeout" if i % 10 == 0 else None) for i in range(40)]
    # 4 dripping links in 10 batches: serialized they would cost >= 4 s.
    assert took < 3.5, took
