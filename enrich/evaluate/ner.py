"""Score the entities family's NER models on the WNUT-17 and BTC dev splits.

Usage::

    python -m enrich.evaluate.ner --data ../shared/data [--models tweets,en_core_web_sm] [--json]

Entity-level exact-match precision, recall and F1, typed (same token span and same label) and
untyped (same span), per corpus and per label. Both models run on the gold tokens of each
sentence, so tokenization does not blur the comparison. Gold tags are mapped with
:data:`enrich.train.ner.LABEL_MAP` (WNUT corporation and group become organization); predicted
labels with the model's own map (:data:`enrich.families.entities.models.ONTONOTES_MAP` for
en_core_web_sm). A predicted label the corpus does not annotate (event anywhere; product and
creative_work on BTC) is not scored, for either model.

Each typed F1 comes with a 95% bootstrap interval over the corpus's sentences, and each further
model is compared with the first by a paired bootstrap of the typed F1 difference (1,000
resamples, ``enrich.evaluate.stats``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..train.ner import LABEL_MAP, Sentence, bio_spans, entity_key, is_mention, load_split
from .stats import bootstrap_interval, paired_bootstrap

if TYPE_CHECKING:
    from spacy.language import Language

TokenSpan = tuple[int, int, str]

CORPUS_LABELS: dict[str, frozenset[str]] = {
    "wnut17": frozenset({"person", "organization", "location", "product", "creative_work"}),
    "btc": frozenset({"person", "organization", "location"}),
}


def gold_spans(sentence: Sentence) -> set[TokenSpan]:
    return {(s, e, LABEL_MAP[k]) for s, e, k in bio_spans(sentence.tags)}


def predict(nlp: Language, label_map: Mapping[str, str], sentences: Sequence[Sentence],
            batch_size: int = 256) -> Iterator[set[TokenSpan]]:
    """Predicted token spans with project labels (unmapped labels dropped), one set a sentence."""
    from spacy.tokens import Doc

    docs = (Doc(nlp.vocab, words=list(s.words)) for s in sentences)
    for doc in nlp.pipe(docs, batch_size=batch_size):
        yield {(e.start, e.end, label_map[e.label_]) for e in doc.ents if e.label_ in label_map}


def novel_only(sentences: Sequence[Sentence], golds: Sequence[set[TokenSpan]],
               preds: Sequence[set[TokenSpan]], known: frozenset[str]
               ) -> tuple[list[set[TokenSpan]], list[set[TokenSpan]]]:
    """Gold and predicted spans restricted to *novel* entities: gold entities whose lower-cased
    text is not in ``known`` (the entity strings of the training sentences) are taken out, and so
    are predictions overlapping them, so neither a found nor a missed known entity counts."""
    out_g: list[set[TokenSpan]] = []
    out_p: list[set[TokenSpan]] = []
    for sent, gold, pred in zip(sentences, golds, preds, strict=True):
        seen = [g for g in gold if entity_key(sent.words[g[0]:g[1]]) in known]
        out_g.append({g for g in gold if g not in seen})
        out_p.append({p for p in pred if not any(p[0] < k[1] and k[0] < p[1] for k in seen)})
    return out_g, out_p


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(p, 4), "r": round(r, 4), "f": round(f, 4)}


def score(golds: Iterable[set[TokenSpan]], preds: Iterable[set[TokenSpan]],
          labels: frozenset[str]) -> dict[str, Any]:
    """Typed, untyped and per-label P/R/F1 over predicted labels restricted to ``labels``."""
    tp = tp_u = n_pred = n_gold = 0
    per: dict[str, list[int]] = {lab: [0, 0, 0] for lab in sorted(labels)}
    for gold, pred_all in zip(golds, preds, strict=True):
        pred = {s for s in pred_all if s[2] in labels}
        tp += len(gold & pred)
        tp_u += len({s[:2] for s in gold} & {s[:2] for s in pred})
        n_pred += len(pred)
        n_gold += len(gold)
        for lab, counts in per.items():
            g = {s for s in gold if s[2] == lab}
            p = {s for s in pred if s[2] == lab}
            counts[0] += len(g & p)
            counts[1] += len(p)
            counts[2] += len(g)
    return {"typed": prf(tp, n_pred, n_gold), "untyped": prf(tp_u, n_pred, n_gold),
            "gold": n_gold, "predicted": n_pred, "correct": tp,
            "per_label": {lab: {**prf(*c), "gold": c[2]} for lab, c in per.items()}}


def calibration_outcomes(nlp: Language, label_map: Mapping[str, str], sentences: Sequence[Sentence],
                         *, corpus: str) -> Iterator[tuple[str, str, int, bool]]:
    """``(label, text, n_tokens, exactly right)`` for every prediction of a label the corpus
    annotates; see ``enrich.families.entities.confidence``.

    On BTC, which types @mentions, each @mention the model leaves untyped also yields an
    ``other`` outcome: right when the gold data does not type it either.
    """
    for sent, pred in zip(sentences, predict(nlp, label_map, sentences), strict=True):
        gold = gold_spans(sent)
        for s, e, lab in pred:
            if lab in CORPUS_LABELS[corpus]:
                yield lab, " ".join(sent.words[s:e]), e - s, (s, e, lab) in gold
        if corpus == "btc":
            in_pred = {i for s, e, _ in pred for i in range(s, e)}
            in_gold = {i for s, e, _ in gold for i in range(s, e)}
            for i, word in enumerate(sent.words):
                if is_mention(word) and i not in in_pred:
                    yield "other", word, 1, i not in in_gold


def evaluate(data: Path, models: Sequence[str], *, numpy_gemm: bool = True,
             split: str = "dev", novel: bool = False) -> dict[str, Any]:
    """Scores of each model; ``split="select"`` scores the held-out tenth of the train splits
    (what model selection may look at) instead of the dev splits (the reported figures).
    ``novel`` scores only entities absent from the training sentences (see ``novel_only``)."""
    import spacy

    from ..families.entities.models import load_pipeline
    from ..train.ner import selection_split, training_entity_keys

    sentences = (selection_split(data) if split == "select"
                 else {corpus: load_split(data, corpus, "dev") for corpus in CORPUS_LABELS})
    known = training_entity_keys(data) if novel else frozenset()
    plain_golds = {corpus: [gold_spans(s) for s in sents] for corpus, sents in sentences.items()}
    split_name = f"{split} novel" if novel else split
    results: dict[str, Any] = {}
    predictions: dict[str, dict[str, list[set[TokenSpan]]]] = {}
    golds_by_corpus: dict[str, list[set[TokenSpan]]] = {}
    for model in models:
        if Path(model).is_dir():  # a candidate pipeline folder, e.g. a training checkpoint
            nlp = spacy.load(model)
            label_map, name = folder_label_map(nlp), model
        else:
            nlp, label_map, name = load_pipeline(model, numpy_gemm=numpy_gemm)
        results[model] = {"model": name, "split": split_name}
        for corpus, labels in CORPUS_LABELS.items():
            sents = sentences[corpus]
            t0 = time.perf_counter()
            preds = list(predict(nlp, label_map, sents))
            secs = time.perf_counter() - t0
            golds = plain_golds[corpus]
            if novel:
                golds, preds = novel_only(sents, golds, preds, known)
            golds_by_corpus[corpus] = golds  # the same for every model (the paired comparison)
            res = score(golds, preds, labels)
            res["typed_f1_interval"] = [round(v, 4) for v in
                                        bootstrap_interval(typed_f1(labels), golds, preds)]
            predictions.setdefault(model, {})[corpus] = preds
            res["sentences"] = len(sents)
            res["sentences_per_second"] = round(len(sents) / secs, 1)
            results[model][corpus] = res
        results[model]["pooled"] = pooled(results[model])
    first, others = (models[0], models[1:]) if models else ("", [])
    for model in others:
        for corpus, labels in CORPUS_LABELS.items():
            diff = paired_bootstrap(typed_f1(labels), golds_by_corpus[corpus],
                                    predictions[first][corpus], predictions[model][corpus])
            # the first model's typed F1 minus this model's
            results[model][corpus]["first_minus_this"] = {
                "first": results[first]["model"], "delta": round(diff.delta, 4),
                "interval": [round(diff.low, 4), round(diff.high, 4)]}
    return results


def pooled(result: Mapping[str, Any]) -> dict[str, float]:
    """Typed P/R/F1 over the entities of both corpora together (each scored on its own labels)."""
    return prf(*(sum(int(result[c][k]) for c in CORPUS_LABELS) for k in ("correct", "predicted", "gold")))


def folder_label_map(nlp: Language) -> dict[str, str]:
    """Label map of a candidate pipeline: project labels, or OntoNotes ones (``enrich.train.ner_sm``)."""
    from ..families.entities.models import ONTONOTES_MAP, TWEETS_MAP

    ner: Any = nlp.get_pipe("ner")
    labels = set(ner.labels)
    return TWEETS_MAP if labels <= set(TWEETS_MAP) else ONTONOTES_MAP


def typed_f1(labels: frozenset[str]) -> Callable[[Sequence[set[TokenSpan]], Sequence[set[TokenSpan]]], float]:
    """Typed F1 pooled over the given sentences (the metric the bootstrap resamples)."""
    def metric(golds: Sequence[set[TokenSpan]], preds: Sequence[set[TokenSpan]]) -> float:
        return float(score(golds, preds, labels)["typed"]["f"])
    return metric


def markdown(results: Mapping[str, Any]) -> str:
    lines = ["| model | corpus | typed P | typed R | typed F1 [95% CI] | untyped P | untyped R "
             "| untyped F1 |", "|---|---|---|---|---|---|---|---|"]
    for res in results.values():
        for corpus in CORPUS_LABELS:
            t, u = res[corpus]["typed"], res[corpus]["untyped"]
            lo, hi = res[corpus]["typed_f1_interval"]
            lines.append(f"| {res['model']} | {corpus} {res['split']} | {t['p']:.3f} | {t['r']:.3f} "
                         f"| {t['f']:.3f} [{lo:.3f}, {hi:.3f}] | {u['p']:.3f} | {u['r']:.3f} "
                         f"| {u['f']:.3f} |")
    lines += ["", "| model | corpus | " + " | ".join(sorted(CORPUS_LABELS["wnut17"])) + " |",
              "|---|---|" + "---|" * len(CORPUS_LABELS["wnut17"])]
    for res in results.values():
        for corpus in CORPUS_LABELS:
            per = res[corpus]["per_label"]
            cells = [f"{per[lab]['f']:.3f}" if lab in per else "n/a"
                     for lab in sorted(CORPUS_LABELS["wnut17"])]
            lines.append(f"| {res['model']} | {corpus} {res['split']} | " + " | ".join(cells) + " |")
    if all("pooled" in res for res in results.values()):
        lines += ["", "| model | split | pooled typed P | pooled typed R | pooled typed F1 |",
                  "|---|---|---|---|---|"]
        lines += [f"| {res['model']} | {res['split']} | {res['pooled']['p']:.3f} | {res['pooled']['r']:.3f} "
                  f"| {res['pooled']['f']:.3f} |" for res in results.values()]
    diffs = [(res, corpus) for res in results.values() for corpus in CORPUS_LABELS
             if "first_minus_this" in res[corpus]]
    if diffs:
        lines += ["", "| comparison | corpus | typed F1 difference [95% CI] |", "|---|---|---|"]
        for res, corpus in diffs:
            d = res[corpus]["first_minus_this"]
            lines.append(f"| {d['first']} − {res['model']} | {corpus} {res['split']} "
                         f"| {d['delta']:+.3f} [{d['interval'][0]:+.3f}, {d['interval'][1]:+.3f}] |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (holds ner/)")
    parser.add_argument("--models", default="tweets,en_core_web_sm",
                        help="comma-separated: tweets, en_core_web_sm, or pipeline folders")
    parser.add_argument("--split", choices=("dev", "select"), default="dev",
                        help="dev splits (reported) or the held-out tenth of train (model selection)")
    parser.add_argument("--novel", action="store_true",
                        help="score only entities whose text is absent from the training sentences")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown tables")
    parser.add_argument("--blis", action="store_true", help="use thinc's BLIS gemm (default: numpy)")
    args = parser.parse_args(argv)
    results = evaluate(args.data, [m.strip() for m in args.models.split(",") if m.strip()],
                       numpy_gemm=not args.blis, split=args.split, novel=args.novel)
    sys.stdout.write(json.dumps(results, indent=2) if args.json else markdown(results))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
