"""Property test: any single-cell edit that breaks a schema constraint is reported at its cell."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

from conftest import read_rows, set_cell
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kzdata
from kzdata import schemas as sc

CONSTRAINED = [(t, f["name"]) for t in kzdata.tables() for f in sc.fields(t)
               if sc.enum(f) or f.get("constraints", {}).get("pattern") or f["type"] in ("integer", "number")]


def breaking_value(table: str, column: str, text: str) -> str:
    """A value that the column's constraints refuse, derived from random text."""
    field = next(f for f in sc.fields(table) if f["name"] == column)
    if sc.enum(field):
        return text.upper() + "?"  # never in a lowercase vocabulary
    if field["type"] in ("integer", "number"):
        return "x" + text
    return " " + text + " "  # patterns refuse leading and trailing spaces


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(CONSTRAINED), pick=st.integers(min_value=0),
       text=st.text(string.ascii_letters, max_size=6))
def test_random_breaking_edit_is_reported(package_copy: Path, target, pick, text):
    table, column = target
    work = package_copy.parent / "mutated"
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(package_copy, work)
    rows = read_rows(work / "data" / f"{table}.csv")
    row = 2 + pick % (len(rows) - 1)
    set_cell(work, table, row, column, breaking_value(table, column, text))
    report = kzdata.validate(work)
    assert any(e.file == f"data/{table}.csv" and e.row == row and e.column == column for e in report.errors), \
        f"{table}:{row}:{column} not reported; got {report.lines(10)}"
