"""Derived tables against values computed by hand from the rows they summarise."""

from __future__ import annotations

import math

import pytest

import kzdata


@pytest.fixture(scope="module")
def summary():
    return kzdata.elections_summary().set_index("election_id")


@pytest.fixture(scope="module")
def panel():
    return kzdata.panel().set_index("year")


def test_2007_majilis(summary):
    row = summary.loc["2007-08-18-majilis"]
    # final shares: Ak Zhol 3.09, Nur Otan 88.41, Auyl 1.51, OSDP 4.54, Patriots 0.8, People's 1.29,
    # Rukhaniyat 0.37 (sum 100.01); seats: Nur Otan 98 of 98
    assert row["winner_id"] == "amanat" and row["runner_up_id"] == "osdp"
    assert row["margin_pct"] == pytest.approx(88.41 - 4.54)                       # 83.87
    squares = 3.09**2 + 88.41**2 + 1.51**2 + 4.54**2 + 0.8**2 + 1.29**2 + 0.37**2  # 7851.2089
    assert row["enp_votes"] == pytest.approx(100.01**2 / squares)                 # 1.27394
    assert row["enp_seats"] == pytest.approx(1.0)                                 # one party holds every seat
    gaps = 3.09**2 + (88.41 - 100) ** 2 + 1.51**2 + 4.54**2 + 0.8**2 + 1.29**2 + 0.37**2  # 169.2089
    assert row["gallagher"] == pytest.approx(math.sqrt(gaps / 2))                 # 9.1981
    assert row["contestants"] == 7  # invalid ballots are not a contestant


def test_2019_presidential(summary):
    row = summary.loc["2019-06-09-presidential"]
    # Tokayev 70.96, Kosanov 16.23, Yespayeva 5.05, Rakhimbekov 3.04, Taspikhov 1.98, Akhmetbekov 1.82,
    # Tugel 0.92 (sum 100.00); no seats
    assert (row["winner_id"], row["winner_pct"]) == ("tokayev-kassym-jomart", 70.96)
    assert row["margin_pct"] == pytest.approx(70.96 - 16.23)                      # 54.73
    squares = 70.96**2 + 16.23**2 + 5.05**2 + 3.04**2 + 1.98**2 + 1.82**2 + 0.92**2  # 5341.5578
    assert row["enp_votes"] == pytest.approx(100.00**2 / squares)                 # 1.87211
    assert row[["enp_seats", "gallagher"]].isna().all()


def test_2021_majilis(summary):
    row = summary.loc["2021-01-10-majilis"]
    # seats: Nur Otan 76, Ak Zhol 12, People's Party 10 (98); shares 71.09, 10.95, 9.1, Auyl 5.29, Adal 3.57
    assert row["enp_seats"] == pytest.approx(98**2 / (76**2 + 12**2 + 10**2))     # 9604 / 6020 = 1.5953
    gaps = (71.09 - 100 * 76 / 98) ** 2 + (10.95 - 100 * 12 / 98) ** 2 + (9.1 - 100 * 10 / 98) ** 2 \
        + 5.29**2 + 3.57**2                                                         # 85.3695
    assert row["gallagher"] == pytest.approx(math.sqrt(gaps / 2))                 # 6.5334
    assert row["largest_seats"] == 76


def test_stages_are_never_mixed():
    polls = kzdata.elections_summary("exit_poll")
    assert set(polls["stage"]) == {"exit_poll"} and polls["pollster"].notna().all()
    assert (polls.groupby(["election_id", "pollster"]).size() == 1).all()
    with pytest.raises(kzdata.KzdataError):
        kzdata.elections_summary("everything")


def test_panel_2017_counts_incidents_by_start(panel):
    # 13 incidents start in 2017: Eleusinov x3, Kushakbaev x3, Kharkova x2, Mamai x3, KNPRK closure,
    # NGOs intimidation; activity bans: Eleusinov, Kharkova, Kushakbaev, Mamai = 4
    assert panel.loc[2017, "threats"] == 13
    assert panel.loc[2017, "threats_activity_ban"] == 4


def test_panel_2019_election_and_hajj(panel):
    assert panel.loc[2019, "presidential_winner_pct"] == pytest.approx(70.96)
    assert panel.loc[2019, "hajj_quota_allocated"] == 3200
    assert panel.loc[2019, "presidential_elections"] == 1


def test_panel_2021_rules_on_both_days(panel):
    # majilis_threshold_pct: 7 from 1999, 5 from 2021-05-24
    assert panel.loc[2021, "rule_majilis_threshold_pct_jan1"] == 7
    assert panel.loc[2021, "rule_majilis_threshold_pct_dec31"] == 5


def test_panel_leaves_unsupported_columns_empty(panel):
    assert panel.index[0] == 1990
    assert panel.loc[2020, ["majilis_enp_votes", "presidential_winner_pct"]].isna().all()  # no such vote
    assert panel.loc[1990, "rule_majilis_threshold_pct_jan1"] is None or \
        str(panel.loc[1990, "rule_majilis_threshold_pct_jan1"]) == "<NA>"               # no rule yet


def test_every_derived_column_is_defined():
    from kzdata.analysis import DERIVED

    defined = {column for table, column, *_ in DERIVED if table == "elections_summary"}
    assert set(kzdata.elections_summary().columns) == defined
    import re

    from kzdata import schemas as sc

    kinds = "|".join(next(f for f in sc.fields("elections") if f["name"] == "type")["constraints"]["enum"])
    measures = "turnout_pct|contestants|winner_pct|margin_pct|enp_votes|enp_seats|largest_seats|gallagher"
    regexes = []
    for table, column, *_ in DERIVED:
        if table != "panel":
            continue
        for pattern in column.split(" / "):
            text = re.escape(pattern)
            text = text.replace(re.escape("<type>_<measure>"), f"({kinds})_({measures})")
            text = re.sub(r"^" + re.escape(re.escape("<type>")), f"({kinds})", text)
            text = re.sub(re.escape(re.escape("<")) + r"[a-z]+" + re.escape(re.escape(">")), "[a-z0-9_]+", text)
            regexes.append(re.compile(text))
    for column in kzdata.panel().columns:
        assert any(r.fullmatch(column) for r in regexes), column
    assert not any(r.fullmatch("made_up_column") for r in regexes)


def test_panel_rules_agree_with_kzdata_rule(panel):
    for name in ("majilis_threshold_pct", "party_registration_members", "majilis_seats"):
        for year in (1995, 2003, 2013, 2023):
            expected = kzdata.rule(name, f"{year}-12-31")
            column = panel.get(f"rule_{name}_dec31")
            got = None if column is None or str(column.loc[year]) == "<NA>" else float(column.loc[year])
            assert got == expected, (name, year)


def test_regional_coverage_counts_what_the_tables_hold():
    coverage = kzdata.regional_coverage().set_index("election_id")
    turnout = kzdata.load("regional_turnout")
    mine = turnout[turnout["election_id"] == "2023-03-19-majilis"]
    assert coverage.loc["2023-03-19-majilis", "intraday_times"] == "10:10 12:10 14:10 16:10 18:10 20:10 22:10"
    assert coverage.loc["2023-03-19-majilis", "final_turnout_regions"] == (mine["report"] == "final").sum()
    assert coverage.loc["2019-06-09-presidential", "regions_in_force"] < coverage.loc["2022-11-20-presidential",
                                                                                       "regions_in_force"]
