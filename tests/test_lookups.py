"""Helpers that answer questions from the tables."""

from __future__ import annotations

import pytest

import kzdata


def test_party_name_follows_renames():
    assert kzdata.party_name("amanat", "2016-03-20") == "Nur Otan"
    assert kzdata.party_name("amanat", "2023-03-19") == "Amanat"
    assert kzdata.party_name("amanat", "2000-01-01") == "Otan"


def test_party_name_uses_founding_name_and_renames():
    assert kzdata.party_name("adal", "2016-03-20") == "Birlik"
    assert kzdata.party_name("adal", "2021-01-10") == "ADAL"
    assert kzdata.party_name("adal", "2000-01-01") is None  # before it was founded


def test_party_name_unknown_party():
    with pytest.raises(KeyError):
        kzdata.party_name("no-such-party", "2020-01-01")


def test_rule_in_force_on_a_date():
    assert kzdata.rule("majilis_threshold_pct", "2020-01-01") == 7
    assert kzdata.rule("majilis_threshold_pct", "2023-03-19") == 5
    assert kzdata.rule("majilis_threshold_pct", "1990-01-01") is None


def test_person_timeline_is_date_ordered_and_sourced():
    timeline = kzdata.person("tokayev-kassym-jomart")
    assert list(timeline.columns) == ["date", "kind", "what", "detail", "table", "record_id", "source_id", "locator"]
    assert (timeline["kind"] == "candidacy").sum() >= 6  # 2019 and 2022: final, preliminary, exit polls
    dated = timeline["date"][timeline["date"] != ""].tolist()
    assert dated == sorted(dated)
    assert timeline["source_id"].ne("").all() and timeline["locator"].ne("").all()
    final_2019 = timeline[timeline["record_id"] == "2019-06-09-presidential|final|tokayev-kassym-jomart"]
    assert final_2019["what"].iloc[0].startswith("2019-06-09-presidential (final): 70.96%")


def test_person_timeline_lists_incidents():
    timeline = kzdata.person("bokayev-max")
    incidents = timeline[timeline["kind"] == "incident"]
    assert len(incidents) >= 3 and set(incidents["table"]) == {"threats"}


def test_unknown_person_suggests_ids():
    with pytest.raises(kzdata.UnknownPersonError, match="did you mean tokayev-kassym-jomart"):
        kzdata.person("tokayev-kasym-jomart")


def test_every_person_has_a_sourced_timeline():
    linked = 0
    for person_id in kzdata.people()["person_id"]:
        timeline = kzdata.person(person_id)
        assert list(timeline.columns) == ["date", "kind", "what", "detail", "table", "record_id", "source_id",
                                          "locator"]
        assert timeline["source_id"].ne("").all() and timeline["locator"].ne("").all(), person_id
        linked += timeline["table"].isin(["election_results", "party_events", "threats"]).any()
    assert linked >= 60  # most people are linked to a candidacy, a party role or an incident


def test_regions_in_force_on_a_day():
    before, after = kzdata.regions(on="2019-06-09"), kzdata.regions(on="2022-11-20")
    assert {"turkistan", "shymkent"} <= set(before["region_id"]) and "abai" not in set(before["region_id"])
    assert {"abai", "zhetisu", "ulytau"} <= set(after["region_id"])
    assert "south-kazakhstan" in set(kzdata.regions(on="2010-01-01")["region_id"])
    assert len(kzdata.regions()) == len(kzdata.load("regions"))
