"""Shared fixtures: a writable copy of the shipped package, and a way to edit one cell."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from kzdata._resources import package_root


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A temporary copy of the shipped data package (descriptor, data, schemas)."""
    root = package_root()
    target = tmp_path / "pkg"
    target.mkdir()
    shutil.copy(root / "datapackage.json", target / "datapackage.json")
    shutil.copytree(root / "data", target / "data")
    shutil.copytree(root / "schemas", target / "schemas")
    return target


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(root: Path, table: str, row: int, column: str, value: str) -> None:
    """Set one cell of data/<table>.csv; ``row`` is the spreadsheet row (2 = first data row)."""
    path = root / "data" / f"{table}.csv"
    rows = read_rows(path)
    rows[row - 1][rows[0].index(column)] = value
    write_rows(path, rows)


def find_row(root: Path, table: str, **match: str) -> int:
    """Spreadsheet row number of the first row whose columns equal ``match``."""
    rows = read_rows(root / "data" / f"{table}.csv")
    header = rows[0]
    for number, row in enumerate(rows[1:], start=2):
        if all(row[header.index(k)] == v for k, v in match.items()):
            return number
    raise LookupError(f"no row {match} in {table}")
