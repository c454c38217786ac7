"""Exports, codebook, citation, figures and browsing."""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

import kzdata
from kzdata import schemas as sc
from kzdata.cli import main
from kzdata.codebooks import codebook, markdown

ROOT = Path(__file__).resolve().parents[1]
TABLES = kzdata.tables()


def csv_rows(table: str) -> list[dict[str, str]]:
    with sc.data_path(table).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_sqlite_export_keeps_rows_keys_and_foreign_keys(tmp_path):
    db = kzdata.export.export("sqlite", tmp_path / "k.db")
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in TABLES:
        assert con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] == len(csv_rows(table))
        pk = [r[1] for r in sorted(con.execute(f'PRAGMA table_info("{table}")'), key=lambda r: r[5]) if r[5]]
        assert pk == sc.primary_key(table)
        fks = {tuple(r[3:5]) for r in con.execute(f'PRAGMA foreign_key_list("{table}")')}
        assert len(fks) == len(sc.schema(table).get("foreignKeys", []))
    first = csv_rows("elections")[0]
    query = "SELECT date, turnout_pct FROM elections WHERE election_id = ?"
    got = con.execute(query, (first["election_id"],)).fetchone()
    assert got[0] == first["date"] and (got[1] is None or got[1] == float(first["turnout_pct"]))
    assert con.execute("SELECT count(*) FROM _columns").fetchone()[0] == sum(len(sc.fields(t)) for t in TABLES)


def test_json_export(tmp_path):
    kzdata.export.export("json", tmp_path)
    for table in TABLES:
        records = json.loads((tmp_path / f"{table}.json").read_text(encoding="utf-8"))
        assert len(records) == len(csv_rows(table))
        assert list(records[0]) == [f["name"] for f in sc.fields(table)]
    assert json.loads((tmp_path / "datapackage.json").read_text())["name"] == "kzdata"


def test_csv_export_is_a_valid_package(tmp_path):
    kzdata.export.export("csv", tmp_path / "pkg")
    assert kzdata.validate(tmp_path / "pkg").valid


def test_parquet_export_keeps_dtypes(tmp_path):
    kzdata.export.export("parquet", tmp_path)
    for table in TABLES:
        back = pd.read_parquet(tmp_path / f"{table}.parquet")
        original = kzdata.load(table)
        assert len(back) == len(original)
        for field in sc.fields(table):
            if sc.enum(field):
                assert isinstance(back[field["name"]].dtype, pd.CategoricalDtype)
            elif field["type"] == "integer":
                assert str(back[field["name"]].dtype) == "Int64"


