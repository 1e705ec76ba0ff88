"""Evaluation commands for the project's models: ``python -m enrich.evaluate.<model>``."""

from collections.abc import Iterable, Mapping


def per_label_table(kind: str, labels: Iterable[str], counts: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Markdown rows of support, precision and recall per label from ``tp``/``fp``/``fn`` counts
    (``nan`` where a ratio has no denominator)."""
    lines = [f"| {kind} | support | precision | recall |", "|---|---:|---:|---:|"]
    for label in labels:
        c = counts[label]
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else float("nan")
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else float("nan")
        lines.append(f"| {label} | {c['tp'] + c['fn']} | {p:.2f} | {r:.2f} |")
    return lines
