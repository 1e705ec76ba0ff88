"""Train the tweet NER pipeline shipped as ``models/ner-tweets/``.

Usage::

    python -m enrich.train.ner --data ../shared/data [--out models/ner-tweets]

Reads WNUT-17 and the Broad Twitter Corpus (CoNLL, BIO) from ``<data>/ner``, maps both label
sets onto the project's entity labels (:data:`LABEL_MAP`), and trains with spaCy's own training
loop on the config ``enrich/train/ner.cfg``, with the gazetteer feature of
:mod:`enrich.families.entities.lexicon` added (``--no-lexicon`` leaves it out). Model
selection (spaCy's ``model-best``) uses a held-out tenth of each *train* split, never the dev
splits: those are reserved for the accuracy report (``python -m enrich.evaluate.ner``).

Label mapping (documented in models/ner-tweets/CARD.md and docs/accuracy.md):

===================  =================  ==========================================
corpus tag           project label      note
===================  =================  ==========================================
WNUT person          person
WNUT location        location
WNUT corporation     organization       the two WNUT organization kinds are merged:
WNUT group           organization       BTC's ORG does not distinguish them
WNUT product         product
WNUT creative-work   creative_work
BTC PER              person             BTC tags @mentions of people and orgs
BTC ORG              organization
BTC LOC              location
===================  =================  ==========================================

WNUT leaves @mentions untagged while BTC tags them, so in WNUT sentences an untagged @mention
is marked *missing* (no gradient either way) instead of teaching the model that mentions are
never entities.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

CONFIG = Path(__file__).with_name("ner.cfg")

#: corpus tag type (after the ``B-``/``I-`` prefix) -> project label
LABEL_MAP: dict[str, str] = {
    # WNUT-17
    "person": "person",
    "location": "location",
    "corporation": "organization",
    "group": "organization",
    "product": "product",
    "creative-work": "creative_work",
    # Broad Twitter Corpus
    "PER": "person",
    "ORG": "organization",
    "LOC": "location",
}

CORPORA: dict[str, str] = {"wnut17": "wnut17", "btc": "btc"}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One CoNLL sentence: tokens and their BIO tags (corpus labels)."""

    words: tuple[str, ...]
    tags: tuple[str, ...]


def read_conll(path: Path) -> list[Sentence]:
    """Sentences of a two-column (token, BIO tag) CoNLL file.

    Blank lines separate sentences. Tokens that are empty or all whitespace (a few occur in the
    BTC dev split) are dropped; whitespace inside a token is removed so that a spaCy ``Doc`` can
    hold it as one token.
    """
    sentences: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            if words:
                sentences.append(Sentence(tuple(words), tuple(tags)))
            words, tags = [], []
            continue
        token, sep, tag = raw.rpartition("\t")
        if not sep:
            token, _, tag = raw.rpartition(" ")
        token = "".join(token.split())
        tag = tag.strip()
        if not token:
            continue
        words.append(token)
        tags.append(tag or "O")
    if words:
        sentences.append(Sentence(tuple(words), tuple(tags)))
    return sentences


def bio_spans(tags: Iterable[str]) -> list[tuple[int, int, str]]:
    """``(start, end, corpus_type)`` token spans of a BIO sequence (a stray ``I-`` opens a span)."""
    spans: list[tuple[int, int, str]] = []
    start = -1
    kind = ""
    tag_list = list(tags)
    for i, tag in enumerate([*tag_list, "O"]):
        prefix, _, typ = tag.partition("-")
        continues = prefix == "I" and typ == kind and start >= 0
        if start >= 0 and not continues:
            spans.append((start, i, kind))
            start, kind = -1, ""
        if prefix in ("B", "I") and not continues:
            start, kind = i, typ
    return spans


def is_mention(word: str) -> bool:
    return len(word) > 1 and word[0] in "@＠" and word[1:].replace("_", "a").isalnum()


