"""The command line: output, exit codes 0 / 1 / 2, no traceback for user errors."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import set_cell

from kzdata.cli import main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kzdata", *args], capture_output=True, text=True)


def test_tables_lists_every_table(capsys):
    assert main(["tables"]) == 0
    out = capsys.readouterr().out
    assert "election_results" in out and "hajj_quotas" in out


def test_show_formats(capsys):
    assert main(["show", "elections", "--limit", "2", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
    assert main(["show", "parties", "--limit", "3", "--format", "csv"]) == 0
    assert capsys.readouterr().out.count("\n") == 4


def test_validate_shipped_exits_0():
    result = run("validate")
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout


def test_validate_bad_copy_exits_1_with_located_lines(package_copy):
    set_cell(package_copy, "hajj_quotas", 2, "value", "-5")
    result = run("validate", str(package_copy))
    assert result.returncode == 1
    assert "data/hajj_quotas.csv:2:value: " in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("invalid: 1 errors")
    assert "Traceback" not in result.stderr


def test_validate_missing_path_exits_2(tmp_path):
    result = run("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "error" in result.stderr


def test_usage_error_exits_2():
    assert run("show", "no_such_table").returncode == 2
    assert run().returncode == 2


def test_info_names_licence(capsys):
    assert main(["info"]) == 0
    assert "CC-BY-4.0" in capsys.readouterr().out


def test_an_unexpected_exception_is_exit_2_internal_error(monkeypatch, capsys):
    import kzdata

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(kzdata, "validate", broken)
    assert main(["validate", "some/where"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kzdata: internal error while reading some/where: RuntimeError: boom")


def test_engine_summary_line(capsys):
    assert main(["validate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2].startswith("checked by the fast engine: sources, elections,")
    assert lines[-2].endswith("by frictionless: none")
    assert lines[-1] == "valid: no errors"


def test_fmt_check_passes_on_the_checkout(capsys):
    assert main(["fmt", "--check"]) == 0, capsys.readouterr().out


def test_fmt_check_names_an_unsorted_file_and_fmt_restores_it(monkeypatch, tmp_path, capsys):
    import shutil

    from kzdata import _resources, schemas

    root = tmp_path / "checkout"
    shutil.copytree(_resources.package_root(), root, ignore=shutil.ignore_patterns(".*", "src", "tests", "*venv*"))
    monkeypatch.setattr(_resources, "package_root", lambda: root)
    monkeypatch.setattr("kzdata.fmt.package_root", lambda: root)
    monkeypatch.setattr(schemas, "package_root", lambda: root)
    schemas.descriptor.cache_clear()
    schemas.schema.cache_clear()
    path = root / "data/hajj_quotas.csv"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text(lines[0] + "".join(reversed(lines[1:])))
    assert main(["fmt", "--check"]) == 1
    assert capsys.readouterr().out == "differs: data/hajj_quotas.csv\n"
    assert main(["fmt"]) == 0
    assert path.read_text() == "".join(lines)
    schemas.descriptor.cache_clear()
    schemas.schema.cache_clear()


def test_tables_output_is_exact(capsys):
    from kzdata import schemas as sc

    assert main(["tables"]) == 0
    width = max(len(name) for name in sc.tables())
    expected = []
    for name in sc.tables():
        import csv

        with sc.data_path(name).open(encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1
        expected.append(f"{name:<{width}}  {rows:>5}  {sc.resource(name)['title']}")
    assert capsys.readouterr().out == "\n".join(expected) + "\n"


def test_validate_output_is_exact_for_a_bad_cell(package_copy, capsys):
    set_cell(package_copy, "hajj_quotas", 2, "value", "-5")
    assert main(["validate", str(package_copy)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "data/hajj_quotas.csv:2:value: '-5' is below the minimum 0 [constraint]"
    assert lines[-1] == "invalid: 1 errors (constraint: 1)"
    assert len(lines) == 3


def test_person_output_names_each_fact_with_its_source(capsys):
    assert main(["person", "tokayev-kassym-jomart", "--format", "csv"]) == 0
    import csv
    import io

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["date", "kind", "what", "detail", "table", "record_id", "source_id", "locator"]
    final = next(r for r in rows if r[5] == "2019-06-09-presidential|final|tokayev-kassym-jomart")
    assert final[:3] == ["2019-06-09", "candidacy", "2019-06-09-presidential (final): 70.96%, 6,539,715 votes"]
    assert final[6] == "web-electionguide-presidential-2019"


def test_unknown_person_is_exit_2(capsys):
    assert main(["person", "nobody-at-all"]) == 2
    assert capsys.readouterr().err.startswith("kzdata: error: no person 'nobody-at-all'")


def test_coverage_lists_the_regions_of_each_figure(capsys):
    assert main(["coverage", "--regions"]) == 0
    out = capsys.readouterr().out
    block = out.split("2021-01-10-majilis (18 regions in force)\n")[1].split("\n2022-")[0].splitlines()
    assert block[0] == "  final turnout: almaty-city kostanay kyzylorda shymkent"
    assert block[1].startswith("  no final turnout: abroad akmola aktobe") and "kostanay" not in block[1]
    assert block[3] == "  results: kyzylorda"


def test_info_breaks_the_encyclopedia_share_down_by_table(capsys):
    import re

    assert main(["info"]) == 0
    lines = capsys.readouterr().out.splitlines()
    total = int(re.search(r"on an encyclopedia: (\d+) of", next(x for x in lines if "encyclopedia:" in x))[1])
    parts = [int(n) for n in re.findall(r" (\d+) of \d+ \(", next(x for x in lines if "of which:" in x))]
    assert parts and sum(parts) == total
