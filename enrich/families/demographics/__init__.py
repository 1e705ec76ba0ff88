"""The ``demographics`` family: inferred gender, person-or-organisation, age bracket and bio cues
of a post's author.

Everything here is an inference from public profile signals, never a fact about a person:
probabilities are calibrated on CrowdFlower's crowd labels (themselves guesses from the same
public profile), and every inference abstains with a reason when the evidence is thin.
Profile evidence is computed once per author per worker (bounded LRU).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from ...attributes import Attribute as A
from ...errors import NotConfigured
from ...family import Family, FamilySettings, Item
from ...modelstore import model_dir
from ...post import Post
from ...registry import register
from . import _age
from ._cache import LRU
from ._cues import BioCues, bio_cues, sensitive_cues
from ._model import AuthorModel, meta_vector, stack_vector
from ._names import NameHit, NameLexicon
from ._privacy import pseudonym

GENDER_LABELS = ("female", "male", "nonbinary", "unknown")
ACCOUNT_TYPES = ("person", "organization")
_P = "demographics"


class DemographicsSettings(FamilySettings):
    model_config = SettingsConfigDict(env_prefix="ENRICH_DEMOGRAPHICS_", extra="forbid")

    cache_size: int = Field(default=50_000, ge=0,
                            description="Authors kept in the per-worker LRU (0 disables it).")
    gender_threshold: float | None = Field(
        default=None, ge=0.5, le=1.0,
        description="Answer female/male only at or above this probability; default: the value "
                    "chosen at training time (see models/demographics/CARD.md).")
    organization_threshold: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="Label an account an organization at or above this probability; default: "
                    "the value chosen at training time.")
    age_min_probability: float = Field(default=0.5, ge=0.0, le=1.0,
                                       description="Abstain from an age bracket below this.")
    sensitive_inferences: bool = Field(
        default=False,
        description="Report religion, politics, ethnicity and health cues named in bios. Off by "
                    "default: turn on only with a lawful basis to process such data.")
    pseudonymize: bool = Field(
        default=False, description="Replace author ids and handles in this family's output by "
                                   "keyed HMAC-SHA256 pseudonyms (needs pseudonym_key).")
    pseudonym_key: SecretStr | None = Field(default=None,
                                            description="Secret key of the pseudonyms.")


@dataclass(slots=True)
class _Profile:
    """Everything about an author that does not depend on the post text."""

    score: np.ndarray
    name: NameHit | None
    honorific: int
    cues: BioCues
    has_profile_text: bool
    author_ref: str | None
    age: dict[str, Any]
    bio: dict[str, Any]
    sensitive: dict[str, Any]


_NO_SCORE = np.zeros(0)


def _round(p: float) -> float:
    return round(float(p), 4)


@register
class DemographicsFamily(Family):
    name = "demographics"
    summary = (
        "Inferred author demographics: gender (female/male with calibrated probabilities, "
        "nonbinary only when self-described, unknown with a reason otherwise), person or "
        "organization, age bracket, and bio cues (occupation, parenthood, relationship, "
        "pronouns, interests). These are inferences from public profile signals (names, bio, "
        "one post), never facts about a person; they abstain when evidence is thin. Profile "
        "evidence is computed once per author per worker (bounded LRU). Sensitive categories "
        "are off unless explicitly enabled; author ids/handles can be pseudonymized (HMAC).")
    method = "model"
    version = "1"
    order = 600
    Settings = DemographicsSettings
    provides = (
        A(f"{_P}.author_ref", "string",
          "The author key this result was computed (and cached) for: author id, else handle; a "
          "keyed pseudonym when pseudonymize is on."),
        A(f"{_P}.pseudonymized", "boolean",
          "True when author ids and handles in this family's output are keyed pseudonyms.",
          nullable=False),
        A(f"{_P}.gender.label", "string",
          "Inferred gender of the author from public signals (not a fact): female or male when "
          "the calibrated probability clears the threshold, nonbinary only when self-described "
          "(they/them pronouns, 'non-binary'), otherwise unknown.", nullable=False,
          enum=GENDER_LABELS),
        A(f"{_P}.gender.probabilities.female", "probability",
          "Calibrated probability that the author presents as female, given the author is a "
          "person; null when self-described nonbinary or no evidence."),
        A(f"{_P}.gender.probabilities.male", "probability",
          "Calibrated probability that the author presents as male, given the author is a "
          "person; null when self-described nonbinary or no evidence."),
        A(f"{_P}.gender.confidence", "probability", "Probability of the answered label (female/male)."),
        A(f"{_P}.gender.basis", "string",
          "How the label was reached: inferred (model over names, bio and post) or self_described "
          "(bio pronouns/words naming a nonbinary identity).", enum=("inferred", "self_described")),
        A(f"{_P}.gender.reason", "string", "Why the label is unknown (or self-described)."),
        A(f"{_P}.gender.evidence[]", "string",
          "Evidence used, e.g. first_name(screen_name)=sarah p_female=0.99, pronouns=she/her."),
        A(f"{_P}.account_type.label", "string",
          "Person or organization/brand account, inferred from profile and post.",
          nullable=False, enum=ACCOUNT_TYPES),
        A(f"{_P}.account_type.probability", "probability",
          "Calibrated probability of the account_type label."),
        A(f"{_P}.account_type.organization_probability", "probability",
          "Calibrated probability that the account is an organization or brand."),
        A(f"{_P}.age.bracket", "string",
          "Inferred age bracket from self-reported age or life-stage words in the bio; null when "
          "the evidence is thin (see reason).", enum=_age.BRACKETS),
        *(A(f"{_P}.age.probabilities.{b}", "probability",
            f"Probability that the author's age is in bracket {b} (null without bio age cues).")
          for b in _age.BRACKETS),
        A(f"{_P}.age.self_reported", "integer",
          "Age stated in the bio ('23 y/o', 'born in 1990'), at the post's date.", minimum=0,
          maximum=120),
        A(f"{_P}.age.evidence[]", "string",
          "Age cues found, e.g. self_reported_age:23, class_of:2019, retired, first_name_birth_years."),
        A(f"{_P}.age.reason", "string", "Why the bracket is null."),
        A(f"{_P}.bio.occupations[]", "string",
          "Occupations or roles named in the bio (student, teacher, nurse, developer, founder...)."),
        A(f"{_P}.bio.parent", "boolean", "The bio describes the author as a parent or grandparent."),
        A(f"{_P}.bio.relationship", "string",
          "Relationship status named in the bio.",
          enum=("married", "engaged", "in_relationship", "single", "divorced", "widowed")),
        A(f"{_P}.bio.pronouns[]", "string", "Pronoun sets stated in the bio, e.g. she/her."),
        A(f"{_P}.bio.role_words[]", "string", "Gendered role words in the bio (mom, husband, my wife...)."),
        A(f"{_P}.bio.interests[]", "string", "Interest categories from bio words and hashtags."),
        A(f"{_P}.bio.hashtags[]", "string", "Hashtags in the bio, without '#'."),
        A(f"{_P}.sensitive", "object",
          "Sensitive bio cues (religion, politics, ethnicity, health): {enabled: false} unless "
          "sensitive_inferences is on; then category -> values named in the bio."),
    )

    def setup(self) -> None:
        s = self.settings
        assert isinstance(s, DemographicsSettings)
        self.cfg = s
        if s.pseudonymize and (s.pseudonym_key is None or not s.pseudonym_key.get_secret_value()):
            raise NotConfigured(self.name, "pseudonymize is on but pseudonym_key is not set")
        try:
            self.names = NameLexicon(model_dir("names", self.name))
            self.model = AuthorModel(model_dir("demographics", self.name))
        except (OSError, KeyError, ValueError) as exc:
            raise NotConfigured(self.name, f"cannot load models: {exc}") from exc
        self.gender_t = s.gender_threshold or self.model.gender_threshold
        self.org_t = s.organization_threshold if s.organization_threshold is not None \
            else self.model.brand_threshold
        self._key = s.pseudonym_key.get_secret_value().encode() if s.pseudonym_key else b""
        self.cache: LRU[_Profile] = LRU(s.cache_size)
        self._ratios: dict[tuple[str, int], np.ndarray | None] = {}

    def model_name(self) -> str | None:
        model = getattr(self, "model", None)
        version = model.version if model is not None else "?"
        return f"demographics-crowdflower-v{version}+names-ssa-nqg"

    def provenance(self) -> dict[str, Any]:
        prov = super().provenance()
        cfg = self.settings
        assert isinstance(cfg, DemographicsSettings)
        prov["cache"] = (f"per-author LRU of {cfg.cache_size} entries per worker: profile "
                         "evidence (names, bio, age, cues) is computed once per author and "
                         "profile; the post text is scored per post")
        prov["pseudonymized"] = cfg.pseudonymize
        return prov

    # -- per author -------------------------------------------------------------------------
    def _author_ref(self, item: Item) -> str | None:
        a = item.post.author
        if a is None:
            return None
        if a.id:
            return pseudonym(a.id, self._key, "id") if self.cfg.pseudonymize else a.id
        if a.screen_name:
            handle = a.screen_name.lstrip("@").lower()
            return pseudonym(handle, self._key, "handle") if self.cfg.pseudonymize else handle
        return None

    def _profile(self, item: Item, ref_year: int,
                 fresh: list[tuple[_Profile, str, str]]) -> _Profile:
        a = item.post.author
        screen = (a.screen_name or "").lstrip("@") if a else ""
        display = (a.name or "") if a else ""
        bio = (a.description or "") if a else ""
        key = (a.id if a else None, screen, display, bio, ref_year)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        name = self.names.from_display_name(display) or self.names.from_screen_name(screen)
        cues = bio_cues(bio)
        # The score is filled in by enrich_batch, for all new profiles of a batch at once.
        prof = _Profile(score=_NO_SCORE, name=name, honorific=self.names.honorific(display, screen),
                        cues=cues, has_profile_text=bool(screen or display or bio.strip()),
                        author_ref=self._author_ref(item),
                        age=self._age(bio, name, ref_year), bio=self._bio(cues),
                        sensitive=self._sensitive(cues))
        self.cache.put(key, prof)
        fresh.append((prof, screen, bio))
        return prof

    def _age(self, bio: str, name: NameHit | None, ref_year: int) -> dict[str, Any]:
        ev = _age.extract(bio, ref_year)
        ratio = None
        evidence = list(ev.cues)
        if name is not None and ev.distributions:
            ratio = self._name_ratio(name.name, ref_year)
        out: dict[str, Any] = {"bracket": None, "probabilities": None,
                               "self_reported": ev.age, "evidence": evidence, "reason": None}
        if not ev.distributions:
            out["reason"] = ("no self-reported age or life-stage words in the bio; a first-name "
                             "prior alone is too weak to answer")
            return out
        post = _age.combine(ev, ratio)
        if post is None:
            out["reason"] = "contradictory age cues"
            return out
        if ratio is not None:
            evidence.append("first_name_birth_years")
        out["probabilities"] = {b: _round(p) for b, p in zip(_age.BRACKETS, post, strict=True)}
        best = int(np.argmax(post))
        if post[best] >= self.cfg.age_min_probability:
            out["bracket"] = _age.BRACKETS[best]
        else:
            out["reason"] = f"age cues too vague (best bracket p={post[best]:.2f})"
        return out

    def _name_ratio(self, name: str, ref_year: int) -> np.ndarray | None:
        key = (name, ref_year)
        if key not in self._ratios:
            share = self.names.birth_year_share(name)
            self._ratios[key] = None if share is None else _age.name_bracket_ratio(
                share, self.names.base_share, self.names.years, ref_year)
            if len(self._ratios) > 20_000:  # bounded: names x years seen by this worker
                self._ratios.clear()
        return self._ratios[key]

    @staticmethod
    def _bio(cues: BioCues) -> dict[str, Any]:
        return {"occupations": cues.occupations, "parent": cues.parent,
                "relationship": cues.relationship, "pronouns": cues.pronouns,
                "role_words": cues.role_words, "interests": cues.interests,
                "hashtags": cues.hashtags}

    def _sensitive(self, cues: BioCues) -> dict[str, Any]:
        if not self.cfg.sensitive_inferences:
            return {"enabled": False}
        return {"enabled": True, **sensitive_cues(cues.words)}

    # -- per post ---------------------------------------------------------------------------
    def enrich_batch(self, items: Any) -> list[dict[str, Any] | None]:
        this_year = dt.datetime.now(dt.UTC).year
        fresh: list[tuple[_Profile, str, str]] = []
        profiles = [self._profile(item, item.post.created_at.year if item.post.created_at
                                  else this_year, fresh) for item in items]
        # The linear text model for the whole batch: one gather + segment sum over the new
        # profiles' features and one over the posts' words, then one vectorised add.
        model = self.model
        if fresh:
            scores = model.partial_many([model.profile_rows(screen or None, bio)
                                         for _, screen, bio in fresh])
            for (prof, _, _), score in zip(fresh, scores, strict=True):
                prof.score = score.copy()  # a cached row must not pin the batch's array
        post_scores = model.partial_many([model.text_rows(item.post.text or "") for item in items])
        text = model.text_scores_many(np.stack([p.score for p in profiles]) if profiles
                                      else np.zeros((0, post_scores.shape[1])), post_scores)
        return [self._one(item, prof, logp, brand_logit, this_year)
                for item, prof, (logp, brand_logit) in zip(items, profiles, text, strict=True)]

    def _one(self, item: Item, prof: _Profile, logp: list[float], brand_logit: float,
             this_year: int) -> dict[str, Any]:
        post = item.post
        text = post.text or ""
        cues = prof.cues
        probs = self.model.stack(stack_vector(logp, brand_logit, prof.name, prof.honorific,
                                              cues.pronoun_signal, cues.role_score)
                                 + self._meta(post, this_year))
        p_org = float(probs[2])
        is_org = p_org >= self.org_t
        pseud = bool(self.cfg.pseudonymize)
        return {
            "author_ref": prof.author_ref,
            "pseudonymized": pseud,
            "gender": self._gender(prof, probs, is_org, bool(text.strip()), pseud),
            "account_type": {"label": "organization" if is_org else "person",
                             "probability": _round(p_org if is_org else 1 - p_org),
                             "organization_probability": _round(p_org)},
            "age": {**prof.age, "evidence": list(prof.age["evidence"]),
                    "probabilities": dict(prof.age["probabilities"]) if prof.age["probabilities"] else None},
            "bio": {k: list(v) if isinstance(v, list) else v for k, v in prof.bio.items()},
            "sensitive": dict(prof.sensitive),
        }

    @staticmethod
    def _meta(post: Post, this_year: int) -> list[float]:
        a = post.author
        if a is None:
            return meta_vector(None, None, None, None)
        years = None
        if a.created_at is not None:
            ref = post.created_at or dt.datetime(this_year, 7, 1, tzinfo=dt.UTC)
            created = a.created_at if a.created_at.tzinfo else a.created_at.replace(tzinfo=dt.UTC)
            ref = ref if ref.tzinfo else ref.replace(tzinfo=dt.UTC)
            years = (ref - created).total_seconds() / (365.25 * 86400)
        return meta_vector(a.likes_count, a.posts_count, years, a.default_profile)

    def _gender(self, prof: _Profile, probs: list[float], is_org: bool, has_text: bool,
                pseud: bool) -> dict[str, Any]:
        cues = prof.cues
        evidence: list[str] = []
        if prof.name is not None:
            shown = "" if pseud else f"={prof.name.name}"  # a first name is personal data too
            evidence.append(f"first_name({prof.name.source}){shown} p_female={prof.name.p_female:.2f}")
        if cues.pronouns:
            evidence.append("pronouns=" + ",".join(cues.pronouns))
        if cues.role_words:
            evidence.append("role_words=" + ",".join(cues.role_words))
        if prof.honorific:
            evidence.append("honorific=" + ("female" if prof.honorific > 0 else "male"))
        if prof.has_profile_text or has_text:
            evidence.append("classifier(screen_name,bio,post)")
        out: dict[str, Any] = {"label": "unknown", "probabilities": None, "confidence": None,
                               "basis": None, "reason": None, "evidence": evidence}
        if cues.nonbinary:
            out.update(label="nonbinary", basis="self_described",
                       reason="self-described in the bio (" + (",".join(cues.pronouns) or
                                                                "nonbinary identity word") +
                              "); not forced into female/male")
            return out
        if not prof.has_profile_text and not has_text:
            out["reason"] = "no name, bio or post text to infer from"
            return out
        pf = float(probs[0] / max(probs[0] + probs[1], 1e-12))
        out["probabilities"] = {"female": _round(pf), "male": _round(1 - pf)}
        out["basis"] = "inferred"
        top = max(pf, 1 - pf)
        if is_org:
            out["reason"] = f"account looks like an organization (p={float(probs[2]):.2f})"
        elif top < self.gender_t:
            out["reason"] = f"evidence too weak (p={top:.2f} < {self.gender_t:.2f})"
        else:
            out["label"] = "female" if pf >= 0.5 else "male"
            out["confidence"] = _round(top)
        return out
