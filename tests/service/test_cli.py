"""``enrich serve`` options, and graceful shutdown of a real server process on SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import aiohttp
import pytest

from enrich.service.cli import add_arguments, settings_from_args

ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_options_override_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENRICH_SERVICE_PORT", "9999")
    monkeypatch.setenv("ENRICH_SERVICE_QUEUE_LIMIT", "77")
    s = settings_from_args(parse("--workers", "0", "--families", "post,text", "--batch-max-wait-ms", "2.5"))
    assert (s.port, s.queue_limit, s.workers, s.families, s.batch_max_wait_ms) == (
        9999, 77, 0, ["post", "text"], 2.5)
    s = settings_from_args(parse("--port", "8123", "--shutdown-timeout", "3"))
    assert s.port == 8123 and s.shutdown_timeout_seconds == 3


def test_bad_settings_exit_2_with_a_message(capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from enrich.service.cli import main

    assert main(parse("--families", "post,no_such_family")) == 2
    assert "no_such_family" in capsys.readouterr().err
    monkeypatch.setenv("ENRICH_SERVICE_QUEUE_LIMIT", "lots")
    assert main(parse()) == 2
    assert "queue_limit" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVER = textwrap.dedent("""
    import argparse, sys
    from enrich.registry import temporarily
    from enrich.service.cli import add_arguments, main
    from tests.service._families import TEST_FAMILIES

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with temporarily(*TEST_FAMILIES):
        sys.exit(main(parser.parse_args(sys.argv[1:])))
""")


async def test_abandoned_requests_are_dropped_and_sigterm_lets_in_flight_ones_finish() -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SERVER, "--host", "127.0.0.1", "--port", str(port), "--workers", "0",
        "--families", "post,svc_misbehave", "--shutdown-timeout", "10",
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            async with asyncio.timeout(60):
                while True:
                    try:
                        async with session.get(f"{base}/readyz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        pass
                    await asyncio.sleep(0.1)
            slow = asyncio.ensure_future(session.post(f"{base}/v1/enrich", json={"text": "slow:3"}))
            await asyncio.sleep(0.3)
            # a client that gives up while queued: its request is dropped, not enriched for nobody
            with pytest.raises(TimeoutError):
                await session.post(f"{base}/v1/enrich", json={"text": "abandoned"},
                                   timeout=aiohttp.ClientTimeout(total=0.3))
            await asyncio.sleep(0.2)
            async with session.get(f"{base}/metrics") as resp:
                metrics = await resp.text()
            assert "enrich_queue_admitted_posts 1.0" in metrics  # only the slow post
            assert 'method="POST",route="/v1/enrich",status="499"} 1.0' in metrics
            proc.send_signal(signal.SIGTERM)
            resp = await asyncio.wait_for(slow, 20)
            assert resp.status == 200
            assert (await resp.json())["enrichment"]["svc_misbehave"] == {"ok": True}
        assert await asyncio.wait_for(proc.wait(), 30) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
