"""NDJSON streaming: ``POST /v1/enrich`` with ``Content-Type: application/x-ndjson``.

The body is read as it arrives and the answer is written as results come back, one output line
per input line, in input order (blank lines are skipped; an API page line yields one line per
post it holds). Three stages run concurrently, each bounded, so a long stream never holds more
than ``stream_inflight_batches`` micro-batches in memory: a reader splits the body into lines
(capped at ``max_line_bytes``; a longer line becomes an ``E108`` error line), a chunker groups
the lines that are already there into chunks of up to ``batch_max_size`` and starts enriching
each, and the handler writes the chunks out in order. A stream waits for queue room instead of
being refused mid-way; a worker crash turns that chunk's lines into error lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterable

import orjson
from aiohttp import web

from ..errors import ErrorCode, ErrorRecord
from ..post import Post
from .answers import count_outcomes, enrich_slots, normalize_record, overload_problem, unavailable_code
from .pool import Families, Unavailable, WorkerCrashed
from .problems import error_item
from .state import BATCHER, SETTINGS

log = logging.getLogger(__name__)

Line = tuple[int, bytes | ErrorRecord]


async def read_lines(body: AsyncIterable[bytes], lines: asyncio.Queue[Line | None], cap: int) -> None:
    """Split a body arriving in arbitrary pieces into ``(position, line)``, skipping blank lines.

    Positions count every line, blank or not. A line longer than ``cap`` bytes is never
    buffered whole: it becomes an ``E108`` error record at its position.
    """
    buf = bytearray()
    position = 0
    skipped = -1  # >= 0 while discarding the rest of an over-long line

    async def emit() -> None:
        nonlocal skipped, position
        if skipped >= 0:
            await lines.put((position, ErrorRecord(ErrorCode.RECORD_TOO_LARGE, position=position,
                                                   size=skipped, limit=cap)))
            skipped = -1
        else:
            line = bytes(buf).strip()
            if line:
                await lines.put((position, line))
        buf.clear()
        position += 1

    try:
        async for data in body:
            start = 0
            while start < len(data):
                nl = data.find(b"\n", start)
                end = len(data) if nl < 0 else nl
                if skipped >= 0:
                    skipped += end - start
                else:
                    buf += data[start:end]
                    if len(buf) > cap:
                        skipped = len(buf)
                        buf.clear()
                if nl < 0:
                    break
                await emit()
                start = nl + 1
        if buf or skipped >= 0:
            await emit()
    finally:
        # Tell the chunker the input ended (also when reading failed); not when cancelled,
        # since then nobody is left to read it.
        task = asyncio.current_task()
        if task is None or not task.cancelling():
            await lines.put(None)


async def _chunk(lines: asyncio.Queue[Line | None], chunks: asyncio.Queue[asyncio.Task[bytes] | None],
                 max_size: int, request: web.Request, families: Families) -> None:
    loop = asyncio.get_running_loop()
    ended = False
    while not ended:
        first = await lines.get()
        if first is None:
            break
        batch = [first]
        while len(batch) < max_size:  # take what has already arrived; never wait for more
            try:
                nxt = lines.get_nowait()
            except asyncio.QueueEmpty:
                break
            if nxt is None:
                ended = True
                break
            batch.append(nxt)
        await chunks.put(loop.create_task(_enrich_chunk(request, batch, families)))
    await chunks.put(None)


async def _enrich_chunk(request: web.Request, batch: list[Line], families: Families) -> bytes:
    slots: list[Post | ErrorRecord] = []
    for position, line in batch:
        if isinstance(line, ErrorRecord):
            slots.append(line)
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            slots.append(ErrorRecord(ErrorCode.INVALID_JSON, position=position, detail=str(exc)))
            continue
        slots.extend(normalize_record(record, position))
    try:
        out = await enrich_slots(request, slots, families, wait=True)
    except (WorkerCrashed, Unavailable) as exc:
        code = unavailable_code(exc)
        out = [s.to_dict() if isinstance(s, ErrorRecord) else error_item(code, s.position, detail=str(exc))
               for s in slots]
    except Exception as exc:  # a bug: keep lines in = lines out, and keep the stream going
        log.exception("NDJSON chunk failed")
        out = [s.to_dict() if isinstance(s, ErrorRecord)
               else error_item(ErrorCode.INTERNAL_ERROR, s.position, detail=type(exc).__name__)
               for s in slots]
    count_outcomes(request, out)
    return b"".join(orjson.dumps(rec) + b"\n" for rec in out)


async def stream_ndjson(request: web.Request, families: Families) -> web.StreamResponse:
    settings = request.app[SETTINGS]
    batcher = request.app[BATCHER]
    if not batcher.has_room(1):  # refuse up front; once started, a stream waits for room
        raise overload_problem(settings, batcher)
    lines: asyncio.Queue[Line | None] = asyncio.Queue(
        maxsize=settings.batch_max_size * settings.stream_inflight_batches)
    chunks: asyncio.Queue[asyncio.Task[bytes] | None] = asyncio.Queue(
        maxsize=settings.stream_inflight_batches)
    response = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
    await response.prepare(request)
    loop = asyncio.get_running_loop()
    reader = loop.create_task(read_lines(request.content.iter_any(), lines, settings.max_line_bytes))
    chunker = loop.create_task(_chunk(lines, chunks, settings.batch_max_size, request, families))
    current: asyncio.Task[bytes] | None = None
    try:
        while (current := await chunks.get()) is not None:
            await response.write(await current)
        try:
            await reader
        except Exception as exc:  # the body broke off: say so on the stream, which is all we can do
            log.warning("NDJSON request body failed: %s", exc)
            await response.write(orjson.dumps(error_item(
                ErrorCode.BAD_REQUEST, None, detail=f"request body ended badly: {exc}")) + b"\n")
        await response.write_eof()
    except ConnectionResetError:
        log.info("NDJSON client went away")
    except Exception:
        # The answer has started: no problem document can follow, so end the stream short.
        log.exception("NDJSON stream failed")
    finally:
        reader.cancel()
        chunker.cancel()
        if current is not None:
            current.cancel()
        while not chunks.empty():
            pending = chunks.get_nowait()
            if pending is not None:
                pending.cancel()
        for task in (reader, chunker):
            with contextlib.suppress(BaseException):
                await task
    return response
