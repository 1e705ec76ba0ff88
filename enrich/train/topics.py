"""Check and audit the curated topic lexicon, then seal it: ``python -m enrich.train.topics``.

``python -m enrich.train.topics --data ../shared/data [--limit 50000] [--top 40]``

The lexicon (``models/topics/lexicon.toml``) is written by hand, not trained. This command is
the calibration step that was used while writing it: it validates the file (every topic of the
taxonomy present, tiers well-formed, no term listed twice in one topic), runs the matcher over
development tweets (TweetEval emoji train texts and the SemEval sentiment training tweets, which
carry no topic labels) and prints

* how many posts get any topic and how often each topic is assigned, and
* the terms that fire most often, with their tier: a medium or strong term firing on a large
  share of everyday tweets ("love", "new", "get" did in the first draft) is too generic and was
  moved down a tier or dropped;

then rewrites ``models/topics/SHA256SUMS`` so the family accepts the edited file. No tweet
text is written anywhere.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..families.topics import TOPICS, TopicsFamily
from ..families.topics.tokens import tokenize
from ..modelstore import models_root, write_sums

TIERS = ("strong", "medium", "weak")


def validate(path: Path) -> list[str]:
    problems: list[str] = []
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    topics = data.get("topics", {})
    missing = set(TOPICS) - set(topics)
    extra = set(topics) - set(TOPICS)
    if missing or extra:
        problems.append(f"taxonomy mismatch: missing {sorted(missing)}, extra {sorted(extra)}")
    for name, topic in topics.items():
        seen: set[str] = set()
        for tier in TIERS:
            terms = topic.get(tier, [])
            if not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
                problems.append(f"{name}.{tier}: not a list of non-empty strings")
                continue
            for term in terms:
                if term != term.lower():
                    problems.append(f"{name}.{tier}: {term!r} is not lowercase")
                if term in seen:
                    problems.append(f"{name}: {term!r} listed in more than one tier")
                seen.add(term)
    return problems


def dev_texts(data: Path, limit: int) -> Iterator[str]:
    count = 0
    emoji = data / "tweeteval" / "emoji" / "train_text.txt"
    sources = [emoji] if emoji.is_file() else []
    sources += sorted((data / "semeval2017_sentiment_train" / "downloaded").glob("*.tsv"))
    for path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.rsplit("\t", 1)[-1] if path.suffix == ".tsv" else line
            if text.strip():
                yield text
                count += 1
                if count >= limit:
                    return


def audit(data: Path, limit: int, top: int) -> str:
    fam = TopicsFamily()
    fam.setup()
    weights = fam.lexicon.weights
    by_weight = {w: t for t, w in weights.items()}
    fires: Counter[tuple[str, str, float]] = Counter()
    assigned: Counter[str] = Counter()
    posts = labelled = 0
    for text in dev_texts(data, limit):
        posts += 1
        for topic, ev in fam.matcher.evidence(text).items():
            for key, weight in ev.seen.items():
                fires[(topic, key, weight)] += 1
        labels = fam.classify(text)["labels"]
        labelled += bool(labels)
        assigned.update(labels)
    lines = [f"{posts} development posts; {labelled} ({labelled / max(1, posts):.1%}) got a topic", ""]
    lines += [f"  {topic:<18} {n:>6} ({n / max(1, posts):.1%})" for topic, n in assigned.most_common()]
    lines += ["", "most frequent terms (topic, term, tier): review medium/strong terms near the top"]
    for (topic, key, weight), n in fires.most_common(top):
        tier = by_weight.get(weight, f"w={weight:g}")
        lines.append(f"  {n:>6} {topic:<18} {key!r:<28} {tier}")
    return "\n".join(lines)


_STOPWORD_TEXT = """a an the and or but if so of to in on at for with from by as is are was were be
    been am i you he she it we they me my your his her its our their this that these those not no
    just all can will would should could do does did have has had get got im i'm it's dont don't
    what when where who why how out up about more very really so too one like lol now new today
    day time good great love go going back see know think want need make first last still"""
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def discover(data: Path, limit: int, top: int, min_count: int = 6, purity: float = 0.3) -> str:
    """Candidate terms: words not in the lexicon that occur mostly in posts the lexicon already
    assigns to one topic with a high score (a bootstrapping step; every candidate is reviewed
    by hand before it goes into the lexicon)."""
    fam = TopicsFamily()
    fam.setup()
    in_topic: dict[str, Counter[str]] = {}
    total: Counter[str] = Counter()
    for text in dev_texts(data, limit):
        words = {t.text for t in tokenize(text) if t.kind == "word" and t.text.isalpha()
                 and len(t.text) > 2 and t.text not in _STOPWORDS
                 and fam.lexicon.lookup_word(t.text) is None}
        total.update(words)
        out = fam.classify(text)
        if len(out["items"]) == 1 and out["items"][0]["score"] >= 0.8:
            counter = in_topic.setdefault(out["top"], Counter())
            counter.update(words)
    lines = []
    for topic in TOPICS:
        found = [(w, n, n / total[w]) for w, n in in_topic.get(topic, Counter()).items()
                 if n >= min_count and n / total[w] >= purity]
        found.sort(key=lambda x: (-x[1], x[0]))
        lines.append(f"{topic}: " + ", ".join(f"{w} ({n}, {p:.0%})" for w, n, p in found[:top]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--limit", type=int, default=50_000, help="development posts to audit")
    ap.add_argument("--top", type=int, default=40, help="most frequent terms to list")
    ap.add_argument("--no-audit", action="store_true", help="only validate and seal")
    ap.add_argument("--discover", action="store_true",
                    help="also list candidate terms for review (words found mostly in one topic)")
    args = ap.parse_args(argv)
    folder = models_root() / "topics"
    problems = validate(folder / "lexicon.toml")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    write_sums(folder, ["lexicon.toml"])
    print(f"lexicon valid; {folder / 'SHA256SUMS'} written")
    if not args.no_audit:
        if not args.data.is_dir():
            print(f"no development data at {args.data}; audit skipped", file=sys.stderr)
        else:
            print(audit(args.data, args.limit, args.top))
            if args.discover:
                print()
                print(discover(args.data, args.limit, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
