"""The first-name list in ``models/names/first_names.json`` (SSA baby names + nomquamgender,
compiled by ``python -m enrich.train.names``), read by more than one family: demographics takes
gender and birth-year priors from it, location tells people's names from places with it."""

from __future__ import annotations

import json
from pathlib import Path

FIRST_NAMES_FILE = "first_names.json"


def read_first_names(folder: Path) -> dict[str, tuple[float, float, bool]]:
    """Folded name -> (p_female, log10 of US births, common-word flag). Fields are looked up by
    name in the file's ``fields`` list, so adding a field does not break readers."""
    raw = json.loads((folder / FIRST_NAMES_FILE).read_text(encoding="utf-8"))
    at = [raw["fields"].index(f) for f in ("p_female", "log10_count", "common_word")]
    return {k: (float(v[at[0]]), float(v[at[1]]), bool(v[at[2]])) for k, v in raw["names"].items()}