def to_doc(vocab: Vocab, sentence: Sentence, *, mask_untagged_mentions: bool = False,
           mask_capitalized_outside: bool = False, mask_words: frozenset[str] = frozenset(),
           mask_tokens: frozenset[int] = frozenset()) -> Doc:
    """A gold ``Doc`` with project labels; unknown corpus types raise ``KeyError``.

    ``mask_untagged_mentions`` (WNUT) marks untagged @mentions *missing*.
    ``mask_capitalized_outside`` (BTC) marks untagged capitalised words after the first token
    *missing*: BTC does not annotate products or creative works, so its ``O`` on a capitalised
    word does not mean "no entity" in the project's scheme.
    ``mask_words`` (BTC) marks untagged words *missing* whose lower-cased form (without a
    leading ``#``) is in the set: the words of WNUT-17's product and creative-work spans.
    ``mask_tokens`` marks these token indices *missing* when untagged (see :func:`teacher_masks`).
    """
    doc = Doc(vocab, words=list(sentence.words))
    spans = bio_spans(sentence.tags)
    ents = [Span(doc, s, e, label=LABEL_MAP[k]) for s, e, k in spans]
    covered = {i for s, e, _ in spans for i in range(s, e)}
    missing: list[Span] = []
    for i, w in enumerate(sentence.words):
        if i in covered:
            continue
        if (mask_untagged_mentions and is_mention(w)) or (
                mask_capitalized_outside and i > 0 and w[:1].isupper() and w[:1] not in "@#") or (
                mask_words and w.lower().lstrip("#") in mask_words) or i in mask_tokens:
            missing.append(doc[i : i + 1])
    doc.set_ents(ents, missing=missing, default="outside")
    return doc


def held_out(sentence: Sentence, fraction: float = 0.1) -> bool:
    """Stable pseudo-random split of a train file into training and model-selection parts."""
    digest = hashlib.sha1(" ".join(sentence.words).encode("utf-8"), usedforsecurity=False).digest()
    return int.from_bytes(digest[:4], "big") < fraction * 2**32


def load_split(data: Path, corpus: str, split: str) -> list[Sentence]:
    return read_conll(data / "ner" / CORPORA[corpus] / f"{split}.conll")


WNUT_ONLY_TYPES = frozenset({"product", "creative-work"})


def wnut_only_words(sentences: Iterable[Sentence]) -> frozenset[str]:
    """Lower-cased words of WNUT-17's product and creative-work spans, minus stop words.

    BTC labels these spans O although they are entities in the project's scheme; its O on such
    a word is therefore not evidence either way.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    words: set[str] = set()
    for sent in sentences:
        for s, e, kind in bio_spans(sent.tags):
            if kind in WNUT_ONLY_TYPES:
                words.update(w.lower().lstrip("#") for w in sent.words[s:e])
    return frozenset(w for w in words if len(w) > 1 and any(c.isalnum() for c in w)
                     and w not in STOP_WORDS)


def span_pool(sentences: Iterable[Sentence]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Entity spans of ``sentences`` by project label: ``(words, corpus_type)`` pairs."""
    pool: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for sent in sentences:
        for s, e, kind in bio_spans(sent.tags):
            if kind in LABEL_MAP and not is_mention(sent.words[s]):
                pool.setdefault(LABEL_MAP[kind], []).append((sent.words[s:e], kind))
    return pool


def replace_entities(sentence: Sentence, pool: dict[str, list[tuple[tuple[str, ...], str]]],
                     rng: random.Random) -> Sentence | None:
    """``sentence`` with each entity span swapped for a random span of the same project label.

    Mention replacement (Dai & Adel, 2020): the context stays, the names change, so a small
    corpus teaches "what kind of slot holds a name" rather than "these names". @mention spans
    are kept (their form is the signal). ``None`` when the sentence has nothing to replace.
    """
    words: list[str] = []
    tags: list[str] = []
    last = 0
    replaced = False
    for s, e, kind in bio_spans(sentence.tags):
        words += sentence.words[last:s]
        tags += sentence.tags[last:s]
        choices = pool.get(LABEL_MAP.get(kind, ""), [])
        if choices and not is_mention(sentence.words[s]):
            new_words, new_kind = rng.choice(choices)
            replaced = True
        else:
            new_words, new_kind = sentence.words[s:e], kind
        words += new_words
        tags += [f"B-{new_kind}"] + [f"I-{new_kind}"] * (len(new_words) - 1)
        last = e
    words += sentence.words[last:]
    tags += sentence.tags[last:]
    return Sentence(tuple(words), tuple(tags)) if replaced else None


