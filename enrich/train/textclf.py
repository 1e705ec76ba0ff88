"""Train the linear text classifiers of the sentiment, emotion, safety and irony families.

    python -m enrich.train.textclf all --data ../shared/data
    python -m enrich.train.textclf sentiment --data ../shared/data --out models

For each task: featurize the train split and choose the regularization strength C on the train
split alone (5-fold stratified cross-validation; for the large sentiment set, one stratified 15%
slice held back), never on the validation split; refit on the whole train split with that C,
save the head (float16 weights, ``.npz``) and report the metric of the saved head on the
validation split in ``head.json`` and ``CARD.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.multiclass import OneVsRestClassifier

from ..modelstore import write_sums
from ..textclf.conv import CONV_FILE
from ..textclf.features import DENSE_NAMES, Featurizer, FeaturizerParams
from ..textclf.linear import META_FILE, WEIGHTS_FILE, LinearHead
from ..textclf.tasks import MODEL_VERSION, TASKS, Task

SEED = 0
# The shipped featurizer: hashed n-grams, lexicon features and the tweet word vectors
# (models/tweet-vectors, `python -m enrich.train.vectors`). The vector block's weight (2.0 against
# unit-length n-gram blocks) was chosen by 5-fold cross-validation on the irony and hate train
# splits (weights 0, 0.3, 1, 2), never on a validation split.
PARAMS = FeaturizerParams(vectors="tweet-vectors", vectors_dim=100, vectors_weight=2.0)
HOLDOUT = 0.15
_TWEETEVAL = ("TweetEval (github.com/cardiffnlp/tweeteval; no restriction from TweetEval, the original "
              "task's licence applies: {}")
LICENCES = {
    "sentiment": "SemEval 2013-2016 task 4A via github.com/cbaziotis/datastories-semeval2017-task4 "
                 "(repository MIT), validation from TweetEval (github.com/cardiffnlp/tweeteval)",
    "sentiment-xlmt": "XLM-T multilingual sentiment, github.com/cardiffnlp/xlm-t (Apache-2.0 "
                      "repository; per-source dataset terms)",
    "emotion": _TWEETEVAL.format("SemEval 2018 task 1)"),
    "offensive": _TWEETEVAL.format("OffensEval 2019, OLID)"),
    "hate": _TWEETEVAL.format("SemEval 2019 task 5, HatEval)"),
    "irony": _TWEETEVAL.format("SemEval 2018 task 3)"),
}


# Hand-written probe posts: their probabilities are stored with each head so that a test notices
# when a change to the featurizer no longer matches the shipped weights.
PROBES = (
    "I love this so much, best day ever!! 😍 #blessed",
    "This is NOT ok. Worst service I have ever had :(",
    "The meeting moved to 3pm in room 204 @user http://example.com",
    "Oh great, another Monday, just what I needed...",
    "you are a stupid idiot, shut up",
)


def probe_record(head: LinearHead) -> dict[str, Any]:
    probs = head.predict(Featurizer(head.params).analyse(list(PROBES)), range(len(PROBES)))
    return {"texts": list(PROBES), "probabilities": [[round(float(v), 5) for v in row] for row in probs]}


def make_model(n_labels: int, c: float) -> Any:
    # liblinear's dual solver is fast on wide sparse rows; balanced weights serve macro metrics.
    base = LogisticRegression(C=c, solver="liblinear", dual=True, class_weight="balanced",
                              max_iter=300, random_state=SEED)
    return base if n_labels == 2 else OneVsRestClassifier(base)


def per_group(task: Task, gold: list[str], pred: list[str], groups: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for g in sorted(set(groups)):
        idx = [i for i, x in enumerate(groups) if x == g]
        out[g] = round(task.metric([gold[i] for i in idx], [pred[i] for i in idx]), 4)
    return out


def train(task: Task, root: Path, out_root: Path, log: Any = sys.stderr) -> dict[str, Any]:
    t0 = time.perf_counter()
    params = PARAMS
    feat = Featurizer(params)
    tr, va = task.train(root), task.val(root)
    x = feat.analyse(tr.texts).matrix
    y = np.array(tr.labels)
    idx = np.arange(len(y))
    if task.cv_folds:
        splits = list(StratifiedKFold(task.cv_folds, shuffle=True, random_state=SEED).split(idx, y))
        how = f"{task.cv_folds}-fold stratified cross-validation on the training data"
    else:
        splits = [tuple(train_test_split(idx, test_size=HOLDOUT, random_state=SEED, stratify=y))]
        how = f"a stratified {HOLDOUT:.0%} slice held back from the training data"
    selection: dict[str, float] = {}
    for c in task.grid:
        scores = []
        for fit_idx, sel_idx in splits:
            model = make_model(len(task.labels), c).fit(x[fit_idx], y[fit_idx])
            scores.append(task.metric(list(y[sel_idx]), list(model.predict(x[sel_idx]))))
        selection[str(c)] = round(float(np.mean(scores)), 4)
        print(f"[{task.name}] C={c}: {task.metric_name} {selection[str(c)]} ({how})", file=log, flush=True)
    best_c = max(task.grid, key=lambda c: (selection[str(c)], -c))
    model = make_model(len(task.labels), best_c).fit(x, y)
    folder = out_root / task.model
    meta: dict[str, Any] = {
        "task": task.name, "version": MODEL_VERSION, "C": best_c, "selection": selection,
        "selection_method": how,
        "selection_metric": task.metric_name, "train_source": task.train_source,
        "val_source": task.val_source, "train_size": len(tr),
        "train_label_counts": dict(Counter(tr.labels)), "dense_features": list(DENSE_NAMES),
    }
    head = LinearHead.from_sklearn(model, task.labels, params, meta)
    head.save(folder)
    stale = folder / CONV_FILE
    if stale.exists():  # the partner was trained next to the old head: retrain it for this one
        stale.unlink()
        print(f"[{task.name}] removed {stale.name}: run `python -m enrich.train.conv {task.name}` "
              "again", file=log, flush=True)
    shipped = LinearHead.load(folder)  # measure what ships: the float16 weights
    xv = feat.analyse(va.texts).matrix
    pred = [shipped.labels[i] for i in shipped.probabilities(xv).argmax(axis=1)]
    val_metric = round(task.metric(va.labels, pred), 4)
    meta["val"] = {"metric": task.metric_name, "value": val_metric, "size": len(va)}
    if any(va.groups):
        meta["val"]["by_language"] = per_group(task, va.labels, pred, va.groups)
    meta["probe"] = probe_record(shipped)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    shipped.meta = meta
    shipped.write_meta(folder)
    write_sums(folder, [WEIGHTS_FILE, META_FILE])
    (folder / "CARD.md").write_text(card(task, meta, folder))  # quotes SHA256SUMS, not listed in it
    print(f"[{task.name}] C={best_c}; {task.metric_name} on {task.val_source}: {val_metric} "
          f"({meta['seconds']} s)", file=log, flush=True)
    return meta


def card(task: Task, meta: dict[str, Any], folder: Path) -> str:
    size = (folder / WEIGHTS_FILE).stat().st_size
    sums = (folder / "SHA256SUMS").read_text().strip()
    by_lang = meta["val"].get("by_language")
    lang_lines = ""
    if by_lang:
        lang_lines = "\nBy language: " + ", ".join(f"{k} {v}" for k, v in by_lang.items()) + "\n"
    conv = meta.get("conv")
    partner = files = rebuild = val_note = ""
    if conv:
        cfg = conv["config"]
        cv = conv.get("cross_validation")
        cv_line = (f"\n- Selection (5-fold cross-validation on the train split, fold seed 0; "
                   f"{task.metric_name}): head alone {cv['linear']}, partner alone {cv['conv']}, "
                   f"averaged {cv['average']}" if cv else "")
        widths = ", ".join(map(str, cfg["widths"]))
        partner = f"""
