"""Every record of the real payload examples in ../shared/data/tweets normalizes or yields a
clear error record (skipped without the development data)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from enrich.errors import ErrorRecord
from enrich.io import normalize, read_records
from enrich.post import Post

# files whose records are known not to be posts: (error code, how many)
EXPECTED_ERRORS = {
    "twarc_csv_v2_pages/counts.jsonl": Counter({"E105": 1}),
    "twarc_csv_v2_pages/lists.jsonl": Counter({"E105": 2}),
    "twarc_csv_v2_pages/users.jsonl": Counter({"E105": 1}),
    "twarc_csv_v2_pages/tweets_compliance.jsonl": Counter({"E111": 2}),
    "twarc_csv_v2_pages/users_compliance.jsonl": Counter({"E111": 2}),
    "twarc_csv_v2_pages/streaming_output_with_error.jsonl": Counter({"E101": 1}),
}


def tweet_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "tweets").rglob("*") if p.is_file() and p.suffix in (".json", ".jsonl"))


def test_every_shared_record_normalizes_or_errors_clearly(shared_data: Path) -> None:
    files = tweet_files(shared_data)
    if not files:
        pytest.skip("no tweet payloads in the development data")
    for path in files:
        rel = path.relative_to(shared_data / "tweets").as_posix()
        codes: Counter[str] = Counter()
        records = posts = 0
        for pos, rec in read_records(path):
            records += 1
            out = normalize(rec, pos, rel)
            assert out, (rel, pos)
            for item in out:
                if isinstance(item, ErrorRecord):
                    assert item.code != "E112", (rel, pos, item.message)
                    assert item.position == pos and item.message
                    codes[item.code] += 1
                    continue
                assert isinstance(item, Post)
                posts += 1
                assert item.text or item.text == ""
                ents = item.entities
                if ents is not None:
                    for s in [*ents.hashtags, *ents.mentions, *ents.cashtags, *ents.urls]:
                        assert item.text[s.start:s.end] == s.text, (rel, item.id, s)
        assert codes == EXPECTED_ERRORS.get(rel, Counter()), (rel, codes)
        if rel not in EXPECTED_ERRORS and records:
            assert posts >= records, (rel, records, posts)