def test_xlsx_export_keeps_text_as_text(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = kzdata.export.export("xlsx", tmp_path / "k.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["README", *TABLES]
    for table in TABLES:
        assert book[table].max_row == len(csv_rows(table)) + 1
    cell = book["sources"]["A2"]
    assert cell.data_type == "s"


def test_formula_like_text_stays_text(tmp_path, monkeypatch):
    openpyxl = pytest.importorskip("openpyxl")
    from kzdata import export

    original = export._typed_rows
    monkeypatch.setattr(export, "_typed_rows", lambda t, **kw: [{**r, "title": "=1+1"} if t == "sources" else r
                                                                for r in original(t, **kw)])
    book = openpyxl.load_workbook(export.to_xlsx(tmp_path / "f.xlsx"))
    header = [c.value for c in book["sources"][1]]
    cell = book["sources"].cell(row=2, column=header.index("title") + 1)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_codebook_covers_every_field():
    from kzdata.analysis import DERIVED

    frame = codebook()
    assert len(frame) == sum(len(sc.fields(t)) for t in TABLES) + len(DERIVED)
    assert set(frame[frame["type"] == "derived"]["table"]) == {"elections_summary", "panel"}
    text = markdown()
    for table in TABLES:
        assert f"\n## {table}\n" in text
        for field in sc.fields(table):
            assert f"| `{field['name']}` |" in text
            for category in field.get("categories", []):
                assert f"- `{category['value']}`: " in text


def test_every_enum_value_has_a_definition():
    for table in TABLES:
        for field in sc.fields(table):
            if sc.enum(field):
                assert [c["value"] for c in field["categories"]] == sc.enum(field), (table, field["name"])
                assert all(c["label"] for c in field["categories"])


def test_committed_codebook_is_current():
    committed = (ROOT / "docs/codebook.md").read_text(encoding="utf-8")
    assert committed == markdown(), "run: kzdata codebook > docs/codebook.md"


def test_cite(capsys):
    assert main(["cite", "hajj_quotas"]) == 0
    out = capsys.readouterr().out
    assert "kzdata" in out and "Gubaidullina" in out
    assert main(["cite", "elections", "--format", "bibtex"]) == 0
    assert capsys.readouterr().out.startswith("@misc{kzdata,")


def test_changelog_names_current_version():
    assert f"## {kzdata.__version__}" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_figures_script_draws_every_figure(tmp_path):
    pytest.importorskip("matplotlib")
    result = subprocess.run([sys.executable, str(ROOT / "scripts/figures.py"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert len(pngs) >= 5
    assert all((tmp_path / p).stat().st_size > 5000 for p in pngs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_browse_serves_tables(tmp_path):
    pytest.importorskip("datasette")
    from kzdata.browse import command

    port = _free_port()
    proc = subprocess.Popen(command(tmp_path, port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        page = urllib.request.urlopen(base + "/kzdata/elections", timeout=5).read().decode()
        assert "Elections" in page
        data = json.loads(urllib.request.urlopen(base + "/kzdata/parties.json?_shape=array&_size=max",
                                                 timeout=5).read())
        assert len(data) == len(csv_rows("parties"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.slow
def test_benchmark_script_runs(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks/bench.py"), "--quick"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert "validate_vs_frictionless" in result.stdout and "scaling:" in result.stdout


def test_readme_table_list_is_current():
    from kzdata.codebooks import table_list

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("<!-- tables:start"):]
    block = block[block.index("-->\n") + 4: block.index("<!-- tables:end -->")]
    assert block == table_list(), "regenerate the README table list from kzdata.codebooks.table_list()"


def test_package_is_a_frictionless_package():
    package = kzdata.package()
    assert [r.name for r in package.resources] == TABLES


def test_json_export_is_a_package_kzdata_validates(tmp_path):
    kzdata.export.export("json", tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert [r["path"] for r in descriptor["resources"]] == [f"{t}.json" for t in TABLES]
    report = kzdata.validate(tmp_path)
    assert report.valid, report


@pytest.mark.slow
def test_browse_stops_cleanly_on_sigterm(tmp_path):
    pytest.importorskip("datasette")
    import signal

    port = _free_port()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "kzdata", "browse", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/-/versions.json"
    for _ in range(150):
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    assert list(tmp_path.glob("kzdata-browse-*")), "the server did not start"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    with pytest.raises(OSError):
        urllib.request.urlopen(base, timeout=1)
    assert not list(tmp_path.glob("kzdata-browse-*"))


def test_parquet_dates_are_dates(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    kzdata.export.export("parquet", tmp_path)
    schema = pq.read_schema(tmp_path / "elections.parquet")
    assert str(schema.field("date").type) == "date32[day]"
    table = pq.read_table(tmp_path / "elections.parquet").to_pandas()
    assert str(table.loc[table["election_id"] == "2019-06-09-presidential", "date"].iloc[0]) == "2019-06-09"
    assert str(pq.read_schema(tmp_path / "regional_turnout.parquet").field("as_of").type).startswith("timestamp")
    stamps = pq.read_table(tmp_path / "regional_turnout.parquet").to_pandas()["as_of"]
    assert stamps.dropna().min() == kzdata.load("regional_turnout")["as_of"].min()


def test_xlsx_dates_are_date_cells(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    kzdata.export.export("xlsx", tmp_path / "k.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "k.xlsx")["elections"]
    column = [c.value for c in sheet[1]].index("date") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd"
    sheet = openpyxl.load_workbook(tmp_path / "k.xlsx")["regional_turnout"]
    cell = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("as_of") + 1)
    assert cell.is_date and cell.number_format == "yyyy-mm-dd hh:mm:ss"
    assert str(cell.value) == str(kzdata.load("regional_turnout")["as_of"].iloc[0])


def test_sqlite_dates_are_declared_dates(tmp_path):
    kzdata.export.export("sqlite", tmp_path / "k.db")
    con = sqlite3.connect(tmp_path / "k.db")
    declared = {row[1]: row[2] for row in con.execute("PRAGMA table_info(elections)")}
    assert declared["date"] == "DATE" and declared["turnout_pct"] == "REAL"
    assert con.execute("SELECT date FROM elections WHERE election_id = '2019-06-09-presidential'").fetchone() == \
        ("2019-06-09",)
    declared = {row[1]: row[2] for row in con.execute("PRAGMA table_info(regional_turnout)")}
    assert declared["as_of"] == "TIMESTAMP"
    earliest = kzdata.load("regional_turnout")["as_of"].min().strftime("%Y-%m-%dT%H:%M:%S")
    assert con.execute("SELECT min(as_of) FROM regional_turnout").fetchone() == (earliest,)
    missing = int(kzdata.load("regional_turnout")["as_of"].isna().sum())
    assert missing > 0  # final figures have no report time: NULL, never NaN or text
    assert con.execute("SELECT count(*) FROM regional_turnout WHERE as_of IS NULL").fetchone() == (missing,)


def test_show_json_writes_plain_dates(capsys):
    assert main(["show", "elections", "--limit", "1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["date"] == "1990-03-25"


def test_stata_export_keeps_types_and_labels(tmp_path):
    kzdata.export.export("stata", tmp_path)
    reader = pd.io.stata.StataReader(tmp_path / "elections.dta")
    frame = reader.read()
    assert reader.variable_labels()["turnout_pct"] == sc.fields("elections")[6]["description"][:80]
    assert "type" in reader.value_labels()  # the vocabulary became a value label
    assert str(frame["date"].dtype).startswith("datetime64")
    loaded = kzdata.elections()
    assert frame["registered_voters"].tolist()[:5] == pytest.approx(loaded["registered_voters"].astype("float64")
                                                                   .tolist()[:5], nan_ok=True)
    assert list(frame["type"].astype(str)) == list(loaded["type"].astype(str))
    stamps = pd.read_stata(tmp_path / "regional_turnout.dta")["as_of"]
    assert stamps.equals(kzdata.load("regional_turnout")["as_of"].astype(stamps.dtype).rename(stamps.name))
    panel = pd.read_stata(tmp_path / "panel.dta")
    assert len(panel) == len(kzdata.panel()) and all(len(c) <= 32 for c in panel.columns)


def test_r_recipe_types_come_from_the_schemas(tmp_path):
    import re

    from kzdata.fieldtypes import TYPES

    kzdata.export.export("r", tmp_path)
    script = (tmp_path / "kzdata.R").read_text()
    for table in TABLES:
        block = re.search(rf"`{table}` = readr::cols\((.*?)\n  \)", script, re.S)
        assert block, table
        specs = dict(re.findall(r"`([a-z_0-9]+)` = readr::(col_[a-z]+)\(", block[1]))
        for field in sc.fields(table):
            expected = "col_factor" if sc.enum(field) else TYPES[field["type"]].r.split("(")[0]
            assert specs[field["name"]] == expected, (table, field["name"])
    assert 'na = ""' in script  # the text NA stays a value
    assert (tmp_path / "data" / "elections.csv").is_file()