def teacher_masks(teacher: Path, sentences: Sequence[Sentence],
                  labels: frozenset[str] = frozenset({"product", "creative_work"})) -> list[frozenset[int]]:
    """Per sentence, the tokens a teacher pipeline puts in an entity of ``labels``.

    The teacher is trained on WNUT-17 alone (``--corpora wnut17``), so it knows products and
    creative works; where it finds one in a BTC sentence, BTC's ``O`` there is not evidence of
    "no entity" (BTC does not annotate those types), and the student treats it as missing.
    """
    import spacy

    nlp = spacy.load(teacher)
    docs = (Doc(nlp.vocab, words=list(s.words)) for s in sentences)
    return [frozenset(i for ent in doc.ents if ent.label_ in labels for i in range(ent.start, ent.end))
            for doc in nlp.pipe(docs, batch_size=256)]


def build_docbins(data: Path, work: Path, *, wnut_repeat: int = 2,
                  mask_btc_capitalized: bool = False,
                  mask_btc_lexicon: bool = False, augment: int = 0, seed: int = 0,
                  corpora: Sequence[str] = tuple(CORPORA),
                  teacher: Path | None = None) -> tuple[Path, Path, dict[str, int]]:
    """Write ``train.spacy`` and ``select.spacy`` (held-out tenth of each train split).

    ``augment`` adds that many entity-replaced copies (:func:`replace_entities`) of every
    training sentence that has an entity; replacements come from the training part only.
    ``corpora`` restricts training and selection to some corpora (a WNUT-17-only teacher);
    ``teacher`` masks BTC's ``O`` where that teacher finds a product or creative work.
    """
    vocab = Vocab()
    lexicon = (wnut_only_words(s for s in load_split(data, "wnut17", "train") if not held_out(s))
               if mask_btc_lexicon else frozenset())
    splits = {corpus: load_split(data, corpus, "train") for corpus in corpora}
    masks: dict[Sentence, frozenset[int]] = {}
    if teacher is not None and "btc" in splits:
        btc = [s for s in splits["btc"] if not held_out(s)]
        masks = dict(zip(btc, teacher_masks(teacher, btc), strict=True))
        counts_masked = sum(len(m) for m in masks.values())
        print(f"teacher masks {counts_masked} BTC tokens", file=sys.stderr)
    pool = span_pool(s for sents in splits.values() for s in sents if not held_out(s))
    rng = random.Random(seed)
    train, select = DocBin(), DocBin()
    counts: dict[str, int] = {}
    for corpus, sentences in splits.items():
        mask = corpus == "wnut17"
        repeat = wnut_repeat if corpus == "wnut17" else 1
        for sent in sentences:
            if held_out(sent):  # selection documents keep BTC's full annotation
                select.add(to_doc(vocab, sent, mask_untagged_mentions=mask))
                counts[f"{corpus}_select"] = counts.get(f"{corpus}_select", 0) + 1
                continue
            variants = [sent] * repeat
            for _ in range(augment):
                swapped = replace_entities(sent, pool, rng)
                if swapped is not None:
                    variants.append(swapped)
                    counts[f"{corpus}_augmented"] = counts.get(f"{corpus}_augmented", 0) + 1
            for variant in variants:
                train.add(to_doc(vocab, variant, mask_untagged_mentions=mask,
                                 mask_capitalized_outside=mask_btc_capitalized and corpus == "btc",
                                 mask_words=lexicon if corpus == "btc" else frozenset(),
                                 # token indices of the original sentence only
                                 mask_tokens=masks.get(sent, frozenset())
                                 if corpus == "btc" and variant is sent else frozenset()))
            counts[f"{corpus}_train"] = counts.get(f"{corpus}_train", 0) + 1
    work.mkdir(parents=True, exist_ok=True)
    train_path, select_path = work / "train.spacy", work / "select.spacy"
    train.to_disk(train_path)
    select.to_disk(select_path)
    return train_path, select_path, counts