**Convolutional partner** (`enrich.textclf.conv`, `{conv['file']}`): the head's probabilities are
averaged with those of a small convolutional network over the frozen `models/tweet-vectors` word
vectors, run in numpy. Its architecture and number of epochs were chosen by cross-validation on
the train split, never on validation.

- Network: widths {widths} with {cfg["filters"]} filters each, ReLU, max over positions, one linear layer
- Training: PyTorch, {cfg["epochs"]} epochs, Adam (learning rate {cfg["learning_rate"]}), dropout
  {cfg["dropout"]}, balanced class weights, seed {conv["seed"]}{cv_line}
"""
        files = (f", `{conv['file']}` ({(folder / conv['file']).stat().st_size} bytes; float16 filters, "
                 "see `enrich/textclf/conv.py`)")
        rebuild = (f", then `python -m enrich.train.conv {task.name} --data ../shared/data --cv` "
                   "(needs PyTorch)")
        val_note = f" (the linear head alone: {meta['val_linear']['value']})"
    val, data = meta["val"]["value"], "--data ../shared/data"
    return f"""# {task.model}

Linear classifier ({task.name}) of the `enrich` project, over the shared hashed features of
`enrich.textclf` (tweet normalization; word 1-2 grams hashed into 2^18 buckets, character 2-5
grams into 2^18, each sublinear-tf and L2-normalized; {len(DENSE_NAMES)} dense features: VADER
neg/neu/pos/compound and emphasis counts; the 100-dimensional mean word vector of the post from
`models/tweet-vectors`, weight 2.0). Logistic regression (liblinear, balanced class
weights, {'one-vs-rest' if len(task.labels) > 2 else 'binary'}), weights stored as float16.
{partner}
- Labels: {", ".join(task.labels)}
- Training data: {task.train_source}; {meta['train_size']} posts {json.dumps(meta['train_label_counts'])}
- Selection: C chosen by {meta['selection_method']}
  ({json.dumps(meta['selection'])}; {task.metric_name}); the model was then refitted on all of it.
  No hyperparameter was chosen on the validation split (docs/accuracy.md states one process
  caveat about how the selection procedure itself was settled).
- Validation ({task.val_source}, {meta['val']['size']} posts): **{task.metric_name} {val}**{val_note}
{lang_lines}- Data source and licence: {LICENCES[task.name]}; the tweets themselves fall under the X/Twitter
  terms. The weights are a statistical summary (hashed n-gram weights) and contain no tweet text.
  Origin of each set: `../shared/data/SOURCES/`.
- Files: `{WEIGHTS_FILE}` ({size} bytes; `weights` float16 features x outputs, `bias` float32;
  load with `numpy.load(..., allow_pickle=False)`), `{META_FILE}` (labels, featurizer parameters,
  training record){files}.
- Version {meta['version']}; rebuild: `python -m enrich.train.textclf {task.name} {data}`{rebuild}

SHA256:

```
{sums}
```
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.train.textclf", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=[*TASKS, "all"])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "models")
    args = ap.parse_args(argv)
    names = list(TASKS) if args.task == "all" else [args.task]
    for name in names:
        train(TASKS[name], args.data, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
