"""Age brackets from self-reported age in bios, life-stage words, and (weakly) the birth-year
distribution of the first name.

Exact self-reports ("23 y/o", "born in 1990", "class of 2019") give a sharp distribution;
life-stage words ("retired", "grandma", "student", "mom of 3") give hand-set, documented
distributions (priors written for this project, not fitted: there is no labelled age data in
../shared/data). Evidence is combined naively (product of distributions, uniform prior); the
name prior is raised to a small power so that it only nudges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

BRACKETS = ("under_18", "18_24", "25_34", "35_44", "45_54", "55_plus")
_EDGES = (18, 25, 35, 45, 55)
NAME_PRIOR_POWER = 0.5

_AGE = (
    re.compile(r"\b(\d{1,2})\s*(?:y/o|y\.o\.?|yo|yrs?\.?\s*old|years?\s*old|years?\s*young|yrs?)\b", re.I),
    re.compile(r"\b(?:age|aged)\s*:?\s*(\d{1,2})\b", re.I),
    re.compile(r"\bi'?\s?a?m\s+(\d{1,2})(?![\d'\"’.,:/]|\s*(?:ft|feet|cm|kg|lbs?|%|k\b))", re.I),
    re.compile(r"^\s*(\d{2})\s*(?:[|•·/,]|\s-\s)", re.I),
)
_BORN = re.compile(r"\b(?:born\s+(?:in\s+)?|b\.\s?)(19[3-9]\d|20[0-2]\d)\b", re.I)
_CLASS = re.compile(r"\bclass\s+of\s+(?:20)?'?(\d{2})\b|\bc/o\s*(?:20)?'?(\d{2})\b", re.I)
_DECADE = re.compile(r"\b(twenty|thirty|forty|fifty|sixty|[2-6]0)\s*-?\s*something\b", re.I)
_DECADE_WORDS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
_COLLEGE = re.compile(r"\b(college|university|uni|undergrad|univ|u of|major|alum|alumni)\b", re.I)

# Life-stage cues -> distribution over BRACKETS (hand-set priors, see module docstring).
_STAGES: tuple[tuple[str, re.Pattern[str], tuple[float, ...]], ...] = (
    ("grandparent", re.compile(r"\b(grandma|grandpa|grandmother|grandfather|granny|nana of|"
                               r"grandmom|granddad|proud grand\w*|gramma)\b", re.I),
     (0.0, 0.01, 0.02, 0.07, 0.25, 0.65)),
    ("retired", re.compile(r"\b(retired|retiree|pensioner)\b", re.I),
     (0.0, 0.0, 0.02, 0.05, 0.18, 0.75)),
    ("high_school", re.compile(r"\b(high\s?school|middle school|junior high|\d{1,2}th grade|"
                               r"hs student|freshman in high school|teenager|teen)\b", re.I),
     (0.8, 0.17, 0.02, 0.01, 0.0, 0.0)),
    ("graduate_student", re.compile(r"\b(phd|ph\.d|grad(?:uate)? student|doctoral|postgrad)\b", re.I),
     (0.0, 0.25, 0.6, 0.12, 0.02, 0.01)),
    ("college_student", re.compile(r"\b(college|university|uni|undergrad)\s+student\b|"
                                   r"\b(freshman|sophomore)\b|\bstudent at\b", re.I),
     (0.05, 0.8, 0.12, 0.02, 0.01, 0.0)),
    ("student", re.compile(r"\bstudent\b", re.I),
     (0.25, 0.5, 0.17, 0.05, 0.02, 0.01)),
    ("parent", re.compile(r"\b(mom|mum|mother|mama|dad|father|papa|parent)\s+(of|to)\b|"
                          r"\b(momlife|dadlife|soccer mom|boymom|girlmom)\b", re.I),
     (0.0, 0.08, 0.37, 0.35, 0.14, 0.06)),
)


# Cheap gates before the dozen patterns above: numeric cues need a digit ("thirty-something"
# aside), life-stage cues one of these stems.
_DIGIT = re.compile(r"\d")
_GATE = re.compile(r"grand|gramma|nana|retire|pension|school|grade|teen|ph\.?d|grad|doctoral|"
                   r"student|freshman|sophomore|college|universit|\buni\b|undergrad|mom|mum|moth|"
                   r"mama|dad|fath|papa|parent|something|retir", re.I)
# On ASCII text re.IGNORECASE is plain ASCII case folding, so these case-sensitive copies of
# the all-lower-case patterns give the same matches on the lower-cased text, several times
# faster (IGNORECASE defeats the regex engine's literal prefilters).
_GATE_ASCII = re.compile(_GATE.pattern)
_DECADE_ASCII = re.compile(_DECADE.pattern)
_STAGES_ASCII = tuple((name, re.compile(p.pattern), dist) for name, p, dist in _STAGES)
ASCII_COPIES = (_GATE_ASCII, _DECADE_ASCII, *(p for _, p, _ in _STAGES_ASCII))


@dataclass(slots=True)
class AgeEvidence:
    age: int | None = None  # self-reported (or derived from a birth year)
    cues: list[str] = field(default_factory=list)
    distributions: list[np.ndarray] = field(default_factory=list)


def bracket_index(age: float) -> int:
    for i, edge in enumerate(_EDGES):
        if age < edge:
            return i
    return len(_EDGES)


def _point(age: float) -> np.ndarray:
    """A self-reported age: most mass on its bracket, a little on neighbours (stale bios)."""
    dist = np.full(len(BRACKETS), 0.005)
    i = bracket_index(age)
    dist[i] = 0.9
    if i + 1 < len(BRACKETS):
        dist[i + 1] += 0.06
    if i > 0:
        dist[i - 1] += 0.02
    return dist / dist.sum()


def _range(lo: float, hi: float) -> np.ndarray:
    dist = np.full(len(BRACKETS), 0.01)
    for a in range(int(lo), int(hi) + 1):
        dist[bracket_index(a)] += 1.0
    return dist / dist.sum()


def extract(description: str | None, ref_year: int) -> AgeEvidence:
    """Self-reported age and life-stage cues in a bio."""
    ev = AgeEvidence()
    if not description:
        return ev
    has_digit = _DIGIT.search(description) is not None
    if description.isascii():  # same answer, without re.IGNORECASE's slow scan
        has_word = _GATE_ASCII.search(description.lower()) is not None
    else:
        has_word = _GATE.search(description) is not None
    if has_digit:
        _numeric(description, ref_year, ev)
    if has_word:
        _words(description, ev)
    return ev


def _numeric(description: str, ref_year: int, ev: AgeEvidence) -> None:
    # A stated birth year beats "I'm 25" (often a joke: "born 1972, still think I'm 25").
    m = _BORN.search(description)
    if m:
        age = ref_year - int(m.group(1))
        if 10 <= age <= 89:
            ev.age = age
            ev.cues.append(f"birth_year:{m.group(1)}")
            ev.distributions.append(_point(age))
    if ev.age is None:
        for pattern in _AGE:
            m = pattern.search(description)
            if m:
                age = int(m.group(1))
                if 10 <= age <= 89:
                    ev.age = age
                    ev.cues.append(f"self_reported_age:{age}")
                    ev.distributions.append(_point(age))
                    break
    m = _CLASS.search(description)
    if m and ev.age is None:
        year = 2000 + int(m.group(1) or m.group(2))
        grad_age = 22 if _COLLEGE.search(description) else 18
        age = grad_age - (year - ref_year)
        if 10 <= age <= 89:
            ev.cues.append(f"class_of:{year}")
            ev.distributions.append(_range(age - 1, age + 1))


def _words(description: str, ev: AgeEvidence) -> None:
    if description.isascii():
        text, decade, stages = description.lower(), _DECADE_ASCII, _STAGES_ASCII
    else:
        text, decade, stages = description, _DECADE, _STAGES
    m = decade.search(text)
    if m:
        word = m.group(1).lower()
        lo = _DECADE_WORDS.get(word) or int(word)
        ev.cues.append(f"decade:{lo}s")
        ev.distributions.append(_range(lo, lo + 9))
    for name, pattern, dist in stages:
        if pattern.search(text):
            if name == "student" and any(c.startswith(("college", "graduate", "high")) for c in ev.cues):
                continue
            ev.cues.append(name)
            ev.distributions.append(np.asarray(dist) + 0.005)


def name_bracket_ratio(share: np.ndarray, base: np.ndarray, years: np.ndarray,
                       ref_year: int) -> np.ndarray:
    """How much more likely each bracket is for this first name than for names overall."""
    ages = ref_year - years
    idx = np.searchsorted(np.asarray(_EDGES), ages, side="right")
    name_b = np.bincount(idx, weights=share, minlength=len(BRACKETS))
    base_b = np.bincount(idx, weights=base, minlength=len(BRACKETS))
    return (name_b + 1e-3) / (base_b + 1e-3)


def combine(ev: AgeEvidence, name_ratio: np.ndarray | None) -> np.ndarray | None:
    if not ev.distributions and name_ratio is None:
        return None
    post = np.ones(len(BRACKETS))
    for dist in ev.distributions:
        post = post * dist
        post = post / post.sum()
    if name_ratio is not None:
        post = post * np.power(name_ratio, NAME_PRIOR_POWER)
    total = float(post.sum())
    return post / total if total > 0 else None
