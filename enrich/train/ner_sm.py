"""Fine-tune en_core_web_sm's NER on tweets: a candidate, measured and *not* shipped.

Usage::

    python -m enrich.train.ner_sm --data ../shared/data --out /tmp/ner-tweets-sm
    python -m enrich.evaluate.ner --data ../shared/data --split select --models /tmp/ner-tweets-sm,tweets

The shipped ``tweets`` model (:mod:`enrich.train.ner`) is trained from scratch. This candidate
keeps en_core_web_sm's ``ner`` component, its own embedding and CNN pretrained on OntoNotes,
and goes on training it on the same WNUT-17 + BTC sentences (same label mapping, same held-out
tenth for model selection, never the dev splits). Gold labels are written with the OntoNotes
names the component already has (:data:`TO_ONTONOTES`), so its pretrained output rows are
reused; ``enrich.evaluate.ner`` maps them back with ``ONTONOTES_MAP``.

It scored far higher than the shipped model on the selection tenth and lower on both dev
splits, and it runs at en_core_web_sm's speed, so it is not shipped; the figures are in
models/ner-tweets/CARD.md. The command stays so that they can be reproduced.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .ner import build_docbins, selection_split

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from spacy.training import Example

#: project label -> the OntoNotes label en_core_web_sm's ner already predicts
TO_ONTONOTES: dict[str, str] = {"person": "PERSON", "organization": "ORG", "location": "GPE",
                                "product": "PRODUCT", "creative_work": "WORK_OF_ART"}
MODEL_VERSION = "1.0.0"
KEEP = ("ner",)


def load_base() -> Language:
    """en_core_web_sm with its ``ner`` component alone (it has its own embedding layer)."""
    import spacy

    from ..families.entities.models import sm_package

    nlp = spacy.load(sm_package())
    for name in [n for n in nlp.component_names if n not in KEEP]:  # disabled ones too (senter)
        nlp.remove_pipe(name)
    return nlp


def to_example(nlp: Language, doc: Doc, *, lower: bool = False) -> Example:
    """A training example in ``nlp``'s vocab: project labels renamed, *missing* tokens kept."""
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    words = [t.text.lower() if lower else t.text for t in doc]
    ref = Doc(nlp.vocab, words=words)
    ents = [Span(ref, e.start, e.end, label=TO_ONTONOTES[e.label_]) for e in doc.ents]
    missing = [ref[i : i + 1] for i, t in enumerate(doc) if t.ent_iob == 0]
    ref.set_ents(ents, missing=missing, default="outside")
    return Example(Doc(nlp.vocab, words=words), ref)


def selection_score(nlp: Language, held: dict[str, Any]) -> tuple[float, dict[str, float]]:
    """Typed F1 pooled over the selection tenth of both corpora, and per corpus."""
    from ..evaluate.ner import CORPUS_LABELS, gold_spans, pooled, predict, score
    from ..families.entities.models import ONTONOTES_MAP

    results = {corpus: score((gold_spans(s) for s in sents), list(predict(nlp, ONTONOTES_MAP, sents)),
                             CORPUS_LABELS[corpus]) for corpus, sents in held.items()}
    return pooled(results)["f"], {corpus: res["typed"]["f"] for corpus, res in results.items()}


def finetune(nlp: Language, docs: Sequence[Doc], held: dict[str, Any], out: Path, *,
             learn_rate: float = 0.001, batch_size: int = 32, dropout: float = 0.2,
             lower_share: float = 0.3, eval_every: int = 200, patience: int = 1600,
             max_epochs: int = 30, seed: int = 0, log: Any = sys.stderr) -> float:
    """Train ``nlp``'s ner on ``docs``; write the best checkpoint (selection F1) to ``out``.

    ``lower_share`` of the sentences are lower-cased afresh each epoch (tweets often are).
    Returns the best selection score.
    """
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    rng = random.Random(seed)
    optimizer = nlp.resume_training()
    optimizer.learn_rate = learn_rate
    best, since, step = -1.0, 0, 0
    for epoch in range(max_epochs):
        order = list(range(len(docs)))
        rng.shuffle(order)
        examples = [to_example(nlp, docs[i], lower=rng.random() < lower_share) for i in order]
        for batch in minibatch(examples, size=batch_size):
            nlp.update(batch, sgd=optimizer, drop=dropout)
            step += 1
            if step % eval_every:
                continue
            f, per = selection_score(nlp, held)
            print(f"epoch {epoch} step {step}: selection F1 {f:.4f} {per}", file=log, flush=True)
            if f > best:
                best, since = f, 0
                nlp.to_disk(out)
            else:
                since += eval_every
                if since >= patience:
                    return best
    return best


def finalize(folder: Path, base: Language) -> None:
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update({"name": "ner_tweets_sm", "version": MODEL_VERSION,
                 "author": "enrich (fine-tuned from Explosion's en_core_web_sm)", "email": "", "url": "",
                 "license": "MIT (en_core_web_sm) + CC-BY-4.0 (fine-tuning data)",
                 "description": f"en_core_web_sm {base.meta.get('version', '')} ner fine-tuned on "
                                "WNUT-17 and the Broad Twitter Corpus (a candidate, not shipped)"})
    meta.pop("performance", None)
    meta_path.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (holds ner/)")
    parser.add_argument("--out", type=Path, required=True, help="the candidate pipeline folder")
    parser.add_argument("--work", type=Path, default=None, help="keep the DocBins and checkpoint here")
    parser.add_argument("--learn-rate", type=float, default=0.001)
    parser.add_argument("--patience", type=int, default=1600, help="steps without a better selection F1")
    parser.add_argument("--max-epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    from spacy.tokens import DocBin

    work = args.work or Path(tempfile.mkdtemp(prefix="ner-tweets-sm-"))
    train_path, _, counts = build_docbins(args.data, work)
    print("sentences:", counts, file=sys.stderr)
    nlp = load_base()
    docs = list(DocBin().from_disk(train_path).get_docs(nlp.vocab))
    best_dir = work / "model-best"
    best = finetune(nlp, docs, selection_split(args.data), best_dir, learn_rate=args.learn_rate,
                    patience=args.patience, max_epochs=args.max_epochs, seed=args.seed)
    print(f"best selection F1 {best:.4f}", file=sys.stderr)
    shutil.copytree(best_dir, args.out, dirs_exist_ok=True)
    finalize(args.out, nlp)
    print(f"wrote {args.out}; score it: python -m enrich.evaluate.ner --data {args.data} "
          f"--split select --models {args.out},tweets", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
