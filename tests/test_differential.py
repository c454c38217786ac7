"""Differential tests: the default (vectorised) engine reports the same Table Schema errors as
frictionless on the corpus and on random tables; malformed descriptors are refused cleanly."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from corpus import CASES, MALFORMED, Case, f, materialise, one
from hypothesis import given, settings
from hypothesis import strategies as st

import kzdata
from kzdata.cli import main
from kzdata.errors import KzdataError
from kzdata.report import Issue, Report

#: Table Schema rules: both engines must agree on these. Any other rule is a kzdata policy
#: (line-ends, unsafe-path, file-size, line-length, empty-file, no-rows, cross-table rules).
TABLE_SCHEMA_RULES = {"type", "constraint", "unique", "primary-key", "foreign-key", "missing-cell", "extra-cell",
                      "blank-row", "header", "encoding", "format", "descriptor"}
BOM = b"\xef\xbb\xbf"


def _compared(issue: Issue, folder: Path) -> bool:
    """Whether both engines must report this issue (kzdata's BOM policy is an 'encoding' issue too)."""
    if issue.rule not in TABLE_SCHEMA_RULES:
        return False
    if issue.rule == "encoding" and issue.row in (None, 1):
        path = folder / issue.file
        return not (path.is_file() and path.read_bytes().startswith(BOM))
    return True


def _cells(report: Report, folder: Path) -> set[tuple[object, ...]]:
    return {(e.file, e.row, e.column, e.rule) for e in report.errors if _compared(e, folder)}


def _outcome(folder: Path, engine: str | None) -> Report | KzdataError:
    """The report, or the KzdataError raised; any other exception fails the test."""
    try:
        return kzdata.validate(folder) if engine is None else kzdata.validate(folder, engine=engine)
    except KzdataError as exc:
        return exc


def _diff(reference: set[tuple[object, ...]], fast: set[tuple[object, ...]]) -> str:
    lines = [f"  only frictionless:    {x}" for x in sorted(reference - fast, key=repr)]
    lines += [f"  only default engine:  {x}" for x in sorted(fast - reference, key=repr)]
    return "\n".join(lines)


def assert_engines_agree(folder: Path) -> None:
    """Both engines raise KzdataError, or report the same Table Schema cells."""
    reference, fast = _outcome(folder, "frictionless"), _outcome(folder, None)
    if isinstance(fast, KzdataError):
        # kzdata checks descriptors more strictly than frictionless: the default engine may
        # refuse a package that frictionless reads, but only one frictionless finds invalid.
        assert isinstance(reference, KzdataError) or not reference.valid, \
            f"default engine raised {fast!r} on a package frictionless finds valid"
        return
    assert not isinstance(reference, KzdataError), f"frictionless engine raised {reference!r}, default did not"
    expected, found = _cells(reference, folder), _cells(fast, folder)
    assert found == expected, "engines disagree:\n" + _diff(expected, found)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_engines_agree_on_corpus(case: Case, tmp_path: Path):
    assert_engines_agree(materialise(case, tmp_path))


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_default_engine_never_more_lenient(case: Case, tmp_path: Path):
    folder = materialise(case, tmp_path)
    reference, fast = _outcome(folder, "frictionless"), _outcome(folder, None)
    if isinstance(reference, Report) and not reference.valid:
        assert isinstance(fast, KzdataError) or not fast.valid, "default engine says valid:\n" + str(reference)


@pytest.mark.parametrize("case", MALFORMED, ids=lambda c: c.name)
def test_malformed_descriptor_raises(case: Case, tmp_path: Path):
    with pytest.raises(KzdataError):
        kzdata.validate(materialise(case, tmp_path))


@pytest.mark.parametrize("case", MALFORMED, ids=lambda c: c.name)
def test_malformed_descriptor_raises_under_frictionless(case: Case, tmp_path: Path):
    with pytest.raises(KzdataError):
        kzdata.validate(materialise(case, tmp_path), engine="frictionless")


@pytest.mark.parametrize("case", MALFORMED, ids=lambda c: c.name)
def test_malformed_descriptor_cli_exit_2(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["validate", str(materialise(case, tmp_path))])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1 and "datapackage.json" in err, err
    assert "internal error" not in err.lower(), err


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_corpus_never_reaches_the_cli_guard(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["validate", str(materialise(case, tmp_path))])
    captured = capsys.readouterr()
    assert code in (0, 1, 2) and "internal error" not in captured.err.lower(), captured.err


def test_corpus_exercises_the_fast_engine(tmp_path: Path):
    """The comparison is not vacuous: most cases have a resource the fast engine checks itself."""
    fast = 0
    for number, case in enumerate(CASES):
        outcome = _outcome(materialise(case, tmp_path / str(number)), None)
        fast += isinstance(outcome, Report) and "fast" in outcome.engines.values()
    assert fast >= 30, fast


# --- random schemas and tables ----------------------------------------------------------------

VALID = {
    "string": ["a", "b", "ab", "xyz", "\u0416"],
    "integer": ["0", "1", "-2", "10", "007"],
    "number": ["0.5", "1", "-1.5", "2.5e3", "INF"],
    "boolean": ["true", "false", "1", "0", "True"],
    "date": ["2020-01-01", "2021-12-31", "1999-06-15"],
    "datetime": ["2020-01-01T10:00:00", "2021-12-31T23:59:59", "1999-06-15T00:00:00"],
}
EDGE = ["", " 1", "1.0", "NaN", "2020-02-30", "NA", "\u0663", "12345678901234567890123", "-", "+1", "1,5",
        'a"b', "x\ny", "1e400", "2020-1-1", "2020-01-01T10:00", "2020-01-01T24:00:00", "2020-01-01T10:00:00Z",
        "2020-01-01T10:00:00+06:00", "2020-01-01T10:00:00.0", "2020-01-01 10:00:00"]
BOUND = {
    "integer": st.integers(-3, 12),
    "number": st.sampled_from([-1.5, 0, 0.5, 1, 2500]),
    "date": st.sampled_from(["2000-01-01", "2020-01-01", "2021-12-31"]),
    "datetime": st.sampled_from(["2000-01-01T00:00:00", "2020-01-01T10:00:00", "2021-12-31T23:59:59"]),
}
ENUM = {
    "string": st.sampled_from(VALID["string"]),
    "integer": st.integers(-2, 10),
    "number": st.sampled_from([0.5, 1, -1.5, 2500]),
    "boolean": st.booleans(),
    "date": st.sampled_from(VALID["date"]),
    "datetime": st.sampled_from(VALID["datetime"]),
}


@st.composite
def fields(draw: st.DrawFn, name: str) -> dict[str, object]:
    kind = draw(st.sampled_from(sorted(VALID)))
    options: dict[str, st.SearchStrategy[object]] = {"required": st.just(True), "unique": st.just(True),
                                                     "enum": st.lists(ENUM[kind], min_size=1, max_size=3)}
    if kind == "string":
        options |= {"pattern": st.sampled_from(["[a-z]+", "a|b", "\\d+", ".*x", "\u0416?"]),
                    "minLength": st.integers(0, 3), "maxLength": st.integers(0, 4)}
    if kind in BOUND:
        options |= {k: BOUND[kind] for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")}
    chosen = draw(st.lists(st.sampled_from(sorted(options)), max_size=3, unique=True))
    return f(name, kind, **{k: draw(options[k]) for k in chosen})


@st.composite
def tables(draw: st.DrawFn) -> Case:
    schema = [draw(fields(f"c{i}")) for i in range(draw(st.integers(1, 4)))]
    cells = st.one_of(*(st.sampled_from(VALID[x["type"]]) for x in schema), st.sampled_from(EDGE))
    rows = draw(st.lists(st.lists(cells, min_size=len(schema), max_size=len(schema)), max_size=6))
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([[x["name"] for x in schema], *rows])
    return one("random", schema, text.getvalue())


@settings(max_examples=150, deadline=None)
@given(case=tables())
def test_engines_agree_on_random_tables(case: Case):
    with tempfile.TemporaryDirectory() as folder:
        assert_engines_agree(materialise(case, Path(folder)))
