"""Accuracy of the shipped sentiment, emotion, safety and irony classifiers on validation splits.

    python -m enrich.evaluate.textclf --data ../shared/data [--baseline] [--tasks sentiment,irony]

For every task: the shipped head (``models/<name>/``, the float16 weights as loaded by the
families) on the task's validation split, with the task's metric (macro-averaged recall for
sentiment, the SemEval 2017 metric; macro-F1 for the others). For sentiment also VADER alone
(compound >= 0.05 positive, <= -0.05 negative) and the multilingual model per language.
``--baseline`` also trains and scores the plain reference model of the issue on the same train
split: TF-IDF of word 1-2 and character 2-5 grams, logistic regression with default C=1 and no
class weights (liblinear, one-vs-rest, to keep the run bounded), raw text, no normalization,
and the shipped model's lead over it with a 95% paired-bootstrap interval (1,000 resamples of
the validation posts, ``enrich.evaluate.stats``). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from ..modelstore import model_dir
from ..textclf import data
from ..textclf.data import Split
from ..textclf.features import Featurizer, vader_scores
from ..textclf.linear import LinearHead
from ..textclf.tasks import TASKS, Task, macro_recall
from .stats import paired_bootstrap


def shipped_predictions(task: Task, val: Split) -> list[str]:
    head = LinearHead.load(model_dir(task.model, task.name))
    probs = head.predict(Featurizer(head.params).analyse(val.texts), range(len(val)))
    return [head.labels[i] for i in probs.argmax(axis=1)]


def vader_predictions(val: Split) -> list[str]:
    out = []
    for text in val.texts:
        c = vader_scores(text)["compound"]
        out.append("positive" if c >= 0.05 else "negative" if c <= -0.05 else "neutral")
    return out


def baseline_predictions(task: Task, train: Split, val: Split) -> list[str]:
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
    chars = TfidfVectorizer(analyzer="char", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
    x = sp.hstack([words.fit_transform(train.texts), chars.fit_transform(train.texts)], format="csr")
    xv = sp.hstack([words.transform(val.texts), chars.transform(val.texts)], format="csr")
    base = LogisticRegression(C=1.0, solver="liblinear", max_iter=1000)
    model = base if len(task.labels) == 2 else OneVsRestClassifier(base)
    model.fit(x, train.labels)
    return [str(p) for p in model.predict(xv)]


def profanity_agreement(root: Path, n: int) -> str:
    """Our token matcher against better-profanity's own matcher on validation posts."""
    from better_profanity import profanity as library

    from ..textclf import profanity

    texts = data.tweeteval(root, "offensive", "val").texts[:n]
    t0 = time.perf_counter()
    lib = [bool(library.contains_profanity(t)) for t in texts]
    t_lib = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = [bool(profanity.find(t)) for t in texts]
    t_ours = time.perf_counter() - t0
    agree = sum(a == b for a, b in zip(lib, ours, strict=True))
    both = sum(a and b for a, b in zip(lib, ours, strict=True))
    return (f"profanity on the first {len(texts)} posts of tweeteval/offensive val: agreement "
            f"{agree}/{len(texts)}; better-profanity flags {sum(lib)}, we flag {sum(ours)} ({both} "
            f"in common); {t_lib / len(texts) * 1e3:.1f} ms vs {t_ours / len(texts) * 1e6:.0f} µs a post")


def emotion_lexicon_agreement(root: Path) -> str:
    """How the Empath emotion counts line up with the TweetEval emotion labels on validation.

    A post is *covered* when it has a word in at least one of the four categories named like
    the labels (anger, joy, optimism, sadness); its lexicon reading is the category with the
    most words when one leads alone. Nothing is fitted: this only describes the counts."""
    from ..textclf import emotion_lexicon
    from ..textclf.normalize import normalize

    val = data.tweeteval(root, "emotion", "val")
    labels = ("anger", "joy", "optimism", "sadness")
    idx = [emotion_lexicon.CATEGORIES.index(lab) for lab in labels]
    covered = unique = right = 0
    for text, gold in zip(val.texts, val.labels, strict=True):
        found, _ = emotion_lexicon.count(normalize(text))
        counts = [found[i] for i in idx]
        top = max(counts)
        if top == 0:
            continue
        covered += 1
        if counts.count(top) == 1:
            unique += 1
            right += labels[counts.index(top)] == gold
    majority = max(val.labels.count(lab) for lab in labels) / len(val)
    return (f"emotion lexicon (Empath) on tweeteval/emotion val ({len(val)} posts): a word in one of "
            f"the four label categories in {covered} ({covered / len(val):.1%}); one category leads in "
            f"{unique}, and it is the gold label in {right} ({right / max(unique, 1):.1%}; the "
            f"majority label's share of all posts is {majority:.1%})")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.evaluate.textclf", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--tasks", default=",".join(TASKS))
    ap.add_argument("--baseline", action="store_true", help="also train and score the plain TF-IDF LR")
    ap.add_argument("--profanity", type=int, default=0, metavar="N",
                    help="also compare profanity matching with better-profanity on N posts")
    ap.add_argument("--emotion-lexicon", action="store_true",
                    help="also describe how the Empath emotion counts agree with the emotion labels")
    args = ap.parse_args(argv)
    rows = ["| task | validation split | n | metric | shipped model | plain TF-IDF LR "
            "| shipped − plain [95% CI] | VADER alone |",
            "|---|---|---|---|---|---|---|---|"]
    notes: list[str] = []
    for name in args.tasks.split(","):
        task = TASKS[name]
        t0 = time.perf_counter()
        val = task.val(args.data)
        pred = shipped_predictions(task, val)
        shipped = task.metric(val.labels, pred)
        base = lead = "not run"
        if args.baseline:
            plain = baseline_predictions(task, task.train(args.data), val)
            base = f"{task.metric(val.labels, plain):.4f}"
            lead = paired_bootstrap(task.metric, val.labels, pred, plain).markdown()
        vader = "n/a"
        if name in ("sentiment", "sentiment-xlmt"):
            vader = f"{macro_recall(val.labels, vader_predictions(val)):.4f}"
        rows.append(f"| {name} | {task.val_source} | {len(val)} | {task.metric_name} | "
                    f"**{shipped:.4f}** | {base} | {lead} | {vader} |")
        if any(val.groups):
            per = []
            for g in sorted(set(val.groups)):
                idx = [i for i, x in enumerate(val.groups) if x == g]
                per.append(f"{g} {task.metric([val.labels[i] for i in idx], [pred[i] for i in idx]):.4f}")
            notes.append(f"{name} by language ({task.metric_name}, shipped model): " + ", ".join(per))
        print(f"[{name}] done in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print("\n".join(rows))
    for note in notes:
        print(f"\n{note}")
    if args.profanity:
        print("\n" + profanity_agreement(args.data, args.profanity))
    if args.emotion_lexicon:
        print("\n" + emotion_lexicon_agreement(args.data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
