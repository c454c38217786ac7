"""Exports of the whole package: SQLite, Parquet, Excel, JSON and CSV.

Each keeps every row of every table. Parquet and Excel need the ``export`` extra
(``pip install "kzdata[export]"``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from . import schemas as sc
from ._resources import package_root
from .errors import KzdataError
from .fieldtypes import TYPES

FORMATS = ("sqlite", "parquet", "xlsx", "json", "csv", "stata", "r")


def _typed_rows(table: str, dates_as_text: bool = True) -> list[dict[str, Any]]:
    """Rows as the loader types them, as plain Python values (missing = None; dates and datetimes
    as ISO text, or as ``datetime.date`` / ``datetime.datetime`` with ``dates_as_text=False``)."""
    from .loading import load

    frame = load(table).astype(object)
    present = frame.notna()
    as_python = {"date": lambda value: value.date(), "datetime": lambda value: value.to_pydatetime()}
    for field in sc.fields(table):
        kind = field["type"]
        if kind in as_python:
            convert = TYPES[kind].text if dates_as_text else as_python[kind]
            frame[field["name"]] = frame[field["name"]].map(convert, na_action="ignore")
    frame = frame.where(present, None)  # after the conversions, which would turn None back into NaN
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in frame.to_dict(orient="records")]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def to_sqlite(path: str | Path) -> Path:
    """One SQLite table per resource, with PRIMARY KEY, FOREIGN KEY and indexes on foreign keys,
    plus ``_tables`` and ``_columns`` holding titles and descriptions."""
    path = Path(path)
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        for table in sc.tables():
            schema = sc.schema(table)
            cols = [f"{_quote(f['name'])} {TYPES[f['type']].sql}"
                    + (" NOT NULL" if f.get("constraints", {}).get("required") else "") for f in schema["fields"]]
            cols.append(f"PRIMARY KEY ({', '.join(map(_quote, sc.primary_key(table)))})")
            for fk in schema.get("foreignKeys", []):
                ref = fk["reference"]
                cols.append(f"FOREIGN KEY ({', '.join(map(_quote, fk['fields']))}) REFERENCES "
                            f"{_quote(ref['resource'])} ({', '.join(map(_quote, ref['fields']))})")
            con.execute(f"CREATE TABLE {_quote(table)} (\n  " + ",\n  ".join(cols) + "\n)")
            for fk in schema.get("foreignKeys", []):
                index = f"idx_{table}_{'_'.join(fk['fields'])}"
                con.execute(f"CREATE INDEX {_quote(index)} ON {_quote(table)} ({', '.join(map(_quote, fk['fields']))})")
            names = [f["name"] for f in schema["fields"]]
            rows = _typed_rows(table)
            con.executemany(f"INSERT INTO {_quote(table)} VALUES ({', '.join('?' * len(names))})",
                            [tuple(r[n] for n in names) for r in rows])
        con.execute("CREATE TABLE _tables (name TEXT PRIMARY KEY, title TEXT, description TEXT, path TEXT)")
        con.executemany("INSERT INTO _tables VALUES (?, ?, ?, ?)",
                        [(t, sc.resource(t).get("title"), sc.resource(t).get("description"), sc.resource(t)["path"])
                         for t in sc.tables()])
        con.execute('CREATE TABLE _columns ("table" TEXT, name TEXT, type TEXT, required INTEGER, description TEXT, '
                    'PRIMARY KEY ("table", name))')
        con.executemany("INSERT INTO _columns VALUES (?, ?, ?, ?, ?)",
                        [(t, f["name"], f["type"], int(bool(f.get("constraints", {}).get("required"))),
                          f.get("description")) for t in sc.tables() for f in sc.fields(t)])
        con.commit()
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise KzdataError(f"foreign keys broken in the SQLite export: {problems[:5]}")
    finally:
        con.close()
    return path


def to_json(folder: str | Path) -> Path:
    """``<table>.json`` (a list of records) for each table, and a descriptor that points at
    those files with the schemas inline, so ``kzdata validate`` checks the export itself."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = json.loads(json.dumps(sc.descriptor()))
    for resource in descriptor["resources"]:
        table = resource["name"]
        text = json.dumps(_typed_rows(table), ensure_ascii=False, indent=1)
        (folder / f"{table}.json").write_text(text + "\n", encoding="utf-8")
        resource.pop("dialect", None)  # a CSV dialect does not apply to JSON
        resource.update(path=f"{table}.json", format="json", mediatype="application/json", schema=sc.schema(table))
    text = json.dumps(descriptor, ensure_ascii=False, indent=2)
    (folder / "datapackage.json").write_text(text + "\n", encoding="utf-8")
    return folder


