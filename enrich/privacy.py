"""Pseudonymizing author ids and handles in output records (``ENRICH_PSEUDONYMIZE``).

Every output record — the input echoed back and the ``enrichment`` — passes through one
function, :func:`enrich.enricher.output_record`, so this is applied in one place for the Python
API, the batch runner and the service. Ids and handles of accounts (the author, replied-to and
mentioned accounts, in every input format) become keyed HMAC-SHA256 pseudonyms: the same account
always gets the same pseudonym under one key, so output can still be grouped per author, but
without the key a pseudonym cannot be reversed or confirmed by hashing guesses.

Left as they are, and documented: post ids, the post text itself (an ``@handle`` written in a post
is content), display names, and URLs.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

# Keys whose value is an account id or handle wherever they stand.
_ACCOUNT_KEYS = {
    "author_id": "id", "user_id": "id", "in_reply_to_user_id": "id", "in_reply_to_user_id_str": "id",
    "reply_to_user_id": "id", "author_ref": "id", "screen_name": "handle", "username": "handle",
    "in_reply_to_screen_name": "handle", "reply_to_screen_name": "handle", "preferredUsername": "handle",
}
# Objects that describe an account: their own "id"/"id_str" is an account id.
_ACCOUNT_OBJECTS = {"user", "author", "actor", "users", "user_mentions", "mentions"}


def pseudonym(value: str, key: bytes, kind: str) -> str:
    """``kind`` ("id", "handle") separates namespaces: an id and a handle never collide."""
    if kind == "handle":
        value = value.lstrip("@").lower()  # handles are case-insensitive on the platforms
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}_{digest[:24]}"


class Pseudonymizer:
    """Rewrites account ids and handles in an output record, in place."""

    def __init__(self, key: str | bytes) -> None:
        if not key:
            raise ValueError("pseudonymizing needs a non-empty key (ENRICH_PSEUDONYM_KEY)")
        self.key = key.encode() if isinstance(key, str) else key

    def value(self, value: Any, kind: str) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int | str):
            text = str(value)
            return pseudonym(text, self.key, kind) if text else value
        return value

    def record(self, record: dict[str, Any]) -> dict[str, Any]:
        self._walk(record, in_account=False)
        return record

    def _walk(self, node: Any, in_account: bool) -> None:
        if isinstance(node, dict):
            for k, v in list(node.items()):
                kind = _ACCOUNT_KEYS.get(k)
                if kind is not None and not isinstance(v, dict | list):
                    node[k] = self.value(v, kind)
                elif in_account and k in ("id", "id_str") and not isinstance(v, dict | list):
                    node[k] = self.value(v, "id")
                elif isinstance(v, dict | list):
                    self._walk(v, in_account=k in _ACCOUNT_OBJECTS)
        elif isinstance(node, list):
            for v in node:
                self._walk(v, in_account)


def from_settings(pseudonymize: bool, key: Any) -> Pseudonymizer | None:
    if not pseudonymize:
        return None
    raw = key.get_secret_value() if hasattr(key, "get_secret_value") else key
    return Pseudonymizer(raw or "")

