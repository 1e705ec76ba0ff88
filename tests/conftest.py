"""Shared fixtures. Tests that read ../shared/data use ``shared_data`` and skip without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "corpus"


def shared_data_path() -> Path:
    return Path(os.environ.get("ENRICH_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    path = shared_data_path()
    if not path.is_dir():
        pytest.skip(f"development data not present at {path}")
    return path


def corpus_records() -> Iterator[tuple[str, Any]]:
    """Every record of the project's own fixture corpus (tests/fixtures/corpus/*.jsonl)."""
    for path in sorted(CORPUS.glob("*.jsonl")):
        for n, line in enumerate(path.read_bytes().splitlines()):
            if line.strip():
                yield f"{path.name}:{n + 1}", orjson.loads(line)


@pytest.fixture(scope="session")
def corpus() -> list[tuple[str, Any]]:
    return list(corpus_records())
