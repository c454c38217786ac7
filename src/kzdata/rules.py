"""Cross-table rules that frictionless cannot know (DATA_MODEL.md, "Cross-table rules").

Each rule is a small function taking the raw tables (all-string DataFrames, missing = NA)
and yielding :class:`Issue` objects. A value that does not parse is left to the schema
checks: rules look only at rows they can read.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from . import schemas as sc
from .report import Issue

if TYPE_CHECKING:
    import pandas as pd

class Data(dict):  # type: ignore[type-arg]
    """The raw tables of the package being validated (name -> DataFrame), with that package's
    own schemas and file paths, so rules never read the installed copy."""

    def __init__(self, tables: dict[str, pd.DataFrame], schemas: dict[str, dict[str, Any]],
                 files: dict[str, str]) -> None:
        super().__init__(tables)
        self.schemas, self.files = schemas, files

    def fields(self, name: str) -> list[dict[str, Any]]:
        return self.schemas[name]["fields"]

    def primary_key(self, name: str) -> list[str]:
        pk = self.schemas[name].get("primaryKey") or []
        return [pk] if isinstance(pk, str) else list(pk)


Tables = Data
Rule = Callable[[Tables], Iterator[Issue]]
RULES: list[Rule] = []

_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def rule(func: Rule) -> Rule:
    RULES.append(func)
    return func


def _issue(table: str, index: int | None, column: str | None, name: str, message: str) -> Issue:
    row = None if index is None else index + 2  # header is row 1, as a spreadsheet shows
    return Issue(table, row, column, name, message)  # check() puts the table's file path in


def _rows(tables: Tables, name: str, *columns: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(index, {column: value or None}) for each row of a table that has those columns."""
    frame = tables.get(name)
    if frame is None or any(c not in frame.columns for c in columns):
        return
    values = frame[list(columns)].astype(object).where(frame[list(columns)].notna(), None)
    for index, row in enumerate(values.itertuples(index=False, name=None)):
        yield index, dict(zip(columns, row, strict=True))


