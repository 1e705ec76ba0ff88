"""The catalogue is the contract: every emitted attribute is declared, every declared attribute
is produced on the fixture corpus, documented, and every output validates against the schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from enrich import Enricher, Settings
from enrich.attributes import Attribute, Catalogue
from enrich.bench.linklab import LabThread
from enrich.registry import catalogue, family_classes, family_docs

from .conftest import ROOT


@pytest.fixture(scope="module")
def corpus_outputs(corpus: list[tuple[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    names = list(family_classes())
    # Links resolve live against the loopback link lab: the corpus's t.co links point at its hosts.
    with LabThread() as lab:
        enricher = Enricher(families=names, settings=Settings(strict_catalogue=True),
                            options={"links": lab.options()})
        try:
            outs = list(enricher.enrich_many(rec for _, rec in corpus))
        finally:
            enricher.close()
    posts = [o for o in outs if "enrichment" in o]
    assert posts, "the fixture corpus produced no posts"
    return [(o["enrichment"]["post"]["id"] or "", o["enrichment"]) for o in posts]


def test_no_undeclared_attributes(corpus_outputs: list[tuple[str, dict[str, Any]]]) -> None:
    cat = catalogue()
    for ident, enrichment in corpus_outputs:
        assert not cat.undeclared(enrichment), (ident, cat.undeclared(enrichment))
        undeclared = [e for e in enrichment["errors"] if e["code"] == "E206"]
        assert not undeclared, (ident, undeclared)


def test_every_declared_attribute_is_produced(corpus_outputs: list[tuple[str, dict[str, Any]]]) -> None:
    cat = catalogue()
    produced: set[str] = set()
    for _, enrichment in corpus_outputs:
        produced |= cat.produced(enrichment)
    # errors[] appear only when a family fails: test_error_entries_validate covers them.
    never = sorted({a.path for a in cat if not a.path.startswith("errors[]")} - produced)
    assert not never, f"declared but never produced (non-null) on the fixture corpus: {never}"


def test_no_family_fails_on_the_corpus(corpus_outputs: list[tuple[str, dict[str, Any]]]) -> None:
    for ident, enrichment in corpus_outputs:
        failed = [e for e in enrichment["errors"] if e["code"] in ("E201", "E202")]
        assert not failed, (ident, failed)


def test_outputs_validate_against_schema(corpus_outputs: list[tuple[str, dict[str, Any]]]) -> None:
    validator = jsonschema.Draft202012Validator(catalogue().json_schema())
    for ident, enrichment in corpus_outputs:
        errors = sorted(validator.iter_errors(enrichment), key=lambda e: list(e.path))
        assert not errors, (ident, [f"{list(e.path)}: {e.message}" for e in errors[:5]])


def test_schema_is_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(catalogue().json_schema())


def test_docs_attributes_md_is_current() -> None:
    expected = catalogue().markdown(family_docs())
    current = (ROOT / "docs" / "attributes.md").read_text(encoding="utf-8")
    assert current == expected, (
        "docs/attributes.md is stale: run `enrich attributes --format md -o docs/attributes.md`")


def test_every_family_is_documented() -> None:
    for name, cls in family_classes().items():
        assert len(cls.summary) > 40, f"family {name!r} needs a summary"
        assert cls.provides, f"family {name!r} declares no attributes"


def test_undeclared_detection() -> None:
    cat = Catalogue([Attribute("x.a", "integer", "an integer here"),
                     Attribute("x.items[].b", "string", "a string here"),
                     Attribute("x.free", "object", "free-form mapping")])
    assert cat.undeclared({"x": {"a": 1, "items": [{"b": "s"}], "free": {"any": {"thing": 1}}}}) == set()
    assert cat.undeclared({"x": {"a": 1, "c": 2}}) == {"x.c"}
    assert cat.undeclared({"x": {"items": [{"b": "s", "z": 1}]}}) == {"x.items[].z"}
    assert cat.undeclared({"x": {"items": []}}) == set()
    assert cat.produced({"x": {"a": None, "items": [{"b": "s"}]}}) == {"x.items[].b"}


def test_attribute_rejects_bad_declarations() -> None:
    with pytest.raises(ValueError):
        Attribute("Bad.Path", "string", "a description")
    with pytest.raises(ValueError):
        Attribute("x.y", "string", "")
    with pytest.raises(ValueError):
        Attribute("x.y", "strin", "a description")  # type: ignore[arg-type]


def test_error_entries_validate() -> None:
    from enrich import Pipeline, Post
    from enrich.attributes import Attribute as A
    from enrich.family import Family, Item
    from enrich.registry import temporarily

    class Failing(Family):
        name = "t_failing"
        summary = "Test family that always fails, to produce and validate error entries."
        provides = (A("t_failing.x", "integer", "never produced"),)

        def enrich_one(self, item: Item) -> Any:
            raise RuntimeError("always fails")

    with temporarily(Failing):
        (out,) = Pipeline(["t_failing"]).run([Post(text="x")])
        cat = catalogue()
        assert {"errors[].code", "errors[].family", "errors[].message", "errors[].name"} <= cat.produced(out)
        validator = jsonschema.Draft202012Validator(cat.json_schema())
        assert not list(validator.iter_errors(out))
