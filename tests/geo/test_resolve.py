"""Profile-string parsing, checked over the gazetteer itself (property tests)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrich.geo.gazetteer import CITY, Gazetteer
from enrich.geo.resolve import Resolver, parse_profile
from enrich.modelstore import model_dir

# Country names that are, on purpose, read as something bigger without other evidence: "Jersey"
# is New Jersey far more often than the Channel Island (enrich/geo/nicknames.py), "Georgia" the
# US state (more people); a time zone prior flips them (test below).
NICKNAMED = frozenset({"Jersey", "Georgia"})


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    return Resolver(Gazetteer(model_dir("gazetteer", "location")))


@pytest.fixture(scope="module")
def us_towns(resolver: Resolver) -> list[int]:
    gaz = resolver.gaz
    # A few GeoNames names hold a comma themselves ("Olinda, CDP"): "name, ST" cannot be read back.
    return [r for r, kind in enumerate(gaz.kind) if kind == CITY and gaz.country_code(r) == "US"
            and gaz.admin1_code(r) and gaz.population[r] >= 1_000 and "," not in gaz.display[r]]


@settings(max_examples=300, deadline=None)
@given(pick=st.integers(min_value=0), sep=st.sampled_from([", ", ",", " , ", " "]),
       case=st.sampled_from(["as is", "upper", "lower"]))
def test_city_comma_state_code_gives_that_state(resolver: Resolver, us_towns: list[int], pick: int, sep: str,
                                                case: str) -> None:
    gaz = resolver.gaz
    row = us_towns[pick % len(us_towns)]
    text = f"{gaz.display[row]}{sep}{gaz.admin1_code(row)}"
    text = text.upper() if case == "upper" else text.lower() if case == "lower" else text
    result = parse_profile(resolver, text, None)
    assert result.places, text
    top = result.places[0]
    assert gaz.country_code(top.row) == "US" and gaz.admin1_code(top.row) == gaz.admin1_code(row), text


def test_every_us_town_with_its_state_code(resolver: Resolver, us_towns: list[int]) -> None:
    """The sweep behind the property test above: every town, with and without the comma, in one
    of three casings in turn."""
    gaz = resolver.gaz
    wrong = []
    for k, row in enumerate(us_towns):
        for sep in (", ", " "):
            text = f"{gaz.display[row]}{sep}{gaz.admin1_code(row)}"
            text = (text, text.upper(), text.lower())[k % 3]
            places = parse_profile(resolver, text, None).places
            if not places or (gaz.country_code(places[0].row), gaz.admin1_code(places[0].row)) != (
                    "US", gaz.admin1_code(row)):
                wrong.append(text)
    # "Central LA" is Central Los Angeles to most people, as the nickname table says.
    assert [w for w in wrong if w.lower() != "central la"] == [], wrong[:20]


def test_every_city_with_its_country_name(resolver: Resolver) -> None:
    gaz = resolver.gaz
    names = {gaz.country_code(r): gaz.display[r] for r in gaz.country_row.values()}
    wrong = []
    for row, kind in enumerate(gaz.kind):
        if kind != CITY or gaz.population[row] < 50_000 or gaz.country_code(row) not in names:
            continue
        for sep in (", ", " "):
            text = f"{gaz.display[row]}{sep}{names[gaz.country_code(row)]}"
            places = parse_profile(resolver, text, None).places
            if not places or gaz.country_code(places[0].row) != gaz.country_code(row):
                wrong.append(text)
    assert wrong == [], wrong[:20]


@settings(max_examples=200, deadline=None)
@given(pick=st.integers(min_value=0))
def test_every_country_name_resolves_to_itself(resolver: Resolver, pick: int) -> None:
    gaz = resolver.gaz
    rows = sorted(gaz.country_row.values())
    row = rows[pick % len(rows)]
    if gaz.display[row] in NICKNAMED:
        return
    result = parse_profile(resolver, gaz.display[row], None)
    assert result.places and gaz.country_code(result.places[0].row) == gaz.country_code(row), gaz.display[row]


def test_time_zone_flips_a_nicknamed_country(resolver: Resolver) -> None:
    gaz = resolver.gaz
    plain = parse_profile(resolver, "Georgia", None).places[0]
    tbilisi = parse_profile(resolver, "Georgia", resolver.priors("Tbilisi", None, ())).places[0]
    assert (gaz.country_code(plain.row), gaz.country_code(tbilisi.row)) == ("US", "GE")


@pytest.mark.parametrize("text", ["Loyola/Notre Dame, MD", "Loyola/Notre Dame MD", "LOYOLA/NOTRE DAME,MD",
                                  "Allston/Brighton, MA"])
def test_a_name_with_a_slash_inside_stays_one_place(resolver: Resolver, text: str) -> None:
    # found by the property test above: "Loyola/Notre Dame, MD" came out as Loyola, California
    top = parse_profile(resolver, text, None).places[0].row
    assert resolver.gaz.country_code(top) == "US" and resolver.gaz.admin1_code(top) == text[-2:].upper()


@pytest.mark.parametrize("text", ["London / NYC", "London / NYC, USA", "Boston/Cambridge MA"])
def test_two_places_joined_by_a_slash_stay_two(resolver: Resolver, text: str) -> None:
    assert len(parse_profile(resolver, text, None).places) == 2


@pytest.mark.parametrize(("text", "country", "admin1"), [
    ("Esperance WA", "US", "WA"), ("Esperance, WA", "US", "WA"), ("esperance wa", "US", "WA"),
    ("Perth WA", "AU", None), ("Esperance, Western Australia", "AU", None)])
def test_two_letters_after_a_town_are_a_us_state_first(resolver: Resolver, text: str, country: str,
                                                       admin1: str | None) -> None:
    # found by the property test above: "Esperance WA" came out as Western Australia's Esperance
    # although "Esperance, WA" (with a comma) was already read as Washington's
    top = parse_profile(resolver, text, None).places[0].row
    assert resolver.gaz.country_code(top) == country
    assert admin1 is None or resolver.gaz.admin1_code(top) == admin1


@pytest.mark.parametrize("code", ["AL", "IL", "ME", "MO", "OR", "WA", "il", "wa", "TX", "CA"])
def test_a_state_code_alone_is_the_us_state(resolver: Resolver, code: str) -> None:
    # found by sweeping every US town: "IL" alone was the Kenyan town Il, "WA" Ghana's Wa
    top = parse_profile(resolver, code, None).places[0].row
    assert resolver.gaz.country_code(top) == "US" and resolver.gaz.admin1_code(top) == code.upper()


@pytest.mark.parametrize(("text", "name", "country"), [
    ("LA", "Los Angeles", "US"), ("la", "Los Angeles", "US"), ("Wa, Ghana", "Wa", "GH"), ("Ål", "Ål", "NO")])
def test_nicknames_and_spelled_out_places_keep_their_reading(resolver: Resolver, text: str, name: str,
                                                             country: str) -> None:
    top = parse_profile(resolver, text, None).places[0].row
    assert (resolver.gaz.display[top], resolver.gaz.country_code(top)) == (name, country)


@pytest.mark.parametrize("text", ["San Fernando, Trinidad and Tobago", "San Fernando Trinidad and Tobago",
                                  "Chaguanas, Trinidad and Tobago"])
def test_a_separated_name_after_the_town_stays_one_place(resolver: Resolver, text: str) -> None:
    # found by sweeping world cities through "City, Country": the country was split at "and"
    places = parse_profile(resolver, text, None).places
    assert [resolver.gaz.country_code(p.row) for p in places] == ["TT"]


@pytest.mark.parametrize(("text", "countries"), [
    ("London and Paris", ["GB", "FR"]), ("Paris, France and London", ["FR", "GB"]),
    ("Rio de Janeiro and Sao Paulo", ["BR", "BR"])])
def test_places_joined_by_and_stay_apart(resolver: Resolver, text: str, countries: list[str]) -> None:
    places = parse_profile(resolver, text, None).places
    assert [resolver.gaz.country_code(p.row) for p in places] == countries
