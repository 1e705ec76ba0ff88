"""The location family: where a post was sent, where its author lives, places it names."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.errors import NotConfigured
from enrich.families.location import LocationFamily
from enrich.family import Item
from enrich.modelstore import models_root
from enrich.post import Author, Place, Post


@pytest.fixture(scope="session")
def fam() -> LocationFamily:
    family = LocationFamily()
    family.setup()
    return family


def run(fam: LocationFamily, post: Post, entities: dict[str, Any] | None = None) -> dict[str, Any]:
    item = Item(post)
    if entities is not None:
        item.out["entities"] = entities
    return fam.enrich_one(item)


def profile(fam: LocationFamily, location: str | None, **author: Any) -> dict[str, Any]:
    return run(fam, Post(text="", author=Author(location=location, **author)))


@pytest.mark.parametrize(
    ("string", "cc", "admin1", "city"),
    [
        ("Philly", "US", "PA", "Philadelphia"),
        ("NYC", "US", "NY", "New York City"),
        ("Baton Rouge, LA", "US", "LA", "Baton Rouge"),
        ("LA", "US", "CA", "Los Angeles"),
        ("Austin TX", "US", "TX", "Austin"),
        ("COLUMBUS, MS", "US", "MS", "Columbus"),
        ("Montréal, QC", "CA", "QC", "Montréal"),
        ("Sao Paulo, Brasil", "BR", "SP", "São Paulo"),
        ("München", "DE", "BY", "Munich"),
        ("Living in Chicago", "US", "IL", "Chicago"),
    ],
)
def test_profile_cities(fam: LocationFamily, string: str, cc: str, admin1: str, city: str) -> None:
    home = profile(fam, string)["home"]
    assert (home["country_code"], home["admin1_code"], home["city"]) == (cc, admin1, city)
    assert home["granularity"] == "city" and home["source"] == "profile"
    assert 0.5 <= home["confidence"] <= 1


@pytest.mark.parametrize(
    ("string", "cc", "granularity"),
    [
        ("UK", "GB", "country"),
        ("USA", "US", "country"),
        ("Deutschland", "DE", "country"),
        ("🇫🇷", "FR", "country"),
        ("Smallville, KS", "US", "admin1"),
        ("Orange County, CA", "US", "admin2"),
    ],
)
def test_profile_coarse_places(fam: LocationFamily, string: str, cc: str, granularity: str) -> None:
    home = profile(fam, string)["home"]
    assert (home["country_code"], home["granularity"]) == (cc, granularity)


@pytest.mark.parametrize(
    ("string", "status"),
    [
        ("Earth", "not_a_place"),
        ("EVERYWHERE", "not_a_place"),
        ("in your heart", "not_a_place"),
        ("she/her", "pronouns"),
        ("https://example.com/me", "url"),
        ("", "empty"),
        ("qwzx blorp", "unknown"),
    ],
)
def test_profile_non_places_abstain(fam: LocationFamily, string: str, status: str) -> None:
    out = profile(fam, string)
    assert out["profile_status"] == status
    assert out["home"] is None


def test_several_places_in_one_string(fam: LocationFamily) -> None:
    out = profile(fam, "London / NYC")
    assert [p["country_code"] for p in out["profile_places"]] == ["GB", "US"]
    assert out["home"]["city"] == "London"


def test_where_the_author_lives_now_comes_first(fam: LocationFamily) -> None:
    out = profile(fam, "Born in Paris, living in London")
    assert out["home"]["city"] == "London"
    assert [p["country_code"] for p in out["profile_places"]] == ["GB", "FR"]


def test_own_name_beats_alternate_name(fam: LocationFamily) -> None:
    # GeoNames lists "Cambridge" among Newton's alternate names; the real Cambridge must win clearly.
    home = profile(fam, "Cambridge, MA")["home"]
    assert home["geonames_id"] == 4931972 and home["confidence"] > 0.75


def test_time_zone_prior_resolves_ambiguity(fam: LocationFamily) -> None:
    assert profile(fam, "Hamilton")["home"]["country_code"] == "CA"
    assert profile(fam, "Hamilton", time_zone="Wellington")["home"]["country_code"] == "NZ"


def test_ambiguous_town_falls_back_to_country(fam: LocationFamily) -> None:
    home = profile(fam, "Springfield")["home"]
    assert home["country_code"] == "US" and home["granularity"] in ("country", "admin1")


def test_coordinates_written_in_profile(fam: LocationFamily) -> None:
    home = profile(fam, "ÜT: 51.5074,-0.1278")["home"]
    assert home["source"] == "profile_coordinates" and home["country_code"] == "GB"
    assert home["latitude"] == pytest.approx(51.5074)


def test_post_coordinates_reverse_geocoded(fam: LocationFamily) -> None:
    created = datetime(2020, 7, 1, 12, 0, tzinfo=UTC)
    out = run(fam, Post(text="hi", coordinates=(-87.6298, 41.8781), created_at=created))
    post = out["post"]
    assert post["granularity"] == "coordinates" and post["source"] == "coordinates"
    assert (post["country_code"], post["admin1_code"]) == ("US", "IL")
    assert post["latitude"] == pytest.approx(41.8781) and 0 <= post["distance_km"] < 10
    assert out["timezone"] == "America/Chicago" and out["timezone_source"] == "coordinates"
    assert out["local_time"] == "2020-07-01T07:00:00-05:00"
    # No profile: where the post was sent stands in for home, with low confidence.
    assert out["home"]["source"] == "post" and out["home"]["confidence"] <= 0.5


def test_post_place_bbox_centroid(fam: LocationFamily) -> None:
    place = Place(
        name="Sydney",
        full_name="Sydney, New South Wales",
        country_code="AU",
        place_type="city",
        bbox=(150.5, -34.1, 151.3, -33.6),
    )
    out = run(fam, Post(text="x", place=place))
    assert out["post"]["source"] == "place" and out["post"]["admin1_code"] == "NSW"
    assert out["post"]["latitude"] == pytest.approx(-33.85)
    assert out["timezone"] == "Australia/Sydney"


def test_unknown_place_name_keeps_the_platform_name(fam: LocationFamily) -> None:
    place = Place(name="Notarealville", country_code="US", place_type="city", bbox=(-87.7, 41.8, -87.6, 41.9))
    post = run(fam, Post(text="x", place=place))["post"]
    assert (post["name"], post["city"], post["geonames_id"]) == ("Notarealville", "Notarealville", None)
    assert (post["country_code"], post["admin1_code"]) == ("US", "IL")


def test_home_from_time_zone_when_profile_is_silent(fam: LocationFamily) -> None:
    out = profile(fam, None, time_zone="Pacific Time (US & Canada)")
    assert out["home"]["source"] == "timezone" and out["home"]["country_code"] == "US"
    assert out["timezone"] == "America/Los_Angeles" and out["timezone_source"] == "profile_time_zone"


def test_mentions_have_spans_into_the_text(fam: LocationFamily) -> None:
    text = "Flights from Paris to New York City, then a drive to Napa, CA. Nice weather in Reading."
    out = run(fam, Post(text=text))
    got = {(m["text"], m["country_code"]) for m in out["mentions"]}
    assert {("Paris", "FR"), ("New York City", "US"), ("Napa", "US"), ("CA", "US")} <= got
    assert all(text[m["start"] : m["end"]] == m["text"] for m in out["mentions"])
    assert "Nice" not in {m["text"] for m in out["mentions"]}  # a common word, not the city


def test_possessives_sentences_hyphens_and_continents(fam: LocationFamily) -> None:
    text = "Aid for Africa; Spain's navy and pro-Russia forces.Libya next"
    got = {m["text"]: (m["country_code"], m["granularity"]) for m in run(fam, Post(text=text))["mentions"]}
    assert got == {"Africa": (None, "continent"), "Spain": ("ES", "country"), "Russia": ("RU", "country"),
                   "Libya": ("LY", "country")}


def test_entity_spans_are_used(fam: LocationFamily) -> None:
    # A town too small for a lone name in text counts once the NER calls it a location.
    text = "Storm damage near Tonopah overnight"
    assert run(fam, Post(text=text))["mentions"] == []
    ents = {"items": [{"text": "Tonopah", "label": "location", "start": 18, "end": 25}]}
    mention = run(fam, Post(text=text), ents)["mentions"][0]
    assert (mention["source"], mention["admin1_code"], mention["start"]) == ("entities", "NV", 18)
    # The gazetteer's own matches are kept where both agree on a span.
    ents = {"items": [{"text": "Tulsa", "label": "location", "start": 6, "end": 11}]}
    assert run(fam, Post(text="Storm Tulsa"), ents)["mentions"][0]["source"] == "gazetteer"
    # A hashtag the NER labels a location is looked up by its segmented form.
    tag = {"items": [{"text": "#NewOrleans", "label": "location", "start": 6, "end": 17,
                      "normalized": "New Orleans"}]}
    mention = run(fam, Post(text="Storm #NewOrleans tonight"), tag)["mentions"][0]
    assert (mention["name"], mention["admin1_code"]) == ("New Orleans", "LA")
    # Malformed entity output is ignored, not fatal.
    assert run(fam, Post(text=text), {"items": [{"label": "location", "start": 50, "end": 9}]})


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.text(max_size=60), st.one_of(st.none(), st.text(max_size=30)))
def test_never_fails_on_odd_input(fam: LocationFamily, text: str, location: str, tz: str | None) -> None:
    out = run(fam, Post(text=text, author=Author(location=location, time_zone=tz)))
    for m in out["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
    assert out["home"] is None or 0 <= out["home"]["confidence"] <= 1


def test_corrupt_gazetteer_disables_the_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(models_root() / "gazetteer", tmp_path / "gazetteer")
    with (tmp_path / "gazetteer" / "places.npz").open("ab") as fh:
        fh.write(b"tampered")
    monkeypatch.setenv("ENRICH_MODELS_DIR", str(tmp_path))
    with pytest.raises(NotConfigured):
        LocationFamily().setup()


@pytest.mark.slow
def test_evaluation_on_dev_data(shared_data: Path, fam: LocationFamily) -> None:
    pytest.importorskip("reverse_geocoder", reason="the bench extra (CI's slow step installs it)")
    pytest.importorskip("carmen", reason="the bench extra (CI's slow step installs it)")
    from enrich.evaluate.location import evaluate_mentions, evaluate_profiles

    prof = evaluate_profiles(shared_data, "report", fam)
    assert prof["enrich"]["coverage"] > prof["carmen"]["coverage"]
    assert prof["enrich"]["precision"] >= 0.8
    ment = evaluate_mentions(shared_data, "report", fam)
    assert ment["country_annotated"]["f1"] >= 0.7


def _places(fam: LocationFamily, text: str, entities: dict[str, Any] | None = None) -> list[str]:
    return [m["text"] for m in run(fam, Post(text=text), entities)["mentions"]]


@pytest.mark.parametrize("text", [
    "Did you know Paul McCartney was in another band before Wings?",
    "I think David Cameron is wrong about this",
    "the crowd went quiet when Josh Hamilton came up to bat",
    "she is like the female version of Chuck Norris",
    "wish I could see Taylor Swift live",
    "Great pitching from David Price tonight",
    "March to the polls, everyone",
    "book club on Mon. 7/13 at the library",
])
def test_people_and_dates_are_not_places(fam: LocationFamily, text: str) -> None:
    # found by auditing 6,000 general tweets: the matcher's commonest places were people
    assert _places(fam, text) == []


@pytest.mark.parametrize(("text", "place"), [
    ("Moving to Austin Texas next month", "Austin"),
    ("Protests In Paris Tonight After The Vote", "Paris"),  # a headline: capitals say nothing
    ("Airlifted to Atlanta Hospital this morning", "Atlanta"),  # Atlanta is a rare given name
    ("Back home in Cleveland Ohio for the weekend", "Ohio"),
    ("Storm Tulsa overnight", "Tulsa"),  # a capital at the start of a sentence is no given name
    ("Hamilton is lovely in the spring", "Hamilton"),
])
def test_places_next_to_names_and_capitals_stay(fam: LocationFamily, text: str, place: str) -> None:
    assert place in _places(fam, text)


def test_ner_person_spans_hold_no_place(fam: LocationFamily) -> None:
    text = "Loved the new song by Florida Georgia Line"
    assert "Florida" in _places(fam, text)
    ents = {"items": [{"text": "Florida Georgia Line", "label": "person", "source": "model",
                       "start": 22, "end": 42}]}
    assert _places(fam, text, ents) == []
