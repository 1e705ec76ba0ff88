"""Families used only by the service tests: they expose batch sizes, the process they run in,
and misbehave on purpose (sleep, hang, kill their process) when a post asks them to."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from typing import Any

from enrich.attributes import Attribute as A
from enrich.family import Family, Item


class EchoFamily(Family):
    name = "svc_echo"
    summary = "Service test family: reports the micro-batch size and the process it ran in."
    provides = (
        A("svc_echo.batch_size", "integer", "Posts in the micro-batch this post was enriched in."),
        A("svc_echo.pid", "integer", "Process id of the worker that enriched the post."),
        A("svc_echo.blas_threads", "string", "OPENBLAS_NUM_THREADS seen by the worker."),
    )

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        return [{"batch_size": len(items), "pid": os.getpid(),
                 "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS")} for _ in items]


class MisbehaveFamily(Family):
    """``slow:<seconds>`` sleeps, ``crash!`` kills the worker process, ``boom`` raises."""

    name = "svc_misbehave"
    summary = "Service test family: sleeps, raises or kills its worker when a post says so."
    provides = (A("svc_misbehave.ok", "boolean", "True when the family ran normally."),)

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        for item in items:
            text = item.post.text
            if text.startswith("slow:"):
                time.sleep(float(text.split(":", 1)[1]))
            elif text == "crash!":
                os._exit(3)
            elif text == "boom":
                raise RuntimeError("boom on purpose")
        return [{"ok": True} for _ in items]


class IoFamily(Family):
    """An I/O family: runs on the server's event loop, after the CPU families of the batch."""

    name = "svc_io"
    summary = "Service test family of kind io: runs on the event loop and reads svc_echo's output."
    kind = "io"
    requires = ("svc_echo.pid",)
    provides = (
        A("svc_io.pid", "integer", "Process id the I/O family ran in (the server's)."),
        A("svc_io.batch_size", "integer", "Posts in the micro-batch the I/O family saw."),
        A("svc_io.echo_pid", "integer", "svc_echo.pid as this family read it from item.out."),
    )

    async def aenrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        await asyncio.sleep(0)
        return [{"pid": os.getpid(), "batch_size": len(items),
                 "echo_pid": (item.out.get("svc_echo") or {}).get("pid")} for item in items]


TEST_FAMILIES: tuple[type[Family], ...] = (EchoFamily, MisbehaveFamily, IoFamily)
SERVICE_FAMILIES = ["post", "svc_echo", "svc_misbehave", "svc_io"]