def to_csv_package(folder: str | Path) -> Path:
    """The data package itself: descriptor, schemas and CSVs, for use outside Python."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    root = package_root()
    shutil.copy(root / "datapackage.json", folder / "datapackage.json")
    for sub in ("data", "schemas"):
        shutil.copytree(root / sub, folder / sub, dirs_exist_ok=True)
    return folder


def _needs(module: str) -> Any:
    try:
        return __import__(module)
    except ImportError as exc:
        raise KzdataError(f"this export needs {module}: pip install \"kzdata[export]\"") from exc


def to_parquet(folder: str | Path) -> Path:
    """``<table>.parquet`` per table, keeping dtypes (categoricals as dictionaries, nullable ints)."""
    _needs("pyarrow")
    from .loading import load

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    import pyarrow as pa
    import pyarrow.parquet as pq

    for table in sc.tables():
        arrow = pa.Table.from_pandas(load(table), preserve_index=False)
        for field in sc.fields(table):
            if field["type"] == "date":  # a calendar date, not a timestamp
                position = arrow.schema.get_field_index(field["name"])
                arrow = arrow.set_column(position, field["name"], arrow.column(position).cast(pa.date32()))
        pq.write_table(arrow, folder / f"{table}.parquet")
    return folder


def to_xlsx(path: str | Path) -> Path:
    """One sheet per table and a README sheet. Text starting with = + - @ stays text, never a formula."""
    openpyxl = _needs("openpyxl")
    path = Path(path)
    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    meta = sc.descriptor()
    readme.append([meta["title"]])
    readme.append([f"version {meta['version']}; licence CC-BY-4.0; every row cites source_id + locator"])
    readme.append(["table", "title", "description"])
    for table in sc.tables():
        readme.append([table, sc.resource(table).get("title"), sc.resource(table).get("description")])
    for table in sc.tables():
        sheet = book.create_sheet(table[:31])
        names = [f["name"] for f in sc.fields(table)]
        sheet.append(names)
        for r, row in enumerate(_typed_rows(table, dates_as_text=False), start=2):
            for c, name in enumerate(names, start=1):
                value = row[name]
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never let '=...' become a formula
                elif isinstance(value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def _stata_name(column: str, taken: set[str]) -> str:
    """A Stata variable name (at most 32 characters, unique); the full name goes in its label."""
    name = column[:32]
    number = 1
    while name in taken:
        suffix = f"_{number}"
        name, number = column[:32 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def _write_stata(frame: Any, path: Path, labels: dict[str, str], datetimes: frozenset[str] = frozenset()) -> None:
    """One .dta (Stata 118, Unicode): dates as Stata dates, the ``datetimes`` columns as Stata
    datetimes (%tc), categoricals with value labels, missing text as empty strings (Stata has no
    missing string), labels cut to 80 characters."""
    import pandas as pd

    columns, names, taken = {}, {}, set()
    for column in frame.columns:
        name = _stata_name(column, taken)
        names[name] = labels.get(column, "") if name == column else f"{column}: {labels.get(column, '')}"
        series = frame[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            columns[name] = series
        elif pd.api.types.is_datetime64_any_dtype(series):
            columns[name] = series.astype("datetime64[ns]")
        elif pd.api.types.is_bool_dtype(series) or str(series.dtype) == "boolean":
            columns[name] = series.astype("Float64").astype("float64").astype("float32")
        elif pd.api.types.is_numeric_dtype(series):
            columns[name] = series.astype("float64")
        else:
            columns[name] = series.astype(object).where(series.notna(), "")
    out = pd.DataFrame(columns, index=frame.index)
    stamps = {name for name, column in zip(out.columns, frame.columns, strict=True) if column in datetimes}
    dates = {name: "tc" if name in stamps else "td" for name in out.columns
             if pd.api.types.is_datetime64_any_dtype(out[name])}
    out.to_stata(path, write_index=False, version=118, convert_dates=dates,
                 variable_labels={name: label[:80] for name, label in names.items()})


def to_stata(folder: str | Path) -> Path:
    """``<table>.dta`` per table and ``panel.dta``, with variable labels from the field descriptions
    and value labels from the vocabularies."""
    from .analysis import DERIVED, panel
    from .loading import load

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for table in sc.tables():
        labels = {f["name"]: f.get("description", "") for f in sc.fields(table)}
        datetimes = frozenset(f["name"] for f in sc.fields(table) if f["type"] == "datetime")
        _write_stata(load(table), folder / f"{table}.dta", labels, datetimes)
    definitions = {column: definition for table, column, definition, *_ in DERIVED if table == "panel"}
    frame = panel()
    _write_stata(frame, folder / "panel.dta", {c: definitions.get(c, "") for c in frame.columns})
    return folder


def r_script() -> str:
    """An R script that reads every table's CSV with the column types of its Table Schema."""
    lines = ["# Generated by kzdata from the Table Schemas: read the CSVs with their types (needs readr).",
             "# Only an empty cell is missing: the text NA is a value. Integers read as double (R's integers",
             "# are 32-bit); enumerated fields become factors with the schema's levels.", "",
             "kzdata_types <- list("]
    tables = sc.tables()
    for number, table in enumerate(tables):
        specs = []
        for field in sc.fields(table):
            allowed = sc.enum(field)
            if allowed is not None:
                levels = ", ".join(json.dumps(value) for value in allowed)
                spec = f"readr::col_factor(levels = c({levels}))"
            else:
                spec = "readr::" + TYPES[field["type"]].r
            specs.append(f"    `{field['name']}` = {spec}")
        end = "," if number < len(tables) - 1 else ""
        lines.append(f"  `{table}` = readr::cols(\n" + ",\n".join(specs) + f"\n  ){end}")
    lines += [")", "",
              "kzdata_read <- function(table, folder = \".\") {",
              "  readr::read_csv(file.path(folder, \"data\", paste0(table, \".csv\")),",
              "                  col_types = kzdata_types[[table]], na = \"\",",
              "                  locale = readr::locale(encoding = \"UTF-8\"))",
              "}", ""]
    return "\n".join(lines)


def to_r(folder: str | Path) -> Path:
    """The CSV package and ``kzdata.R`` (``kzdata_read(table, folder)`` with the schema's types)."""
    folder = to_csv_package(folder)
    (folder / "kzdata.R").write_text(r_script(), encoding="utf-8")
    return folder


def export(fmt: str, out: str | Path) -> Path:
    """Export every table in ``fmt`` (one of FORMATS) to ``out`` (a file for sqlite/xlsx, else a folder)."""
    writers = {"sqlite": to_sqlite, "parquet": to_parquet, "xlsx": to_xlsx, "json": to_json, "csv": to_csv_package,
               "stata": to_stata, "r": to_r}
    if fmt not in writers:
        raise KzdataError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](out)
