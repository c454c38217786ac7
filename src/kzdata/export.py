"""Exports of the whole package: SQLite, Parquet, Excel, JSON and CSV.

Each keeps every row of every table. Parquet and Excel need the ``export`` extra
(``pip install "kzdata[export]"``).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from . import schemas as sc
from ._resources import package_root
from .errors import KzdataError
from .fieldtypes import TYPES

FORMATS = ("sqlite", "parquet", "xlsx", "json", "csv")


def _typed_rows(table: str) -> list[dict[str, Any]]:
    """Rows as the loader types them, as plain Python values (missing = None, dates ISO text)."""
    from .loading import load

    frame = load(table).astype(object)
    frame = frame.where(frame.notna(), None)
    for field in sc.fields(table):
        if field["type"] == "date":
            frame[field["name"]] = frame[field["name"]].map(TYPES["date"].text, na_action="ignore")
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
    for table in sc.tables():
        load(table).to_parquet(folder / f"{table}.parquet", index=False, engine="pyarrow")
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
        for r, row in enumerate(_typed_rows(table), start=2):
            for c, name in enumerate(names, start=1):
                value = row[name]
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never let '=...' become a formula
    book.save(path)
    return path


def export(fmt: str, out: str | Path) -> Path:
    """Export every table in ``fmt`` (one of FORMATS) to ``out`` (a file for sqlite/xlsx, else a folder)."""
    writers = {"sqlite": to_sqlite, "parquet": to_parquet, "xlsx": to_xlsx, "json": to_json, "csv": to_csv_package}
    if fmt not in writers:
        raise KzdataError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writers[fmt](out)
