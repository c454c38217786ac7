"""Loaders: every table loads with the dtypes its schema promises."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import kzdata
from kzdata import schemas as sc
from kzdata.loading import read_table

TABLES = kzdata.tables()

EXPECTED_DTYPE = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
                  "date": "datetime64[ns]", "datetime": "datetime64[ns]"}


def test_tables_are_the_sixteen_of_the_contract():
    assert TABLES == ["sources", "elections", "election_results", "parties", "party_events", "people", "laws",
                      "electoral_rules", "threats", "threat_counts", "hajj_quotas", "regions", "region_events",
                      "regional_turnout", "regional_results", "citations"]


@pytest.mark.parametrize("name", TABLES)
def test_table_loads_with_schema_dtypes(name):
    frame = kzdata.load(name)
    assert list(frame.columns) == [f["name"] for f in sc.fields(name)]
    assert len(frame) > 0
    for field in sc.fields(name):
        dtype = frame[field["name"]].dtype
        if sc.enum(field):
            assert isinstance(dtype, pd.CategoricalDtype), field["name"]
            assert list(dtype.categories) == sc.enum(field)
        else:
            assert str(dtype) == EXPECTED_DTYPE[field["type"]], field["name"]


@pytest.mark.parametrize("name", TABLES)
def test_table_function_equals_load(name):
    pd.testing.assert_frame_equal(getattr(kzdata, name)(), kzdata.load(name))


@pytest.mark.parametrize("name", TABLES)
def test_row_count_equals_file_lines(name):
    lines = sc.data_path(name).read_text(encoding="utf-8").count("\n")
    # a quoted cell may hold a newline, so count records with the csv module
    import csv

    with sc.data_path(name).open(encoding="utf-8", newline="") as handle:
        records = sum(1 for _ in csv.reader(handle)) - 1
    assert len(kzdata.load(name)) == records <= lines


def test_stage_is_ordered_categorical():
    stage = kzdata.load("election_results")["stage"]
    assert stage.cat.ordered
    assert list(stage.cat.categories) == ["exit_poll", "preliminary", "final"]


def test_partial_dates_stay_strings():
    assert str(kzdata.load("party_events")["date"].dtype) == "string"


def test_literal_na_is_a_value_not_a_gap(tmp_path: Path):
    source = sc.data_path("sources").read_text(encoding="utf-8").splitlines()
    header, first = source[0], source[1]
    cells = first.split(",")
    path = tmp_path / "sources.csv"
    path.write_text(header + "\n" + first + "\n", encoding="utf-8")
    frame = read_table("sources", path)
    assert frame.loc[0, "source_id"] == cells[0]
    # the note column: write the literal NA into it
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rfind(",") + 1] + "NA\n", encoding="utf-8")
    frame = read_table("sources", path)
    assert frame.loc[0, "note"] == "NA"
    assert frame["note"].isna().sum() == 0


def test_empty_cell_is_missing():
    laws = kzdata.load("laws")
    assert laws["number"].isna().any()


def test_unknown_table_lists_valid_names():
    with pytest.raises(KeyError) as caught:
        kzdata.load("election")
    assert "elections" in str(caught.value) and "hajj_quotas" in str(caught.value)
    assert isinstance(caught.value, kzdata.UnknownTableError)


def test_bad_integer_names_file_row_column(tmp_path: Path):
    rows = sc.data_path("hajj_quotas").read_text(encoding="utf-8").splitlines()
    rows[1] = "twenty" + rows[1][rows[1].index(","):]
    path = tmp_path / "hajj_quotas.csv"
    path.write_text("\n".join(rows[:3]) + "\n", encoding="utf-8")
    with pytest.raises(kzdata.DataFileError, match=r"hajj_quotas.csv:2:year: 'twenty'"):
        read_table("hajj_quotas", path)


def test_value_outside_enum_is_refused_not_dropped(tmp_path: Path):
    frame = kzdata.load("parties")
    text = sc.data_path("parties").read_text(encoding="utf-8")
    status = str(frame.loc[0, "status"])
    path = tmp_path / "parties.csv"
    lines = text.splitlines()
    lines[1] = lines[1].replace(f",{status},", f",{status.capitalize()},", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(kzdata.DataFileError, match=r"parties.csv:2:status"):
        read_table("parties", path)


def test_bad_date_names_row(tmp_path: Path):
    lines = sc.data_path("elections").read_text(encoding="utf-8").splitlines()
    eid, kind, date = lines[1].split(",")[:3]
    lines[1] = lines[1].replace(f",{date},", ",2021-02-30,", 1)
    path = tmp_path / "elections.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(kzdata.DataFileError, match=r"elections.csv:2:date"):
        read_table("elections", path)


@pytest.mark.parametrize("name", TABLES)
def test_to_csv_round_trip_is_byte_identical(name):
    assert kzdata.to_csv(name, kzdata.load(name)) == sc.data_path(name).read_text(encoding="utf-8")


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, kzdata; heavy = [m for m in ('pandas', 'frictionless', 'pydantic', 'pyarrow', "
            "'matplotlib') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_versions_agree():
    assert kzdata.__version__ == kzdata.data_version()


@pytest.mark.parametrize("name", TABLES)
def test_records_round_trip_is_byte_identical(name):
    frame = kzdata.from_records(name, kzdata.records(name))
    pd.testing.assert_frame_equal(frame, kzdata.load(name))
    assert kzdata.to_csv(name, frame) == sc.data_path(name).read_text(encoding="utf-8")


def test_generated_table_names_match_the_descriptor():
    from typing import get_args

    from kzdata._tables import TABLES, TableName

    assert list(TABLES) == sc.tables() == list(get_args(TableName))
    assert all(callable(getattr(kzdata, name)) for name in TABLES)
