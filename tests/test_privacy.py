"""Pseudonymizing account ids and handles across input formats and the enrichment."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from enrich import Enricher, Settings
from enrich.privacy import Pseudonymizer, pseudonym

V1 = {
    "id_str": "700", "full_text": "@Bob_B thanks! #ok", "created_at": "Wed Mar 03 18:22:05 +0000 2021",
    "in_reply_to_user_id_str": "42", "in_reply_to_screen_name": "Bob_B", "in_reply_to_status_id_str": "699",
    "user": {"id": 1001, "id_str": "1001", "screen_name": "Alice_A", "name": "Alice A",
             "description": "hi", "followers_count": 10},
    "entities": {"user_mentions": [{"screen_name": "Bob_B", "id_str": "42", "indices": [0, 6]}],
                 "hashtags": [{"text": "ok", "indices": [15, 18]}], "urls": [], "symbols": []},
}
V2_PAGE = {"data": [{"id": "800", "text": "hello @carol", "author_id": "2002",
                     "entities": {"mentions": [{"start": 6, "end": 12, "username": "carol", "id": "3003"}]}}],
           "includes": {"users": [{"id": "2002", "username": "dave", "name": "Dave"}]}}

SECRETS = ["1001", "Alice_A", "alice_a", "42", "Bob_B", "2002", "3003"]


def _enrich(record: dict[str, Any], key: str = "k1") -> list[dict[str, Any]]:
    settings = Settings(pseudonymize=True, pseudonym_key=key)
    with Enricher(families=["post", "user", "demographics"], settings=settings) as e:
        return list(e.enrich_many([record]))


def _values(obj: Any) -> list[str]:
    if isinstance(obj, dict):
        return [v for k, x in obj.items() if k != "text" for v in _values(x)]
    if isinstance(obj, list):
        return [v for x in obj for v in _values(x)]
    return [str(obj)] if obj is not None else []


@pytest.mark.parametrize("record", [V1, V2_PAGE], ids=["v1", "v2_page"])
def test_no_account_id_or_handle_survives(record: dict[str, Any]) -> None:
    (out,) = _enrich(record)
    leaked = [s for s in _values(out) if s in SECRETS]
    assert not leaked, leaked
    # Post ids and the text are content, not accounts: unchanged.
    assert out["enrichment"]["post"]["id"] in ("700", "800")
    assert out["enrichment"]["post"]["text"] == (record.get("full_text") or record["data"][0]["text"])


def test_same_account_same_pseudonym_under_one_key_only() -> None:
    (a,) = _enrich(V1, "k1")
    (b,) = _enrich(V1, "k1")
    (c,) = _enrich(V1, "k2")
    assert a["user"]["id_str"] == b["user"]["id_str"] != c["user"]["id_str"]
    assert a["enrichment"]["post"]["author_id"] == a["user"]["id_str"]
    # The mention of Bob and the reply-to handle name the same account.
    assert a["entities"]["user_mentions"][0]["screen_name"] == a["in_reply_to_screen_name"]
    assert a["enrichment"]["post"]["reply_to_screen_name"] == a["in_reply_to_screen_name"]


def test_input_objects_are_not_mutated() -> None:
    before = orjson.dumps(V1)
    _enrich(V1)
    assert orjson.dumps(V1) == before


def test_handles_fold_case_and_ids_and_handles_never_collide() -> None:
    p = Pseudonymizer("key")
    assert p.value("@Alice", "handle") == p.value("alice", "handle")
    assert pseudonym("123", b"key", "id") != pseudonym("123", b"key", "handle")


def test_key_is_required() -> None:
    with pytest.raises(ValueError):
        Settings(pseudonymize=True)
    with pytest.raises(ValueError):
        Pseudonymizer("")
