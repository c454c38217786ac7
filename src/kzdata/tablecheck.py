"""Table Schema checks, vectorised with pandas: the same rules frictionless applies
(header, types, required, unique, enum, pattern, range, primary and foreign keys), fast
enough for millions of rows. ``kzdata validate --engine frictionless`` runs frictionless
itself; a test proves both report the same cells on the corruption suite.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .report import Issue

if TYPE_CHECKING:
    import pandas as pd

#: Text a cell of each type must match (before range checks); Table Schema defaults.
TYPE_PATTERNS = {
    "integer": r"[+-]?\d+",
    "number": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?",
    "date": r"\d{4}-\d{2}-\d{2}",
}
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def _encoding_issue(path: Path, file: str) -> Issue | None:
    """The first byte sequence that is not UTF-8, streamed so a large file is never held twice."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    line, offset = 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = exc.start
                return Issue(file, line + chunk.count(b"\n", 0, max(bad, 0)), None, "encoding",
                             f"bytes are not valid UTF-8 near byte {offset + max(bad, 0)}")
            line += chunk.count(b"\n")
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return Issue(file, line, None, "encoding", "file ends inside a UTF-8 character")
    return None


def _frame(path: Path, names: list[str], file: str) -> tuple[pd.DataFrame | None, list[Issue]]:
    """The file as an all-text DataFrame ("" for empty cells), or None and why it cannot be read."""
    import pandas as pd

    bad_bytes = _encoding_issue(path, file)
    if bad_bytes:
        return None, [bad_bytes]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    issues = _header_issues(header, names, file)
    if issues:
        return None, issues
    try:
        frame = pd.read_csv(path, dtype="str", keep_default_na=False, na_filter=False, encoding="utf-8-sig",
                            skip_blank_lines=False, engine="c")
    except pd.errors.ParserError:
        return None, _row_length_issues(path, len(names), file)
    short = frame.isna().any(axis=1)
    for index in short.to_numpy().nonzero()[0]:
        row = frame.iloc[index]
        if row.isna().all():
            issues.append(Issue(file, index + 2, None, "blank-row", "blank row"))
        else:
            column = str(row.index[row.isna()][0])
            issues.append(Issue(file, index + 2, column, "missing-cell", "is missing: the row has too few cells"))
    return (frame.fillna("") if short.any() else frame), issues  # keep rows: row numbers stay true


def _header_issues(header: list[str], names: list[str], file: str) -> list[Issue]:
    issues = []
    for position, name in enumerate(names):
        if position >= len(header):
            issues.append(Issue(file, 1, name, "header", "column is missing from the header"))
        elif header[position] != name:
            issues.append(Issue(file, 1, header[position] or name, "header",
                                f"header does not match the schema (expected {name!r} here)"))
    for extra in header[len(names):]:
        issues.append(Issue(file, 1, extra, "header", "column is not in the schema"))
    return issues


def _row_length_issues(path: Path, width: int, file: str) -> list[Issue]:
    issues = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if len(row) > width:
                issues.append(Issue(file, number, None, "extra-cell", "is an extra cell: the row has too many cells"))
    return issues


def enum_text(values: list[str]) -> str:
    """The allowed values, or the first few and a pointer to the codebook when there are many."""
    if len(values) <= 8:
        return repr(values)
    return f"the {len(values)} allowed values ({', '.join(values[:5])}, ...; see docs/codebook.md)"


