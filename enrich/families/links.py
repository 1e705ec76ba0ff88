"""The ``links`` family: every URL in a post expanded safely to its final page, with metadata."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from ..attributes import Attribute as A
from ..family import Family, FamilySettings, Item
from ..net.cache import LinkCache, MemoryCache, RedisCache, SQLiteCache, cache_key
from ..net.fetch import FetchConfig, Fetcher, FetchResult
from ..net.guard import parse_networks, parse_resolve
from ..net.urls import DomainList, analyse
from ..registry import register
from ..settings import default_cache_dir

CommaList = Annotated[list[str], NoDecode]


class LinksSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_LINKS_", extra="forbid")

    mode: Literal["off", "cache", "live"] = Field(
        "cache", description="off: no expansion; cache: platform data and cached results only "
        "(no network, the default); live: fetch uncached links.")
    resolve: CommaList = Field(default_factory=list, description="HOST:PORT:ADDR pins (curl --resolve).")
    connect_to: CommaList = Field(default_factory=list,
                                  description="HOST:PORT:ADDR:PORT connection overrides (curl --connect-to).")
    allow: CommaList = Field(default_factory=list, description="CIDRs the guard lets through (tests only).")
    ports: CommaList = Field(default_factory=lambda: ["80", "443"], description="Ports links may use.")
    max_hops: int = Field(5, ge=0, le=20, description="Most redirects followed for one URL.")
    head_first: Literal["always", "shorteners"] = Field(
        "always", description="always: every hop starts with HEAD (GET when HEAD is refused or hangs); "
        "shorteners: HEAD only to known shorteners, one head-only streaming GET elsewhere (fewer requests).")
    deadline: float = Field(8.0, gt=0, description="Seconds for a whole URL, every hop and wait included.")
    head_timeout: float = Field(3.0, gt=0, description="Seconds a HEAD may take before GET is tried.")
    connect_timeout: float = Field(3.0, gt=0, description="Seconds to open a connection.")
    read_timeout: float = Field(4.0, gt=0, description="Seconds between two reads of a response.")
    max_body_bytes: int = Field(512 * 1024, ge=1024, description="Cap on decompressed HTML bytes read.")
    user_agent: str = Field("enrich-links/0.1 (link metadata; +https://pypi.org/project/enrich/)",
                            description="User-Agent header sent with every request.")
    global_concurrency: int = Field(256, ge=1, description="Requests in flight in one process.")
    per_host_concurrency: int = Field(16, ge=1, description="Requests in flight per ordinary host.")
    shortener_concurrency: int = Field(256, ge=1, description="Requests in flight per URL shortener host.")
    per_host_rate: float = Field(0.0, ge=0, description="Requests/second per host; 0 means no limit.")
    cache: Literal["sqlite", "redis", "memory", "none"] = Field(
        "sqlite", description="Link result cache: SQLite on local disk, Redis (shared), memory, none.")
    cache_path: Path | None = Field(
        None, description="SQLite cache file (default: ENRICH_CACHE_DIR/links.sqlite).")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis URL when cache=redis.")
    ttl: float = Field(7 * 86400, gt=0, description="Seconds a resolved link stays cached.")
    failure_ttl: float = Field(3600, gt=0, description="Seconds a failed link stays cached.")
    trust_platform: bool = Field(
        True, description="Use the platform's unwound_url/title instead of fetching.")

    @field_validator("resolve", "connect_to", "allow", "ports", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, int):
            return [str(value)]
        return value


_HOP = "links[].hops[]"
_PAGE = "links[]"


@register
class LinksFamily(Family):
    name = "links"
    kind = "io"
    method = "fetch"
    version = "1"
    order = 900
    summary = (
        "Every URL in the post, expanded safely to its final page (redirects followed one hop at a "
        "time under an SSRF guard, HEAD then GET, meta refresh and literal script redirects), with page "
        "metadata (title, description, OpenGraph and Twitter Card fields), domain parts and category, "
        "campaign parameters and shorteners. Modes: off, cache (default: no network) and live. Platform "
        "data (unwound_url, title) is used instead of fetching when present.")
    requires = ("post.text",)
    Settings = LinksSettings
    provides = (
        A(f"{_PAGE}.url", "string", "The URL as written in the post (often a t.co link).", nullable=False),
        A(f"{_PAGE}.start", "integer", "Character offset of the URL in enrichment.post.text.", minimum=0),
        A(f"{_PAGE}.end", "integer", "Character offset just past the URL in enrichment.post.text.",
          minimum=0),
        A(f"{_PAGE}.expanded_url", "string", "The URL as given by the platform (expanded_url), if any."),
        A(f"{_PAGE}.display_url", "string", "The shortened form the platform displayed, if any."),
        A(f"{_PAGE}.source", "string", "Where the result came from.", nullable=False,
          enum=("platform", "fetch", "cache", "not_expanded")),
        A(f"{_PAGE}.final_url", "string", "The final address after every redirect; null when unresolved."),
        A(f"{_PAGE}.canonical_url", "string",
          "The page's declared canonical URL (rel=canonical or og:url), recorded, not fetched."),
        A(f"{_PAGE}.status", "integer", "HTTP status of the final page.", minimum=100, maximum=999),
        A(f"{_PAGE}.content_type", "string", "Media type of the final page, e.g. text/html."),
        A(f"{_PAGE}.content_length", "integer", "Content-Length of the final page, when declared.",
          minimum=0),
        A(f"{_PAGE}.title", "string", "Page title (og:title, else <title>, else twitter:title)."),
        A(f"{_PAGE}.description", "string", "Page description (og:description or meta description)."),
        A(f"{_PAGE}.site_name", "string", "Site name (og:site_name)."),
        A(f"{_PAGE}.language", "string", "Declared page language (html lang or og:locale)."),
        A(f"{_PAGE}.published_time", "string",
          "Declared publication time (article:published_time), as given."),
        A(f"{_PAGE}.modified_time", "string", "Declared modification time, as given."),
        A(f"{_PAGE}.author", "string", "Declared author (meta author, article:author, twitter:creator)."),
        A(f"{_PAGE}.image", "string", "Preview image URL (og:image or twitter:image)."),
        A(f"{_PAGE}.page_type", "string", "OpenGraph type of the page (og:type), e.g. article, video."),
        A(f"{_PAGE}.og", "object", "Every og:* field of the page, keyed without the og: prefix."),
        A(f"{_PAGE}.twitter_card", "object", "Every twitter:* field of the page, keyed without the prefix."),
        A(f"{_HOP}.url", "string", "URL requested at this hop.", nullable=False),
        A(f"{_HOP}.status", "integer", "HTTP status answered at this hop (null for a platform hop)."),
        A(f"{_HOP}.method", "string", "Request method used at this hop.", nullable=False,
          enum=("HEAD", "GET", "platform")),
        A(f"{_HOP}.elapsed_ms", "number", "Time spent on this hop.", nullable=False, minimum=0, unit="ms"),
        A(f"{_HOP}.via", "string", "How this hop led on.", nullable=False,
          enum=("redirect", "meta_refresh", "refresh_header", "script", "platform", "final")),
        A(f"{_PAGE}.hop_count", "integer", "Number of requests made (hops) for this link.", minimum=0),
        A(f"{_PAGE}.shortener", "boolean", "True when a known URL shortener was on the way.", nullable=False),
        A(f"{_PAGE}.shorteners[]", "string", "Shortener hosts met on the way, in order."),
        A(f"{_PAGE}.scheme", "string", "Scheme of the final (else expanded, else given) URL."),
        A(f"{_PAGE}.domain.host", "string", "Host of the final (else expanded, else given) URL."),
        A(f"{_PAGE}.domain.subdomain", "string", "Subdomain part of the host (public suffix list)."),
        A(f"{_PAGE}.domain.registered_domain", "string", "Registered domain, e.g. bbc.co.uk."),
        A(f"{_PAGE}.domain.suffix", "string", "Public suffix, e.g. co.uk."),
        A(f"{_PAGE}.domain.category", "string",
          "Category of the domain from the curated list in models/domains (news, social, video, "
          "shopping, blog, government, education, ...); null when unknown."),
        A(f"{_PAGE}.path", "string", "Path of the final (else expanded, else given) URL."),
        A(f"{_PAGE}.query", "object", "Query parameters of that URL (first value of each key)."),
        A(f"{_PAGE}.utm.source", "string",
          "utm_source campaign field, from any URL on the way (later ones win)."),
        A(f"{_PAGE}.utm.medium", "string", "utm_medium campaign field."),
        A(f"{_PAGE}.utm.campaign", "string", "utm_campaign campaign field."),
        A(f"{_PAGE}.utm.term", "string", "utm_term campaign field."),
        A(f"{_PAGE}.utm.content", "string", "utm_content campaign field."),
        A(f"{_PAGE}.utm.id", "string", "utm_id campaign field."),
        A(f"{_PAGE}.body_truncated", "boolean", "True when the HTML body was cut at the size cap."),
        A(f"{_PAGE}.elapsed_ms", "number", "Time spent resolving this link (0 from cache/platform).",
          minimum=0, unit="ms"),
        A(f"{_PAGE}.fetched_at", "datetime", "When the link was resolved (ISO 8601, UTC)."),
        A(f"{_PAGE}.error_code", "string",
          "Null on success; otherwise why the link was not (fully) resolved: timeout, dns, refused, "
          "connect, blocked_address, too_many_hops, loop, too_large, http_error, bad_response, "
          "unsupported_scheme, disallowed_port, invalid_url, fetch_error, not_expanded."),
        A(f"{_PAGE}.error_message", "string", "Human-readable explanation of error_code."),
    )

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        s = self.settings
        assert isinstance(s, LinksSettings)
        self.cfg: LinksSettings = s
        # Validate overrides now, so a typo fails at start-up, not on the first post.
        parse_resolve(s.resolve)
        parse_networks(s.allow)
        self.fetch_config = FetchConfig(
            max_hops=s.max_hops, deadline=s.deadline, head_timeout=s.head_timeout,
            connect_timeout=s.connect_timeout, read_timeout=s.read_timeout,
            max_body_bytes=s.max_body_bytes, user_agent=s.user_agent,
            ports=tuple(int(p) for p in s.ports), allow=tuple(s.allow), resolve=tuple(s.resolve),
            connect_to=tuple(s.connect_to), global_concurrency=s.global_concurrency, head_first=s.head_first,
            per_host_concurrency=s.per_host_concurrency, per_host_rate=s.per_host_rate)
        self._fetcher: Fetcher | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._cache: LinkCache | None = None
        self._inflight: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def setup(self) -> None:
        from dataclasses import replace

        from ..net.fetch import parse_connect_to

        parse_connect_to(self.cfg.connect_to)
        self.domains = DomainList.load(self.name)
        self.fetch_config = replace(self.fetch_config, shortener_hosts=self.domains.shorteners,
                                    shortener_concurrency=self.cfg.shortener_concurrency)
        self._cache = self._make_cache()

    def _make_cache(self) -> LinkCache | None:
        kind = self.cfg.cache if self.cfg.mode != "off" else "none"
        if kind == "sqlite":
            return SQLiteCache(self.cfg.cache_path or default_cache_dir() / "links.sqlite")
        if kind == "redis":
            return RedisCache(self.cfg.redis_url)
        if kind == "memory":
            return MemoryCache()
        return None

    def model_name(self) -> str:
        return f"domains {self.domains.version}; mode {self.cfg.mode}"

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.close()
            self._fetcher = None
        if self._cache is not None:
            await self._cache.close()
            self._cache = None

    def _get_fetcher(self) -> Fetcher:
        loop = asyncio.get_running_loop()
        if self._fetcher is None or self._loop is not loop:
            self._fetcher = Fetcher(self.fetch_config)
            self._loop = loop
            self._inflight.clear()
        return self._fetcher

    # -- per post --------------------------------------------------------------------------
    def _links_of(self, item: Item) -> list[dict[str, Any]]:
        post = item.post
        found: list[dict[str, Any]] = []
        if post.entities is not None:
            for u in post.entities.urls:
                found.append({"url": u.url or u.text, "start": u.start, "end": u.end,
                              "expanded_url": u.expanded_url, "display_url": u.display_url,
                              "_unwound": u.unwound_url, "_title": u.title,
                              "_description": u.description, "_status": u.status})
        else:
            from ._text.twitter_text import extract_urls

            for e in extract_urls(post.text):
                url = e.text if "://" in e.text else "http://" + e.text
                found.append({"url": e.text, "start": e.start, "end": e.end, "expanded_url": None,
                              "display_url": None, "_fetch": url})
        return found

    async def aenrich_batch(self, items: Sequence[Item]) -> list[list[dict[str, Any]]]:
        tasks: list[list[asyncio.Task[dict[str, Any]]]] = []
        for item in items:
            tasks.append([asyncio.ensure_future(self._one(link)) for link in self._links_of(item)])
        out: list[list[dict[str, Any]]] = []
        for group in tasks:
            out.append(list(await asyncio.gather(*group)) if group else [])
        return out

    async def _one(self, link: dict[str, Any]) -> dict[str, Any]:
        unwound = link.pop("_unwound", None)
        title = link.pop("_title", None)
        description = link.pop("_description", None)
        status = link.pop("_status", None)
        start_url = link.pop("_fetch", None) or link.get("expanded_url") or link["url"]
        base = link  # what is left once the private keys are taken out
        if unwound and self.cfg.trust_platform:
            res = {"source": "platform", "final_url": unwound, "status": status, "title": title,
                   "description": description, "hops": [], "error_code": None, "error_message": None}
            return self._assemble(base, res)
        if self.cfg.mode == "off":
            return self._assemble(base, _not_expanded("link expansion is off (links mode 'off')"))
        key = cache_key(start_url)
        cached = await self._cache.get(key) if self._cache is not None else None
        if cached is not None:
            return self._assemble(base, {**cached, "source": "cache", "elapsed_ms": 0.0})
        if self.cfg.mode == "cache":
            return self._assemble(base, _not_expanded(
                "not in the link cache and live fetching is off (set ENRICH_LINKS_MODE=live)"))
        res = await self._fetch_once(key, start_url)
        if link.get("expanded_url") and start_url != link["url"]:
            # t.co's hop is known from the platform: record it rather than paying for it.
            res = {**res, "hops": [{"url": link["url"], "status": None, "method": "platform",
                                    "elapsed_ms": 0.0, "via": "platform"}, *res["hops"]]}
        return self._assemble(base, res)

    async def _fetch_once(self, key: str, url: str) -> dict[str, Any]:
        """One fetch in flight per URL; concurrent asks wait for it."""
        fut = self._inflight.get(key)
        if fut is not None:
            return await asyncio.shield(fut)
        fetcher = self._get_fetcher()
        fut = asyncio.get_running_loop().create_future()
        self._inflight[key] = fut
        try:
            result = _result_dict(await fetcher.fetch(url))
            if self._cache is not None:
                ttl = self.cfg.failure_ttl if result["error_code"] else self.cfg.ttl
                await self._cache.set(key, result, ttl)
            fut.set_result(result)
            return result
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # retrieved: waiters see it, no "never retrieved" warning
            raise
        finally:
            self._inflight.pop(key, None)

    def _assemble(self, base: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
        hops = res.get("hops") or []
        shorteners = []
        for u in [base["url"], base.get("expanded_url"), *(h["url"] for h in hops)]:
            if u:
                host = _host(u)
                name = self.domains.shortener(host) if host else None
                if name and name not in shorteners:
                    shorteners.append(name)
        best = res.get("final_url") or base.get("expanded_url") or base["url"]
        if "://" not in best:
            best = "http://" + best
        meta = res.get("meta") or {}
        analysis = analyse(best, self.domains)
        # Campaign tags count wherever they stood on the way: redirects often drop them.
        utm: dict[str, str] = {}
        for u in [base.get("expanded_url"), *(h["url"] for h in hops), best]:
            if u and "utm_" in u:
                utm.update(analyse(u, self.domains)["utm"] or {})
        analysis["utm"] = utm or None
        out: dict[str, Any] = {
            **base,
            "source": res["source"],
            "final_url": res.get("final_url"),
            "canonical_url": meta.get("canonical_url"),
            "status": res.get("status"),
            "content_type": res.get("content_type"),
            "content_length": res.get("content_length"),
            "title": res.get("title") or meta.get("title"),
            "description": res.get("description") or meta.get("description"),
            "site_name": meta.get("site_name"),
            "language": meta.get("language"),
            "published_time": meta.get("published_time"),
            "modified_time": meta.get("modified_time"),
            "author": meta.get("author"),
            "image": meta.get("image"),
            "page_type": meta.get("type"),
            "og": meta.get("og") or None,
            "twitter_card": meta.get("twitter") or None,
            "hops": hops,
            "hop_count": len([h for h in hops if h["method"] != "platform"]),
            "shortener": bool(shorteners),
            "shorteners": shorteners,
            **analysis,
            "body_truncated": res.get("body_truncated"),
            "elapsed_ms": res.get("elapsed_ms", 0.0),
            "fetched_at": res.get("fetched_at"),
            "error_code": res.get("error_code"),
            "error_message": res.get("error_message"),
        }
        if out["canonical_url"] and out["final_url"]:
            from urllib.parse import urljoin

            out["canonical_url"] = urljoin(out["final_url"], out["canonical_url"])
        return out


_HOST = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://)?(?:[^/?#@]*@)?([^/?#:\[\]]+)")


def _host(url: str) -> str | None:
    m = _HOST.match(url)
    return m.group(1).lower() if m else None


def _not_expanded(why: str) -> dict[str, Any]:
    return {"source": "not_expanded", "final_url": None, "hops": [], "error_code": "not_expanded",
            "error_message": why}


def _result_dict(r: FetchResult) -> dict[str, Any]:
    meta = r.meta or {}
    return {
        "source": "fetch",
        "final_url": r.final_url if r.error_code in (None, "http_error", "too_large") else None,
        "status": r.status,
        "content_type": r.content_type,
        "content_length": r.content_length,
        "meta": {k: v for k, v in meta.items() if k not in ("refresh", "head_complete", "html_title")},
        "hops": [h.to_dict() for h in r.hops],
        "body_truncated": r.body_truncated,
        "elapsed_ms": round(r.elapsed_ms, 2),
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "error_code": r.error_code,
        "error_message": r.error_message,
    }
