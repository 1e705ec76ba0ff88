"""Keyed pseudonyms for author ids and handles (HMAC-SHA256 with a secret from settings).

The same (key, value) always gives the same pseudonym, so output can still be grouped per
author; without the key the original cannot be recovered or confirmed by hashing guesses.
"""

from __future__ import annotations

import hashlib
import hmac


def pseudonym(value: str, key: bytes, kind: str) -> str:
    """``kind`` ("id", "handle") separates namespaces: an id and a handle never collide."""
    digest = hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0]}_{digest[:24]}"
