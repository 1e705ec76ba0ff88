"""A gazetteer feature for the tweet NER model: which tokens belong to a known place or first name.

WNUT-17 is about *emerging* entities: most names in its dev split never occur in training, so
the model's word features have nothing to go on. A token's membership in a list of place names
(GeoNames, through the project's gazetteer) or of first names (US Social Security records) is
evidence that carries over to unseen names. The component writes it into ``Token.tag_`` (the
pipeline has no tagger) as ``LEX_LOC``, ``LEX_PER`` or ``LEX_LOC_PER``, and the tok2vec's
``MultiHashEmbed`` reads ``TAG`` as one more hashed attribute, so the model learns how far to
trust it. Matching is on folded text (lower case, no accents), longest phrase first.

The factory is registered with spaCy through the package's ``spacy_factories`` entry point
(pyproject.toml), so ``spacy.load`` finds it without this module being imported first.

The phrase list is data of the trained pipeline: built by ``enrich.train.ner --lexicon`` and
saved in the pipeline folder (``lexicon/phrases.json``), so it is covered by the folder's
checksums like every other weight.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language
from spacy.tokens import Doc

from ...geo.normalize import fold

if TYPE_CHECKING:
    from spacy.training import Example

FACTORY = "enrich_ner_lexicon"
CLASSES = ("LOC", "PER")  # bit 0, bit 1
_FILE = "phrases.json"


def tag_value(mask: int) -> str:
    """The ``Token.tag_`` written for a class bitmask (empty for no class)."""
    names = [c for i, c in enumerate(CLASSES) if mask >> i & 1]
    return "LEX_" + "_".join(names) if names else ""


class NerLexicon:
    """Marks tokens inside known place names or first names (see the module docstring)."""

    def __init__(self, nlp: Language, name: str = "lexicon") -> None:
        self.name = name
        self.phrases: dict[str, int] = {}
        self._prefixes: frozenset[str] = frozenset()
        self._starts: frozenset[str] = frozenset()  # first words of phrases: most tokens stop here
        self._max_words = 1
        self._tags = [tag_value(m) for m in range(1 << len(CLASSES))]

    def set_phrases(self, phrases: Mapping[str, int]) -> None:
        folded = ((fold(k), int(v)) for k, v in phrases.items())
        clean = {k: v for k, v in folded if k and 0 < v < 1 << len(CLASSES)}
        self.phrases = clean
        prefixes: set[str] = set()
        for key in clean:
            words = key.split(" ")
            for n in range(1, len(words)):
                prefixes.add(" ".join(words[:n]))
        self._prefixes = frozenset(prefixes)
        self._starts = frozenset(k.split(" ", 1)[0] for k in clean)
        self._max_words = max((k.count(" ") + 1 for k in clean), default=1)

    def masks(self, words: Iterable[str]) -> list[int]:
        """The class bitmask of each word: the union over the known phrases covering it."""
        folded = [fold(w) for w in words]
        out = [0] * len(folded)
        phrases, prefixes, starts = self.phrases, self._prefixes, self._starts
        for i, first in enumerate(folded):
            if first not in starts:  # also a token that folds to several words, or to nothing
                continue
            key = first
            for j in range(i, min(len(folded), i + self._max_words)):
                if j > i:
                    nxt = folded[j]
                    if not nxt or " " in nxt:
                        break
                    key = f"{key} {nxt}"
                mask = phrases.get(key)
                if mask:
                    for k in range(i, j + 1):
                        out[k] |= mask
                if key not in prefixes:
                    break
        return out

    def __call__(self, doc: Doc) -> Doc:
        tags = self._tags
        for token, mask in zip(doc, self.masks(t.text for t in doc), strict=True):
            if mask or token.tag:  # new docs have no tag: most tokens need no write
                token.tag_ = tags[mask]
        return doc

    def initialize(self, get_examples: Callable[[], Iterable[Example]], *, nlp: Language | None = None,
                   path: str | None = None) -> None:
        if path is None:
            raise ValueError(f"[{FACTORY}] initialize needs the path of a phrases JSON file")
        self.set_phrases(json.loads(Path(path).read_text(encoding="utf-8")))

    def to_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / _FILE).write_text(json.dumps(self.phrases, ensure_ascii=False, sort_keys=True),
                                  encoding="utf-8")

    def from_disk(self, path: Path, *, exclude: Iterable[str] = ()) -> NerLexicon:
        self.set_phrases(json.loads((Path(path) / _FILE).read_text(encoding="utf-8")))
        return self


@Language.factory(FACTORY, assigns=["token.tag"])
def make_ner_lexicon(nlp: Language, name: str) -> NerLexicon:
    return NerLexicon(nlp, name)


def build_phrases(gazetteer_folder: Path, names_csv: Path, *, min_city_population: int = 15000,
                  min_name_count: int = 1000) -> dict[str, int]:
    """Phrases for the lexicon: GeoNames countries, first-level regions and cities of at least
    ``min_city_population`` (canonical names only; the gazetteer's alternate names include many
    machine transliterations), minus the gazetteer's list of common English words; and first
    names given to at least ``min_name_count`` US babies 1880–2020."""
    import csv

    from ...geo.gazetteer import ADMIN1, CITY, COUNTRY, Gazetteer

    gaz = Gazetteer(gazetteer_folder)
    phrases: dict[str, int] = {}
    for row, kind in enumerate(gaz.kind):
        if kind in (COUNTRY, ADMIN1) or (kind == CITY and gaz.population[row] >= min_city_population):
            key = fold(gaz.display[row].split(",")[0])
            if key and key not in gaz.common:
                phrases[key] = 1
    with names_csv.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            if int(rec["total"]) >= min_name_count:
                key = fold(rec["name"])
                if key:
                    phrases[key] = phrases.get(key, 0) | 2
    return phrases


def add_to_config(config: Any, phrases_path: Path) -> Any:
    """A training config with the lexicon first in the pipeline and ``TAG`` among the tok2vec's
    hashed attributes (``rows`` for it: a handful of values)."""
    config["nlp"]["pipeline"] = ["lexicon", *[p for p in config["nlp"]["pipeline"] if p != "lexicon"]]
    config["components"]["lexicon"] = {"factory": FACTORY}
    embed = config["components"]["tok2vec"]["model"]["embed"]
    if "TAG" not in embed["attrs"]:
        embed["attrs"] = [*embed["attrs"], "TAG"]
        embed["rows"] = [*embed["rows"], 64]
    config["initialize"]["components"]["lexicon"] = {"path": str(phrases_path)}
    annotating = list(config["training"].get("annotating_components", []))
    if "lexicon" not in annotating:
        config["training"]["annotating_components"] = [*annotating, "lexicon"]
    return config
