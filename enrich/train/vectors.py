"""Train the word vectors shipped as ``models/tweet-vectors/`` (used by the text classifiers).

    python -m enrich.train.vectors --data ../shared/data

fastText skip-gram (the ``floret`` package, plain fastText mode, one thread so the result is
reproducible) over the *training* texts of the shared data: SemEval 2013-2016 sentiment (minus
every tweet of the TweetEval sentiment validation split), the train splits of the TweetEval tasks
and of XLM-T English. No validation text of any task is read. Texts go through the classifiers'
own normalization (``enrich.textclf.normalize``), so a vector exists for exactly the word forms
the featurizer looks up. Only the word table is kept (words seen at least ``--min-count`` times),
as float16.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from ..modelstore import write_sums
from ..textclf import data
from ..textclf.normalize import normalize
from ..textclf.vectors import MATRIX_FILE, WORDS_FILE, WordVectors

NAME = "tweet-vectors"
TWEETEVAL_TASKS = ("emoji", "emotion", "hate", "irony", "offensive", "sentiment")


def training_texts(root: Path) -> Iterator[str]:
    """Train-split texts only; TweetEval sentiment has no train split here (SemEval is its train)."""
    yield from data.semeval_sentiment(root, exclude=data.tweeteval(root, "sentiment", "val")).texts
    for task in TWEETEVAL_TASKS:
        path = root / "tweeteval" / task / "train_text.txt"
        if path.is_file():
            yield from path.read_text(encoding="utf-8").splitlines()
    path = root / "xlmt_sentiment" / "english" / "train_text.txt"
    if path.is_file():
        yield from path.read_text(encoding="utf-8").splitlines()


def train(root: Path, out: Path, *, dim: int, min_count: int, epochs: int) -> dict[str, object]:
    import floret

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="tweet-vectors-") as tmp:
        corpus = Path(tmp) / "corpus.txt"
        n = 0
        with corpus.open("w", encoding="utf-8") as fh:
            for text in training_texts(root):
                words = normalize(text).words
                if words.strip():
                    fh.write(words + "\n")
                    n += 1
        model = floret.train_unsupervised(str(corpus), model="skipgram", mode="fasttext", dim=dim,
                                          epoch=epochs, minCount=min_count, thread=1,
                                          verbose=0)
    vocab = [w for w in model.words if w != "</s>"]
    matrix = np.vstack([model.get_word_vector(w) for w in vocab]).astype(np.float32)
    WordVectors(vocab, matrix).save(out)
    write_sums(out, [MATRIX_FILE, WORDS_FILE])
    meta: dict[str, object] = {
        "texts": n, "words": len(vocab), "dim": dim, "min_count": min_count, "epochs": epochs,
        "seconds": round(time.perf_counter() - t0, 1),
        "bytes": (out / MATRIX_FILE).stat().st_size + (out / WORDS_FILE).stat().st_size}
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m enrich.train.vectors", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "models" / NAME)
    ap.add_argument("--dim", type=int, default=100)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=5)
    args = ap.parse_args(argv)
    meta = train(args.data, args.out, dim=args.dim, min_count=args.min_count, epochs=args.epochs)
    print(json.dumps(meta), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