def entity_key(words: Sequence[str]) -> str:
    """How entity texts are compared across sentences: words joined by a space, lower case."""
    return " ".join(words).lower()


def training_entity_keys(data: Path) -> frozenset[str]:
    """``entity_key`` of every entity in the training part (not the selection tenth) of the
    train splits: what a model trained on them has seen."""
    return frozenset(entity_key(s.words[a:b]) for corpus in CORPORA
                     for s in load_split(data, corpus, "train") if not held_out(s)
                     for a, b, _ in bio_spans(s.tags))


def selection_split(data: Path) -> dict[str, list[Sentence]]:
    """The held-out tenth of each train split (model selection and confidence calibration)."""
    return {corpus: [s for s in load_split(data, corpus, "train") if held_out(s)] for corpus in CORPORA}


def write_calibration(folder: Path, data: Path) -> dict[str, Any]:
    """Write ``calibration.json`` (see ``enrich.families.entities.confidence``) into ``folder``.

    Tables for the shipped model (loaded from ``folder``) and for en_core_web_sm, both measured
    on the held-out tenth of the train splits.
    """
    import spacy

    from ..evaluate.ner import calibration_outcomes
    from ..families.entities.confidence import build_table
    from ..families.entities.models import ONTONOTES_MAP, TWEETS_MAP, load_pipeline

    held = selection_split(data)
    tables: dict[str, Any] = {}
    pipelines = {"tweets": (spacy.load(folder), TWEETS_MAP)}
    sm, _, _ = load_pipeline("en_core_web_sm")
    pipelines["en_core_web_sm"] = (sm, ONTONOTES_MAP)
    for model, (nlp, label_map) in pipelines.items():
        outcomes: list[tuple[str, str, int, bool]] = []
        for corpus, sents in held.items():
            outcomes += calibration_outcomes(nlp, label_map, sents, corpus=corpus)
        tables[model] = build_table(outcomes)
    lines = ",\n".join(f" {json.dumps(m)}: {{\n" + ",\n".join(f"  {json.dumps(k)}: {json.dumps(v)}"
                                                           for k, v in t.items()) + "\n }"
                       for m, t in sorted(tables.items()))
    (folder / "calibration.json").write_text("{\n" + lines + "\n}\n")
    return tables


#: unlabeled tweet text for the word vectors (globs under the data folder); never the NER dev splits
UNLABELED = ("semeval2017_sentiment_train/downloaded/*.tsv", "tweeteval/*/train_text.txt",
             "tweeteval/*/val_text.txt", "xlmt_sentiment/english/*_text.txt")


def unlabeled_texts(data: Path) -> Iterator[str]:
    """Tweet texts of the shared data (sentiment and TweetEval sets) and the NER train sentences."""
    for pattern in UNLABELED:
        for path in sorted(data.glob(pattern)):
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                text = line.split("\t", 2)[-1] if path.suffix == ".tsv" else line
                if text.strip():
                    yield text
    for corpus in CORPORA:
        for sent in load_split(data, corpus, "train"):
            yield " ".join(sent.words)


def unlabeled_tokens(data: Path) -> Iterator[list[str]]:
    """:func:`unlabeled_texts` split by the family's tweet tokenizer (space tokens dropped), so
    vectors and pretraining see the same tokens as the model does at run time."""
    import spacy

    from ..families.entities.tokenizer import tweet_tokenizer

    nlp = spacy.blank("en")
    tweet_tokenizer(nlp)
    tokenizer: Any = nlp.tokenizer
    for doc in tokenizer.pipe(unlabeled_texts(data), batch_size=1000):
        yield [t.text for t in doc if not t.is_space]


