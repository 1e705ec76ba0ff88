"""Fine-tuning en_core_web_sm's ner on tweets (the tweets-sm model's trainer)."""

from __future__ import annotations

import io
from pathlib import Path

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from enrich.evaluate.ner import folder_label_map
from enrich.families.entities.models import ONTONOTES_MAP, TWEETS_MAP
from enrich.train.ner import Sentence, to_doc
from enrich.train.ner_sm import TO_ONTONOTES, finetune, load_base, selection_score, to_example

SENTS = [Sentence(("@kim_x", "saw", "Ana", "Lima", "in", "Oslo"),
                  ("O", "O", "B-person", "I-person", "O", "B-location")),
         Sentence(("got", "the", "Zorblax", "phone", "from", "Acme"),
                  ("O", "O", "B-product", "I-product", "O", "B-corporation"))]


def _docs(vocab: Vocab) -> list[Doc]:
    return [to_doc(vocab, s, mask_untagged_mentions=True) for s in SENTS]


def test_to_example_renames_labels_and_keeps_missing_tokens() -> None:
    nlp = spacy.blank("en")
    doc = _docs(nlp.vocab)[0]
    ex = to_example(nlp, doc, lower=True)
    ref = ex.reference
    assert [t.text for t in ref] == ["@kim_x", "saw", "ana", "lima", "in", "oslo"]
    assert [(e.text, e.label_) for e in ref.ents] == [("ana lima", "PERSON"),
                                                      ("oslo", "GPE")]
    assert ref[0].ent_iob_ == "" and ref[1].ent_iob_ == "O"  # the untagged mention stays missing
    assert set(TO_ONTONOTES.values()) <= {"PERSON", "ORG", "GPE", "PRODUCT", "WORK_OF_ART"}


def test_finetune_writes_the_best_checkpoint(tmp_path: Path) -> None:
    nlp = load_base()
    assert nlp.pipe_names == nlp.component_names == ["ner"]
    held = {"wnut17": SENTS, "btc": SENTS[:1]}
    before, _ = selection_score(nlp, held)
    log = io.StringIO()
    best = finetune(nlp, _docs(nlp.vocab) * 8, held, tmp_path / "best", batch_size=4,
                    eval_every=1, patience=2, max_epochs=2, log=log)
    assert "selection F1" in log.getvalue()
    assert 0 <= before <= 1 and 0 <= best <= 1
    reloaded = spacy.load(tmp_path / "best")
    assert reloaded.component_names == ["ner"]
    assert "PERSON" in reloaded.get_pipe("ner").labels
    assert folder_label_map(reloaded) is ONTONOTES_MAP  # the evaluator maps its labels back


def test_folder_label_map_of_a_project_pipeline() -> None:
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for label in ("person", "creative_work"):
        ner.add_label(label)
    assert folder_label_map(nlp) is TWEETS_MAP
