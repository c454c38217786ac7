"""Small questions answered from the tables: a party's name on a date, a rule's value on a date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .errors import UnknownIdError


def _iso(on: str | dt.date) -> str:
    return on.isoformat() if isinstance(on, dt.date) else str(on)


def party_name(party_id: str, on: str | dt.date) -> str | None:
    """The party's English name in force on a date.

    Names come from ``party_events``: ``name_after`` of its ``founded`` event (the name it
    was founded under) and of each ``renamed`` event; the latest one on or before ``on``
    wins (a partial date counts from its first day). Without such events, ``name_en``.
    Returns None before the party was founded, or before its first recorded name.

    >>> party_name("amanat", "2016-03-20")  # doctest: +SKIP
    'Nur Otan'
    """
    from .loading import load

    parties = load("parties")
    match = parties[parties["party_id"] == party_id]
    if match.empty:
        raise UnknownIdError(f"no party {party_id!r}; see kzdata.parties()['party_id']")
    day = _iso(on)
    founded = match.iloc[0]["founded"]
    if isinstance(founded, str) and (span := _bounds(founded)) and day < span[0]:
        return None
    events = load("party_events")
    named = events[(events["party_id"] == party_id) & events["event"].isin(["founded", "renamed"])
                   & events["name_after"].notna()]
    dated = sorted((_bounds(d)[0], str(n)) for d, n in zip(named["date"], named["name_after"], strict=True))
    in_force = [name for start, name in dated if start <= day]
    if in_force:
        return in_force[-1]
    # before the first recorded name: unknown if the party was renamed, else its only name
    return None if dated else str(match.iloc[0]["name_en"])


def rule(name: str, on: str | dt.date) -> float | None:
    """Value of an electoral rule in force on a date (None before its first known value).

    >>> rule("majilis_threshold_pct", "2022-01-01")  # doctest: +SKIP
    5.0
    """
    from .loading import load

    rules = load("electoral_rules")
    rows = rules[rules["rule"] == name]
    if rows.empty:
        raise UnknownIdError(f"no rule {name!r}; see kzdata.load('electoral_rules')['rule'].unique()")
    day = _iso(on)
    value = None
    points = zip(rows["effective_from"], rows["value"], strict=True)
    for start, v in sorted((_bounds(d)[0], v) for d, v in points):
        if start <= day:
            value = float(v)
    return value


def _bounds(text: str) -> tuple[str, str] | None:
    from .rules import partial_date_bounds

    return partial_date_bounds(text)


def regions(on: str | dt.date | None = None) -> Any:
    """The regions table; with ``on``, only the units in force that day (valid_from on or before
    it, valid_to after it; a partial date counts from its first day).

    >>> len(regions(on="2019-06-09")) < len(regions(on="2022-11-20"))  # Abai, Zhetisu, Ulytau in 2022
    True
    """
    from .loading import load

    table = load("regions")
    if on is None:
        return table
    day = _iso(on)
    starts = [(_bounds(v) or ("0000",))[0] if isinstance(v, str) else "0000-01-01" for v in table["valid_from"]]
    ends = [(_bounds(v) or ("9999",))[0] if isinstance(v, str) else "9999-12-31" for v in table["valid_to"]]
    keep = [start <= day < end for start, end in zip(starts, ends, strict=True)]
    return table[keep].reset_index(drop=True)
