"""The validator: shipped data is valid; every corruption a careless edit makes is reported
with its file, row and column (one test per corruption class)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import find_row, read_rows, set_cell, write_rows

import kzdata
from kzdata import schemas as sc
from kzdata.report import Report

TABLES = kzdata.tables()


SCHEMA_RULES = {"type", "constraint", "unique", "primary-key", "foreign-key"}
STRUCTURE_RULES = {"header", "encoding", "missing-cell", "extra-cell", "blank-row", "format", "line-length",
                   "file-size", "empty-file", "resource-error"}


def check(path: Path) -> Report:
    """Validate with the default (pandas) engine, and prove frictionless finds the same cells."""
    fast = kzdata.validate(path)
    slow = kzdata.validate(path, engine="frictionless")
    if any(e.rule in STRUCTURE_RULES for e in fast.errors + slow.errors):
        # a file that cannot be read as its schema says: both name it (frictionless then also
        # fails the tables whose foreign keys point at it)
        broken = {e.file for e in fast.errors if e.rule in STRUCTURE_RULES}
        assert broken and broken <= {e.file for e in slow.errors}, (explain(fast), explain(slow))
    else:
        cells = [{(e.file, e.row, e.column) for e in r.errors if e.rule in SCHEMA_RULES} for r in (fast, slow)]
        assert cells[0] == cells[1], (explain(fast), explain(slow))
        assert [e for e in fast.errors if e.rule not in SCHEMA_RULES] == \
            [e for e in slow.errors if e.rule not in SCHEMA_RULES]
    return fast


def reported(report: Report, table: str, row: int | None, column: str | None, rule: str | None = None) -> bool:
    file = f"data/{table}.csv"
    return any(e.file == file and e.row == row and e.column == column and (rule is None or e.rule == rule)
               for e in report.errors)


def explain(report: Report) -> str:
    return "\n".join(report.lines(limit=30))


def test_shipped_data_is_valid():
    report = kzdata.validate()
    assert report.valid, explain(report)


def test_folder_and_descriptor_paths_both_work(package_copy: Path):
    assert kzdata.validate(package_copy).valid
    assert kzdata.validate(package_copy / "datapackage.json").valid


# --- schema classes (frictionless) ------------------------------------------------------

@pytest.mark.parametrize(("table", "column", "value", "rule"), [
    ("elections", "registered_voters", "many", "type"),
    ("elections", "date", "2021-02-30", "type"),
    ("elections", "early", "yes", "type"),
    ("elections", "turnout_pct", "101", "constraint"),
    ("election_results", "vote_pct", "-3", "constraint"),
    ("hajj_quotas", "value", "-5", "constraint"),
    ("hajj_quotas", "year", "2019.5", "type"),
    ("parties", "status", "Registered", "constraint"),
    ("parties", "kind", "faction", "constraint"),
    ("parties", "name_en", "", "constraint"),
    ("party_events", "date", "2020-13", "constraint"),
    ("party_events", "date", "", "constraint"),
    ("threats", "threat_type", "harassment", "constraint"),
    ("threats", "threat_id", " 2020-space-id", "constraint"),
    ("laws", "topics", "elections, parties", "constraint"),
    ("sources", "language", "english", "constraint"),
    ("sources", "source_id", "Hug-2021", "constraint"),
    ("citations", "table", "votes", "constraint"),
    ("threat_counts", "count", "-1", "constraint"),
])
def test_bad_cell_is_reported_where_it_is(package_copy, table, column, value, rule):
    set_cell(package_copy, table, 2, column, value)
    report = check(package_copy)
    assert reported(report, table, 2, column, rule), explain(report)


def test_duplicate_single_primary_key(package_copy):
    first = read_rows(package_copy / "data/laws.csv")[1][0]
    set_cell(package_copy, "laws", 3, "law_id", first)
    report = check(package_copy)
    assert any(e.file == "data/laws.csv" and e.row == 3 and e.rule in ("primary-key", "unique")
               for e in report.errors), explain(report)


def test_duplicate_composite_primary_key(package_copy):
    path = package_copy / "data/election_results.csv"
    rows = read_rows(path)
    rows.insert(2, list(rows[1]))
    write_rows(path, rows)
    report = check(package_copy)
    key = "election_id,stage,contestant_id,pollster"
    assert reported(report, "election_results", 3, key, "primary-key"), explain(report)


def _foreign_keys():
    for name in TABLES:
        for fk in sc.schema(name).get("foreignKeys", []):
            yield name, fk["fields"][0], fk["reference"]["resource"]


@pytest.mark.slow  # one full two-engine run per foreign key of the package
@pytest.mark.parametrize(("table", "column", "target"), list(_foreign_keys()))
def test_dangling_foreign_key(package_copy, table, column, target):
    rows = read_rows(package_copy / f"data/{table}.csv")
    index = rows[0].index(column)
    row = next(n for n, r in enumerate(rows[1:], start=2) if r[index])
    set_cell(package_copy, table, row, column, "no-such-id")
    report = check(package_copy)
    assert any(e.file == f"data/{table}.csv" and e.row == row and e.rule == "foreign-key"
               for e in report.errors), explain(report)


def test_source_removed_while_referenced(package_copy):
    path = package_copy / "data/sources.csv"
    rows = read_rows(path)
    gone = rows[0].index("source_id")
    used = read_rows(package_copy / "data/hajj_quotas.csv")[1][4]
    write_rows(path, [r for r in rows if r[gone] != used])
    report = check(package_copy)
    assert any(e.file == "data/hajj_quotas.csv" and e.rule == "foreign-key" for e in report.errors), explain(report)


def test_unknown_column(package_copy):
    path = package_copy / "data/threats.csv"
    rows = read_rows(path)
    write_rows(path, [r + ["x"] for r in rows[:1]] + [r + ["1"] for r in rows[1:]])
    report = check(package_copy)
    assert any(e.file == "data/threats.csv" and e.rule == "header" for e in report.errors), explain(report)


def test_missing_column(package_copy):
    path = package_copy / "data/threats.csv"
    write_rows(path, [r[:-1] for r in read_rows(path)])
    report = check(package_copy)
    assert any(e.file == "data/threats.csv" and e.rule == "header" and e.column == "note"
               for e in report.errors), explain(report)


def test_bom_and_crlf(package_copy):
    path = package_copy / "data/laws.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    report = check(package_copy)
    rules = {e.rule for e in report.errors if e.file == "data/laws.csv"}
    assert {"encoding", "line-ends"} <= rules, explain(report)


def test_non_utf8_bytes(package_copy):
    path = package_copy / "data/parties.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\n\xff\xfe", 1))
    report = check(package_copy)
    assert any(e.file == "data/parties.csv" for e in report.errors), explain(report)


def test_wrong_delimiter(package_copy):
    path = package_copy / "data/hajj_quotas.csv"
    rows = read_rows(path)
    path.write_text("\n".join(";".join(r) for r in rows) + "\n", encoding="utf-8")
    report = check(package_copy)
    assert any(e.file == "data/hajj_quotas.csv" and e.rule == "header" for e in report.errors), explain(report)


def test_empty_file(package_copy):
    (package_copy / "data/threat_counts.csv").write_bytes(b"")
    report = check(package_copy)
    assert any(e.file == "data/threat_counts.csv" and e.rule == "empty-file" for e in report.errors)


def test_header_only(package_copy):
    path = package_copy / "data/threat_counts.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = check(package_copy)
    assert any(e.file == "data/threat_counts.csv" and e.rule == "no-rows" for e in report.errors)


# --- cross-table rules ------------------------------------------------------------------

def test_impossible_partial_date(package_copy):
    set_cell(package_copy, "party_events", 2, "date", "2021-02-30")
    report = check(package_copy)
    assert reported(report, "party_events", 2, "date", "real-date"), explain(report)


def test_backwards_interval(package_copy):
    set_cell(package_copy, "threats", 2, "date", "2021-05/2021-01")
    report = check(package_copy)
    assert reported(report, "threats", 2, "date", "interval-order"), explain(report)


def test_election_id_must_match_date(package_copy):
    set_cell(package_copy, "elections", 2, "date", "1990-01-01")
    report = check(package_copy)
    assert reported(report, "elections", 2, "election_id", "election-id"), explain(report)


def _election_with_results(root: Path, column: str) -> tuple[str, list[int]]:
    """The election with the most final rows filled in ``column`` (and with ballots_cast known)."""
    elections = read_rows(root / "data/elections.csv")
    with_ballots = {r[0] for r in elections[1:] if r[elections[0].index("ballots_cast")]}
    rows = read_rows(root / "data/election_results.csv")
    header = rows[0]
    groups: dict[str, list[int]] = {}
    for n, r in enumerate(rows[1:], start=2):
        if r[header.index("stage")] == "final" and r[header.index(column)] and r[0] in with_ballots:
            groups.setdefault(r[0], []).append(n)
    eid = max(groups, key=lambda k: len(groups[k]))
    return eid, groups[eid]


def test_shares_above_100(package_copy):
    eid, rows = _election_with_results(package_copy, "vote_pct")
    set_cell(package_copy, "election_results", rows[0], "vote_pct", "99.9")
    set_cell(package_copy, "election_results", rows[1], "vote_pct", "50")
    report = check(package_copy)
    assert any(e.rule == "shares-sum" and eid in e.message for e in report.errors), explain(report)


def test_votes_above_ballots_cast(package_copy):
    eid, rows = _election_with_results(package_copy, "votes")
    elections = read_rows(package_copy / "data/elections.csv")
    ballots = next(r[elections[0].index("ballots_cast")] for r in elections if r[0] == eid)
    set_cell(package_copy, "election_results", rows[0], "votes", str(int(ballots) + 1))
    report = check(package_copy)
    assert any(e.rule == "votes-sum" and eid in e.message for e in report.errors), explain(report)


def test_turnout_disagrees_with_counts(package_copy):
    rows = read_rows(package_copy / "data/elections.csv")
    h = rows[0]
    row = next(n for n, r in enumerate(rows[1:], start=2)
               if r[h.index("ballots_cast")] and r[h.index("registered_voters")] and r[h.index("turnout_pct")])
    turnout = float(rows[row - 1][h.index("turnout_pct")])
    set_cell(package_copy, "elections", row, "turnout_pct", str(round(turnout / 2, 1)))
    report = check(package_copy)
    assert reported(report, "elections", row, "turnout_pct", "turnout"), explain(report)


def test_citation_to_missing_record_and_column(package_copy):
    set_cell(package_copy, "citations", 2, "record_id", "no-such-record")
    set_cell(package_copy, "citations", 3, "field", "no_such_column")
    report = check(package_copy)
    assert reported(report, "citations", 2, "record_id", "citation-target"), explain(report)
    assert reported(report, "citations", 3, "field", "citation-target"), explain(report)


@pytest.mark.parametrize(("table", "match", "column", "value", "rule"), [
    ("party_events", {"party_id": "amanat", "event": "renamed"}, "date", "1950", "event-before-founding"),
    ("party_events", {"event": "merged_into"}, "related_party_id", "", "related-party"),
    ("party_events", {"party_id": "amanat", "event": "renamed"}, "name_after", "", "renamed-name"),
    ("electoral_rules", {"rule": "majilis_threshold_pct"}, "unit", "seats", "rule-unit"),
])
def test_cross_table_rule_edit_is_reported(package_copy, table, match, column, value, rule):
    row = find_row(package_copy, table, **match)
    set_cell(package_copy, table, row, column, value)
    report = check(package_copy)
    assert reported(report, table, row, column, rule), explain(report)


def test_status_must_follow_last_event(package_copy):
    rows = read_rows(package_copy / "data/party_events.csv")
    h = rows[0]
    merged = next(r[0] for r in rows[1:] if r[h.index("event")] == "merged_into")
    row = find_row(package_copy, "parties", party_id=merged)
    set_cell(package_copy, "parties", row, "status", "registered")
    report = check(package_copy)
    assert reported(report, "parties", row, "status", "party-status"), explain(report)


def test_category_count_above_all(package_copy):
    rows = read_rows(package_copy / "data/threat_counts.csv")
    h = rows[0]
    row = next(n for n, r in enumerate(rows[1:], start=2) if r[h.index("category")] != "all" and any(
        o[h.index("category")] == "all" and o[0] == r[0] and o[1] == r[1] and o[3] == r[3] for o in rows[1:]))
    set_cell(package_copy, "threat_counts", row, "count", "999999")
    report = check(package_copy)
    assert reported(report, "threat_counts", row, "count", "category-within-all"), explain(report)


def test_pilgrims_above_quota_without_note(package_copy):
    rows = read_rows(package_copy / "data/hajj_quotas.csv")
    years_with_quota = {r[0] for r in rows[1:] if r[1] == "quota_allocated"}
    row = next(n for n, r in enumerate(rows[1:], start=2) if r[1] == "pilgrims_departed" and r[0] in years_with_quota)
    set_cell(package_copy, "hajj_quotas", row, "value", "99999999")
    set_cell(package_copy, "hajj_quotas", row, "note", "")
    report = check(package_copy)
    assert reported(report, "hajj_quotas", row, "value", "pilgrims-within-quota"), explain(report)


# --- untrusted descriptors ------------------------------------------------------------

def _point_resource(root: Path, path_value: str) -> None:
    descriptor = json.loads((root / "datapackage.json").read_text())
    descriptor["resources"][1]["path"] = path_value
    (root / "datapackage.json").write_text(json.dumps(descriptor))


@pytest.mark.parametrize("path_value", ["/etc/passwd", "../outside.csv", "data/../../outside.csv",
                                        "https://example.org/elections.csv", "file:///etc/passwd"])
def test_untrusted_resource_path_is_refused(package_copy, path_value):
    (package_copy.parent / "outside.csv").write_text("secret\n")
    _point_resource(package_copy, path_value)
    report = check(package_copy)
    assert not report.valid
    assert all(e.rule == "unsafe-path" for e in report.errors), explain(report)


def test_symlink_out_of_the_package_is_refused(package_copy):
    outside = package_copy.parent / "outside.csv"
    outside.write_text("secret\n")
    os.symlink(outside, package_copy / "data" / "link.csv")
    _point_resource(package_copy, "data/link.csv")
    report = check(package_copy)
    assert [e.rule for e in report.errors] == ["unsafe-path"], explain(report)


def test_enormous_line_is_an_error_not_a_hang(package_copy, monkeypatch):
    from kzdata import bytechecks

    monkeypatch.setattr(bytechecks, "MAX_LINE_BYTES", 1000)
    path = package_copy / "data/sources.csv"
    path.write_text(path.read_text(encoding="utf-8") + "x" * 5000 + "\n", encoding="utf-8")
    report = check(package_copy)
    assert any(e.file == "data/sources.csv" and e.rule == "line-length" for e in report.errors)


def test_not_a_package_raises_for_the_cli(tmp_path):
    with pytest.raises(kzdata.KzdataError):
        kzdata.validate(tmp_path)
    (tmp_path / "datapackage.json").write_text("{not json")
    with pytest.raises(kzdata.KzdataError):
        kzdata.validate(tmp_path)


def _descriptor(root: Path) -> dict:
    return json.loads((root / "datapackage.json").read_text())


def _save(root: Path, descriptor: dict) -> None:
    (root / "datapackage.json").write_text(json.dumps(descriptor, indent=2))


def test_shipped_package_is_checked_by_the_fast_engine():
    report = kzdata.validate()
    assert set(report.engines.values()) == {"fast"} and len(report.engines) == len(TABLES)


def test_a_dropped_kzdata_table_breaks_the_contract(package_copy: Path):
    descriptor = _descriptor(package_copy)
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "hajj_quotas"]
    _save(package_copy, descriptor)
    report = kzdata.validate(package_copy)
    assert [(e.column, e.rule) for e in report.errors] == [("resources.hajj_quotas", "contract")]


def test_a_renamed_kzdata_table_breaks_the_contract(package_copy: Path):
    descriptor = _descriptor(package_copy)
    next(r for r in descriptor["resources"] if r["name"] == "threat_counts")["name"] = "counts"
    _save(package_copy, descriptor)
    report = kzdata.validate(package_copy)
    assert ("resources.threat_counts", "contract") in [(e.column, e.rule) for e in report.errors]


def test_a_changed_schema_is_named_at_its_field(package_copy: Path):
    path = package_copy / "schemas/hajj_quotas.schema.json"
    schema = json.loads(path.read_text())
    value = next(f for f in schema["fields"] if f["name"] == "value")
    value["constraints"].pop("minimum", None)
    path.write_text(json.dumps(schema))
    report = kzdata.validate(package_copy)
    assert [e.rule for e in report.errors] == ["contract"]
    assert "field 'value'" in report.errors[0].message


def test_rules_read_the_validated_package_paths(package_copy: Path):
    (package_copy / "tables").mkdir()
    (package_copy / "data/hajj_quotas.csv").rename(package_copy / "tables/hajj.csv")
    descriptor = _descriptor(package_copy)
    next(r for r in descriptor["resources"] if r["name"] == "hajj_quotas")["path"] = "tables/hajj.csv"
    _save(package_copy, descriptor)
    rows = read_rows(package_copy / "tables/hajj.csv")
    header = rows[0]
    quota_years = {r[header.index("year")] for r in rows[1:] if r[header.index("measure")] == "quota_allocated"}
    number = next(n for n, r in enumerate(rows[1:], start=2)
                  if r[header.index("measure")] == "pilgrims_departed" and r[header.index("year")] in quota_years)
    rows[number - 1][header.index("value")] = "999999"
    rows[number - 1][header.index("note")] = ""
    write_rows(package_copy / "tables/hajj.csv", rows)
    report = kzdata.validate(package_copy)
    assert any(e.file == "tables/hajj.csv" and e.row == number and e.rule == "pilgrims-within-quota"
               for e in report.errors), explain(report)


def test_a_foreign_package_gets_table_schema_checks_and_a_notice(package_copy: Path):
    descriptor = _descriptor(package_copy)
    descriptor["name"] = "my-copy"
    _save(package_copy, descriptor)
    report = kzdata.validate(package_copy)
    assert report.valid and any("did not apply" in n for n in report.notices)


def test_region_must_exist_on_polling_day(package_copy: Path):
    rows = read_rows(package_copy / "data/regional_turnout.csv")
    header = rows[0]
    election = header.index("election_id")
    number = next(n for n, r in enumerate(rows[1:], start=2) if r[election] == "2019-06-09-presidential")
    set_cell(package_copy, "regional_turnout", number, "region_id", "abai")  # created in 2022
    report = check(package_copy)
    assert reported(report, "regional_turnout", number, "region_id", "region-date"), explain(report)


def test_intraday_turnout_must_not_decrease(package_copy: Path):
    rows = read_rows(package_copy / "data/regional_turnout.csv")
    header = rows[0]
    col = {name: header.index(name) for name in ("election_id", "region_id", "as_of")}
    later = next(n for n, r in enumerate(rows[1:], start=2)
                 if any(o[col["election_id"]] == r[col["election_id"]] and o[col["region_id"]] == r[col["region_id"]]
                        and "" < o[col["as_of"]] < r[col["as_of"]] for o in rows[1:]))
    set_cell(package_copy, "regional_turnout", later, "turnout_pct", "0.1")
    report = check(package_copy)
    assert reported(report, "regional_turnout", later, "turnout_pct", "intraday-order"), explain(report)


@pytest.mark.parametrize(("report_kind", "as_of", "problem"), [
    ("final", "2019-06-09T10:00:00", "a final figure has no report time"),
    ("intraday", "", "an intraday report needs its time"),
    ("intraday", "2019-06-11T10:00:00", "not on polling day 2019-06-09 or the day after"),
    ("preliminary", "2019-06-08T23:00:00", "before polling day 2019-06-09"),
])
def test_report_time_fits_report(package_copy: Path, report_kind: str, as_of: str, problem: str):
    rows = read_rows(package_copy / "data/regional_turnout.csv")
    election = rows[0].index("election_id")
    number = next(n for n, r in enumerate(rows[1:], start=2) if r[election] == "2019-06-09-presidential")
    set_cell(package_copy, "regional_turnout", number, "report", report_kind)
    set_cell(package_copy, "regional_turnout", number, "as_of", as_of)
    report = check(package_copy)
    found = [i for i in report.errors if i.rule == "report-time" and i.file.endswith("regional_turnout.csv")]
    assert [i.row for i in found] == [number] and problem in found[0].message, explain(report)


def _final_rows(package_copy: Path, election: str, counts: dict[str, tuple[int, int]]) -> None:
    """Add final regional_turnout rows with registered voters and ballots to a package copy."""
    path = package_copy / "data/regional_turnout.csv"
    rows = read_rows(path)
    header = rows[0]
    for region, (registered, ballots) in counts.items():
        row = dict.fromkeys(header, "")
        row |= {"election_id": election, "region_id": region, "report": "final", "registered_voters": str(registered),
                "ballots": str(ballots), "source_id": "aminov-2025", "locator": "test"}
        rows = [r for r in rows if r[:3] != [election, region, "final"]] + [[row[c] for c in header]]
    write_rows(path, rows)


def test_regional_counts_above_the_nation_before_all_regions_are_in(package_copy: Path):
    national = kzdata.load("elections").set_index("election_id").loc["2021-01-10-majilis"]
    _final_rows(package_copy, "2021-01-10-majilis", {"akmola": (int(national["registered_voters"]), 1)})
    report = check(package_copy)
    assert [e.rule for e in report.errors] == ["regional-sum"], explain(report)
    assert "regions with registered_voters of 2021-01-10-majilis (final) already sum" in report.errors[0].message


@pytest.mark.parametrize(("share", "valid"), [(1.0, True), (0.995, True), (0.98, False)])
def test_regional_counts_add_up_once_every_region_is_in(package_copy: Path, share: float, valid: bool):
    election = "2019-06-09-presidential"
    national = kzdata.load("elections").set_index("election_id").loc[election]
    in_force = [r for r in kzdata.regions(on="2019-06-09")["region_id"] if r != "abroad"]
    each = int(national["registered_voters"] * share) // len(in_force)
    _final_rows(package_copy, election, dict.fromkeys(in_force, (each, 1)))
    report = check(package_copy)
    sums = [e for e in report.errors if e.rule == "regional-sum" and "registered_voters" in e.message]
    assert (not sums) == valid, explain(report)


def test_regional_shares_above_100(package_copy: Path):
    rows = read_rows(package_copy / "data/regional_results.csv")
    header = rows[0]
    share = header.index("vote_pct")
    groups: dict[tuple[str, ...], list[int]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if row[share]:
            groups.setdefault(tuple(row[:3]), []).append(number)
    first, second = next(numbers for numbers in groups.values() if len(numbers) >= 2)[:2]
    set_cell(package_copy, "regional_results", first, "vote_pct", "100")
    set_cell(package_copy, "regional_results", second, "vote_pct", "50")
    report = check(package_copy)
    assert any(e.rule == "regional-shares" for e in report.errors), explain(report)


def test_metadata_frictionless_refuses_is_invalid(package_copy: Path):
    path = package_copy / "schemas/elections.schema.json"
    schema = json.loads(path.read_text())
    next(f for f in schema["fields"] if f["name"] == "early")["example"] = "not a boolean"
    path.write_text(json.dumps(schema))
    report = kzdata.validate(package_copy)
    assert any(e.rule == "descriptor" and "example" in e.message for e in report.errors), explain(report)


def test_a_row_on_an_encyclopedia_must_say_why(package_copy: Path):
    tiers = {r[0]: r[2] for r in read_rows(package_copy / "data/sources.csv")[1:]}
    rows = read_rows(package_copy / "data/party_events.csv")
    source = rows[0].index("source_id")
    number = next(n for n, r in enumerate(rows[1:], start=2) if tiers[r[source]] == "encyclopedia")
    set_cell(package_copy, "party_events", number, "note", "Read on Wikipedia.")
    report = check(package_copy)
    found = [(e.row, e.column, e.rule) for e in report.errors]
    assert found == [(number, "note", "encyclopedia-note")], explain(report)
