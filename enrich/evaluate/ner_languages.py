"""List what the English NER model finds in posts of other languages, for a precision judgement.

Usage::

    python -m enrich.evaluate.ner_languages --data ../shared/data [--per-language 40] [--seed 7]

No data set annotates entities in tweets of the XLM-T languages, so this prints a fixed random
sample of XLM-T *train* posts per language (the validation splits are left alone) with the
model entities the tweet model finds in each (the model alone: mentions and hashtags, which the
family handles by rule, are left out), numbered so that each can be marked right or wrong by
hand. The judged counts are in docs/accuracy.md (Entities, "Posts in other languages"); they are
why the entities family reads English posts only by default (``english_only``).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..families.entities.models import load_pipeline
from ..families.entities.tokenizer import tweet_tokenizer

if TYPE_CHECKING:
    from spacy.language import Language

LANGUAGES = ("english", "french", "german", "italian", "portuguese", "spanish")


def sample_posts(data: Path, language: str, n: int, seed: int) -> list[str]:
    """``n`` posts of one language's XLM-T train split, drawn with a seeded generator."""
    lines = (data / "xlmt_sentiment" / language / "train_text.txt").read_text(encoding="utf-8").splitlines()
    return random.Random(f"{seed}:{language}").sample(lines, min(n, len(lines)))


def model_entities(nlp: Language, labels: dict[str, str], texts: Sequence[str]
                   ) -> Iterator[list[tuple[str, str]]]:
    """``(text, label)`` of each model entity that is not an @mention or a #hashtag."""
    for doc in nlp.pipe(texts):
        yield [(e.text, labels[e.label_]) for e in doc.ents
               if e.label_ in labels and not e.text.startswith(("@", "#"))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--per-language", type=int, default=40, help="posts drawn per language")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    args = parser.parse_args(argv)
    nlp, labels, name = load_pipeline("tweets")
    tweet_tokenizer(nlp)
    out = sys.stdout
    out.write(f"# model entities of {name} in XLM-T train posts ({args.per_language} a language, "
              f"seed {args.seed})\n")
    totals: dict[str, int] = {}
    for language in [x.strip() for x in args.languages.split(",") if x.strip()]:
        texts = sample_posts(args.data, language, args.per_language, args.seed)
        k = 0
        for text, ents in zip(texts, model_entities(nlp, labels, texts), strict=True):
            if not ents:
                continue
            out.write(f"\n[{language}] {' '.join(text.split())}\n")
            for span, label in ents:
                k += 1
                out.write(f"    {language[:2]}{k:03d}  {label:<13} {span}\n")
        totals[language] = k
    out.write("\n# entities per language: " + ", ".join(f"{k} {v}" for k, v in totals.items()) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
