"""The demographics training split and data reading (no training in tests)."""

from __future__ import annotations

from pathlib import Path

from enrich.train.demographics import HELD_BACK_PERCENT, is_held_back, read_rows


def test_split_is_deterministic_and_about_a_fifth() -> None:
    ids = [str(815719226 + i) for i in range(20_000)]
    held = [is_held_back(i) for i in ids]
    assert held == [is_held_back(i) for i in ids]
    share = sum(held) / len(held)
    assert abs(share - HELD_BACK_PERCENT / 100) < 0.01


def test_read_rows_parses_labels_and_metadata(tmp_path: Path) -> None:
    csv = tmp_path / "u.csv"
    csv.write_text(
        "_unit_id,gender,gender:confidence,name,description,text,fav_number,tweet_count,created,"
        "link_color,sidebar_color\n"
        "1,female,1,annie_b,\"nurse, mom\",hello there,12,340,12/5/13 1:48,0084B4,C0DEED\n"
        "2,brand,0.66,AcmeCo,,Sale!,x,,,,\n", encoding="utf-8")
    a, b = list(read_rows(csv))
    assert (a.gender, a.confidence, a.screen_name, a.description) == ("female", 1.0, "annie_b", "nurse, mom")
    assert a.likes == 12 and a.posts == 340 and a.default_profile is True
    assert a.account_years is not None and 1.8 < a.account_years < 2.0
    assert b.likes is None and b.posts is None and b.account_years is None and b.default_profile is None
