"""The service resolves links on its event loop, live, against the loopback link lab, with the
SSRF guard on: configured the way a deployment is, through ENRICH_LINKS_* variables."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from enrich.bench.linklab import LinkLab
from enrich.service import ServiceSettings, create_app


def _tweet(url: str, ident: str) -> dict[str, object]:
    text = f"read this {url}"
    return {"id_str": ident, "full_text": text, "entities": {"urls": [
        {"url": url, "expanded_url": url, "indices": [10, len(text)]}]}}


async def test_service_expands_links_live(monkeypatch: pytest.MonkeyPatch) -> None:
    async with LinkLab() as lab:
        monkeypatch.setenv("ENRICH_LINKS_MODE", "live")
        monkeypatch.setenv("ENRICH_LINKS_CONNECT_TO", ",".join(lab.connect_to()))
        monkeypatch.setenv("ENRICH_LINKS_ALLOW", f"{lab.host}/32")
        monkeypatch.setenv("ENRICH_LINKS_PORTS", f"80,{lab.port}")
        monkeypatch.setenv("ENRICH_LINKS_CACHE", "memory")
        app = create_app(ServiceSettings(families=["post", "links"], workers=0, batch_max_wait_ms=1))
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            resp = await client.post("/v1/enrich", json=[_tweet("http://t.co/svc1", "1"),
                                                          _tweet("http://evil.test/metadata", "2")])
            assert resp.status == 200
            body = await resp.json()
    ok, evil = (item["enrichment"]["links"][0] for item in body)
    assert ok["final_url"] == "http://site.test/page/svc1?utm_source=twitter&utm_medium=social"
    assert ok["title"] == "Page svc1" and ok["error_code"] is None
    assert evil["error_code"] == "blocked_address" and evil["final_url"] is None
