"""The attribute catalogue: every output attribute is declared once, beside the family that
produces it, and everything else (JSON Schema, ``docs/attributes.md``, ``GET /v1/attributes``,
the catalogue tests) is generated from these declarations.

Paths are dotted snake_case under ``enrichment``. ``[]`` marks a list: ``links[].final_url`` is
the ``final_url`` of each object in the ``links`` list; ``topics.labels[]`` is a list of scalars.
Objects on the way to a leaf are implied and nullable (a family may abstain with ``null``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

AttrType = Literal["string", "integer", "number", "boolean", "probability", "datetime", "object"]

_PATH_RE = re.compile(r"^[a-z][a-z0-9_]*(\[\])?(\.[a-z0-9_]+(\[\])?)*$")
_JSON_TYPES: dict[str, str] = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "probability": "number",
    "datetime": "string",
    "object": "object",
}


@dataclass(frozen=True, slots=True)
class Attribute:
    """One documented output attribute.

    ``type="object"`` declares a free-form mapping (for example ``og:*`` fields of a page):
    its keys are data, not attributes, so the catalogue does not descend into it.
    """

    path: str
    type: AttrType
    description: str
    nullable: bool = True
    enum: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None

    def __post_init__(self) -> None:
        if not _PATH_RE.match(self.path):
            raise ValueError(f"attribute path {self.path!r} is not dotted snake_case")
        if self.type not in _JSON_TYPES:
            raise ValueError(f"attribute {self.path!r} has unknown type {self.type!r}")
        if len(self.description.strip()) < 8:
            raise ValueError(f"attribute {self.path!r} needs a real description")

    @property
    def family(self) -> str:
        return self.path.split(".", 1)[0].removesuffix("[]")

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"description": self.description}
        base = _JSON_TYPES[self.type]
        schema["type"] = [base, "null"] if self.nullable else base
        if self.type == "probability":
            schema["minimum"], schema["maximum"] = 0.0, 1.0
        if self.type == "datetime":
            schema["format"] = "date-time"
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        if self.enum is not None:
            schema["enum"] = [*self.enum, None] if self.nullable else list(self.enum)
        return schema

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "type": self.type, "family": self.family,
                               "description": self.description, "nullable": self.nullable}
        for key in ("enum", "minimum", "maximum", "unit"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(value) if key == "enum" else value
        return out


# Attributes every enrichment carries, whatever families run.
CORE_ATTRIBUTES: tuple[Attribute, ...] = (
    Attribute("schema_version", "string", "Version of this output schema; bumped on breaking changes.",
              nullable=False),
    Attribute("provenance", "object",
              "Per family that ran: the method, model and version that produced its attributes."),
    Attribute("errors[].family", "string", "Family that failed or degraded on this post.", nullable=False),
    Attribute("errors[].code", "string", "Stable error code (see docs/api.md), e.g. E201.", nullable=False),
    Attribute("errors[].name", "string", "Short name of the error code, e.g. family_failed.", nullable=False),
    Attribute("errors[].message", "string", "Human-readable explanation of the error.", nullable=False),
)


class Catalogue:
    """All declared attributes, keyed by path."""

    def __init__(self, attributes: Iterable[Attribute] = ()) -> None:
        self._by_path: dict[str, Attribute] = {}
        self.extend(attributes)

    def extend(self, attributes: Iterable[Attribute]) -> None:
        for attr in attributes:
            existing = self._by_path.get(attr.path)
            if existing is not None and existing != attr:
                raise ValueError(f"attribute {attr.path!r} declared twice with different meanings")
            self._by_path[attr.path] = attr
        self._objects = {a.path for a in self._by_path.values() if a.type == "object"}

    def __iter__(self) -> Iterator[Attribute]:
        return iter(sorted(self._by_path.values(), key=lambda a: a.path))

    def __len__(self) -> int:
        return len(self._by_path)

    def __contains__(self, path: object) -> bool:
        return path in self._by_path

    def get(self, path: str) -> Attribute | None:
        return self._by_path.get(path)

    def families(self) -> list[str]:
        return sorted({a.family for a in self._by_path.values()})

    # -- checking output against the declarations -------------------------------------------
    def leaf_paths(self, value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
        """Yield ``(path, value)`` for every leaf of an enrichment (or part of one).

        Free-form objects declared with ``type="object"`` are leaves. Empty lists and dicts
        yield their own path with the empty value so that nothing is silently skipped.
        """
        if prefix in self._objects:
            yield prefix, value
            return
        if isinstance(value, Mapping):
            if not value and prefix:
                yield prefix, value
            for key, sub in value.items():
                yield from self.leaf_paths(sub, f"{prefix}.{key}" if prefix else str(key))
        elif isinstance(value, list):
            if not value:
                yield prefix + "[]", None
            for sub in value:
                yield from self.leaf_paths(sub, prefix + "[]")
        else:
            yield prefix, value

    def undeclared(self, enrichment: Mapping[str, Any]) -> set[str]:
        """Paths present in ``enrichment`` that no attribute declares."""
        found: set[str] = set()
        for path, _ in self.leaf_paths(enrichment):
            if path in self._by_path or self._is_prefix(path):
                continue
            found.add(path)
        return found

    def _is_prefix(self, path: str) -> bool:
        # An empty list/dict or a null parent object ("location.home": null) is fine.
        probe = path.removesuffix("[]")
        return any(p == probe or p.startswith(probe + ".") or p.startswith(probe + "[]")
                   for p in self._by_path)

    def produced(self, enrichment: Mapping[str, Any]) -> set[str]:
        """Declared paths that carry a non-null value in ``enrichment``."""
        return {p for p, v in self.leaf_paths(enrichment) if v is not None and p in self._by_path}

    # -- generated artefacts -----------------------------------------------------------------
    def json_schema(self) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of the ``enrichment`` object."""
        root: dict[str, Any] = _obj_node()
        for attr in self:
            node = root
            parts = attr.path.split(".")
            for i, part in enumerate(parts):
                is_list = part.endswith("[]")
                name = part.removesuffix("[]")
                last = i == len(parts) - 1
                props = node.setdefault("properties", {})
                if last and not is_list:
                    props[name] = attr.json_schema()
                    break
                child = props.setdefault(name, _list_node() if is_list else _obj_node())
                if is_list:
                    if last:
                        child["items"] = attr.json_schema()
                        break
                    node = child.setdefault("items", _obj_node())
                else:
                    node = child
        root["required"] = ["schema_version"]
        root["type"] = "object"
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "enrich/enrichment.schema.json",
            "title": "enrichment",
            **root,
        }

    def markdown(self, family_docs: Mapping[str, str] | None = None) -> str:
        """The attribute reference, one table a family (``docs/attributes.md``)."""
        family_docs = family_docs or {}
        lines = [
            "# Attribute reference",
            "",
            "Generated by `enrich attributes --format md` from the catalogue declared beside the",
            "code; a test fails when this file is out of date. Paths are relative to",
            "`enrichment`; `[]` marks a list. Every attribute may be `null` unless marked",
            "*required*: inferred attributes abstain with `null` rather than guess.",
            "",
            f"{len(self)} attributes in {len(self.families())} groups.",
            "",
        ]
        by_family: dict[str, list[Attribute]] = {}
        for attr in self:
            by_family.setdefault(attr.family, []).append(attr)
        for family in sorted(by_family):
            lines += [f"## `{family}`", ""]
            if family in family_docs:
                lines += [family_docs[family], ""]
            lines += ["| attribute | type | description |", "|---|---|---|"]
            for attr in by_family[family]:
                type_ = attr.type
                extras = []
                if attr.enum:
                    extras.append("one of " + ", ".join(f"`{e}`" for e in attr.enum))
                if attr.minimum is not None or attr.maximum is not None:
                    extras.append(f"range {attr.minimum if attr.minimum is not None else '-∞'}"
                                  f"..{attr.maximum if attr.maximum is not None else '∞'}")
                if attr.unit:
                    extras.append(f"unit: {attr.unit}")
                if not attr.nullable:
                    extras.append("*required*")
                desc = attr.description.replace("|", "\\|")
                if extras:
                    desc += " (" + "; ".join(extras) + ")"
                lines.append(f"| `{attr.path}` | {type_} | {desc} |")
            lines.append("")
        return "\n".join(lines)


def _obj_node() -> dict[str, Any]:
    return {"type": ["object", "null"], "properties": {}, "additionalProperties": False}


def _list_node() -> dict[str, Any]:
    return {"type": ["array", "null"]}
