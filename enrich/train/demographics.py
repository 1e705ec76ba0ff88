"""Train the author classifier: ``python -m enrich.train.demographics --data ../shared/data``.

Data: ``users/crowdflower_gender_dev.csv`` ("Twitter User Gender Classification", CrowdFlower;
``name`` is the screen name, plus the bio ``description`` and one post ``text``). The file is
split by a seeded hash of each row's ``_unit_id`` (see :func:`is_held_back`): 20% is held back
for ``python -m enrich.evaluate.demographics`` and never used here.

Two stages, both multinomial logistic regression over (female, male, brand):

1. a text model over sparse features (screen-name character n-grams, bio words and bigrams,
   post words; vocabulary pruned to features seen in >= 3 training profiles);
2. a stacker over the text model's out-of-fold log-probabilities and the name / pronoun /
   role-word evidence (``enrich.families.demographics._model.STACK_FEATURES``), which calibrates
   and weighs the evidence. Abstention thresholds are chosen on out-of-fold predictions of the
   training part only.

Needs ``nomquamgender`` only for ``enrich.train.names``; this step reads ``models/names``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from ..families.demographics._cues import bio_cues
from ..families.demographics._features import description_features, handle_features, text_features
from ..families.demographics._model import CLASSES, META_GROUPS, STACK_FEATURES, meta_vector, stack_vector
from ..families.demographics._names import NameLexicon
from ..modelstore import models_root, write_sums

SPLIT_SALT = "enrich-demographics-split-v1"
HELD_BACK_PERCENT = 20
MIN_TRAIN_CONFIDENCE = 0.6
MIN_DF = 3
BRAND_C = 0.1
TEXT_CS = (0.03, 0.1, 0.3)  # searched by out-of-fold log loss on the training part
TARGET_GENDER_ACCURACY = 0.82  # on out-of-fold training predictions; leaves margin for 0.80
# Never answer below this calibrated probability, whatever the aggregate accuracy: a 55% guess
# is not an answer even when the average over all answers looks good.
MIN_GENDER_THRESHOLD = 0.6


def is_held_back(unit_id: str) -> bool:
    """The evaluation split: sha256 of salt + ``_unit_id``, first 8 hex digits mod 100 < 20."""
    digest = hashlib.sha256(f"{SPLIT_SALT}:{unit_id}".encode()).hexdigest()
    return int(digest[:8], 16) % 100 < HELD_BACK_PERCENT


@dataclass(slots=True)
class Row:
    unit_id: str
    gender: str
    confidence: float
    screen_name: str
    description: str
    text: str
    likes: int | None = None  # fav_number: posts the account liked
    posts: int | None = None  # tweet_count
    account_years: float | None = None  # account age when the data was collected
    default_profile: bool | None = None  # link and sidebar colours still the defaults


# The CrowdFlower job ran in October 2015; account ages are taken at that date.
COLLECTED = dt.datetime(2015, 10, 26)
DEFAULT_LINK, DEFAULT_SIDEBAR = "0084B4", "C0DEED"


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _years(created: str | None) -> float | None:
    try:
        when = dt.datetime.strptime(created or "", "%m/%d/%y %H:%M")
    except ValueError:
        return None
    return max((COLLECTED - when).days / 365.25, 0.0)


def read_rows(path: Path) -> Iterator[Row]:
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for rec in csv.DictReader(fh):
            try:
                conf = float(rec.get("gender:confidence") or 0.0)
            except ValueError:
                conf = 0.0
            link, side = (rec.get("link_color") or "").upper(), (rec.get("sidebar_color") or "").upper()
            yield Row(rec["_unit_id"], (rec.get("gender") or "").strip(), conf,
                      rec.get("name") or "", rec.get("description") or "", rec.get("text") or "",
                      likes=_int(rec.get("fav_number")), posts=_int(rec.get("tweet_count")),
                      account_years=_years(rec.get("created")),
                      default_profile=(link == DEFAULT_LINK and side == DEFAULT_SIDEBAR)
                      if link and side else None)


def row_features(row: Row) -> list[str]:
    return (handle_features(row.screen_name) + description_features(row.description)
            + text_features(row.text))


def evidence(lex: NameLexicon, row: Row) -> tuple[object, int, int, int]:
    cues = bio_cues(row.description)
    return (lex.from_screen_name(row.screen_name), lex.honorific(None, row.screen_name),
            cues.pronoun_signal, cues.role_score)


def _matrix(docs: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for r, feats in enumerate(docs):
        for c in {index[f] for f in feats if f in index}:
            rows.append(r)
            cols.append(c)
    data = np.ones(len(rows), dtype=np.float64)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(docs), len(index)))


def _text_model(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000)


def train(data: Path, out: Path, names_dir: Path, seed: int = 13) -> dict[str, object]:
    rows = [r for r in read_rows(data / "users" / "crowdflower_gender_dev.csv")
            if not is_held_back(r.unit_id) and r.gender in CLASSES
            and r.confidence >= MIN_TRAIN_CONFIDENCE]
    y = np.array([CLASSES.index(r.gender) for r in rows])
    docs = [row_features(r) for r in rows]
    df = Counter(f for d in docs for f in set(d))
    vocab = sorted(f for f, n in df.items() if n >= MIN_DF)
    index = {f: i for i, f in enumerate(vocab)}
    X = _matrix(docs, index)

    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(X, y))
    best_c, best_loss, oof_best = 1.0, float("inf"), np.zeros((len(rows), 3))
    for c in TEXT_CS:
        oof = np.zeros((len(rows), 3))
        for tr, te in folds:
            oof[te] = _text_model(c).fit(X[tr], y[tr]).predict_log_proba(X[te])
        loss = -float(np.mean(oof[np.arange(len(y)), y]))
        print(f"text model C={c}: out-of-fold log loss {loss:.4f}")
        if loss < best_loss:
            best_c, best_loss, oof_best = c, loss, oof
    text = _text_model(best_c).fit(X, y)
    # A dedicated brand-vs-person model: its own regularization path sharpens the brand
    # decision (chosen on out-of-fold F1 of the training part: +0.01 over the 3-class model).
    is_brand = (y == 2).astype(int)
    oof_brand = np.zeros(len(rows))
    for tr, te in folds:
        oof_brand[te] = _text_model(BRAND_C).fit(X[tr], is_brand[tr]).decision_function(X[te])
    brand = _text_model(BRAND_C).fit(X, is_brand)

    lex = NameLexicon(names_dir)
    S = np.array([stack_vector(oof_best[i], oof_brand[i], *evidence(lex, r))  # type: ignore[arg-type]
                  + meta_vector(r.likes, r.posts, r.account_years, r.default_profile)
                  for i, r in enumerate(rows)])
    rng = np.random.default_rng(seed)
    stacker = _stacker(*_augment(S, y, rng))
    # Out-of-fold stacker probabilities (on unmasked rows) pick the thresholds honestly.
    conf = np.array([r.confidence for r in rows])
    P = np.zeros((len(rows), 3))
    for tr, te in folds:
        P[te] = _stacker(*_augment(S[tr], y[tr], rng)).predict_proba(S[te])
    confident = conf >= 0.99  # the label quality the evaluation uses
    brand_t = _best_brand_threshold(P[confident, 2], y[confident] == 2)
    gender_t, oof_cov, oof_acc = _gender_threshold(P, y, brand_t, conf)

    # Prune features the text model barely uses; store weights as float16.
    W = np.hstack([text.coef_.T, brand.coef_.T]).astype(np.float64)
    keep = np.abs(W).max(axis=1) >= 0.02
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / "text_model.npz",
                        vocab=np.array([v for v, k in zip(vocab, keep, strict=True) if k]),
                        weights=W[keep].astype(np.float16),
                        bias=np.concatenate([text.intercept_, brand.intercept_]).astype(np.float64))
    meta = {"version": "1", "classes": list(CLASSES), "features": list(STACK_FEATURES),
            "coef": stacker.coef_.round(5).tolist(), "intercept": stacker.intercept_.round(5).tolist(),
            "gender_threshold": round(gender_t, 4), "brand_threshold": round(brand_t, 4),
            "text_model_C": best_c, "brand_model_C": BRAND_C, "train_rows": len(rows),
            "vocab_size": int(keep.sum()),
            "split": {"salt": SPLIT_SALT, "held_back_percent": HELD_BACK_PERCENT},
            "oof": {"text_log_loss": round(best_loss, 4), "gender_coverage": round(oof_cov, 4),
                    "gender_accuracy": round(oof_acc, 4)}}
    (out / "stacker.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    write_sums(out)
    return meta


def _stacker(S: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=5000).fit(S, y)


def _augment(S: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Rows as they are, with all account metadata masked, and with random groups masked: the
    stacker must work for inputs that carry only a handle, a bio and one post."""
    meta0 = len(STACK_FEATURES) - sum(len(g) for g in META_GROUPS)
    none = S.copy()
    none[:, meta0:] = 0.0
    some = S.copy()
    for group in META_GROUPS:
        drop = rng.random(len(S)) < 0.5
        cols = [meta0 + c for c in group]
        some[np.ix_(drop, np.asarray(cols))] = 0.0
    return np.vstack([S, none, some]), np.concatenate([y, y, y])


