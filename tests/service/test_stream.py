"""The NDJSON line reader: a parser fed untrusted bytes in arbitrary pieces."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.errors import ErrorRecord
from enrich.service.stream import Line, read_lines


async def collect(pieces: list[bytes], cap: int) -> list[tuple[int, bytes | str]]:
    async def body() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    lines: asyncio.Queue[Line | None] = asyncio.Queue(maxsize=3)  # small: exercises backpressure
    out: list[tuple[int, bytes | str]] = []
    reader = asyncio.ensure_future(read_lines(body(), lines, cap))
    while (got := await lines.get()) is not None:
        pos, line = got
        out.append((pos, line.code if isinstance(line, ErrorRecord) else line))
    await reader
    return out


def expected(data: bytes, cap: int) -> list[tuple[int, bytes | str]]:
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    out: list[tuple[int, bytes | str]] = []
    for pos, part in enumerate(parts):
        if len(part) > cap:
            out.append((pos, "E108"))
        elif part.strip():
            out.append((pos, part.strip()))
    return out


@settings(max_examples=200, deadline=None)
@given(data=st.lists(st.sampled_from([b"\n", b"\r\n", b" ", b"{}", b"x" * 7, b"\xff", b"ab"]),
                     max_size=40).map(b"".join),
       cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=8),
       cap=st.integers(min_value=1, max_value=20))
async def test_lines_match_a_plain_split_however_the_body_is_cut(data: bytes, cuts: list[int],
                                                                 cap: int) -> None:
    bounds = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    pieces = [data[a:b] for a, b in itertools.pairwise(bounds)]
    assert await collect(pieces, cap) == expected(data, cap)


@pytest.mark.parametrize(("pieces", "want"), [
    ([b'{"a": 1}\n{"b": 2}'], [(0, b'{"a": 1}'), (1, b'{"b": 2}')]),  # no final newline
    ([b"\n\n", b"x\n"], [(2, b"x")]),
    ([b"123456", b"789\nok\n"], [(0, "E108"), (1, b"ok")]),  # an over-long line split over pieces
    ([], []),
])
async def test_examples(pieces: list[bytes], want: list[tuple[int, bytes | str]]) -> None:
    assert await collect(pieces, cap=8) == want
