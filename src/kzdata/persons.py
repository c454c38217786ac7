"""Everything the data says about one person, in date order: birth and death, candidacies and
their results, party roles, and incidents against them, each with its source."""

from __future__ import annotations

import difflib
from functools import cache
from typing import TYPE_CHECKING, Any

from .errors import UnknownPersonError

if TYPE_CHECKING:
    import pandas as pd

#: Columns of a timeline, in order.
TIMELINE_COLUMNS = ["date", "kind", "what", "detail", "table", "record_id", "source_id", "locator"]


def _text(value: Any) -> str:
    """A cell as text, empty for a missing value."""
    import pandas as pd

    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def load(name: str) -> Any:
    """The table, loaded once per version of its file (a timeline reads five tables)."""
    from . import schemas as sc

    stat = sc.data_path(name).stat()
    return _load(name, stat.st_mtime_ns, stat.st_size)


@cache
def _load(name: str, mtime: int, size: int) -> Any:
    from .loading import load as read

    return read(name)


def _candidacies(person_id: str) -> list[dict[str, str]]:
    results = load("election_results")
    rows = results[results["person_id"] == person_id]
    dates = dict(zip(*(load("elections")[c] for c in ("election_id", "date")), strict=True))
    out = []
    for r in rows.itertuples(index=False):
        share = f"{r.vote_pct}%" if _text(r.vote_pct) else "no share recorded"
        votes = f", {r.votes:,} votes" if _text(r.votes) else ""
        by = f" by {r.pollster}" if _text(r.pollster) else ""
        key = "|".join(_text(v) for v in (r.election_id, r.stage, r.contestant_id, r.pollster)).rstrip("|")
        out.append({"date": _text(dates.get(r.election_id)), "kind": "candidacy",
                    "what": f"{r.election_id} ({r.stage}{by}): {share}{votes}",
                    "detail": _text(r.contestant_name) + (f", nominated by {r.party_id}" if _text(r.party_id) else ""),
                    "table": "election_results", "record_id": key,
                    "source_id": _text(r.source_id), "locator": _text(r.locator)})
    return out


def _party_roles(person_id: str) -> list[dict[str, str]]:
    events = load("party_events")
    rows = events[events["person_id"] == person_id]
    return [{"date": _text(r.date), "kind": "party", "what": f"{r.event} ({r.party_id})", "detail": _text(r.detail),
             "table": "party_events", "record_id": f"{r.party_id}|{_text(r.date)}|{r.event}|{person_id}",
             "source_id": _text(r.source_id), "locator": _text(r.locator)}
            for r in rows.itertuples(index=False)]


def _incidents(person_id: str) -> list[dict[str, str]]:
    threats = load("threats")
    rows = threats[threats["target_person_id"] == person_id]
    out = []
    for r in rows.itertuples(index=False):
        actor = f" by {r.actor}" if _text(r.actor) else ""
        basis = f" under {r.legal_basis}" if _text(r.legal_basis) else ""
        out.append({"date": _text(r.date), "kind": "incident", "what": f"{r.threat_type}{actor}{basis}",
                    "detail": _text(r.outcome), "table": "threats", "record_id": str(r.threat_id),
                    "source_id": _text(r.source_id), "locator": _text(r.locator)})
    return out


def person(person_id: str) -> pd.DataFrame:
    """Everything the data says about one person, one row per fact, in date order.

    Columns: ``date`` (a partial date as text), ``kind`` (born, died, candidacy, party,
    incident), ``what``, ``detail``, the ``table`` and ``record_id`` of the row it comes from,
    and that row's ``source_id`` and ``locator``. Undated facts come last.

    >>> person("tokayev-kassym-jomart")["kind"].tolist()[:2]
    ['born', 'candidacy']
    """
    import pandas as pd

    people = load("people")
    match = people[people["person_id"] == person_id]
    if match.empty:
        close = difflib.get_close_matches(person_id, people["person_id"].astype(str).tolist(), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else "; see kzdata.people()"
        raise UnknownPersonError(f"no person {person_id!r}{hint}")
    row = match.iloc[0]
    facts: list[dict[str, str]] = []
    for kind in ("born", "died"):
        if _text(row[kind]):
            facts.append({"date": _text(row[kind]), "kind": kind, "what": kind, "detail": "", "table": "people",
                          "record_id": person_id, "source_id": _text(row["source_id"]),
                          "locator": _text(row["locator"])})
    facts += _candidacies(person_id) + _party_roles(person_id) + _incidents(person_id)
    order = sorted(range(len(facts)), key=lambda i: (_start(facts[i]["date"]), i))
    frame = pd.DataFrame([facts[i] for i in order], columns=TIMELINE_COLUMNS)
    return frame.astype("string")


def _start(date: str) -> str:
    """First day a partial date covers, so that undated facts sort last."""
    bounds = _bounds(date) if date else None
    return bounds[0] if bounds else "9999"


def _bounds(text: str) -> tuple[str, str] | None:
    from .rules import partial_date_bounds

    return partial_date_bounds(text)