def _best_brand_threshold(p_brand: np.ndarray, is_brand: np.ndarray) -> float:
    best_t, best_f1 = 0.5, -1.0
    for t in np.arange(0.2, 0.81, 0.02):
        pred = p_brand >= t
        tp = float((pred & is_brand).sum())
        f1 = 2 * tp / max(float(pred.sum() + is_brand.sum()), 1.0)
        if f1 > best_f1:
            best_t, best_f1 = float(t), f1
    return best_t


def _gender_threshold(P: np.ndarray, y: np.ndarray, brand_t: float,
                      conf: np.ndarray) -> tuple[float, float, float]:
    """Smallest confidence threshold reaching the target accuracy on confident person rows."""
    person = (y < 2) & (conf >= 0.99)
    pf = P[:, 0] / np.maximum(P[:, 0] + P[:, 1], 1e-9)
    top = np.maximum(pf, 1 - pf)
    correct = (pf >= 0.5) == (y == 0)
    answered_base = P[:, 2] < brand_t
    for t in np.arange(MIN_GENDER_THRESHOLD, 0.96, 0.01):
        ans = person & answered_base & (top >= t)
        if ans.sum() == 0:
            break
        acc = float(correct[ans].mean())
        print(f"gender threshold {t:.2f}: out-of-fold coverage {ans.sum() / person.sum():.3f} "
              f"accuracy {acc:.3f}")
        if acc >= TARGET_GENDER_ACCURACY:
            return float(t), float(ans.sum() / person.sum()), acc
    return 0.95, 0.0, 0.0


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=models_root() / "demographics")
    ap.add_argument("--names", type=Path, default=models_root() / "names")
    args = ap.parse_args(argv)
    meta = train(args.data, args.out, args.names)
    print(json.dumps({k: meta[k] for k in ("gender_threshold", "brand_threshold", "text_model_C",
                                           "train_rows", "vocab_size", "oof")}))


if __name__ == "__main__":
    main()
