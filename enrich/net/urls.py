"""What a URL says before and after it is fetched: domain parts (tldextract with its bundled
public suffix list, no network), path, query, ``utm_*`` campaign fields, shorteners and the
domain category from the curated list in ``models/domains``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson
import tldextract

from ..errors import NotConfigured
from ..modelstore import model_dir

UTM_FIELDS = ("source", "medium", "campaign", "term", "content", "id")


@lru_cache(maxsize=1)
def _extractor() -> tldextract.TLDExtract:
    # suffix_list_urls=() and no cache dir: the snapshot bundled with tldextract, never the network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=False)


class DomainList:
    """The curated domain → category list and the known URL shorteners."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.version = str(data["version"])
        self.domains: dict[str, str] = dict(data["domains"])
        self.shorteners = frozenset(data["shorteners"])
        self.suffix_rules: dict[str, str] = dict(data["suffix_rules"])

    @classmethod
    def load(cls, family: str = "links") -> DomainList:
        folder = model_dir("domains", family)
        try:
            return cls(orjson.loads((folder / "domains.json").read_bytes()))
        except (OSError, KeyError, orjson.JSONDecodeError) as exc:
            raise NotConfigured(family, f"domain list unreadable: {exc}") from exc

    def _parents(self, host: str, with_tld: bool = False) -> list[str]:
        parts = host.split(".")
        return [".".join(parts[i:]) for i in range(len(parts) - (0 if with_tld else 1))]

    def category(self, host: str) -> str | None:
        host = host.lower().removeprefix("www.")
        if host in self.shorteners:
            return "shortener"
        for cand in self._parents(host):
            cat = self.domains.get(cand)
            if cat:
                return cat
        for cand in self._parents(host, with_tld=True):
            cat = self.suffix_rules.get(cand)
            if cat:
                return cat
        return None

    def shortener(self, host: str) -> str | None:
        host = host.lower().removeprefix("www.")
        return host if host in self.shorteners else None


def analyse(url: str, domains: DomainList) -> dict[str, Any]:
    """Domain parts, path, query and campaign fields of ``url`` (no network)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    ext = _extractor()(host)
    query: dict[str, str] = {}
    for k, v in parse_qsl(parts.query, keep_blank_values=True)[:100]:
        query.setdefault(k[:100], v[:1000])
    utm = {f: query[f"utm_{f}"] for f in UTM_FIELDS if f"utm_{f}" in query}
    # tldextract 5.3 renamed registered_domain; accept both.
    if hasattr(ext, "top_domain_under_public_suffix"):
        registered = ext.top_domain_under_public_suffix or None
    else:
        registered = ext.registered_domain or None
    return {
        "scheme": parts.scheme.lower() or None,
        "domain": {
            "host": host or None,
            "subdomain": ext.subdomain or None,
            "registered_domain": registered,
            "suffix": ext.suffix or None,
            "category": domains.category(host) if host else None,
        },
        "path": parts.path or None,
        "query": query,
        "utm": utm or None,
    }
