"""The shipped classifiers: which data each is trained and validated on, and its metric."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import f1_score, recall_score

from . import data

MODEL_VERSION = "1"


def macro_recall(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The SemEval 2017 task 4A metric: recall averaged over the classes."""
    return float(recall_score(list(gold), list(pred), average="macro"))


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    return float(f1_score(list(gold), list(pred), average="macro"))


@dataclass(frozen=True, slots=True)
class Task:
    name: str
    model: str  # folder under models/
    labels: tuple[str, ...]
    metric_name: str
    metric: Callable[[Sequence[str], Sequence[str]], float]
    train: Callable[[Path], data.Split]
    val: Callable[[Path], data.Split]
    train_source: str
    val_source: str
    grid: tuple[float, ...]  # values of C tried on the training data
    cv_folds: int = 5  # 0: one held-back slice instead (large sets)


def _sentiment_val(root: Path) -> data.Split:
    return data.tweeteval(root, "sentiment", "val")


def _sentiment_train(root: Path) -> data.Split:
    return data.semeval_sentiment(root, exclude=_sentiment_val(root))


def _tweeteval(task: str, split: str) -> Callable[[Path], data.Split]:
    return lambda root: data.tweeteval(root, task, split)


TASKS: dict[str, Task] = {
    "sentiment": Task(
        "sentiment", "sentiment-en", data.SENTIMENT_LABELS, "macro-averaged recall", macro_recall,
        _sentiment_train, _sentiment_val,
        "semeval2017_sentiment_train (SemEval 2013-2016 task 4A, deduplicated, minus every tweet "
        "that also appears in the TweetEval sentiment validation split)",
        "tweeteval/sentiment val", (1.0, 3.0, 10.0), cv_folds=0),
    "sentiment-xlmt": Task(
        "sentiment-xlmt", "sentiment-xlmt", data.SENTIMENT_LABELS, "macro-averaged recall",
        macro_recall, lambda root: data.xlmt(root, "train"), lambda root: data.xlmt(root, "val"),
        "xlmt_sentiment train (ar, de, en, es, fr, hi, it, pt)", "xlmt_sentiment val",
        (0.3, 1.0, 3.0, 10.0)),
    "emotion": Task(
        "emotion", "emotion", data.TWEETEVAL_LABELS["emotion"], "macro-F1", macro_f1,
        _tweeteval("emotion", "train"), _tweeteval("emotion", "val"),
        "tweeteval/emotion train", "tweeteval/emotion val", (1.0, 3.0, 10.0, 30.0)),
    "offensive": Task(
        "offensive", "offensive", data.TWEETEVAL_LABELS["offensive"], "macro-F1", macro_f1,
        _tweeteval("offensive", "train"), _tweeteval("offensive", "val"),
        "tweeteval/offensive train", "tweeteval/offensive val", (0.3, 1.0, 3.0, 10.0)),
    "hate": Task(
        "hate", "hate", data.TWEETEVAL_LABELS["hate"], "macro-F1", macro_f1,
        _tweeteval("hate", "train"), _tweeteval("hate", "val"),
        "tweeteval/hate train", "tweeteval/hate val", (0.3, 1.0, 3.0, 10.0)),
    "irony": Task(
        "irony", "irony", data.TWEETEVAL_LABELS["irony"], "macro-F1", macro_f1,
        _tweeteval("irony", "train"), _tweeteval("irony", "val"),
        "tweeteval/irony train", "tweeteval/irony val", (1.0, 3.0, 10.0, 30.0)),
}