def build_vectors(data: Path, work: Path, *, dim: int = 64, bucket: int = 20000, epochs: int = 5,
                  threads: int = 2) -> Path:
    """Train floret (subword-hashed fastText) vectors on unlabeled tweets; a spaCy vectors folder.

    Words are lower-cased and tokenized with the family's tweet tokenizer, so the vectors see
    the same tokens as the model does at run time. Floret keeps a fixed-size table of
    ``bucket`` rows (``bucket * dim * 4`` bytes) and gives every word, even an unseen one, a
    vector from its character n-grams.
    """
    import floret
    import spacy
    from spacy.training.initialize import convert_vectors

    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "unlabeled.txt"
    n = 0
    with corpus.open("w", encoding="utf-8") as fh:
        for words in unlabeled_tokens(data):
            fh.write(" ".join(w.lower() for w in words) + "\n")
            n += 1
    print(f"vectors: {n} unlabeled texts", file=sys.stderr)
    model = floret.train_unsupervised(str(corpus), model="cbow", mode="floret", hashCount=2,
                                      bucket=bucket, minn=3, maxn=5, minCount=3, dim=dim,
                                      epoch=epochs, thread=threads, verbose=0)
    vec_file = work / "vectors.floret"
    model.save_floret_vectors(str(vec_file))
    out = work / "vectors"
    vec_nlp = spacy.blank("en")
    convert_vectors(vec_nlp, vec_file, truncate=0, prune=-1, mode="floret", attr="LOWER")
    vec_nlp.to_disk(out)
    return out


PRETRAIN_CONFIG = """
[paths]
raw_text = null

[corpora]

[corpora.pretrain]
@readers = "spacy.JsonlCorpus.v1"
path = ${paths.raw_text}
min_length = 3
max_length = 200
limit = 0

[pretraining]
max_epochs = 10
dropout = 0.2
n_save_every = null
n_save_epoch = null
component = "tok2vec"
layer = ""
corpus = "corpora.pretrain"

[pretraining.batcher]
@batchers = "spacy.batch_by_words.v1"
size = 3000
discard_oversize = false
tolerance = 0.2
get_length = null

[pretraining.objective]
@architectures = "spacy.PretrainCharacters.v1"
maxout_pieces = 3
hidden_size = 300
n_characters = 4

[pretraining.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 0.00000001
learn_rate = 0.001
"""


def pretrain_tok2vec(data: Path, work: Path, config: Path, vectors: Path | None, *, epochs: int,
                     overrides: dict[str, object]) -> Path:
    """Pretrain the tok2vec layer on unlabeled tweets (spaCy's character objective).

    Each token learns to predict the first and last four characters of its neighbours' words
    from context, which gives the small NER corpora a tok2vec that has already seen ~145k
    tweets. ``config`` is :func:`pretraining_config`'s, the one training then uses, so the
    architecture is the same (``overrides`` included); returns the weights file for
    ``paths.init_tok2vec``.
    """
    from spacy.training.pretrain import pretrain
    from spacy.util import load_config

    out = work / "pretrain"
    out.mkdir(parents=True, exist_ok=True)
    raw = work / "pretrain.jsonl"
    with raw.open("w", encoding="utf-8") as fh:
        for words in unlabeled_tokens(data):
            fh.write(json.dumps({"text": " ".join(words)}, ensure_ascii=False) + "\n")
    settings = {**overrides, "paths.raw_text": str(raw), "pretraining.max_epochs": epochs,
                "paths.vectors": str(vectors) if vectors else None}
    if vectors is None:
        settings["components.tok2vec.model.embed.include_static_vectors"] = False
    pretrain(load_config(config, overrides=settings, interpolate=True), out, silent=False)
    return out / f"model{epochs - 1}.bin"


