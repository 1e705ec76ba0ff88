"""Evaluate the demographics family: ``python -m enrich.evaluate.demographics --data ../shared/data``.

- Gender and person/organization on the held-back 20% of ``users/crowdflower_gender_dev.csv``
  (split by ``enrich.train.demographics.is_held_back``; never trained or tuned on), labels with
  ``gender:confidence >= 0.99``, through the family's own inference path. Beside it, the
  name-only baseline: gender-guesser on the first letters-only token of the handle.
- Reliability tables (predicted probability bins vs observed frequency).
- Age: the self-report extractor on bios written for this project
  (``enrich/evaluate/data/age_bios.jsonl``), and its coverage on all CrowdFlower dev profiles.

Prints Markdown for docs/accuracy.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import re
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..families.demographics import DemographicsFamily
from ..family import Item
from ..post import Author, Post
from ..train.demographics import Row, is_held_back, read_rows

MIN_LABEL_CONFIDENCE = 0.99
# CrowdFlower collected these profiles and posts in October 2015: ages are relative to then.
COLLECTED = dt.datetime(2015, 10, 26, tzinfo=dt.UTC)
AGE_BIOS = Path(__file__).resolve().parent / "data" / "age_bios.jsonl"


def _posts(rows: Sequence[Row], metadata: bool = True) -> list[Item]:
    """Posts as an input adapter would build them from the CSV's v1-style fields; without
    ``metadata`` only the handle, the bio and the post text (the minimal input)."""
    items = []
    for r in rows:
        author = Author(id=r.unit_id, screen_name=r.screen_name, description=r.description)
        if metadata:
            author.likes_count, author.posts_count = r.likes, r.posts
            author.default_profile = r.default_profile
            if r.account_years is not None:
                author.created_at = COLLECTED - dt.timedelta(days=r.account_years * 365.25)
        items.append(Item(Post(text=r.text, id=r.unit_id, created_at=COLLECTED, author=author)))
    return items


def baseline_gender(screen_name: str, detector: Any) -> str | None:
    token = re.split(r"[^A-Za-z]+", screen_name)[0]
    if not token:
        return None
    guess = detector.get_gender(token.capitalize())
    return {"female": "female", "mostly_female": "female", "male": "male",
            "mostly_male": "male"}.get(guess)


def reliability(prob: np.ndarray, outcome: np.ndarray, bins: int = 10) -> list[tuple[str, int, float, float]]:
    table = []
    edges = np.linspace(0, 1, bins + 1)
    for lo, hi in itertools.pairwise(edges):
        m = (prob >= lo) & ((prob < hi) if hi < 1 else (prob <= hi))
        if m.sum():
            table.append((f"{lo:.1f}-{hi:.1f}", int(m.sum()), float(prob[m].mean()),
                          float(outcome[m].mean())))
    return table


def _ece(table: list[tuple[str, int, float, float]]) -> float:
    n = sum(t[1] for t in table)
    return sum(t[1] * abs(t[2] - t[3]) for t in table) / max(n, 1)


def evaluate_profiles(data: Path, metadata: bool = True) -> dict[str, Any]:
    import gender_guesser.detector as gg  # the baseline library (bench extra)

    rows = [r for r in read_rows(data / "users" / "crowdflower_gender_dev.csv")
            if is_held_back(r.unit_id) and r.confidence >= MIN_LABEL_CONFIDENCE
            and r.gender in ("female", "male", "brand")]
    fam = DemographicsFamily({"cache_size": 0})
    fam.setup()
    outs = [o for o in fam.enrich_batch(_posts(rows, metadata)) if o is not None]
    if len(outs) != len(rows):
        raise RuntimeError("the family returned no result for some held-back rows")
    gold = np.array([r.gender for r in rows])
    person = gold != "brand"
    labels = np.array([o["gender"]["label"] for o in outs])
    answered = np.isin(labels, ("female", "male"))
    correct = labels == gold
    p_f = np.array([(o["gender"]["probabilities"] or {}).get("female", np.nan) for o in outs],
                   dtype=np.float64)
    p_org = np.array([o["account_type"]["organization_probability"] for o in outs],
                     dtype=np.float64)
    org = np.array([o["account_type"]["label"] == "organization" for o in outs])

    det = gg.Detector()
    base = np.array([baseline_gender(r.screen_name, det) or "unknown" for r in rows])
    base_ans = base != "unknown"

    tp = float((org & ~person).sum())
    precision = tp / max(float(org.sum()), 1.0)
    recall = tp / max(float((~person).sum()), 1.0)
    has_pf = person & ~np.isnan(p_f)
    return {
        "held_back_rows": len(rows),
        "person_rows": int(person.sum()), "brand_rows": int((~person).sum()),
        "gender": {"coverage": float(answered[person].mean()),
                   "accuracy": float(correct[person & answered].mean()),
                   "accuracy_all_answered_forced": float(
                       ((p_f[has_pf] >= 0.5) == (gold[has_pf] == "female")).mean()),
                   "nonbinary": int((labels[person] == "nonbinary").sum())},
        "baseline": {"coverage": float(base_ans[person].mean()),
                     "accuracy": float((base[person & base_ans] == gold[person & base_ans]).mean())},
        "brand": {"precision": precision, "recall": recall,
                  "f1": 2 * precision * recall / max(precision + recall, 1e-9)},
        "reliability_female": reliability(p_f[has_pf], (gold[has_pf] == "female").astype(float)),
        "reliability_org": reliability(p_org, (~person).astype(float)),
    }


def evaluate_age_bios(path: Path = AGE_BIOS) -> dict[str, Any]:
    fam = DemographicsFamily({"cache_size": 0})
    fam.setup()
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ref = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    items = [Item(Post(text="", created_at=ref, author=Author(screen_name="someone",
                                                                description=c["bio"])))
             for c in cases]
    outs = fam.enrich_batch(items)
    with_gold = [(c, o) for c, o in zip(cases, outs, strict=True) if c["bracket"]]
    without = [(c, o) for c, o in zip(cases, outs, strict=True) if not c["bracket"]]
    answered = [(c, o) for c, o in with_gold if o and o["age"]["bracket"]]
    right = [1 for c, o in answered if o["age"]["bracket"] == c["bracket"]]
    false_answers = [1 for c, o in without if o and o["age"]["bracket"]]
    return {"bios": len(cases), "with_age": len(with_gold), "without_age": len(without),
            "recall": len(answered) / max(len(with_gold), 1),
            "accuracy_answered": len(right) / max(len(answered), 1),
            "false_answer_rate": len(false_answers) / max(len(without), 1)}


def age_coverage(data: Path) -> dict[str, float]:
    rows = list(read_rows(data / "users" / "crowdflower_gender_dev.csv"))
    fam = DemographicsFamily({"cache_size": 0})
    fam.setup()
    outs = fam.enrich_batch(_posts(rows, metadata=False))
    ages = [o["age"] for o in outs if o]
    return {"profiles": len(rows),
            "bracket": sum(1 for a in ages if a["bracket"]) / len(rows),
            "any_cue": sum(1 for a in ages if a["probabilities"]) / len(rows),
            "self_reported_age": sum(1 for a in ages if a["self_reported"] is not None) / len(rows)}


def markdown(res: dict[str, Any], minimal: dict[str, Any], age: dict[str, Any],
             cov: dict[str, float]) -> str:
    g, b, br = res["gender"], res["baseline"], res["brand"]
    mg, mbr = minimal["gender"], minimal["brand"]
    lines = [
        f"Held-back rows (confidence >= {MIN_LABEL_CONFIDENCE}): {res['held_back_rows']} "
        f"({res['person_rows']} female/male, {res['brand_rows']} brand).",
        "",
        "| gender (female/male rows) | answers for | accuracy where it answers |",
        "|---|---|---|",
        f"| demographics family | {g['coverage']:.1%} | {g['accuracy']:.1%} |",
        f"| baseline: gender-guesser on first token of handle | {b['coverage']:.1%} | {b['accuracy']:.1%} |",
        "",
        "Forced choice (argmax on every person row, no abstention): "
        f"{g['accuracy_all_answered_forced']:.1%}. "
        f"Self-described nonbinary answers on these rows: {g['nonbinary']}.",
        "",
        f"Person vs organization/brand: brand precision {br['precision']:.3f}, recall "
        f"{br['recall']:.3f}, **F1 {br['f1']:.3f}**.",
        "",
        "Minimal input (handle, bio and post only; no likes/posts counts, account age or theme): "
        f"gender answers for {mg['coverage']:.1%} at {mg['accuracy']:.1%} accuracy; brand F1 "
        f"{mbr['f1']:.3f} (precision {mbr['precision']:.3f}, recall {mbr['recall']:.3f}).",
        "",
        "Reliability of `gender.probabilities.female` (female/male rows):",
        "",
        "| predicted bin | rows | mean predicted | observed female |",
        "|---|---|---|---|",
        *(f"| {t[0]} | {t[1]} | {t[2]:.3f} | {t[3]:.3f} |" for t in res["reliability_female"]),
        "",
        f"Expected calibration error: {_ece(res['reliability_female']):.3f}.",
        "",
        "Reliability of `account_type.organization_probability` (all rows):",
        "",
        "| predicted bin | rows | mean predicted | observed brand |",
        "|---|---|---|---|",
        *(f"| {t[0]} | {t[1]} | {t[2]:.3f} | {t[3]:.3f} |" for t in res["reliability_org"]),
        "",
        f"Expected calibration error: {_ece(res['reliability_org']):.3f}.",
        "",
        f"Age self-report extractor on {age['bios']} bios written for this project "
        f"({age['with_age']} with an age, {age['without_age']} without): answers for "
        f"{age['recall']:.1%} of those with an age, right bracket on {age['accuracy_answered']:.1%} "
        f"of answers, false answers on {age['false_answer_rate']:.1%} of those without.",
        "",
        f"Age coverage on all {cov['profiles']} CrowdFlower dev profiles: bracket answered "
        f"{cov['bracket']:.1%}, any age cue {cov['any_cue']:.1%}, explicit self-reported age "
        f"{cov['self_reported_age']:.1%} (no age labels exist there, so no accuracy).",
    ]
    return "\n".join(lines)


def cpu_throughput(n: int = 5000, seed: int = 0) -> dict[str, float]:
    """Posts per CPU-second (``time.process_time``) of each family and of the post +
    demographics + account chain, per-user cache disabled (every author cold). CPU time is
    what one core delivers, whatever else the machine runs."""
    from ..bench.generate import generate_posts
    from ..families.account import AccountFamily
    from ..families.post import PostFamily

    posts = generate_posts(n, seed=seed)
    fams = {"post": PostFamily(), "demographics": DemographicsFamily({"cache_size": 0}),
            "account": AccountFamily()}
    secs: dict[str, float] = {}
    for name, fam in fams.items():
        fam.setup()
        fam.enrich_batch([Item(p) for p in posts[:200]])  # warm-up: lazy imports, allocators
        best = float("inf")
        for _ in range(3):
            items = [Item(p) for p in posts]
            t0 = time.process_time()
            for i in range(0, n, 256):
                fam.enrich_batch(items[i:i + 256])
            best = min(best, time.process_time() - t0)
        secs[name] = best
    out = {name: round(n / s, 1) for name, s in secs.items()}
    out["post+demographics+account"] = round(n / sum(secs.values()), 1)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--json", action="store_true", help="print raw figures as JSON too")
    ap.add_argument("--speed", action="store_true",
                    help="only measure posts per CPU-second with the per-user cache cold")
    args = ap.parse_args(argv)
    if args.speed:
        print(json.dumps(cpu_throughput()))
        return
    res = evaluate_profiles(args.data)
    minimal = evaluate_profiles(args.data, metadata=False)
    age = evaluate_age_bios()
    cov = age_coverage(args.data)
    if args.json:
        print(json.dumps({"profiles": res, "minimal_input": minimal, "age_bios": age,
                          "age_coverage": cov}, indent=1))
    print(markdown(res, minimal, age, cov))


if __name__ == "__main__":
    main()
