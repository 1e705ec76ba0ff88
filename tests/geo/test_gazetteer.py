"""The compiled gazetteer, name folding and the evaluation's GeoCorpora reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrich.evaluate.location import _geocorpora_rows, _half
from enrich.geo.gazetteer import ADMIN1, COUNTRY, Gazetteer
from enrich.geo.normalize import fold
from enrich.modelstore import model_dir


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return Gazetteer(model_dir("gazetteer", "location"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("São Paulo", "sao paulo"),
        ("ZÜRICH", "zurich"),
        ("St. John's", "st johns"),
        ("Winston-Salem", "winston salem"),
        ("Straße", "strasse"),
    ],
)
def test_fold(a: str, b: str) -> None:
    assert fold(a) == b


@given(st.text(max_size=50))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_lookup_orders_by_population(gaz: Gazetteer) -> None:
    rows = gaz.lookup("Paris")
    assert gaz.country_code(rows[0]) == "FR"
    assert any(gaz.country_code(r) == "US" for r in rows)


def test_codes_and_native_names(gaz: Gazetteer) -> None:
    ca = [(gaz.kind[r], gaz.country_code(r)) for r in gaz.lookup_code("CA")]
    assert (ADMIN1, "US") in ca and (COUNTRY, "CA") in ca
    assert gaz.country_code(gaz.lookup("Deutschland")[0]) == "DE"
    assert gaz.country_code(gaz.lookup("東京")[0]) == "JP"


def test_nearest_city(gaz: Gazetteer) -> None:
    row, km = gaz.nearest_city(48.8566, 2.3522)
    assert gaz.country_code(row) == "FR" and km < 5


def test_geocorpora_reader_rejoins_broken_lines(tmp_path: Path) -> None:
    header = "\t".join(["feature_id", "tweet_id_str", "tweet_text", "text"])
    path = tmp_path / "g.tsv"
    path.write_bytes(f"{header}\n1\t1234567\tfirst line\nsecond line\tParis\n2\t7654321\tplain\t\n".encode())
    rows = list(_geocorpora_rows(path))
    assert [r["tweet_text"] for r in rows] == ["first line\nsecond line", "plain"]
    assert rows[0]["text"] == "Paris"


def test_halves_are_stable() -> None:
    assert {_half(f"k{i}") for i in range(20)} == {"tune", "report"}
    assert _half("abc") == _half("abc")