def pretraining_config(work: Path) -> Path:
    """``ner.cfg`` with the ``[pretraining]`` section filled in, written to ``work``.

    Training from pretrained weights needs this config too: spaCy loads ``init_tok2vec`` only
    when the config's ``[pretraining]`` section names the component to load it into.
    """
    from spacy.util import load_config
    from thinc.api import Config

    base = load_config(CONFIG, interpolate=False)
    merged = work / "pretrain.cfg"
    work.mkdir(parents=True, exist_ok=True)
    base.merge(Config().from_str(PRETRAIN_CONFIG, interpolate=False)).to_disk(merged)
    return merged


def lexicon_config(base_config: Path, work: Path, data: Path) -> Path:
    """``base_config`` with the gazetteer feature (:mod:`enrich.families.entities.lexicon`),
    its phrases built from the project's gazetteer and the shared data's first names."""
    from spacy.util import load_config

    from ..families.entities.lexicon import add_to_config, build_phrases
    from ..modelstore import model_dir

    work.mkdir(parents=True, exist_ok=True)
    phrases = build_phrases(model_dir("gazetteer", "location"),
                            data / "names" / "ssa_baby_names" / "ssa_names_aggregated_1880_2020.csv")
    phrases_path = work / "lexicon.json"
    phrases_path.write_text(json.dumps(phrases, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    merged = work / "lexicon.cfg"
    add_to_config(load_config(base_config, interpolate=False), phrases_path).to_disk(merged)
    return merged


MODEL_VERSION = "1.1.0"


def finalize(folder: Path) -> None:
    """Name the pipeline in ``meta.json`` and drop this machine's training paths from its config."""
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"name": "ner_tweets", "version": MODEL_VERSION, "license": "CC-BY-4.0",
                 "description": "Tweet NER (person, organization, location, product, creative_work) "
                                "trained on WNUT-17 and the Broad Twitter Corpus; see CARD.md"})
    meta.pop("performance", None)  # scores on the selection slice; CARD.md has the dev figures
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    cfg = folder / "config.cfg"
    head, sep, rest = cfg.read_text(encoding="utf-8").partition("[system]")
    head = re.sub(r"^(train|dev|vectors|init_tok2vec|raw_text) = .*$", r"\1 = null", head, flags=re.M)
    # the lexicon's phrases file is read once, at training; the pipeline folder has a copy
    rest = re.sub(r"^(\[initialize\.components\.lexicon\]\npath) = .*$", r"\1 = null", rest, flags=re.M)
    cfg.write_text(head + sep + rest, encoding="utf-8")


