"""The loader and the validator agree: a cell the validator rejects makes the loader raise
DataFileError naming its file, row and column; a cell it accepts loads as exactly the value
frictionless reads."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from conftest import read_rows, write_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzdata
from kzdata import schemas as sc
from kzdata.cells import reference_read
from kzdata.loading import read_table

#: A shipped (table, column) per type the package uses.
COLUMNS = {"integer": ("elections", "registered_voters"), "number": ("elections", "turnout_pct"),
           "date": ("elections", "date"), "boolean": ("elections", "early"),
           "datetime": ("regional_turnout", "as_of")}
CELL_RULES = {"type", "constraint", "integer-range", "finite-number", "date-range", "local-datetime"}
EDGE_CELLS = ["2500", " 2500 ", "+5", "007", "1_000", "٣", "2500.0", "2.5e3", "INF", "NaN", "-Infinity",
              "9223372036854775807", "9223372036854775808", "1e400", "80.99", "1991-12-01", "1991-12-1",
              "0000-01-01", "9999-12-31", "2021-02-30", "true", "false", "TRUE", "1", "yes", "NA", "",
              "2019-06-09T10:00:00", "2019-06-09T10:00", "2019-06-09 10:00:00", "2019-06-09T24:00:00",
              "2019-06-09T10:00:00Z", "2019-06-09T10:00:00+06:00", "2019-06-09T10:00:00.5", "2019-06-09T25:00:00",
              "1600-01-01T00:00:00", "2019-02-30T10:00:00", "2019-06-09t10:00:00"]


def _one_table_package(folder: Path, table: str, row: list[str]) -> Path:
    """A package holding only ``table`` (its schema without foreign keys) with one row."""
    schema = dict(sc.schema(table))
    schema.pop("foreignKeys", None)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    resource = {"name": table, "path": f"data/{table}.csv", "format": "csv", "encoding": "utf-8",
                "schema": schema}
    (folder / "datapackage.json").write_text(json.dumps({"name": "one", "resources": [resource]}))
    header = [f["name"] for f in schema["fields"]]
    write_rows(folder / f"data/{table}.csv", [header, row])
    return folder / f"data/{table}.csv"


def _check(folder: Path, kind: str, cell: str) -> None:
    table, column = COLUMNS[kind]
    row = read_rows(sc.data_path(table))[1]
    header = [f["name"] for f in sc.fields(table)]
    row[header.index(column)] = cell
    path = _one_table_package(folder, table, row)
    verdicts = []
    for engine in ("auto", "frictionless"):
        report = kzdata.validate(folder, engine=engine)
        bad = [e for e in report.errors if e.row == 2 and e.column == column and e.rule in CELL_RULES]
        verdicts.append(bool(bad) or any(e.rule in CELL_RULES and e.column == column for e in report.errors))
    fast_rejects, reference_rejects = verdicts
    # frictionless knows no kzdata policy: it may accept what the policies refuse, never the reverse
    assert reference_rejects <= fast_rejects
    if fast_rejects:
        with pytest.raises(kzdata.DataFileError, match=rf"{table}\.csv:2:{column}: "):
            read_table(table, path)
        return
    loaded = read_table(table, path)[column].iloc[0]
    expected, _ = reference_read(sc.fields(table)[header.index(column)], [""], cell)
    if expected is None:
        assert pd.isna(loaded)
    elif kind == "number":
        assert float(loaded) == float(Decimal(expected)) and math.isfinite(float(loaded))
    elif kind in ("date", "datetime"):
        assert loaded == pd.Timestamp(expected)
    else:
        assert loaded == expected


@pytest.mark.parametrize("kind", sorted(COLUMNS))
@pytest.mark.parametrize("cell", EDGE_CELLS)
def test_edge_cells_validate_iff_they_load(tmp_path: Path, kind: str, cell: str):
    _check(tmp_path, kind, cell)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(sorted(COLUMNS)),
       cell=st.one_of(st.sampled_from(EDGE_CELLS), st.integers(-(2**70), 2**70).map(str),
                      st.floats(allow_nan=True, allow_infinity=True).map(repr),
                      st.dates().map(str), st.datetimes().map(dt.datetime.isoformat),
                      st.text(alphabet="0123456789-+. eE٣", max_size=12)))
def test_random_cells_validate_iff_they_load(tmp_path_factory: pytest.TempPathFactory, kind: str, cell: str):
    _check(tmp_path_factory.mktemp("cell"), kind, cell)


def test_integer_beyond_int64_is_an_error_not_a_wrap(tmp_path: Path):
    row = read_rows(sc.data_path("elections"))[1]
    header = [f["name"] for f in sc.fields("elections")]
    row[header.index("registered_voters")] = str(2**63)
    path = _one_table_package(tmp_path, "elections", row)
    with pytest.raises(kzdata.DataFileError, match="64-bit"):
        read_table("elections", path)
    report = kzdata.validate(tmp_path)
    assert [e.rule for e in report.errors] == ["integer-range"]


def test_row_numbers_stay_true_after_a_multiline_cell(tmp_path: Path):
    rows = read_rows(sc.data_path("elections"))[:4]
    rows[1][rows[0].index("note")] = "first line\nsecond line"
    rows[3][rows[0].index("turnout_pct")] = "high"
    path = tmp_path / "elections.csv"
    write_rows(path, rows)
    with pytest.raises(kzdata.DataFileError, match=r"elections\.csv:4:turnout_pct: 'high'"):
        read_table("elections", path)


def test_a_blank_line_is_named_at_its_row(tmp_path: Path):
    rows = read_rows(sc.data_path("elections"))[:4]
    path = tmp_path / "elections.csv"
    write_rows(path, rows)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines[:2] + ["\n"] + lines[2:]))
    with pytest.raises(kzdata.DataFileError, match=r"elections\.csv:3: "):
        read_table("elections", path)


def test_a_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(kzdata.DataFileError, match="is a folder"):
        read_table("elections", tmp_path)
