"""The enricher contract: ordering, dependency closure, error isolation, provenance, timings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from enrich import Enricher, NotConfigured, Pipeline, Post
from enrich.attributes import Attribute as A
from enrich.errors import PipelineError
from enrich.family import Family, Item
from enrich.registry import temporarily


class Upper(Family):
    name = "t_upper"
    summary = "Test family: the post text in upper case, for pipeline contract tests."
    provides = (A("t_upper.text", "string", "upper-cased text for tests"),)

    def enrich_one(self, item: Item) -> dict[str, Any]:
        if "boom" in item.post.text:
            raise ValueError("boom in text")
        return {"text": item.post.text.upper()}


class Length(Family):
    name = "t_length"
    summary = "Test family: length of the upper-cased text, requires t_upper."
    requires = ("t_upper.text",)
    order = 0  # would run first if dependencies did not order it
    provides = (A("t_length.n", "integer", "length of the upper text"),)

    def enrich_one(self, item: Item) -> dict[str, Any]:
        up = item.out.get("t_upper")
        return {"n": len(up["text"]) if up else None}


class Broken(Family):
    name = "t_broken"
    summary = "Test family whose setup raises NotConfigured, to check it is disabled alone."
    provides = (A("t_broken.x", "integer", "never produced"),)

    def setup(self) -> None:
        raise NotConfigured(self.name, "model file missing (test)")


class BatchOnly(Family):
    name = "t_batch"
    summary = "Test family that fails when a batch holds a poisoned post, to check isolation."
    provides = (A("t_batch.size", "integer", "size of the batch it ran in"),)

    def enrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        if any("poison" in i.post.text for i in items):
            raise RuntimeError("poisoned batch")
        return [{"size": len(items)} for _ in items]


class Fetchy(Family):
    name = "t_io"
    kind = "io"
    summary = "Test I/O family run on the event loop, reading the post family's output."
    requires = ("post.text",)
    provides = (A("t_io.echo", "string", "echo of the text via async"),)

    async def aenrich_batch(self, items: Sequence[Item]) -> list[dict[str, Any]]:
        return [{"echo": i.out["post"]["text"]} for i in items]


TEST_FAMILIES = (Upper, Length, Broken, BatchOnly, Fetchy)


@pytest.fixture(autouse=True)
def _registered() -> Any:
    with temporarily(*TEST_FAMILIES):
        yield


def test_requires_pulls_in_and_orders() -> None:
    pipe = Pipeline(["t_length"])
    assert pipe.names == ["post", "t_upper", "t_length"]
    (out,) = pipe.run([Post(text="abc")])
    assert out["t_length"] == {"n": 3}
    assert out["t_upper"] == {"text": "ABC"}
    assert set(out["provenance"]) == {"post", "t_upper", "t_length"}
    assert out["provenance"]["t_upper"] == {"method": "rules", "model": None, "version": "1"}


def test_failure_is_isolated_per_post_and_family() -> None:
    pipe = Pipeline(["t_length"])
    outs = pipe.run([Post(text="fine"), Post(text="boom"), Post(text="also fine")])
    assert outs[0]["t_upper"] == {"text": "FINE"} and outs[2]["t_length"] == {"n": 9}
    assert outs[1]["t_upper"] is None
    assert outs[1]["t_length"] == {"n": None}  # dependents still run and see the null
    (err,) = outs[1]["errors"]
    assert err["family"] == "t_upper" and err["code"] == "E201" and "boom in text" in err["message"]
    assert pipe.stats["t_upper"].failures == 1


def test_batch_failure_retries_per_item() -> None:
    pipe = Pipeline(["t_batch"])
    outs = pipe.run([Post(text="a"), Post(text="poison"), Post(text="b")])
    assert outs[0]["t_batch"] == {"size": 1} and outs[2]["t_batch"] == {"size": 1}
    assert outs[1]["t_batch"] is None and outs[1]["errors"][0]["code"] == "E201"


def test_not_configured_disables_that_family_alone() -> None:
    pipe = Pipeline(["t_broken", "t_upper"])
    assert "t_broken" in pipe.disabled and "t_upper" in pipe.names
    (out,) = pipe.run([Post(text="x")])
    assert out["t_broken"] is None and out["t_upper"] == {"text": "X"}
    assert [e["code"] for e in out["errors"]] == ["E202"]


def test_io_family_runs_after_cpu() -> None:
    pipe = Pipeline(["t_io"])
    try:
        (out,) = pipe.run([Post(text="hello")])
    finally:
        pipe.close()
    assert out["t_io"] == {"echo": "hello"}


async def test_async_run() -> None:
    pipe = Pipeline(["t_io", "t_upper"])
    (out,) = await pipe.arun([Post(text="hey")])
    await pipe.aclose()
    assert out["t_io"] == {"echo": "hey"} and out["t_upper"] == {"text": "HEY"}


def test_per_call_family_subset() -> None:
    pipe = Pipeline(["t_length", "t_batch"])
    (out,) = pipe.run([Post(text="q")], families=["t_upper"])
    assert "t_batch" not in out and "t_length" not in out and out["t_upper"] == {"text": "Q"}
    with pytest.raises(PipelineError) as exc:
        pipe.run([Post(text="q")], families=["t_io"])
    assert exc.value.code == "E203"


def test_unknown_family() -> None:
    with pytest.raises(PipelineError) as exc:
        Pipeline(["no_such_family"])
    assert exc.value.code == "E203" and "no_such_family" in str(exc.value)


def test_cycle_detected() -> None:
    class A1(Family):
        name = "t_cyc_a"
        summary = "cycle test family a, requires b; used to check cycle detection."
        requires = ("t_cyc_b.v",)
        provides = (A("t_cyc_a.v", "integer", "value a for tests"),)

    class B1(Family):
        name = "t_cyc_b"
        summary = "cycle test family b, requires a; used to check cycle detection."
        requires = ("t_cyc_a.v",)
        provides = (A("t_cyc_b.v", "integer", "value b for tests"),)

    with temporarily(A1, B1), pytest.raises(PipelineError) as exc:
        Pipeline(["t_cyc_a"])
    assert exc.value.code == "E204"


def test_strict_catalogue_flags_undeclared() -> None:
    class Sloppy(Family):
        name = "t_sloppy"
        summary = "Test family emitting an undeclared attribute, to check strict mode."
        provides = (A("t_sloppy.ok", "integer", "declared value"),)

        def enrich_one(self, item: Item) -> dict[str, Any]:
            return {"ok": 1, "extra": 2}

    from enrich import Settings

    with temporarily(Sloppy):
        (out,) = Pipeline(["t_sloppy"], Settings(strict_catalogue=True)).run([Post(text="x")])
    assert out["errors"][0]["code"] == "E206" and "t_sloppy.extra" in out["errors"][0]["message"]


def test_enricher_keeps_order_and_accounts_for_every_record() -> None:
    with Enricher(families=["t_upper"]) as enricher:
        outs = list(enricher.enrich_many(["one", 42, {"text": "two"}, ["x"], {"foo": 1}], batch_size=2))
    assert [("enrichment" in o) for o in outs] == [True, False, True, False, False]
    assert outs[0]["enrichment"]["t_upper"]["text"] == "ONE"
    assert outs[1]["error"]["position"] == 1 and outs[1]["error"]["code"].startswith("E1")
    assert outs[2]["text"] == "two" and outs[2]["enrichment"]["post"]["position"] == 2


def test_stats_record_timings() -> None:
    pipe = Pipeline(["t_upper"])
    pipe.run([Post(text="a"), Post(text="b")])
    st = pipe.stats_dict()["t_upper"]
    assert st["posts"] == 2 and st["batches"] == 1 and st["seconds"] >= 0
