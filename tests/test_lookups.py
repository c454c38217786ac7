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
