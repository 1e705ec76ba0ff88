"""Compile first-name priors into ``models/names/``: ``python -m enrich.train.names --data ../shared/data``.

Sources:

- US Social Security baby names 1880-2020 (``names/ssa_baby_names``; public domain): name -> sex
  counts, and per-year births for the birth-year (age) prior;
- ``nomquamgender`` (PyPI, MIT; Van Buskirk et al. 2023): a multicultural name -> p(gendered
  female) table aggregated from 36 sources, which covers many non-US names the SSA misses.

Outputs (safe formats only):

- ``first_names.json``: ``{"names": {name: [p_female, log10_count, is_common_word]}}``;
- ``birth_years.npz``: ``names`` (unicode array), ``years`` (int16), ``share`` (uint16, per
  name the share of its US births in each year, scaled to 0..65535).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import re
from collections import defaultdict
from pathlib import Path

import numpy as np

from ..modelstore import models_root, write_sums

ALPHA = re.compile(r"^[a-z]{2,20}$")
FIRST_YEAR, LAST_YEAR = 1930, 2020
MIN_COUNT = 30          # names rarer than this (over all sources) are dropped: noise, and size
MIN_AGE_COUNT = 2000    # birth-year distributions only for names with enough US births
MIN_NQG_SOURCES = 2


def _ssa(data: Path) -> tuple[dict[str, tuple[int, int]], dict[str, dict[int, int]]]:
    sex: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    years: dict[str, dict[int, int]] = defaultdict(dict)
    for path in sorted((data / "names" / "ssa_baby_names" / "yob").glob("yob*.txt")):
        year = int(path.stem[3:])
        with path.open(encoding="utf-8") as fh:
            for name, s, count in csv.reader(fh):
                key = name.lower()
                n = int(count)
                sex[key][0 if s == "F" else 1] += n
                if FIRST_YEAR <= year <= LAST_YEAR:
                    years[key][year] = years[key].get(year, 0) + n
    return {k: (v[0], v[1]) for k, v in sex.items()}, years


def _nqg() -> dict[str, tuple[float, int]]:
    import nomquamgender.nomquamgender as nqg_mod  # training-time dependency only

    out: dict[str, tuple[float, int]] = {}
    for name, info in nqg_mod.name_data.items():
        sources, counts, p_f = info[0], info[1], info[2]
        if sources < MIN_NQG_SOURCES or counts < MIN_COUNT or not ALPHA.match(name):
            continue
        if p_f is None or (isinstance(p_f, float) and math.isnan(p_f)):
            continue
        out[name] = (float(p_f), int(counts))
    return out


def _english_words() -> dict[str, float]:
    import wordsegment

    wordsegment.load()
    total = float(sum(wordsegment.UNIGRAMS.values()))
    return {w: c / total for w, c in wordsegment.UNIGRAMS.items()}


def compile_names(data: Path, out: Path) -> dict[str, int]:
    ssa_sex, ssa_years = _ssa(data)
    nqg = _nqg()
    words = _english_words()
    ssa_total = float(sum(f + m for f, m in ssa_sex.values()))

    table: dict[str, list[float]] = {}
    for name in set(ssa_sex) | set(nqg):
        if not ALPHA.match(name):
            continue
        f, m = ssa_sex.get(name, (0, 0))
        n_ssa = f + m
        p_nqg, n_nqg = nqg.get(name, (0.5, 0))
        n = n_ssa + n_nqg
        if n < MIN_COUNT:
            continue
        # Count-weighted blend: the SSA counts are births, nqg counts are records over its
        # sources; both are "how many people carry this name" and weigh comparably.
        p_female = (f + p_nqg * n_nqg) / n
        # A handle fragment that is mostly an English word ("love", "king", "official") is a
        # weaker name signal; flag names whose word frequency dwarfs their name frequency.
        word_share = words.get(name, 0.0)
        name_share = max(n_ssa, n_nqg / 10.0) / ssa_total
        common_word = 1 if word_share > 5.0 * name_share else 0
        table[name] = [round(p_female, 3), round(math.log10(n), 2), common_word]

    age_names = sorted(k for k, v in ssa_years.items()
                       if ALPHA.match(k) and sum(v.values()) >= MIN_AGE_COUNT)
    year_axis = np.arange(FIRST_YEAR, LAST_YEAR + 1, dtype=np.int16)
    share = np.zeros((len(age_names), len(year_axis)), dtype=np.float64)
    for i, name in enumerate(age_names):
        for y, c in ssa_years[name].items():
            share[i, y - FIRST_YEAR] = c
        share[i] /= share[i].sum()
    out.mkdir(parents=True, exist_ok=True)
    (out / "first_names.json").write_text(
        json.dumps({"version": 1, "fields": ["p_female", "log10_count", "common_word"],
                    "names": dict(sorted(table.items()))}, separators=(",", ":")),
        encoding="utf-8")
    np.savez_compressed(out / "birth_years.npz", names=np.array(age_names, dtype="<U20"),
                        years=year_axis, share=np.round(share * 65535).astype(np.uint16))
    write_sums(out)
    return {"names": len(table), "ssa_names": len(ssa_sex), "nqg_names": len(nqg),
            "age_names": len(age_names), "common_word_flags": sum(int(v[2]) for v in table.values())}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=models_root() / "names")
    args = ap.parse_args(argv)
    stats = compile_names(args.data, args.out)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
