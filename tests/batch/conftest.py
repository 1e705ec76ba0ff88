"""Inputs for the batch runner tests: written here, cheap families only."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

FAMILIES = ["post", "text"]


def write_posts(path: Path, n: int, *, broken_every: int = 0, blank_every: int = 0) -> Path:
    """``n`` records: v1-style posts, with an unparsable line every ``broken_every`` records and
    blank lines (not records) every ``blank_every``."""
    lines: list[bytes] = []
    for i in range(n):
        if blank_every and i % blank_every == 0:
            lines.append(b"")
        if broken_every and i % broken_every == broken_every - 1:
            lines.append(b'{"text": "cut off')
        else:
            text = f"post number {i} about #topic{i % 7} with @user{i % 5} https://example.com/{i}"
            lines.append(orjson.dumps({"id_str": str(1000 + i), "full_text": text, "lang": "en"}))
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture
def posts_file(tmp_path: Path) -> Path:
    return write_posts(tmp_path / "posts.jsonl", 60, broken_every=9, blank_every=11)
