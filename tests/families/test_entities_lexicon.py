"""The NER pipeline's gazetteer feature (enrich/families/entities/lexicon.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.util import load_config

from enrich.families.entities.lexicon import FACTORY, NerLexicon, add_to_config, build_phrases, tag_value
from enrich.modelstore import model_dir
from enrich.train.ner import CONFIG, finalize

PHRASES = {"New York": 1, "York": 1, "São Paulo": 1, "Paris": 3, "Jessica": 2, "rio de janeiro": 1}


_SHARED = NerLexicon(spacy.blank("en"))
_SHARED.set_phrases(PHRASES)


@pytest.fixture
def lexicon() -> NerLexicon:
    lex = NerLexicon(spacy.blank("en"))
    lex.set_phrases(PHRASES)
    return lex


def test_tag_values() -> None:
    assert [tag_value(m) for m in range(4)] == ["", "LEX_LOC", "LEX_PER", "LEX_LOC_PER"]


def test_longest_phrases_mark_every_token_they_cover(lexicon: NerLexicon) -> None:
    words = ["Jessica", "flew", "from", "NEW", "YORK", "to", "Rio", "de", "Janeiro", "via", "sao", "paulo",
             "and", "Paris"]
    assert lexicon.masks(words) == [2, 0, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 3]
    # a phrase needs all its words: "New" alone, or "de Janeiro" without "Rio", is nothing
    assert lexicon.masks(["New", "Jersey"]) == [0, 0]
    assert lexicon.masks(["de", "Janeiro"]) == [0, 0]
    # punctuation tokens break a phrase instead of folding into it
    assert lexicon.masks(["New", ",", "York"]) == [0, 0, 1]


def test_component_writes_tags(lexicon: NerLexicon) -> None:
    nlp = spacy.blank("en")
    doc = lexicon(nlp("Jessica loves New York"))
    assert [t.tag_ for t in doc] == ["LEX_PER", "", "LEX_LOC", "LEX_LOC"]
    doc[1].tag_ = "VBZ"  # a tag from elsewhere is replaced, not kept
    assert [t.tag_ for t in lexicon(doc)] == ["LEX_PER", "", "LEX_LOC", "LEX_LOC"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=12))
def test_any_words_get_one_valid_mask_each(words: list[str]) -> None:
    masks = _SHARED.masks(words)
    assert len(masks) == len(words) and all(0 <= m < 4 for m in masks)


def test_invalid_phrases_are_dropped() -> None:
    lex = NerLexicon(spacy.blank("en"))
    lex.set_phrases({"": 1, "!!!": 1, "Lima": 0, "Quito": 9, "Oslo": 1})
    assert lex.phrases == {"oslo": 1}


def test_disk_round_trip(lexicon: NerLexicon, tmp_path: Path) -> None:
    lexicon.to_disk(tmp_path / "lexicon")
    again = NerLexicon(spacy.blank("en")).from_disk(tmp_path / "lexicon")
    assert again.phrases == lexicon.phrases
    assert again.masks(["new", "york"]) == [1, 1]


def test_build_phrases_reads_places_and_names(tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    with names.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "female_count", "male_count", "total", "p_female"])
        writer.writerows([["Jessica", 900, 100, 1000, 0.9], ["Zyxw", 1, 2, 3, 0.33],
                          ["Paris", 800, 400, 1200, 0.67]])
    phrases = build_phrases(model_dir("gazetteer", "location"), names)
    assert phrases["jessica"] == 2 and "zyxw" not in phrases  # rare names left out
    assert phrases["paris"] == 3  # a city and a first name
    assert phrases["new york city"] == phrases["new york"] == phrases["texas"] == 1  # city, region
    assert phrases["france"] == 1  # a country
    assert all(k == k.lower() for k in phrases)


def test_training_config_puts_the_lexicon_first_and_hashes_tag(tmp_path: Path) -> None:
    path = tmp_path / "phrases.json"
    path.write_text(json.dumps(PHRASES), encoding="utf-8")
    cfg = add_to_config(load_config(CONFIG, interpolate=False), path)
    assert cfg["nlp"]["pipeline"] == ["lexicon", "tok2vec", "ner"]
    embed = cfg["components"]["tok2vec"]["model"]["embed"]
    assert embed["attrs"][-1] == "TAG" and len(embed["rows"]) == len(embed["attrs"])
    assert cfg["training"]["annotating_components"] == ["lexicon"]
    assert add_to_config(cfg, path)["nlp"]["pipeline"] == ["lexicon", "tok2vec", "ner"]  # idempotent


def test_a_trained_pipeline_saves_and_loads_its_lexicon(tmp_path: Path) -> None:
    """Build the training config's pipeline, initialize it, save it the way the trainer does, load it."""
    from spacy.training import Example
    from spacy.util import load_model_from_config

    path = tmp_path / "phrases.json"
    path.write_text(json.dumps(PHRASES), encoding="utf-8")
    cfg = add_to_config(load_config(CONFIG, interpolate=False), path)
    cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] = False
    nlp = load_model_from_config(cfg, auto_fill=True, validate=True)
    doc = nlp.make_doc("Jessica visited York")
    example = Example.from_dict(doc, {"entities": ["U-person", "O", "U-location"]})
    nlp.initialize(lambda: [example])
    assert nlp.get_pipe("lexicon").phrases == {"new york": 1, "york": 1, "sao paulo": 1, "paris": 3,
                                               "jessica": 2, "rio de janeiro": 1}
    nlp.to_disk(tmp_path / "model")
    finalize(tmp_path / "model")
    assert str(path) not in (tmp_path / "model" / "config.cfg").read_text(encoding="utf-8")
    again = spacy.load(tmp_path / "model")
    assert again.pipe_names == ["lexicon", "tok2vec", "ner"]
    assert [t.tag_ for t in again("Jessica visited York")] == ["LEX_PER", "", "LEX_LOC"]
    assert FACTORY in again.factory_names


def test_spacy_finds_the_factory_through_the_entry_point(tmp_path: Path) -> None:
    """A fresh interpreter that never imports enrich loads a pipeline with the lexicon."""
    import subprocess
    import sys

    nlp = spacy.blank("en")
    lex = nlp.add_pipe(FACTORY, name="lexicon")
    lex.set_phrases(PHRASES)
    nlp.to_disk(tmp_path / "p")
    code = "import spacy, sys; nlp = spacy.load(sys.argv[1]); print([t.tag_ for t in nlp('Jessica in York')])"
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "p")], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "['LEX_PER', '', 'LEX_LOC']"
