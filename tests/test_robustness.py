"""Untrusted input end to end: arbitrary Unicode text and arbitrary JSON objects through every
default family. No exception escapes; every output is a schema-valid enrichment or a clear
error record; no family fails on any of it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import jsonschema
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich import Enricher
from enrich.registry import catalogue

SMALL_INT = st.integers(-(2**62), 2**62)

JSON = st.recursive(
    # Integers a JSON parser (orjson) accepts: input arrives as JSON.
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=12), children, max_size=5)),
    max_leaves=25,
)

# Keys the adapters look at, so that generated objects get past the first checks.
POSTISH = st.fixed_dictionaries(
    {},
    optional={
        "text": st.text(max_size=200) | JSON,
        "full_text": st.text(max_size=200),
        "id_str": st.text(max_size=20) | st.integers(0, 2**63),
        "id": st.integers(0, 2**63) | st.text(max_size=20),
        "created_at": st.text(max_size=40) | SMALL_INT,
        "lang": st.text(max_size=8) | JSON,
        "user": st.fixed_dictionaries({}, optional={
            "screen_name": st.text(max_size=20), "name": st.text(max_size=40),
            "description": st.text(max_size=160), "location": st.text(max_size=40),
            "followers_count": SMALL_INT | st.text(max_size=5), "created_at": st.text(max_size=40),
            "time_zone": st.text(max_size=30) | JSON, "utc_offset": SMALL_INT | JSON}) | JSON,
        "entities": st.fixed_dictionaries({}, optional={
            "hashtags": st.lists(st.fixed_dictionaries({"text": st.text(max_size=10),
                                                        "indices": st.lists(SMALL_INT, max_size=3)})),
            "urls": st.lists(st.fixed_dictionaries({
                "url": st.text(max_size=30), "indices": st.lists(SMALL_INT, max_size=3)}))}) | JSON,
        "coordinates": st.fixed_dictionaries({"type": st.just("Point"),
                                              "coordinates": st.lists(st.floats(), max_size=3)}) | JSON,
        "place": JSON,
        "data": JSON,
        "includes": JSON,
    },
)


@lru_cache(maxsize=1)
def _enricher() -> Enricher:
    return Enricher()  # every default family; links in its default offline mode


@lru_cache(maxsize=1)
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(catalogue().json_schema())


@pytest.fixture(scope="module", autouse=True)
def _close_enricher() -> Iterator[None]:
    yield
    _enricher().close()
    _enricher.cache_clear()


def _check(out: dict[str, Any]) -> None:
    validator = _validator()
    orjson.dumps(out)  # serializable as it stands
    if "error" in out and "enrichment" not in out:
        err = out["error"]
        assert err["code"].startswith("E1") and err["message"], err
        return
    enrichment = out["enrichment"]
    errors = sorted(validator.iter_errors(enrichment), key=str)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:3]]
    failed = [e for e in enrichment["errors"] if e["code"] == "E201"]
    assert not failed, failed
    text = enrichment["post"]["text"]
    for ent in (enrichment.get("entities") or {}).get("items") or []:
        assert 0 <= ent["start"] <= ent["end"] <= len(text)


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=280))
def test_any_text(text: str) -> None:
    _check(_enricher().enrich({"text": text}))


@settings(max_examples=40, deadline=None)
@given(POSTISH | JSON)
def test_any_json(record: Any) -> None:
    outs = list(_enricher().enrich_many([record]))
    assert outs, "every record must be accounted for"
    for out in outs:
        _check(out)
