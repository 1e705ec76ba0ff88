"""The demographics family: gender, account type, age, bio cues, cache and pseudonyms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.errors import NotConfigured
from enrich.families.demographics import DemographicsFamily
from enrich.families.demographics import _age as age_mod
from enrich.families.demographics import _cues as cues_mod
from enrich.families.demographics._cues import bio_cues
from enrich.families.demographics._features import (
    description_features,
    handle_features,
    text_features,
)
from enrich.families.demographics._names import NameLexicon
from enrich.family import Item
from enrich.modelstore import model_dir
from enrich.post import Author, Post

WHEN = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def fam() -> DemographicsFamily:
    f = DemographicsFamily()
    f.setup()
    return f


@pytest.fixture(scope="module")
def lexicon() -> NameLexicon:
    return NameLexicon(model_dir("names", "demographics"))


def run(fam: DemographicsFamily, text: str = "", **author: Any) -> dict[str, Any]:
    post = Post(text=text, created_at=WHEN, author=Author(**author) if author else None)
    out = fam.enrich_batch([Item(post)])[0]
    assert out is not None
    return out


# -- names -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("handle", "name"), [
    ("sarahjones92", "sarah"), ("SarahJones", "sarah"), ("its_michael", "michael"),
    ("therealjennifer", "jennifer"), ("xx_maria_xx", "maria"), ("theresa_k", "theresa"),
])
def test_screen_name_segmentation(lexicon: NameLexicon, handle: str, name: str) -> None:
    hit = lexicon.from_screen_name(handle)
    assert hit is not None and hit.name == name


def test_display_name_first_token_and_folding(lexicon: NameLexicon) -> None:
    hit = lexicon.from_display_name("José Álvarez")
    assert hit is not None and hit.name == "jose" and hit.p_female < 0.1
    assert lexicon.from_display_name("Dr. Priya Raman") is not None
    assert lexicon.from_display_name("") is None
    assert lexicon.honorific("Mrs. Smith", None) == 1
    assert lexicon.honorific(None, "MrJones") == -1


def test_multicultural_names_are_covered(lexicon: NameLexicon) -> None:
    # Non-US names the SSA table barely knows come from nomquamgender.
    for name, female in (("mitsuko", True), ("olga", True), ("sven", False), ("ahmed", False)):
        hit = lexicon.from_display_name(name.title())
        assert hit is not None and (hit.p_female > 0.8) == female


# -- gender ------------------------------------------------------------------------------------
def test_clear_female_profile(fam: DemographicsFamily) -> None:
    out = run(fam, "pancakes with the kids", screen_name="sarahmendes", name="Sarah Mendes",
              description="mom of 3, nurse, she/her")
    g = out["gender"]
    assert g["label"] == "female" and g["basis"] == "inferred"
    assert g["probabilities"]["female"] > 0.9
    assert abs(g["probabilities"]["female"] + g["probabilities"]["male"] - 1) < 1e-3
    assert any(e.startswith("first_name(display_name)=sarah") for e in g["evidence"])


def test_clear_male_profile_without_display_name(fam: DemographicsFamily) -> None:
    out = run(fam, "great game last night", screen_name="john_miller77",
              description="husband, father of two, he/him")
    assert out["gender"]["label"] == "male"
    assert out["gender"]["probabilities"]["male"] > 0.9


def test_they_them_is_nonbinary_not_forced(fam: DemographicsFamily) -> None:
    out = run(fam, "hello", screen_name="sarahjones", description="artist | they/them")
    g = out["gender"]
    assert g["label"] == "nonbinary" and g["basis"] == "self_described"
    assert g["probabilities"] is None


def test_no_evidence_is_unknown_with_reason(fam: DemographicsFamily) -> None:
    out = run(fam, "")
    g = out["gender"]
    assert g["label"] == "unknown" and g["probabilities"] is None and g["reason"]


def test_weak_evidence_abstains(fam: DemographicsFamily) -> None:
    out = run(fam, "ok", screen_name="zzqx")
    g = out["gender"]
    if g["label"] == "unknown":
        assert "weak" in g["reason"] or "organization" in g["reason"]
    else:  # answering means clearing the trained threshold
        assert g["confidence"] >= fam.gender_t


# -- account type ------------------------------------------------------------------------------
def test_brand_is_organization(fam: DemographicsFamily) -> None:
    out = run(fam, "Our new store opens today! Visit us for 20% off: https://example.com",
              screen_name="AcmeHardware", name="Acme Hardware",
              description="Official account of Acme Hardware. Tools, paint and garden supplies. "
                          "Customer service: we're here to help Mon-Fri.")
    at = out["account_type"]
    assert at["label"] == "organization" and at["organization_probability"] > 0.7
    assert out["gender"]["label"] == "unknown" and "organization" in out["gender"]["reason"]


def test_person_probability_is_complement(fam: DemographicsFamily) -> None:
    out = run(fam, "so tired today", screen_name="emily_r", description="coffee and cats")
    at = out["account_type"]
    assert at["label"] == "person"
    assert abs(at["probability"] + at["organization_probability"] - 1) < 1e-3


# -- age ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("bio", "bracket"), [
    ("23 y/o | coffee", "18_24"), ("born in 1990. dog person", "25_34"),
    ("Retired teacher and grandmother", "55_plus"), ("class of 2026, volleyball", "under_18"),
    ("I'm 45 and learning to swim", "45_54"), ("17yo. band kid", "under_18"),
])
def test_age_brackets(fam: DemographicsFamily, bio: str, bracket: str) -> None:
    age = run(fam, "", screen_name="someone", description=bio)["age"]
    assert age["bracket"] == bracket
    assert abs(sum(age["probabilities"].values()) - 1) < 1e-2


@pytest.mark.parametrize("bio", ["5'4 of pure sass", "Open 24/7 call now", "I'm 100% done",
                                 "#1 fan since 1991", "Official account. Est. 1998.", "mom of 3"])
def test_age_abstains_on_non_ages(fam: DemographicsFamily, bio: str) -> None:
    age = run(fam, "", screen_name="someone", description=bio)["age"]
    assert age["bracket"] is None and age["reason"]
    assert age["self_reported"] is None


def test_decade_cue_straddles_brackets_and_abstains(fam: DemographicsFamily) -> None:
    age = run(fam, "", screen_name="someone", description="thirty-something runner")["age"]
    assert age["bracket"] is None and "vague" in age["reason"]
    assert age["probabilities"]["25_34"] > 0.4 and age["probabilities"]["35_44"] > 0.4


def test_name_prior_alone_does_not_answer_age(fam: DemographicsFamily) -> None:
    age = run(fam, "", name="Mildred Jones", screen_name="mj")["age"]
    assert age["bracket"] is None and age["probabilities"] is None


def test_name_prior_nudges_an_ambiguous_cue() -> None:
    ev = age_mod.extract("student", 2024)
    flat = age_mod.combine(ev, None)
    older = age_mod.combine(ev, age_mod.np.array([0.2, 0.5, 1.5, 2.0, 2.0, 2.0]))
    assert flat is not None and older is not None
    assert older[2:].sum() > flat[2:].sum()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_age_extractor_never_fails(bio: str) -> None:
    ev = age_mod.extract(bio, 2024)
    post = age_mod.combine(ev, None)
    if ev.age is not None:
        assert 10 <= ev.age <= 89
    if post is not None:
        assert abs(float(post.sum()) - 1) < 1e-6


# -- bio cues ----------------------------------------------------------------------------------
def test_bio_cues() -> None:
    c = bio_cues("Dad of 2, husband, software developer. #football #coffee he/him")
    assert c.parent and c.relationship == "married" and c.pronoun_signal == -1
    assert "developer" in c.occupations and "sports" in c.interests and "food_drink" in c.interests
    assert c.role_score < 0


def test_partner_words_after_my_flip() -> None:
    assert bio_cues("love my wife").role_score == -1
    assert bio_cues("my husband is the best").role_score == 1
    assert bio_cues("I miss my mom").role_score == 0


def test_sensitive_off_by_default_and_on_when_asked(fam: DemographicsFamily) -> None:
    bio = "Christian, conservative, cancer survivor"
    assert run(fam, "", screen_name="a", description=bio)["sensitive"] == {"enabled": False}
    on = DemographicsFamily({"sensitive_inferences": True})
    on.setup()
    s = run(on, "", screen_name="a", description=bio)["sensitive"]
    assert s["enabled"] and s["religion"] == ["christianity"] and s["politics"] == ["right"]
    assert s["health"] == ["health_condition"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_bio_cues_never_fail(bio: str) -> None:
    c = bio_cues(bio)
    assert -3 <= c.role_score <= 3


# -- cache and privacy -------------------------------------------------------------------------
def test_profile_is_cached_per_author() -> None:
    f = DemographicsFamily({"cache_size": 2})
    f.setup()
    a = Author(id="1", screen_name="sarahj", description="nurse")
    f.enrich_batch([Item(Post(text="one", author=a)), Item(Post(text="two", author=a))])
    assert f.cache.misses == 1 and f.cache.hits == 1
    for i in range(3):
        f.enrich_batch([Item(Post(text="x", author=Author(id=str(i + 10), screen_name=f"u{i}")))])
    assert len(f.cache) == 2
    assert "per-author LRU" in f.provenance()["cache"]


def test_pseudonymized_author_ref() -> None:
    f = DemographicsFamily({"pseudonymize": True, "pseudonym_key": "s3cret"})
    f.setup()
    out = run(f, "hi", id="12345", screen_name="sarahjones92", name="Sarah Jones")
    assert out["pseudonymized"] and out["author_ref"].startswith("i_")
    assert "12345" not in str(out) and "sarahjones92" not in str(out)
    assert not any("=sarah" in e for e in out["gender"]["evidence"])
    assert any(e.startswith("first_name(display_name) p_female") for e in out["gender"]["evidence"])
    again = run(f, "other", id="12345", screen_name="sarahjones92")
    assert again["author_ref"] == out["author_ref"]
    other_key = DemographicsFamily({"pseudonymize": True, "pseudonym_key": "other"})
    other_key.setup()
    assert run(other_key, "hi", id="12345")["author_ref"] != out["author_ref"]


def test_pseudonymize_without_key_is_not_configured() -> None:
    f = DemographicsFamily({"pseudonymize": True})
    with pytest.raises(NotConfigured):
        f.setup()


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40), st.text(max_size=60), st.text(max_size=200), st.text(max_size=200))
def test_never_fails_on_odd_input(fam: DemographicsFamily, handle: str, name: str, bio: str,
                                  text: str) -> None:
    out = run(fam, text, screen_name=handle, name=name, description=bio)
    assert out["gender"]["label"] in ("female", "male", "nonbinary", "unknown")
    assert out["account_type"]["label"] in ("person", "organization")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=50))
def test_name_parsers_never_fail(lexicon: NameLexicon, text: str) -> None:
    for hit in (lexicon.from_screen_name(text), lexicon.from_display_name(text)):
        if hit is not None:
            assert 0.0 <= hit.p_female <= 1.0 and hit.name in lexicon.names
    assert lexicon.honorific(text, text) in (-1, 0, 1)


# -- batched scoring ---------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.one_of(st.none(), st.text(max_size=40)), st.text(max_size=200), st.text(max_size=200))
def test_batched_rows_match_string_features(fam: DemographicsFamily, handle: str | None,
                                            bio: str, text: str) -> None:
    """The fast index rows look up exactly the training features, and the batched segment sum
    is bit-identical to scoring one feature list at a time."""
    model = fam.model
    index = model.index
    prof_feats = handle_features(handle) + description_features(bio)
    assert model.profile_rows(handle, bio) == [index[f] for f in prof_feats if f in index]
    assert model.text_rows(text) == [index[f] for f in text_features(text) if f in index]
    rows = [model.profile_rows(handle, bio), [], model.text_rows(text)]
    many = model.partial_many(rows)
    for row, got in zip(rows, many, strict=True):
        want = model.weights[row].sum(axis=0) if row else np.zeros(model.weights.shape[1])
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("pattern", [*age_mod.ASCII_COPIES, *cues_mod.ASCII_COPIES])
def test_ascii_pattern_copies_are_lower_case(pattern: re.Pattern[str]) -> None:
    # Lower-casing the pattern would turn \W, \D, \S or \B into their opposites; there are none.
    assert pattern.pattern == pattern.pattern.lower() and not pattern.flags & re.IGNORECASE


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=120)
       | st.sampled_from(["Proud MOM of 3", "She/Her NON-BINARY", "Retired TEACHER, Grandma",
                          "THIRTY-something PhD Student", "HS Student 10th Grade"]))
def test_ascii_fast_paths_match_ignorecase(bio: str) -> None:
    assert (age_mod._GATE_ASCII.search(bio.lower()) is None) == (age_mod._GATE.search(bio) is None)
    for (_, fast, _), (_, slow, _) in zip(age_mod._STAGES_ASCII, age_mod._STAGES, strict=True):
        assert (fast.search(bio.lower()) is None) == (slow.search(bio) is None)
    low = bio.lower()
    for fast, slow in ((cues_mod._PRONOUN_SET_ASCII, cues_mod._PRONOUN_SET),
                       (cues_mod._NONBINARY_WORDS_ASCII, cues_mod._NONBINARY_WORDS),
                       (cues_mod._PARENT_ASCII, cues_mod._PARENT)):
        assert [m.groups() for m in fast.finditer(low)] == [m.groups() for m in slow.finditer(low)]
