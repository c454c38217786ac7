"""Analysis-ready tables derived from the data: one row per election, one row per year.

Every derived column is defined once, in :data:`DERIVED` (definition, formula, source tables);
the codebook and :func:`kzdata.codebook` list those definitions beside the tables' fields.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Contestant types that are not contestants for concentration measures.
NOT_CONTESTANTS = ("invalid", "against_all")

#: Every derived column: (table, column, definition, formula, tables it is computed from).
DERIVED: list[tuple[str, str, str, str, str]] = [
    ("elections_summary", "election_id", "The election (key of elections).", "elections.election_id", "elections"),
    ("elections_summary", "stage", "Counting stage summarised (final by default; never a mix).",
     "election_results.stage", "election_results"),
    ("elections_summary", "pollster", "The institute for an exit-poll summary; empty otherwise.",
     "election_results.pollster", "election_results"),
    ("elections_summary", "date", "Polling day.", "elections.date", "elections"),
    ("elections_summary", "type", "Kind of vote.", "elections.type", "elections"),
    ("elections_summary", "turnout_pct", "Turnout as published for the election.", "elections.turnout_pct",
     "elections"),
    ("elections_summary", "contestants", "Number of contestants (parties, candidates, options; not invalid "
     "ballots or 'against all').", "count of result rows with contestant_type not in (invalid, against_all)",
     "election_results"),
    ("elections_summary", "winner_id", "Contestant with the largest share of the vote (by seats where no "
     "votes or shares are recorded).", "argmax v_i (else argmax s_i)", "election_results"),
    ("elections_summary", "winner_pct", "The winner's share of the vote, in percent.", "max v_i",
     "election_results"),
    ("elections_summary", "runner_up_id", "Contestant with the second largest share of the vote.",
     "second largest v_i", "election_results"),
    ("elections_summary", "margin_pct", "Winner's share minus the runner-up's, in percentage points.",
     "v_(1) - v_(2)", "election_results"),
    ("elections_summary", "enp_votes", "Effective number of parties or candidates by votes "
     "(Laakso-Taagepera).", "1 / sum(p_i^2), p_i = vote share as a fraction of the contestants' total",
     "election_results"),
    ("elections_summary", "enp_seats", "Effective number of parties by seats (Laakso-Taagepera).",
     "1 / sum(q_i^2), q_i = seats_i / sum(seats); only where the recorded seats add up to "
     "elections.seats_total",
     "election_results, elections"),
    ("elections_summary", "largest_pct", "Vote share of the largest contestant, in percent (= winner_pct).",
     "max v_i", "election_results"),
    ("elections_summary", "largest_seats", "Seats of the contestant with the most seats.", "max seats_i",
     "election_results"),
    ("elections_summary", "gallagher", "Disproportionality (Gallagher least-squares index), where every "
     "contestant has both a vote share and a seat count and the seats add up to elections.seats_total.",
     "sqrt(1/2 * sum((v_i - s_i)^2)), v and s in percent",
     "election_results"),
    ("panel", "year", "Calendar year.", "1990 .. the last year with data", "all"),
    ("panel", "<type>_elections", "Number of elections of that type held in the year (e.g. majilis_elections).",
     "count of elections.date in the year", "elections"),
    ("panel", "<type>_<measure>", "The summary columns of the year's last election of that type (e.g. "
     "majilis_enp_seats, presidential_winner_pct); empty in years without one.",
     "elections_summary of the latest election of the type in the year", "elections, election_results"),
    ("panel", "rule_<name>_jan1", "Value of each quantified electoral rule in force on 1 January.",
     "kzdata.rule(name, 'YYYY-01-01')", "electoral_rules"),
    ("panel", "rule_<name>_dec31", "Value of each quantified electoral rule in force on 31 December.",
     "kzdata.rule(name, 'YYYY-12-31')", "electoral_rules"),
    ("panel", "threats", "Incidents in threats whose date interval starts in the year; 0 in years within "
     "the table's span without one, empty outside it; undated incidents are not counted.",
     "count by year of the first day of threats.date", "threats"),
    ("panel", "threats_<type> / threats_target_<category>", "The same count by threat_type and by "
     "target_category.", "count by year and type / category", "threats"),
    ("panel", "threats_spanning", "Incidents whose date interval starts in the year and ends in a later one.",
     "count where year(first day) = year < year(last day)", "threats"),
    ("panel", "count_<monitor>_<measure>", "Monitors' published counts for exactly that calendar year "
     "(category 'all', or the only category given).", "threat_counts.count where period = YYYY", "threat_counts"),
    ("panel", "hajj_<measure>", "Hajj figures of the year (quota_allocated, pilgrims_departed, ...).",
     "hajj_quotas.value by year and measure", "hajj_quotas"),
]


def _shares(group: pd.DataFrame) -> list[float] | None:
    """Vote shares in percent of the contestants: as published, else from votes; None if neither."""
    if group["vote_pct"].notna().all():
        return [float(v) for v in group["vote_pct"]]
    if group["votes"].notna().all() and group["votes"].sum() > 0:
        total = float(group["votes"].sum())
        return [100 * float(v) / total for v in group["votes"]]
    return None


def _effective_number(values: list[float]) -> float | None:
    total = sum(values)
    if not values or total <= 0:
        return None
    return 1 / sum((v / total) ** 2 for v in values)


def _summary(group: pd.DataFrame, seats_total: Any) -> dict[str, Any]:
    contestants = group[~group["contestant_type"].isin(NOT_CONTESTANTS)]
    shares = _shares(contestants)
    seats = contestants["seats"]
    row: dict[str, Any] = {"contestants": len(contestants)}
    ranked = (sorted(zip(shares, contestants["contestant_id"], strict=True), reverse=True) if shares else
              sorted(zip(seats.fillna(-1), contestants["contestant_id"], strict=True), reverse=True)
              if seats.notna().any() else [])
    if ranked:
        row["winner_id"] = ranked[0][1]
    if shares:
        row["winner_pct"] = row["largest_pct"] = ranked[0][0]
        if len(ranked) > 1:
            row["runner_up_id"] = ranked[1][1]
            row["margin_pct"] = ranked[0][0] - ranked[1][0]
        row["enp_votes"] = _effective_number(shares)
    seat_counts = [float(s) for s in seats.dropna()]
    if seat_counts:
        row["largest_seats"] = int(max(seat_counts))
    complete = seat_counts and seats_total is not None and str(seats_total) != "<NA>" and \
        sum(seat_counts) == float(seats_total)  # every seat accounted for, else no seat-based measure
    if complete:
        row["enp_seats"] = _effective_number(seat_counts)
        if shares and seats.notna().all() and sum(seat_counts) > 0:
            seat_pct = [100 * s / sum(seat_counts) for s in seat_counts]
            row["gallagher"] = math.sqrt(sum((v - s) ** 2 for v, s in zip(shares, seat_pct, strict=True)) / 2)
    return row


SUMMARY_COLUMNS = [column for table, column, *_ in DERIVED if table == "elections_summary"]


def elections_summary(stage: str = "final") -> pd.DataFrame:
    """One row per election with results at ``stage``: turnout, winner, margin, effective number of
    parties by votes and seats, largest party, disproportionality (see :data:`DERIVED`).

    ``stage`` is ``final`` (default), ``preliminary`` or ``exit_poll`` (one row per pollster);
    stages are never mixed.

    >>> elections_summary().set_index("election_id").loc["2019-06-09-presidential", "winner_id"]
    'tokayev-kassym-jomart'
    """
    import pandas as pd

    from .loading import load

    if stage not in ("final", "preliminary", "exit_poll"):
        from .errors import KzdataError

        raise KzdataError(f"unknown stage {stage!r}; use final, preliminary or exit_poll")
    results = load("election_results")
    results = results[results["stage"] == stage]
    elections = load("elections").set_index("election_id")
    rows = []
    for (election_id, pollster), group in results.groupby(["election_id", results["pollster"].fillna("")],
                                                         observed=True, sort=True):
        meta = elections.loc[election_id]
        rows.append({"election_id": election_id, "stage": stage, "pollster": pollster or None,
                     "date": meta["date"], "type": meta["type"], "turnout_pct": meta["turnout_pct"],
                     **_summary(group, meta["seats_total"])})
    frame = pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
    types = {"contestants": "Int64", "largest_seats": "Int64", "turnout_pct": "Float64", "winner_pct": "Float64",
             "margin_pct": "Float64", "enp_votes": "Float64", "enp_seats": "Float64", "largest_pct": "Float64",
             "gallagher": "Float64", "election_id": "string", "stage": "string", "pollster": "string",
             "winner_id": "string", "runner_up_id": "string", "type": "string"}
    return frame.astype(types).sort_values(["date", "election_id", "pollster"], ignore_index=True)


def panel() -> pd.DataFrame:
    """One row per calendar year from 1990 to the last year in the data (see :data:`DERIVED`)."""
    import pandas as pd

    from .loading import load
    from .rules import partial_date_bounds

    summary = elections_summary()
    threats = load("threats")
    spans = [partial_date_bounds(d) if isinstance(d, str) else None for d in threats["date"]]
    first_year = [int(s[0][:4]) if s else None for s in spans]
    last_year = [int(s[1][:4]) if s else None for s in spans]
    hajj = load("hajj_quotas")
    counts = load("threat_counts")
    rules = load("electoral_rules")
    dated_years = [y for y in first_year if y] + [int(d.year) for d in summary["date"]] + hajj["year"].tolist()
    end = max(dated_years)
    years = range(1990, end + 1)
    table: dict[str, dict[int, Any]] = {}

    def put(column: str, year: int, value: Any) -> None:
        table.setdefault(column, {})[year] = value

    for year in years:
        put("year", year, year)
    summary = summary.assign(year=[int(d.year) for d in summary["date"]])
    for (kind, year), group in summary.groupby(["type", "year"], sort=True):
        put(f"{kind}_elections", year, len(group))
        last = group.iloc[-1]
        for column in ("turnout_pct", "contestants", "winner_pct", "margin_pct", "enp_votes", "enp_seats",
                       "largest_seats", "gallagher"):
            if pd.notna(last[column]):
                put(f"{kind}_{column}", year, last[column])
    changes: dict[str, list[tuple[str, float]]] = {}
    for name, start, value in zip(rules["rule"].astype(str), rules["effective_from"], rules["value"], strict=True):
        changes.setdefault(name, []).append((partial_date_bounds(start)[0], float(value)))
    for name in sorted(changes):  # the value in force on a day, as kzdata.rule gives it
        steps = sorted(changes[name])
        for year in years:
            for suffix, day in (("jan1", f"{year}-01-01"), ("dec31", f"{year}-12-31")):
                in_force = [value for start, value in steps if start <= day]
                if in_force:
                    put(f"rule_{name}_{suffix}", year, in_force[-1])
    span = [y for y in first_year if y]
    for year in years:
        if span and min(span) <= year <= max(span):
            put("threats", year, 0)
            put("threats_spanning", year, 0)
    for start, stop, kind, category in zip(first_year, last_year, threats["threat_type"], threats["target_category"],
                                           strict=True):
        if start is None or start not in years:
            continue
        for column in ("threats", f"threats_{kind}", f"threats_target_{category}"):
            put(column, start, table.get(column, {}).get(start, 0) + 1)
        if stop and stop > start:
            put("threats_spanning", start, table["threats_spanning"].get(start, 0) + 1)
    yearly = counts[counts["period"].astype(str).str.fullmatch(r"\d{4}")]
    for row in yearly.itertuples(index=False):
        categories = yearly[(yearly["monitor"] == row.monitor) & (yearly["period"] == row.period)
                            & (yearly["measure"] == row.measure)]["category"].astype(str)
        if row.category == "all" or len(categories) == 1:
            put(f"count_{_slug(row.monitor)}_{row.measure}", int(row.period), int(row.count))
    for row in hajj.itertuples(index=False):
        put(f"hajj_{row.measure}", int(row.year), float(row.value))
    frame = pd.DataFrame({column: pd.Series(values) for column, values in table.items()}).reindex(list(years))
    frame = frame.reset_index(drop=True)
    for column in frame.columns:
        kind = "Int64" if column == "year" or column.startswith(("threats", "count_")) or \
            column.endswith(("_elections", "_contestants", "_largest_seats")) else "Float64"
        frame[column] = frame[column].astype(kind)
    return frame


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def regional_coverage(regions_listed: bool = False) -> pd.DataFrame:
    """Per national vote, how much regional data the package holds: regions in force on polling
    day (with ``abroad``), regions with a final and with a preliminary turnout figure, the times of
    the intraday reports, regions with results. ``regions_listed=True`` adds the region ids of each
    (space-separated) and the regions in force that still lack a final turnout figure.

    >>> int(regional_coverage().set_index("election_id").loc["2022-11-20-presidential", "regions_in_force"])
    21
    """
    import pandas as pd

    from .loading import load
    from .lookups import regions

    elections = load("elections")
    national = elections[elections["type"].isin(["presidential", "majilis", "referendum"])]
    turnout, results = load("regional_turnout"), load("regional_results")
    rows = []
    for election_id, day in zip(national["election_id"], national["date"], strict=True):
        mine = turnout[turnout["election_id"] == election_id]
        in_force = set(regions(on=day.date())["region_id"])
        listed = {report: sorted(set(mine.loc[mine["report"] == report, "region_id"]))
                  for report in ("final", "preliminary")}
        intraday = mine.loc[mine["report"] == "intraday", "as_of"].dropna()
        with_results = sorted(set(results.loc[results["election_id"] == election_id, "region_id"]))
        row = {"election_id": election_id, "date": day, "regions_in_force": len(in_force),
               "final_turnout_regions": len(listed["final"]),
               "preliminary_turnout_regions": len(listed["preliminary"]),
               "intraday_times": " ".join(stamp.strftime("%H:%M") for stamp in sorted(set(intraday))),
               "result_regions": len(with_results)}
        if regions_listed:
            row |= {"final_turnout_in": " ".join(listed["final"]),
                    "final_turnout_missing": " ".join(sorted(in_force - set(listed["final"]))),
                    "preliminary_turnout_in": " ".join(listed["preliminary"]), "results_in": " ".join(with_results)}
        rows.append(row)
    frame = pd.DataFrame(rows)
    counts = ["regions_in_force", "final_turnout_regions", "preliminary_turnout_regions", "result_regions"]
    texts = [c for c in frame.columns if c == "election_id" or c == "intraday_times" or c.endswith(("_in", "_missing"))]
    return frame.astype(dict.fromkeys(counts, "Int64") | dict.fromkeys(texts, "string"))