def _cell_issues(frame: pd.DataFrame, field: dict[str, Any], file: str) -> tuple[list[Issue], Any]:
    """Issues of one column, and a mask of its cells that passed the type check."""
    import pandas as pd

    name, kind = field["name"], field["type"]
    values = frame[name]
    c = field.get("constraints", {})
    present = values != ""
    issues: list[Issue] = []

    def report(mask: Any, rule: str, text: str) -> None:
        for index in mask.to_numpy().nonzero()[0]:
            issues.append(Issue(file, int(frame.index[index]) + 2, name, rule, f"{values.iloc[index]!r} {text}"))

    missing = ~present
    if c.get("required") and missing.any():
        for index in missing.to_numpy().nonzero()[0]:
            issues.append(Issue(file, int(frame.index[index]) + 2, name, "constraint", "is empty but required"))
    ok = present.copy()
    if kind in TYPE_PATTERNS:
        ok &= values.str.fullmatch(TYPE_PATTERNS[kind])
        if kind == "date":
            ok &= pd.to_datetime(values.where(ok, None), format="%Y-%m-%d", errors="coerce").notna()
    elif kind == "boolean":
        ok &= values.isin(field.get("trueValues", ["true", "True", "TRUE", "1"])
                          + field.get("falseValues", ["false", "False", "FALSE", "0"]))
    elif field.get("format") == "uri":
        ok &= values.str.match(URI.pattern)
    report(present & ~ok, "type", f"is not of the column's type ({kind})")
    if "enum" in c:
        report(ok & ~values.isin(c["enum"]), "constraint", f"is not one of {enum_text(c['enum'])}")
    if "pattern" in c:
        report(ok & ~values.str.fullmatch(c["pattern"]), "constraint", f"does not match {c['pattern']!r}")
    if kind in ("integer", "number") and ("minimum" in c or "maximum" in c):
        numbers = pd.to_numeric(values.where(ok, None), errors="coerce")
        if "minimum" in c:
            report(ok & (numbers < c["minimum"]), "constraint", f"is below the minimum {c['minimum']}")
        if "maximum" in c:
            report(ok & (numbers > c["maximum"]), "constraint", f"is above the maximum {c['maximum']}")
    if c.get("unique"):
        report(present & values.duplicated(keep="first"), "unique", "repeats a value that must be unique")
    return issues, ok


def check_table(path: Path, schema: dict[str, Any], file: str) -> tuple[list[Issue], pd.DataFrame | None]:
    """Every Table Schema rule of one file except foreign keys; returns the frame for those."""
    names = [f["name"] for f in schema["fields"]]
    frame, issues = _frame(path, names, file)
    if frame is None:
        return issues, None
    for field in schema["fields"]:
        found, _ = _cell_issues(frame, field, file)
        issues += found
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk:
        # A key part may be empty only when every later key part is empty too (a trailing empty
        # part, left out of citation record_ids), e.g. election_results.pollster on official counts.
        later_filled = frame[pk[0]] != frame[pk[0]]  # all False
        for name in reversed(pk):
            if not next(f for f in schema["fields"] if f["name"] == name).get("constraints", {}).get("required"):
                blank = (frame[name] == "") & later_filled
                issues += [Issue(file, int(i) + 2, name, "constraint",
                                 "is empty but a later part of the primary key is filled")
                           for i in frame.index[blank]]
            later_filled = later_filled | (frame[name] != "")
        duplicated = frame.duplicated(subset=pk, keep="first")
        issues += [Issue(file, int(i) + 2, ",".join(pk), "primary-key",
                         "duplicate primary key: another row has the same " + ", ".join(pk))
                   for i in frame.index[duplicated]]
    return issues, frame


def check_foreign_keys(frames: dict[str, pd.DataFrame], schemas: dict[str, dict[str, Any]],
                       files: dict[str, str]) -> list[Issue]:
    """Each non-empty foreign key value exists in the referenced table."""
    issues = []
    for name, frame in frames.items():
        for fk in schemas[name].get("foreignKeys", []):
            target = fk["reference"]["resource"] or name
            if target not in frames:
                continue
            cols, ref_cols = fk["fields"], fk["reference"]["fields"]
            cols, ref_cols = ([cols], [ref_cols]) if isinstance(cols, str) else (cols, ref_cols)
            keys = frame[cols].apply(tuple, axis=1) if len(cols) > 1 else frame[cols[0]]
            ref = frames[target]
            known = set(ref[ref_cols].apply(tuple, axis=1)) if len(ref_cols) > 1 else set(ref[ref_cols[0]])
            filled = (frame[cols] != "").all(axis=1)
            dangling = filled & ~keys.isin(known)
            for index in dangling.to_numpy().nonzero()[0]:
                value = keys.iloc[index]
                where = f"{target}.{','.join(ref_cols)}"
                issues.append(Issue(files[name], int(frame.index[index]) + 2, ",".join(cols), "foreign-key",
                                    f"{value!r} not found in {where} (add that row or fix the id)"))
    return issues
