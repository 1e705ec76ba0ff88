"""NER training data: CoNLL reading, BIO spans, label mapping, masking, split, and scoring."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from spacy.tokens import Doc
from spacy.vocab import Vocab

from enrich.evaluate.ner import gold_spans, score
from enrich.train.ner import (
    CONFIG,
    LABEL_MAP,
    Sentence,
    bio_spans,
    entity_key,
    held_out,
    is_mention,
    lexicon_config,
    read_conll,
    replace_entities,
    span_pool,
    teacher_masks,
    to_doc,
    training_entity_keys,
    wnut_only_words,
)

CONLL = ("@kim_x\tO\nsaw\tO\nNew\tB-location\nYork\tI-location\nwith\tO\nAcme\tB-corporation\n\n"
         "  \tO\nhi\tO\nThe\tB-group\nBand\tI-group\n\n\n")


def test_read_conll(tmp_path: Path) -> None:
    path = tmp_path / "x.conll"
    path.write_text(CONLL, encoding="utf-8")
    sents = read_conll(path)
    assert [s.words for s in sents] == [("@kim_x", "saw", "New", "York", "with", "Acme"),
                                        ("hi", "The", "Band")]
    assert sents[0].tags[2:4] == ("B-location", "I-location")


def test_bio_spans() -> None:
    assert bio_spans(["O", "B-PER", "I-PER", "B-PER", "O"]) == [(1, 3, "PER"), (3, 4, "PER")]
    assert bio_spans(["I-LOC", "I-LOC", "I-ORG"]) == [(0, 2, "LOC"), (2, 3, "ORG")]
    assert bio_spans(["O", "O"]) == []


def test_label_map_merges_organizations() -> None:
    sent = Sentence(("Acme", "and", "The", "Band"), ("B-corporation", "O", "B-group", "I-group"))
    assert gold_spans(sent) == {(0, 1, "organization"), (2, 4, "organization")}
    assert LABEL_MAP["creative-work"] == "creative_work" and LABEL_MAP["PER"] == "person"


def test_untagged_mentions_are_masked_in_wnut() -> None:
    sent = Sentence(("@kim_x", "saw", "@Paris_FC"), ("O", "O", "B-group"))
    doc = to_doc(Vocab(), sent, mask_untagged_mentions=True)
    assert [t.ent_iob_ for t in doc] == ["", "O", "B"]
    plain = to_doc(Vocab(), sent)
    assert [t.ent_iob_ for t in plain] == ["O", "O", "B"]
    assert is_mention("@kim_x") and not is_mention("@") and not is_mention("email@x")


def test_wnut_only_words_mask_btc_outside_tokens() -> None:
    wnut = [Sentence(("got", "the", "Zorblax", "Phone", "and", "Kim"),
                     ("O", "B-product", "I-product", "I-product", "O", "B-person")),
            Sentence(("watching", "#StarQuest", "tonight"), ("O", "B-creative-work", "O"))]
    words = wnut_only_words(wnut)
    assert words == {"zorblax", "phone", "starquest"}  # no stop words, no person words
    btc = Sentence(("Zorblax", "phone", "by", "Kim", "#starquest"), ("B-ORG", "O", "O", "B-PER", "O"))
    doc = to_doc(Vocab(), btc, mask_words=words)
    assert [t.ent_iob_ for t in doc] == ["B", "", "O", "B", ""]  # tagged spans keep their label


def test_replace_entities_swaps_spans_of_the_same_label() -> None:
    pool = span_pool([Sentence(("met", "Ana", "Lima", "in", "Oslo", "@bo"),
                               ("O", "B-PER", "I-PER", "O", "B-LOC", "B-PER")),
                      Sentence(("Acme", "rocks"), ("B-corporation", "O"))])
    assert pool == {"person": [(("Ana", "Lima"), "PER")], "location": [(("Oslo",), "LOC")],
                    "organization": [(("Acme",), "corporation")]}  # the @mention is not pooled
    sent = Sentence(("@kim", "says", "Bob", "left", "Paris", "for", "The", "Band", "!"),
                    ("B-PER", "O", "B-person", "O", "B-location", "O", "B-group", "I-group", "O"))
    out = replace_entities(sent, pool, random.Random(0))
    assert out == Sentence(
        ("@kim", "says", "Ana", "Lima", "left", "Oslo", "for", "Acme", "!"),
        ("B-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "O", "B-corporation", "O"))
    assert replace_entities(Sentence(("@kim", "hi"), ("B-PER", "O")), pool, random.Random(0)) is None
    assert replace_entities(Sentence(("no", "names"), ("O", "O")), pool, random.Random(0)) is None


def test_teacher_masks_mark_btc_outside_tokens_missing(tmp_path: Path) -> None:
    import spacy

    teacher = spacy.blank("en")
    ruler: Any = teacher.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "product", "pattern": [{"LOWER": "zorblax"}, {"LOWER": "phone"}]},
                        {"label": "person", "pattern": "Kim"}])
    teacher.to_disk(tmp_path / "teacher")
    sents = [Sentence(("Kim", "got", "a", "Zorblax", "phone"), ("B-PER", "O", "O", "O", "O")),
             Sentence(("nothing", "here"), ("O", "O"))]
    masks = teacher_masks(tmp_path / "teacher", sents)
    assert masks == [frozenset({3, 4}), frozenset()]  # person is not a BTC blind spot
    doc = to_doc(Vocab(), sents[0], mask_tokens=masks[0])
    assert [t.ent_iob_ for t in doc] == ["B", "O", "O", "", ""]


def test_held_out_is_stable() -> None:
    sents = [Sentence((f"w{i}", "x"), ("O", "O")) for i in range(2000)]
    first = [held_out(s) for s in sents]
    assert first == [held_out(s) for s in sents]
    assert 120 < sum(first) < 280


def test_score_typed_and_untyped() -> None:
    gold = [{(0, 1, "person"), (2, 4, "location")}]
    pred = [{(0, 1, "organization"), (2, 4, "location"), (5, 6, "event")}]
    res = score(gold, pred, frozenset({"person", "organization", "location"}))
    assert res["typed"] == {"p": 0.5, "r": 0.5, "f": 0.5}
    assert (res["correct"], res["predicted"], res["gold"]) == (1, 2, 2)
    assert res["untyped"] == {"p": 1.0, "r": 1.0, "f": 1.0}  # event is not scored
    assert res["per_label"]["location"]["f"] == 1.0


def test_shared_conll_tags_are_all_mapped(shared_data: Path) -> None:
    for corpus in ("wnut17", "btc"):
        for split in ("train", "dev"):
            for sent in read_conll(shared_data / "ner" / corpus / f"{split}.conll"):
                doc = to_doc(Vocab(), sent)
                assert isinstance(doc, Doc)
                assert all(t.split("-", 1)[-1] in LABEL_MAP for t in sent.tags if t != "O")


def test_pretrain_tok2vec_writes_weights_the_trainer_can_load(tmp_path: Path) -> None:
    import spacy
    from spacy.util import load_config

    from enrich.train.ner import CONFIG, pretrain_tok2vec, pretraining_config

    data = tmp_path / "data"
    for corpus in ("wnut17", "btc"):
        (data / "ner" / corpus).mkdir(parents=True)
        (data / "ner" / corpus / "train.conll").write_text(CONLL * 3, encoding="utf-8")
    (data / "tweeteval" / "irony").mkdir(parents=True)
    lines = [f"post number {i} about #Tuesday plans with @friend in Paris" for i in range(40)]
    (data / "tweeteval" / "irony" / "train_text.txt").write_text("\n".join(lines), encoding="utf-8")
    config_path = pretraining_config(tmp_path / "work")
    weights = pretrain_tok2vec(data, tmp_path / "work", config_path, None, epochs=1, overrides={})
    assert weights.is_file() and weights.stat().st_size > 0
    # Training loads the weights only through the config carrying [pretraining]: check it does.
    config = load_config(config_path, overrides={
        "paths.init_tok2vec": str(weights),
        "components.tok2vec.model.embed.include_static_vectors": False})
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    assert nlp.get_pipe("tok2vec").model.to_bytes() == weights.read_bytes()
    plain = spacy.util.load_model_from_config(load_config(CONFIG, overrides={
        "paths.init_tok2vec": str(weights),
        "components.tok2vec.model.embed.include_static_vectors": False}), auto_fill=True)
    plain.initialize()
    assert plain.get_pipe("tok2vec").model.to_bytes() != weights.read_bytes()


def _fake_data(root: Path) -> Path:
    """A shared-data folder with one training file per corpus and the names table."""
    for corpus in ("wnut17", "btc"):
        folder = root / "ner" / corpus
        folder.mkdir(parents=True)
        (folder / "train.conll").write_text(CONLL, encoding="utf-8")
    names = root / "names" / "ssa_baby_names"
    names.mkdir(parents=True)
    (names / "ssa_names_aggregated_1880_2020.csv").write_text(
        "name,female_count,male_count,total,p_female\nZorbina,5000,100,5100,0.98\n", encoding="utf-8")
    return root


def test_training_entity_keys_leave_out_the_selection_tenth(tmp_path: Path) -> None:
    data = _fake_data(tmp_path / "data")
    keys = training_entity_keys(data)
    expected = {entity_key(s.words[a:b]) for s in read_conll(data / "ner" / "btc" / "train.conll")
                if not held_out(s) for a, b, _ in bio_spans(s.tags)}
    assert keys == expected
    assert entity_key(("New", "York")) == "new york"


def test_lexicon_config_builds_phrases_and_the_pipeline(tmp_path: Path) -> None:
    from spacy.util import load_config

    data = _fake_data(tmp_path / "data")
    path = lexicon_config(CONFIG, tmp_path / "work", data)
    cfg = load_config(path, interpolate=False)
    assert cfg["nlp"]["pipeline"] == ["lexicon", "tok2vec", "ner"]
    phrases = json.loads((tmp_path / "work" / "lexicon.json").read_text(encoding="utf-8"))
    assert phrases["zorbina"] == 2 and phrases["london"] & 1
