"""Run the twitter-text ``extract.yml`` conformance cases against :mod:`.twitter_text`.

``python -m enrich.families._text.conformance`` (default: extract.yml, tlds.yml and validate.yml in
``../shared/data/twitter_text_conformance``)
prints the pass rate per section and per category (hashtag, mention, cashtag, URL, reply);
given ``tlds.yml`` it runs the one-URL-per-TLD cases (category ``tld``).
The YAML is read at test time, never converted into static cases (the suite's own guideline).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .twitter_text import (
    Entity,
    extract_cashtags,
    extract_hashtags,
    extract_mentions,
    extract_mentions_or_lists,
    extract_reply,
    extract_urls,
)
from .weighted_length import weighted_length


def _values(entities: list[Entity]) -> list[str]:
    return [e.text for e in entities]


def _mention_like(entities: list[Entity]) -> list[dict[str, Any]]:
    out = []
    for e in entities:
        name, _, slug = e.text.partition("/")
        out.append({"screen_name": name, "list_slug": "/" + slug if slug else "",
                    "indices": [e.start, e.end]})
    return out


def _with_indices(key: str, entities: list[Entity]) -> list[dict[str, Any]]:
    return [{key: e.text, "indices": [e.start, e.end]} for e in entities]


# section -> (category, function of text -> comparable result, normalizer of expected)
Runner = Callable[[str], Any]
SECTIONS: dict[str, tuple[str, Runner]] = {
    "mentions": ("mention", lambda t: _values(extract_mentions(t))),
    "mentions_with_indices": ("mention", lambda t: [
        {"screen_name": m["screen_name"], "indices": m["indices"]}
        for m in _mention_like(extract_mentions(t))]),
    "mentions_or_lists_with_indices": ("mention", lambda t: _mention_like(extract_mentions_or_lists(t))),
    "replies": ("reply", extract_reply),
    "urls": ("url", lambda t: _values(extract_urls(t))),
    "urls_with_indices": ("url", lambda t: _with_indices("url", extract_urls(t))),
    "urls_with_directional_markers": ("url", lambda t: _with_indices("url", extract_urls(t))),
    "tco_urls_with_params": ("url", lambda t: _values(extract_urls(t))),
    "hashtags": ("hashtag", lambda t: _values(extract_hashtags(t))),
    "hashtags_from_astral": ("hashtag", lambda t: _values(extract_hashtags(t))),
    "hashtags_with_indices": ("hashtag", lambda t: _with_indices("hashtag", extract_hashtags(t))),
    "cashtags": ("cashtag", lambda t: _values(extract_cashtags(t))),
    "cashtags_with_indices": ("cashtag", lambda t: _with_indices("cashtag", extract_cashtags(t))),
    # tlds.yml: one URL case per top-level domain of the official list
    "country": ("tld", lambda t: _values(extract_urls(t))),
    "generic": ("tld", lambda t: _values(extract_urls(t))),
    # validate.yml: weighted length with the v3 configuration (emoji count as two)
    "WeightedTweetsWithDiscountedEmojiCounterTest": ("weighted_length", lambda t: _weighted(t)),
    "UnicodeDirectionalMarkerCounterTest": ("weighted_length", lambda t: _weighted(t)),
}
_WEIGHTED_KEYS = ("weightedLength", "valid", "permillage")


def _weighted(text: str) -> dict[str, Any]:
    r = weighted_length(text)
    return {"weightedLength": r.weighted_length, "valid": r.valid, "permillage": r.permillage}


@dataclass
class Report:
    passed: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    unknown_sections: list[str] = field(default_factory=list)

    def rate(self, key: str) -> float:
        return self.passed.get(key, 0) / self.total[key] if self.total.get(key) else 0.0

    def add(self, key: str, ok: bool) -> None:
        self.total[key] = self.total.get(key, 0) + 1
        self.passed[key] = self.passed.get(key, 0) + int(ok)


def _normalize_expected(section: str, expected: Any) -> Any:
    if section in ("WeightedTweetsWithDiscountedEmojiCounterTest", "UnicodeDirectionalMarkerCounterTest"):
        return {k: expected[k] for k in _WEIGHTED_KEYS}
    if section == "mentions_with_indices":
        return [{"screen_name": e["screen_name"], "indices": list(e["indices"])} for e in expected]
    if section == "mentions_or_lists_with_indices":
        return [{"screen_name": e["screen_name"], "list_slug": e.get("list_slug") or "",
                 "indices": list(e["indices"])} for e in expected]
    if isinstance(expected, list):
        return [{**e, "indices": list(e["indices"])} if isinstance(e, dict) else e for e in expected]
    return expected


def run(path: Path, report: Report | None = None) -> Report:
    """Run every known section of one conformance file (others are listed as not run)."""
    import yaml  # test/tooling dependency only

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = report if report is not None else Report()
    for section, cases in data["tests"].items():
        # validate.yml reuses section names (hashtags, urls) for validation, which is not run
        validation = path.name == "validate.yml" and not section.endswith("CounterTest")
        if section not in SECTIONS or validation:
            report.unknown_sections.append(f"{path.name}:{section}")
            continue
        category, fn = SECTIONS[section]
        for case in cases:
            got = fn(case["text"])
            want = _normalize_expected(section, case["expected"])
            ok = got == want
            report.add(category, ok)
            report.add(f"section:{section}", ok)
            if not ok:
                report.failures.append((section, case["description"], want, got))
    return report


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    paths = [Path(a) for a in args] or [Path("../shared/data/twitter_text_conformance") / f
                                        for f in ("extract.yml", "tlds.yml", "validate.yml")]
    report = Report()
    for path in paths:
        run(path, report)
    for key in sorted(report.total):
        print(f"{key:45s} {report.passed.get(key, 0):4d}/{report.total[key]:<4d} {report.rate(key):7.1%}")
    for section, desc, want, got in report.failures:
        print(f"FAIL [{section}] {desc}\n  want {want!r}\n  got  {got!r}")
    if report.unknown_sections:
        print("sections not run:", ", ".join(report.unknown_sections))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