def _num(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def partial_date_bounds(text: str) -> tuple[str, str] | None:
    """(first day, last day) an ISO partial date or interval covers, or None if not real."""
    parts = text.split("/")
    if len(parts) > 2:
        return None
    bounds = []
    for part in parts:
        m = _PART.match(part)
        if not m:
            return None
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
        if month and not 1 <= month <= 12:
            return None
        if day and not 1 <= day <= calendar.monthrange(year, month)[1]:
            return None
        last_month = month or 12
        last_day = day or calendar.monthrange(year, last_month)[1]
        bounds.append((f"{year:04d}-{month or 1:02d}-{day or 1:02d}",
                       f"{year:04d}-{last_month:02d}-{last_day:02d}"))
    return bounds[0][0], bounds[-1][1]


@rule
def partial_dates_are_real(tables: Tables) -> Iterator[Issue]:
    """Partial dates are real calendar dates (no 2021-02-30) and intervals run forward."""
    import pandas as pd

    for name in tables:
        for field in tables.fields(name):
            col = field["name"]
            if not sc.is_partial_date(field) or col not in tables[name].columns:
                continue
            values = tables[name][col]
            well_formed = values.notna() & values.str.fullmatch(sc.PARTIAL_DATE_PATTERN).fillna(False).astype(bool)
            days = well_formed & (values.str.len() == 10)
            impossible = days & pd.to_datetime(values.where(days), format="%Y-%m-%d", errors="coerce").isna()
            intervals = well_formed & values.str.contains("/", regex=False).fillna(False).astype(bool)
            for i in (impossible | intervals).to_numpy().nonzero()[0]:
                text = values.iloc[i]
                bounds = partial_date_bounds(text)
                if bounds is None:
                    yield _issue(name, int(i), col, "real-date", f"{text!r} is not a real calendar date")
                elif "/" in text and bounds[0] > bounds[1]:
                    yield _issue(name, int(i), col, "interval-order", f"interval {text!r} runs backwards")


@rule
def election_id_matches_date_and_type(tables: Tables) -> Iterator[Issue]:
    """election_id is YYYY-MM-DD-<type> of its own date and type."""
    for i, r in _rows(tables, "elections", "election_id", "date", "type"):
        if None in r.values():
            continue
        expected = f"{r['date']}-{r['type'].replace('_', '-')}"
        if r["election_id"] != expected:
            yield _issue("elections", i, "election_id", "election-id",
                         f"{r['election_id']!r} does not match its date and type (expected {expected!r})")


def _election_limits(tables: Tables, column: str) -> dict[str, float]:
    """election_id -> numeric value of ``column`` in elections (rows where it parses)."""
    import pandas as pd

    frame = tables.get("elections")
    if frame is None or column not in frame.columns:
        return {}
    values = pd.to_numeric(frame[column], errors="coerce")
    return dict(zip(frame["election_id"][values.notna()], values[values.notna()], strict=True))


def _group_sums(tables: Tables, column: str,
                exclude_invalid: bool = False) -> Iterator[tuple[str, str, float, int, int]]:
    """(election_id, stage label, sum, rows summed, index of the group's last row) per election, stage
    and pollster: each institute's exit poll is summed by itself."""
    import pandas as pd

    frame = tables.get("election_results")
    needed = ("election_id", "stage", "contestant_type", column)
    if frame is None or any(c not in frame.columns for c in needed):
        return
    values = pd.to_numeric(frame[column], errors="coerce")
    keep = values.notna()
    if exclude_invalid:
        keep &= frame["contestant_type"] != "invalid"
    pollster = frame["pollster"].fillna("") if "pollster" in frame.columns else ""
    data = pd.DataFrame({"election_id": frame["election_id"], "stage": frame["stage"], "pollster": pollster,
                         "value": values, "row": range(len(frame))})[keep.to_numpy()]
    summary = data.groupby(["election_id", "stage", "pollster"], sort=True).agg(
        total=("value", "sum"), n=("value", "size"), last=("row", "max"))
    for (eid, stage, by), r in summary.iterrows():
        label = f"{stage} by {by}" if by else str(stage)
        yield str(eid), label, float(r["total"]), int(r["n"]), int(r["last"])


@rule
def shares_sum_to_at_most_100(tables: Tables) -> Iterator[Issue]:
    """Within one election and stage, vote_pct of contestants (not invalid ballots) sums to <= 100."""
    for eid, stage, total, n, last in _group_sums(tables, "vote_pct", exclude_invalid=True):
        if total > 100 + 0.05 * n:
            yield _issue("election_results", last, "vote_pct", "shares-sum",
                         f"shares of {eid} ({stage}) sum to {total:.2f}, above 100")


@rule
def votes_within_ballots_cast(tables: Tables) -> Iterator[Issue]:
    """Within one election and stage, votes sum to at most the election's ballots_cast."""
    ballots = _election_limits(tables, "ballots_cast")
    for eid, stage, total, _, last in _group_sums(tables, "votes"):
        if eid in ballots and total > ballots[eid]:
            yield _issue("election_results", last, "votes", "votes-sum",
                         f"votes of {eid} ({stage}) sum to {total:.0f}, above ballots_cast {ballots[eid]:.0f}")


@rule
def seats_within_total(tables: Tables) -> Iterator[Issue]:
    """Within one election and stage, seats sum to at most the election's seats_total."""
    limits = _election_limits(tables, "seats_total")
    for eid, stage, total, _, last in _group_sums(tables, "seats"):
        if eid in limits and total > limits[eid]:
            yield _issue("election_results", last, "seats", "seats-sum",
                         f"seats of {eid} ({stage}) sum to {total:.0f}, above seats_total {limits[eid]:.0f}")


@rule
def turnout_agrees_with_counts(tables: Tables) -> Iterator[Issue]:
    """turnout_pct equals 100 * ballots_cast / registered_voters within the source's rounding."""
    for i, r in _rows(tables, "elections", "ballots_cast", "registered_voters", "turnout_pct"):
        ballots, voters, turnout = (_num(r[c]) for c in ("ballots_cast", "registered_voters", "turnout_pct"))
        if None in (ballots, voters, turnout) or not voters:
            continue
        decimals = len(r["turnout_pct"].partition(".")[2])
        tolerance = 0.5 * 10 ** -decimals + 0.01
        computed = 100 * ballots / voters
        if abs(computed - turnout) > tolerance:
            yield _issue("elections", i, "turnout_pct", "turnout",
                         f"turnout {turnout} disagrees with ballots_cast/registered_voters = {computed:.2f}")


_KEY_SEP = "|"


@rule
def pollster_only_for_exit_polls(tables: Tables) -> Iterator[Issue]:
    """An exit_poll row names its pollster; an official count (preliminary, final) has none."""
    for i, r in _rows(tables, "election_results", "stage", "pollster"):
        if r["stage"] == "exit_poll" and not r["pollster"]:
            yield _issue("election_results", i, "pollster", "pollster", "an exit_poll row needs its pollster")
        elif r["stage"] in ("preliminary", "final") and r["pollster"]:
            yield _issue("election_results", i, "pollster", "pollster",
                         f"a {r['stage']} row is the commission's count; leave pollster empty")


@rule
def citations_point_at_rows(tables: Tables) -> Iterator[Issue]:
    """A citation names an existing row and column, and a stated value differs from the main one."""
    cols = ("table", "record_id", "field", "value")
    keyed: dict[str, dict[str, int]] = {}
    for i, r in _rows(tables, "citations", *cols):
        table, record, field = r["table"], r["record_id"], r["field"]
        if table not in tables or record is None or field is None:
            continue
        frame = tables[table]
        pk = tables.primary_key(table)
        if any(c not in frame.columns for c in pk):
            continue
        if table not in keyed:
            keys = frame[pk[0]].fillna("").astype(str)
            for column in pk[1:]:
                keys = keys + _KEY_SEP + frame[column].fillna("").astype(str)
            keys = keys.str.rstrip(_KEY_SEP)  # trailing empty key parts are left out of record_id
            keyed[table] = {k: n for n, k in enumerate(keys)}
        if record not in keyed[table]:
            yield _issue("citations", i, "record_id", "citation-target",
                         f"no row {record!r} in {table} (key {_KEY_SEP.join(pk)})")
            continue
        if field != "*" and field not in frame.columns:
            yield _issue("citations", i, "field", "citation-target", f"{table} has no column {field!r}")
            continue
        if field != "*" and r["value"] is not None:
            main = frame.iloc[keyed[table][record]][field]
            if str(main) == r["value"]:
                yield _issue("citations", i, "value", "citation-value",
                             f"value {r['value']!r} equals the main table's; leave it empty for agreement")


#: What the note of a row resting on an encyclopedia must say (matched without regard to case).
NO_BETTER_SOURCE = "no better source"


@rule
def encyclopedia_rows_say_why(tables: Tables) -> Iterator[Issue]:
    """A fact row whose source is an encyclopedia says in its note that no better source was found."""
    tiers = {r["source_id"]: r["tier"] for _, r in _rows(tables, "sources", "source_id", "tier")}
    for table, frame in tables.items():
        if table in ("sources", "citations") or "source_id" not in frame.columns:
            continue
        for i, r in _rows(tables, table, "source_id"):
            if tiers.get(r["source_id"] or "") != "encyclopedia":
                continue
            note = frame["note"].iloc[i] if "note" in frame.columns else None
            if not isinstance(note, str) or NO_BETTER_SOURCE not in note.lower():
                yield _issue(table, i, "note", "encyclopedia-note",
                             f"rests on an encyclopedia ({r['source_id']}): the note must say that no better "
                             f"source was found ('{NO_BETTER_SOURCE}')")


@rule
def people_are_linked(tables: Tables) -> Iterator[Issue]:
    """A candidate row names its person; a leader_elected or leader_left event names the leader."""
    for i, r in _rows(tables, "election_results", "contestant_type", "person_id"):
        if r["contestant_type"] == "candidate" and not r["person_id"]:
            yield _issue("election_results", i, "person_id", "person-link", "a candidate row needs person_id")
    for i, r in _rows(tables, "party_events", "event", "person_id"):
        if r["event"] in ("leader_elected", "leader_left") and not r["person_id"]:
            yield _issue("party_events", i, "person_id", "person-link", f"a {r['event']} event needs person_id")


def _election_days(tables: Tables) -> dict[str, str]:
    return {r["election_id"]: r["date"] for _, r in _rows(tables, "elections", "election_id", "date") if r["date"]}


def _region_spans(tables: Tables) -> dict[str, tuple[str, str]]:
    """region_id -> (first day it existed, first day it no longer did) from valid_from / valid_to."""
    spans = {}
    for _, r in _rows(tables, "regions", "region_id", "valid_from", "valid_to"):
        start = partial_date_bounds(r["valid_from"] or "") if r["valid_from"] else None
        end = partial_date_bounds(r["valid_to"] or "") if r["valid_to"] else None
        spans[r["region_id"]] = (start[0] if start else "0000-01-01", end[0] if end else "9999-12-31")
    return spans


@rule
def regions_exist_on_election_day(tables: Tables) -> Iterator[Issue]:
    """A regional figure names a region that existed on the election's polling day."""
    days, spans = _election_days(tables), _region_spans(tables)
    for table in ("regional_turnout", "regional_results"):
        for i, r in _rows(tables, table, "election_id", "region_id"):
            day, span = days.get(r["election_id"] or ""), spans.get(r["region_id"] or "")
            if day and span and not span[0] <= day < span[1]:
                yield _issue(table, i, "region_id", "region-date",
                             f"{r['region_id']} did not exist on {day} ({r['election_id']})")


#: How far the regions' registered voters may fall short of (or exceed) the national figure: the
#: commission's regional tables may leave out polling stations abroad (some tens of thousands of
#: voters, well under 1% of the roll) and special lists; a larger gap means a region is missing or
#: a figure is wrong.
REGIONAL_SUM_TOLERANCE = 0.01


@rule
def regional_counts_add_up(tables: Tables) -> Iterator[Issue]:
    """Regional registered voters and ballots after the count (preliminary or final) add up to the
    national figures within 1% once every region in force has one; until then they stay below them."""
    national = {r["election_id"]: r for _, r in _rows(tables, "elections", "election_id", "registered_voters",
                                                         "ballots_cast")}
    days, spans = _election_days(tables), _region_spans(tables)
    domestic = {r["region_id"] for _, r in _rows(tables, "regions", "region_id", "kind") if r["kind"] != "abroad"}
    sums: dict[tuple[str, str, str], tuple[float, set[str], int]] = {}
    for i, r in _rows(tables, "regional_turnout", "election_id", "region_id", "report", "registered_voters",
                      "ballots"):
        if r["report"] not in ("preliminary", "final"):
            continue
        for column in ("registered_voters", "ballots"):
            value = _num(r[column])
            if value is not None:
                total, regions, _ = sums.get((r["election_id"], r["report"], column), (0.0, set(), i))
                sums[(r["election_id"], r["report"], column)] = (total + value, regions | {r["region_id"]}, i)
    for (election, report, column), (total, regions, i) in sums.items():
        target = _num(national.get(election, {}).get("registered_voters" if column == "registered_voters"
                                                       else "ballots_cast"))
        if not target:
            continue
        day = days.get(election, "")
        in_force = {region for region in domestic if region in spans and spans[region][0] <= day < spans[region][1]}
        complete = in_force <= regions
        if complete and abs(total - target) > REGIONAL_SUM_TOLERANCE * target:
            yield _issue("regional_turnout", i, column, "regional-sum",
                         f"regions' {column} of {election} ({report}) sum to {total:.0f}, national figure "
                         f"{target:.0f} (more than {REGIONAL_SUM_TOLERANCE:.0%} apart)")
        elif not complete and total > (1 + REGIONAL_SUM_TOLERANCE) * target:
            yield _issue("regional_turnout", i, column, "regional-sum",
                         f"the {len(regions)} regions with {column} of {election} ({report}) already sum to "
                         f"{total:.0f}, above the national figure {target:.0f}")


@rule
def regional_shares_at_most_100(tables: Tables) -> Iterator[Issue]:
    """Within one election, region and stage, shares sum to at most 100 (plus rounding)."""
    sums: dict[tuple[str, str, str], tuple[float, int, int]] = {}
    for i, r in _rows(tables, "regional_results", "election_id", "region_id", "stage", "vote_pct"):
        value = _num(r["vote_pct"])
        if value is not None:
            key = (r["election_id"], r["region_id"], r["stage"])
            total, count, _ = sums.get(key, (0.0, 0, i))
            sums[key] = (total + value, count + 1, i)
    for (election, region, stage), (total, count, i) in sums.items():
        if total > 100 + 0.05 * count:
            yield _issue("regional_results", i, "vote_pct", "regional-shares",
                         f"shares of {election} in {region} ({stage}) sum to {total:.2f}, above 100")


@rule
def report_time_fits_report(tables: Tables) -> Iterator[Issue]:
    """An intraday report has a time on polling day or the day after (late counts); a preliminary
    count is not timed before polling day; a final figure has no time."""
    days = _election_days(tables)
    for i, r in _rows(tables, "regional_turnout", "election_id", "report", "as_of"):
        stamp, day = r["as_of"] or "", days.get(r["election_id"] or "")
        if r["report"] == "final" and stamp:
            yield _issue("regional_turnout", i, "as_of", "report-time", "a final figure has no report time")
        elif r["report"] == "intraday" and not stamp:
            yield _issue("regional_turnout", i, "as_of", "report-time", "an intraday report needs its time")
        elif stamp and day and r["report"] in ("intraday", "preliminary"):
            try:
                after = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            except ValueError:  # a malformed polling day is reported by the type checks
                continue
            if r["report"] == "intraday" and stamp[:10] not in (day, after):
                yield _issue("regional_turnout", i, "as_of", "report-time",
                             f"report time {stamp} is not on polling day {day} or the day after")
            elif r["report"] == "preliminary" and stamp[:10] < day:
                yield _issue("regional_turnout", i, "as_of", "report-time",
                             f"preliminary count timed {stamp}, before polling day {day}")


@rule
def intraday_turnout_never_decreases(tables: Tables) -> Iterator[Issue]:
    """Through polling day, a region's reported turnout never goes down."""
    series: dict[tuple[str, str], list[tuple[str, float, int]]] = {}
    for i, r in _rows(tables, "regional_turnout", "election_id", "region_id", "report", "as_of", "turnout_pct"):
        value = _num(r["turnout_pct"])
        if value is not None and r["as_of"] and r["report"] == "intraday":
            series.setdefault((r["election_id"], r["region_id"]), []).append((r["as_of"], value, i))
    for (election, region), points in series.items():
        points.sort()
        for (before, earlier, _), (time, later, i) in zip(points, points[1:], strict=False):
            if later < earlier:
                yield _issue("regional_turnout", i, "turnout_pct", "intraday-order",
                             f"turnout in {region} at {time} ({later}) is below {before} ({earlier}) on {election}")


def _parties(tables: Tables) -> dict[str, dict[str, str | None]]:
    return {r["party_id"]: r for _, r in _rows(tables, "parties", "party_id", "founded", "status")}


@rule
def party_events_consistent(tables: Tables) -> Iterator[Issue]:
    """Events not before founding; mergers and splits name the other party; renames the new name."""
    parties = _parties(tables)
    cols = ("party_id", "date", "event", "related_party_id", "name_after")
    for i, r in _rows(tables, "party_events", *cols):
        founded = parties.get(r["party_id"], {}).get("founded")
        event_span = partial_date_bounds(r["date"] or "")
        founded_span = partial_date_bounds(founded or "")
        if event_span and founded_span and event_span[1] < founded_span[0]:
            yield _issue("party_events", i, "date", "event-before-founding",
                         f"{r['event']} on {r['date']} is before {r['party_id']} was founded ({founded})")
        if r["event"] in ("merged_into", "absorbed", "split_from") and not r["related_party_id"]:
            yield _issue("party_events", i, "related_party_id", "related-party",
                         f"a {r['event']} event needs related_party_id")
        if r["event"] == "renamed" and not r["name_after"]:
            yield _issue("party_events", i, "name_after", "renamed-name", "a renamed event needs name_after")


#: Status a party must have when this is its latest status-changing event.
STATUS_AFTER = {
    "registered": {"registered"}, "re_registered": {"registered"}, "merged_into": {"merged"},
    "banned": {"banned"}, "dissolved": {"dissolved"}, "liquidated": {"dissolved", "banned", "merged"},
}


@rule
def party_status_matches_last_event(tables: Tables) -> Iterator[Issue]:
    """A party's status agrees with its latest status-changing event."""
    last: dict[str, tuple[str, str]] = {}
    for _, r in _rows(tables, "party_events", "party_id", "date", "event"):
        span = partial_date_bounds(r["date"] or "")
        if span and r["event"] in STATUS_AFTER and (r["party_id"] not in last or span[0] >= last[r["party_id"]][0]):
            last[r["party_id"]] = (span[0], r["event"])
    for i, r in _rows(tables, "parties", "party_id", "status"):
        if r["party_id"] in last:
            date, event = last[r["party_id"]]
            if r["status"] not in STATUS_AFTER[event]:
                yield _issue("parties", i, "status", "party-status",
                             f"status {r['status']!r} disagrees with the last event ({event} on {date})")


#: Unit a rule must use, by the ending of its name.
UNIT_BY_SUFFIX = {"_pct": "percent", "_seats": "seats", "_members": "members",
                  "_branches": "branches", "_years": "years", "_signatures": "signatures",
                  "_days": "days", "_months": "months"}


@rule
def rule_units_fit(tables: Tables) -> Iterator[Issue]:
    """An electoral rule's unit fits its name (…_pct in percent, …_seats in seats, …)."""
    for i, r in _rows(tables, "electoral_rules", "rule", "unit"):
        for suffix, unit in UNIT_BY_SUFFIX.items():
            if r["rule"] and r["rule"].endswith(suffix) and r["unit"] != unit:
                yield _issue("electoral_rules", i, "unit", "rule-unit",
                             f"rule {r['rule']!r} is measured in {unit}, not {r['unit']!r}")


@rule
def category_counts_within_all(tables: Tables) -> Iterator[Issue]:
    """A monitor's count for one category does not exceed its 'all' count (same period, measure)."""
    cols = ("monitor", "period", "category", "measure", "count")
    rows = list(_rows(tables, "threat_counts", *cols))
    totals = {(r["monitor"], r["period"], r["measure"]): _num(r["count"]) for _, r in rows if r["category"] == "all"}
    for i, r in rows:
        total = totals.get((r["monitor"], r["period"], r["measure"]))
        count = _num(r["count"])
        if r["category"] != "all" and total is not None and count is not None and count > total:
            yield _issue("threat_counts", i, "count", "category-within-all",
                         f"{r['category']} count {count:.0f} exceeds the 'all' count {total:.0f}")


@rule
def pilgrims_within_quota(tables: Tables) -> Iterator[Issue]:
    """pilgrims_departed does not exceed quota_allocated in the same year unless a note explains."""
    rows = list(_rows(tables, "hajj_quotas", "year", "measure", "value", "note"))
    quota = {r["year"]: _num(r["value"]) for _, r in rows if r["measure"] == "quota_allocated"}
    for i, r in rows:
        if r["measure"] != "pilgrims_departed" or r["note"]:
            continue
        value, limit = _num(r["value"]), quota.get(r["year"])
        if value is not None and limit is not None and value > limit:
            yield _issue("hajj_quotas", i, "value", "pilgrims-within-quota",
                         f"{value:.0f} pilgrims departed in {r['year']}, above the quota {limit:.0f}, with no note")


def check(tables: Tables) -> list[Issue]:
    """Run every rule over the raw tables; issues name the file of their table."""
    return [replace(issue, file=tables.files.get(issue.file, issue.file))
            for rule_func in RULES for issue in rule_func(tables)]