def _iter_model_files(folder: Path) -> Iterator[Path]:
    return (p for p in sorted(folder.rglob("*")) if p.is_file())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (holds ner/)")
    parser.add_argument("--out", type=Path, default=Path("models/ner-tweets"))
    parser.add_argument("--work", type=Path, default=None, help="keep DocBins and checkpoints here")
    parser.add_argument("--max-epochs", type=int, default=None)
    parser.add_argument("--wnut-repeat", type=int, default=2,
                        help="copies of each WNUT-17 sentence (it is the smaller, richer corpus)")
    parser.add_argument("--seed", type=int, default=2,
                        help="2 rebuilds the shipped model (chosen among seeds 2 and 3, see its CARD.md)")
    parser.add_argument("--augment", type=int, default=0,
                        help="entity-replaced copies of each training sentence with an entity")
    parser.add_argument("--btc-mask", action="store_true",
                        help="mark BTC's O on capitalised words missing (it has no products/works)")
    parser.add_argument("--btc-mask-lexicon", action="store_true",
                        help="mark BTC's O missing on words of WNUT-17 product/creative-work spans")
    parser.add_argument("--corpora", default=",".join(CORPORA),
                        help="comma-separated corpora to train and select on (default: all)")
    parser.add_argument("--btc-mask-teacher", type=Path, default=None,
                        help="a WNUT-17-only pipeline: BTC's O is missing where it finds a product/work")
    parser.add_argument("--no-vectors", action="store_true",
                        help="train without the floret vectors (a smaller, weaker model)")
    parser.add_argument("--vectors", type=Path, default=None,
                        help="reuse the vectors of a spaCy folder: WORK/vectors of an earlier run, or "
                             "a copy of models/ner-tweets for the shipped model's exact vectors")
    parser.add_argument("--pretrain-epochs", type=int, default=0,
                        help="pretrain tok2vec on unlabeled tweets for this many epochs first")
    parser.add_argument("--init-tok2vec", type=Path, default=None,
                        help="with --pretrain-epochs: reuse weights written by an earlier run")
    parser.add_argument("--lexicon", action=argparse.BooleanOptionalAction, default=True,
                        help="the gazetteer feature: known places and first names (default: on)")
    parser.add_argument("--calibrate-only", action="store_true",
                        help="only (re)write calibration.json and SHA256SUMS of --out")
    parser.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=JSON",
                        help="override a config value, e.g. --set training.dropout=0.3")
    args = parser.parse_args(argv)
    corpora = [c for c in args.corpora.split(",") if c]
    unknown = set(corpora) - set(CORPORA)
    if unknown:
        parser.error(f"unknown corpora {sorted(unknown)}; choose from {sorted(CORPORA)}")
    if args.init_tok2vec and not args.pretrain_epochs:
        parser.error("--init-tok2vec needs --pretrain-epochs (the epochs those weights were pretrained for)")
    if args.lexicon and args.pretrain_epochs:
        parser.error("--pretrain-epochs needs --no-lexicon (pretraining texts lack the lexicon's tags)")

    from spacy.cli.train import train as spacy_train

    from ..modelstore import write_sums

    if args.calibrate_only:
        finalize(args.out)
        write_calibration(args.out, args.data)
        write_sums(args.out)
        return 0

    work = args.work or Path(tempfile.mkdtemp(prefix="ner-tweets-"))
    train_path, select_path, counts = build_docbins(args.data, work, wnut_repeat=args.wnut_repeat,
                                                   mask_btc_capitalized=args.btc_mask,
                                                   mask_btc_lexicon=args.btc_mask_lexicon,
                                                   augment=args.augment, seed=args.seed,
                                                   corpora=corpora,
                                                   teacher=args.btc_mask_teacher)
    print("sentences:", counts, file=sys.stderr)
    overrides: dict[str, object] = {"paths.train": str(train_path), "paths.dev": str(select_path),
                                    "system.seed": args.seed}
    if args.no_vectors:
        overrides["components.tok2vec.model.embed.include_static_vectors"] = False
    else:
        overrides["paths.vectors"] = str(args.vectors or build_vectors(args.data, work))
    for item in args.set:
        key, _, value = item.partition("=")
        overrides[key] = json.loads(value)
    if args.max_epochs is not None:
        overrides["training.max_epochs"] = args.max_epochs
    config_path = pretraining_config(work) if args.pretrain_epochs else CONFIG
    if args.lexicon:
        config_path = lexicon_config(config_path, work, args.data)
    if args.pretrain_epochs:
        weights = args.init_tok2vec or pretrain_tok2vec(
            args.data, work, config_path,
            None if args.no_vectors else Path(str(overrides["paths.vectors"])),
            epochs=args.pretrain_epochs,
            overrides={k: v for k, v in overrides.items() if k.startswith("components.")})
        overrides["paths.init_tok2vec"] = str(weights)
    spacy_train(config_path, work / "output", overrides=overrides)

    best = work / "output" / "model-best"
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("config.cfg", "meta.json", "tokenizer", "vocab", "lexicon", "tok2vec", "ner"):
        target = args.out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        src = best / name
        if not src.exists():  # lexicon: only in pipelines trained with --lexicon
            continue
        if src.is_dir():
            shutil.copytree(src, target)
        else:
            shutil.copy2(src, target)

    finalize(args.out)
    write_calibration(args.out, args.data)
    write_sums(args.out)
    print(f"wrote {args.out}; files: {[p.name for p in _iter_model_files(args.out)]}", file=sys.stderr)
    print("score it on the dev splits: python -m enrich.evaluate.ner --data", args.data, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
