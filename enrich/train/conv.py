"""Train the convolutional partner of the irony and hate heads (needs PyTorch).

    pip install -e '.[train-conv]'
    python -m enrich.train.conv irony --data ../shared/data
    python -m enrich.train.conv all --data ../shared/data --out models

Run it after ``python -m enrich.train.textclf`` for the same task: it reads the linear head in
``models/<task>/``, trains the convolutional model of ``enrich.textclf.conv`` on the task's
train split, checks that the numpy forward pass reproduces PyTorch's, saves ``conv.npz`` beside
the head, and scores the averaged pair on the validation split (recorded in ``head.json`` and
the card). ``--cv`` first repeats the selection evidence: 5-fold cross-validation on the train
split of the head alone, the convolutional model alone and their average.

Nothing here is tuned on a validation split: the architecture and the number of epochs were
chosen by 5-fold cross-validation on the train splits (docs/accuracy.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ..modelstore import write_sums
from ..textclf.conv import CONV_FILE, ConvHead, combine, lookup_table, word_ids
from ..textclf.features import Analysis, Featurizer
from ..textclf.linear import META_FILE, WEIGHTS_FILE, LinearHead
from ..textclf.tasks import TASKS, Task
from ..textclf.vectors import WordVectors, load_vectors
from .textclf import card, make_model, probe_record

SEED = 0
VERSION = "2"  # of a head with its partner (the linear head alone is version 1)


@dataclass(frozen=True, slots=True)
class ConvConfig:
    epochs: int
    widths: tuple[int, ...] = (1, 2, 3)
    filters: int = 100
    dropout: float = 0.5
    learning_rate: float = 1e-3
    batch: int = 32

    def to_json(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "widths": list(self.widths), "filters": self.filters,
                "dropout": self.dropout, "learning_rate": self.learning_rate, "batch": self.batch,
                "optimizer": "Adam", "loss": "cross-entropy, balanced class weights",
                "vectors": "frozen", "members": 1}


# Epochs chosen by 5-fold cross-validation on each train split (irony: 5 / 10 / 20; hate: 10 / 20).
CONFIGS = {"irony": ConvConfig(epochs=20), "hate": ConvConfig(epochs=10)}


def _torch() -> Any:
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit("enrich.train.conv needs PyTorch: pip install -e '.[train-conv]'") from exc
    return torch


def id_matrix(docs: Sequence[Sequence[str]], vectors: WordVectors) -> np.ndarray:
    """Word ids (row + 1 in the vector table, 0 for unknown words and padding), padded to one
    more column than the longest post so that every post has an all-zero window."""
    ids = [word_ids(d, vectors.index) for d in docs]
    out = np.zeros((len(ids), max((len(r) for r in ids), default=0) + 1), dtype=np.int64)
    for r, row in enumerate(ids):
        out[r, :len(row)] = row
    return out


def fit(config: ConvConfig, docs: Sequence[Sequence[str]], y: np.ndarray, n_labels: int,
        vectors: WordVectors, seed: int) -> ConvHead:
    """Train one model with PyTorch on posts given as word lists and return it as a numpy
    :class:`ConvHead` whose output matches the PyTorch model's."""
    ids = id_matrix(docs, vectors)
    torch = _torch()
    nn = torch.nn
    torch.manual_seed(seed)
    table = lookup_table(vectors)

    class Net(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.emb = nn.Embedding.from_pretrained(torch.tensor(table), freeze=True, padding_idx=0)
            self.convs = nn.ModuleList([nn.Conv1d(vectors.dim, config.filters, k, padding=k - 1)
                                        for k in config.widths])
            self.drop = nn.Dropout(config.dropout)
            self.out = nn.Linear(config.filters * len(config.widths), n_labels)

        def forward(self, x: Any) -> Any:
            e = self.emb(x).transpose(1, 2)
            pooled = [torch.relu(c(e)).max(2).values for c in self.convs]
            return self.out(self.drop(torch.cat(pooled, 1)))

    net = Net()
    counts = np.bincount(y, minlength=n_labels)
    weight = torch.tensor(len(y) / (n_labels * np.maximum(counts, 1)), dtype=torch.float32)
    opt = torch.optim.Adam([p for p in net.parameters() if p.requires_grad], lr=config.learning_rate)
    loss_fn = nn.CrossEntropyLoss(weight=weight)
    x_all, y_all = torch.tensor(ids), torch.tensor(y)
    rng = np.random.default_rng(seed)
    for _ in range(config.epochs):
        net.train()
        order = rng.permutation(len(y))
        for i in range(0, len(y), config.batch):
            j = torch.tensor(order[i:i + config.batch])
            opt.zero_grad()
            loss_fn(net(x_all[j]), y_all[j]).backward()
            opt.step()
    net.eval()
    filters = {}
    for k, conv in zip(config.widths, net.convs, strict=True):
        w = conv.weight.detach().numpy()  # F x dim x k
        # window layout in ConvHead: k*dim rows, word offset i at rows i*dim..(i+1)*dim
        filters[k] = (w.transpose(2, 1, 0).reshape(1, k * vectors.dim, config.filters).copy(),
                      conv.bias.detach().numpy().reshape(1, -1).copy())
    head = ConvHead(config.widths, filters, net.out.weight.detach().numpy().T[None].copy(),
                    net.out.bias.detach().numpy()[None].copy(), vectors)
    with torch.no_grad():
        sample = x_all[:512]
        reference = torch.softmax(net(sample), 1).numpy()
    ours = head.probabilities(docs[:512])
    gap = float(np.abs(ours - reference).max()) if len(docs) else 0.0
    if gap > 1e-4:
        raise RuntimeError(f"the numpy forward pass differs from PyTorch's by {gap}")
    return head


def cross_validate(task: Task, config: ConvConfig, linear: LinearHead, analysis: Analysis,
                   docs: Sequence[Sequence[str]], y: np.ndarray, log: Any) -> dict[str, float]:
    """Mean macro metric over 5 stratified folds of the train split (``analysis``, its posts'
    words ``docs`` and label indices ``y``): the linear head (the shipped C), the convolutional
    model and their average."""
    vectors = load_vectors(linear.params.vectors)
    scores: dict[str, list[float]] = {"linear": [], "conv": [], "average": []}
    for fold, (a, b) in enumerate(StratifiedKFold(5, shuffle=True, random_state=SEED).split(docs, y)):
        model = make_model(len(task.labels), float(linear.meta["C"])).fit(analysis.matrix[a], y[a])
        lin = model.predict_proba(analysis.matrix[b])
        conv = fit(config, [docs[i] for i in a], y[a], len(task.labels), vectors, SEED + fold)
        cnn = conv.probabilities([docs[i] for i in b])
        gold = [task.labels[i] for i in y[b]]
        for name, p in (("linear", lin), ("conv", cnn), ("average", combine(lin, cnn))):
            scores[name].append(task.metric(gold, [task.labels[i] for i in p.argmax(axis=1)]))
        print(f"[{task.name}] fold {fold}: " + ", ".join(f"{k} {v[-1]:.4f}" for k, v in scores.items()),
              file=log, flush=True)
    return {k: round(float(np.mean(v)), 4) for k, v in scores.items()}


def _score(task: Task, gold: Sequence[str], probs: np.ndarray) -> dict[str, Any]:
    pred = [task.labels[i] for i in probs.argmax(axis=1)]
    return {"metric": task.metric_name, "size": len(gold), "value": round(task.metric(gold, pred), 4)}


def train(task: Task, root: Path, out_root: Path, run_cv: bool, log: Any = sys.stderr) -> dict[str, Any]:
    t0 = time.perf_counter()
    config = CONFIGS[task.name]
    folder = out_root / task.model
    linear = LinearHead.load(folder)
    if linear.params.vectors == "":
        raise SystemExit(f"the {task.name} head reads no word vectors")
    vectors = load_vectors(linear.params.vectors)
    tr, va = task.train(root), task.val(root)
    feat = Featurizer(linear.params)
    analysis = feat.analyse(tr.texts)
    docs = [n.words.split() for n in analysis.normalized]
    y = np.array([task.labels.index(lab) for lab in tr.labels])
    record: dict[str, Any] = {"config": config.to_json(), "seed": SEED}
    if run_cv:
        record["cross_validation"] = cross_validate(task, config, linear, analysis, docs, y, log)
    conv = fit(config, docs, y, len(task.labels), vectors, SEED)
    conv.save(folder)
    meta = dict(linear.meta)  # keys a previous partner left are all replaced below
    meta["conv"] = {**record, "file": CONV_FILE}
    meta["version"] = VERSION
    linear.meta = meta
    linear.write_meta(folder)
    shipped = LinearHead.load(folder)  # what ships: float16 weights, with the partner
    if shipped.conv is None:
        raise RuntimeError("the saved head did not load its convolutional partner")
    val_analysis = feat.analyse(va.texts)
    alone = shipped.probabilities(val_analysis.matrix)
    both = shipped.predict(val_analysis, range(len(va)))
    meta["val_linear"] = _score(task, va.labels, alone)
    meta["val"] = _score(task, va.labels, both)
    meta["conv"]["seconds"] = round(time.perf_counter() - t0, 1)
    shipped.meta = meta
    meta["probe"] = probe_record(shipped)
    shipped.write_meta(folder)
    write_sums(folder, [WEIGHTS_FILE, CONV_FILE, META_FILE])
    (folder / "CARD.md").write_text(card(task, meta, folder))  # quotes SHA256SUMS, not listed in it
    print(f"[{task.name}] {task.metric_name} on {task.val_source}: head alone {meta['val_linear']['value']}, "
          f"with the convolutional partner {meta['val']['value']} ({meta['conv']['seconds']} s)",
          file=log, flush=True)
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.train.conv", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("task", choices=[*CONFIGS, "all"])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "models")
    ap.add_argument("--cv", action="store_true", help="also run the 5-fold selection check on train")
    args = ap.parse_args(argv)
    _torch().set_num_threads(1)  # reproducible sums, and the figures in docs were made this way
    for name in (list(CONFIGS) if args.task == "all" else [args.task]):
        train(TASKS[name], args.data, args.out, args.cv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
