"""Readers for the development data in ``../shared/data`` (train and validation splits only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SENTIMENT_LABELS = ("negative", "neutral", "positive")
XLMT_LANGUAGES = {"arabic": "ar", "english": "en", "french": "fr", "german": "de", "hindi": "hi",
                  "italian": "it", "portuguese": "pt", "spanish": "es"}
TWEETEVAL_LABELS = {
    "sentiment": SENTIMENT_LABELS,
    "emotion": ("anger", "joy", "optimism", "sadness"),
    "offensive": ("not-offensive", "offensive"),
    "hate": ("not-hate", "hate"),
    "irony": ("non_irony", "irony"),
}

_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_KEY_MENTION = re.compile(r"@\w+")
_KEY_URL = re.compile(r"https?://\S+")
_KEY_STRIP = re.compile(r"\W+")


@dataclass(slots=True)
class Split:
    texts: list[str]
    labels: list[str]
    groups: list[str]  # language code (xlmt) or source file (semeval); "" when not meaningful

    def __len__(self) -> int:
        return len(self.texts)


def dedupe_key(text: str) -> str:
    """Text identity robust to TweetEval's anonymization (@user, http) and punctuation."""
    text = _KEY_MENTION.sub("@user", text)
    text = _KEY_URL.sub("http", text)
    return _KEY_STRIP.sub("", text.lower())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def tweeteval(root: Path, task: str, split: str) -> Split:
    folder = root / "tweeteval" / task
    texts = _lines(folder / f"{split}_text.txt")
    names = TWEETEVAL_LABELS[task]
    labels = [names[int(x)] for x in _lines(folder / f"{split}_labels.txt")]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
    return Split(texts, labels, [""] * len(texts))


def semeval_sentiment(root: Path, exclude: Split | None = None) -> Split:
    """SemEval 2013-2016 task 4A, deduplicated by tweet id; texts of ``exclude`` removed.

    The TweetEval sentiment validation split was drawn from these same files, so it must be
    excluded before training or the validation figure would measure memory.
    """
    banned = {dedupe_key(t) for t in exclude.texts} if exclude is not None else set()
    rows: dict[str, tuple[str, str, str]] = {}
    for path in sorted((root / "semeval2017_sentiment_train" / "downloaded").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[1] not in SENTIMENT_LABELS:
                continue
            text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), "\t".join(parts[2:]))
            text = text.replace("\\n", " ").strip()
            if text and text != "Not Available":
                rows[parts[0]] = (text, parts[1], path.stem)
    seen: set[str] = set()
    out = Split([], [], [])
    for text, label, source in rows.values():
        key = dedupe_key(text)
        if key in banned or key in seen:
            continue
        seen.add(key)
        out.texts.append(text)
        out.labels.append(label)
        out.groups.append(source)
    return out


def xlmt(root: Path, split: str, languages: tuple[str, ...] | None = None) -> Split:
    out = Split([], [], [])
    for name, code in XLMT_LANGUAGES.items():
        if languages is not None and code not in languages:
            continue
        folder = root / "xlmt_sentiment" / name
        texts = _lines(folder / f"{split}_text.txt")
        labels = [SENTIMENT_LABELS[int(x)] for x in _lines(folder / f"{split}_labels.txt")]
        if len(texts) != len(labels):
            raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels")
        out.texts += texts
        out.labels += labels
        out.groups += [code] * len(texts)
    return out
