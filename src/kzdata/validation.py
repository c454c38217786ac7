"""Validation of a data package: Table Schema checks, then kzdata's policies and cross-table
rules, in one report.

Frictionless is the reference for Table Schema. Each resource is checked by the fast engine
(:mod:`kzdata.tablecheck`) when it supports every keyword and the file's structure is plain,
and by frictionless itself otherwise; the report says which engine checked what.

kzdata is stricter than Table Schema in the places listed in ``POLICIES`` (and the cross-table
rules of :mod:`kzdata.rules`); these are the only permitted differences from frictionless.
Bad data is reported, never raised: ``validate`` returns a :class:`Report`. A path that is not
a well-formed data package raises :class:`KzdataError` (the CLI's exit code 2).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import rules
from ._resources import package_root
from .cells import POLICY_RULES
from .descriptor import Package, descriptor_path, read_package
from .errors import KzdataError
from .report import Issue, Report

#: Largest data file validated; a bigger one is reported, not read (protects memory).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Longest line accepted in a data file (a longer one is reported, not parsed).
MAX_LINE_BYTES = 1024 * 1024

#: kzdata's rules stricter than Table Schema: the only permitted differences from frictionless
#: (besides the cross-table rules of kzdata.rules, which apply to kzdata packages only).
POLICIES = {
    "encoding": "files are UTF-8 without a byte-order mark",
    "line-ends": "lines end with \\n, not \\r\\n",
    "unsafe-path": "paths are relative, inside the package folder, local, and exist",
    "file-size": f"a data file is at most {MAX_FILE_BYTES} bytes",
    "line-length": f"a line is at most {MAX_LINE_BYTES} bytes",
    "empty-file": "a data file has at least a header",
    "no-rows": "a table has at least one row",
    "contract": "a kzdata package has all of kzdata's tables under their names, with kzdata's schemas",
    **POLICY_RULES,
}


def _file_issues(root: Path, rel: str) -> list[Issue]:
    """Byte-level checks frictionless is lenient about: size, BOM, line ends, line length."""
    path = root / rel
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Issue(rel, None, None, "file-size", f"file is {size} bytes, above the limit {MAX_FILE_BYTES}")]
    if size == 0:
        return [Issue(rel, None, None, "empty-file", "file is empty; it needs at least a header and one row")]
    issues = []
    with path.open("rb") as handle:
        if handle.read(3) == b"\xef\xbb\xbf":
            bom = "file starts with a byte-order mark; save as UTF-8 without BOM"
            issues.append(Issue(rel, 1, None, "encoding", bom))
        handle.seek(0)
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), start=1):
            if len(line) > MAX_LINE_BYTES:
                issues.append(Issue(rel, number, None, "line-length", f"line longer than {MAX_LINE_BYTES} bytes"))
                break
            if line.endswith(b"\r\n"):
                issues.append(Issue(rel, number, None, "line-ends", "Windows line end (CRLF); use \\n"))
                break
    return issues


_FRICTIONLESS_RULES = {
    "type-error": "type", "constraint-error": "constraint", "primary-key": "primary-key",
    "foreign-key": "foreign-key", "unique-error": "unique", "missing-cell": "missing-cell",
    "extra-cell": "extra-cell", "blank-row": "blank-row", "incorrect-label": "header",
    "missing-label": "header", "extra-label": "header", "duplicate-label": "header",
    "blank-label": "header", "encoding-error": "encoding", "source-error": "format",
}
_PHRASES = {
    "type-error": "is not of the column's type",
    "constraint-error": "breaks the column's constraint",
    "unique-error": "repeats a value that must be unique",
    "missing-cell": "is missing: the row has too few cells",
    "extra-cell": "is an extra cell: the row has too many cells",
    "blank-row": "blank row",
    "incorrect-label": "header does not match the schema",
    "missing-label": "column is missing from the header",
    "extra-label": "column is not in the schema",
    "duplicate-label": "column appears twice in the header",
    "encoding-error": "bytes are not valid UTF-8",
}


def _frictionless_issues(package: Package, names: list[str]) -> list[Issue]:
    """Frictionless' own report for the named resources (foreign keys see the whole package)."""
    import frictionless

    try:
        reference = frictionless.Package(package.descriptor, basepath=str(package.root))
        resources = {name: reference.get_resource(name) for name in names}
    except Exception as exc:  # frictionless raises its own errors for descriptors it refuses
        raise KzdataError(f"{package.descriptor_path}: frictionless cannot read it ({_one_line(exc)})") from None
    issues = []
    for name, resource in resources.items():
        file = package.path(name)
        try:
            report = resource.validate()
        except Exception as exc:
            issues.append(Issue(file, None, None, "format", f"frictionless cannot read it ({_one_line(exc)})"))
            continue
        for task in report.tasks:
            issues += [_issue_from(error, file, package.schemas[name]) for error in task.errors]
        issues += [_issue_from(error, file, package.schemas[name]) for error in report.errors]
    return issues


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 300 else text[:300] + "..."


def _issue_from(error: Any, file: str, schema: dict[str, Any]) -> Issue:
    """One frictionless error as an Issue with file, spreadsheet row, column and a plain message."""
    rule = _FRICTIONLESS_RULES.get(error.type, error.type)
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or getattr(error, "label", None)
    note = _one_line(getattr(error, "note", "") or "")
    if error.type == "foreign-key":
        column = ",".join(error.field_names)
        target = f"{error.reference_name}.{','.join(error.reference_field_names)}"
        message = f"{', '.join(map(repr, error.field_cells))} not found in {target} (add that row or fix the id)"
    elif error.type == "primary-key":
        pk = schema.get("primaryKey") or []
        column = ",".join([pk] if isinstance(pk, str) else pk)
        message = f"duplicate or empty primary key ({note})"
    else:
        if row is None and error.type.endswith("label"):
            row = 1
        cell = getattr(error, "cell", None)
        shown = cell if cell is None or len(str(cell)) <= 80 else str(cell)[:80] + "..."
        value = f"{shown!r} " if cell not in (None, "") else ""
        phrase = _PHRASES.get(error.type, error.title.lower())
        message = f"{value}{phrase}" + (f" ({note})" if note else "")
    return Issue(file, row, column, rule, message)


def _text_frame(path: Path) -> Any:
    """A delegated file as all-text for the cross-table rules, or None if pandas cannot read it."""
    import pandas as pd

    try:
        return pd.read_csv(path, dtype=object, keep_default_na=False, na_filter=False, encoding="utf-8")
    except Exception:  # its problems are reported by frictionless
        return None


def _contract_issues(package: Package) -> list[Issue]:
    """A kzdata package has every shipped table under its name, with the shipped schema."""
    from . import schemas as shipped

    issues = []
    name = package.descriptor_path.name
    for table in shipped.tables():
        if table not in package.schemas:
            issues.append(Issue(name, None, f"resources.{table}", "contract",
                                f"kzdata's table {table!r} is missing from the package"))
            continue
        mine, theirs = shipped.schema(table), package.schemas[table]
        if mine == theirs:
            continue
        where = next((f"field {a.get('name')!r}" for a, b in zip(mine["fields"], theirs["fields"], strict=False)
                      if a != b), None)
        if where is None:
            where = "field list" if len(mine["fields"]) != len(theirs["fields"]) else next(
                f"keyword {k!r}" for k in sorted(set(mine) | set(theirs)) if mine.get(k) != theirs.get(k))
        issues.append(Issue(name, None, f"resources.{table}.schema", "contract",
                            f"differs from kzdata's schema of {table!r} at {where}"))
    return issues


def validate(path: str | Path | None = None, engine: str = "auto") -> Report:
    """Validate a data package: the shipped one, or a ``datapackage.json`` / its folder.

    Checks the Table Schemas (types, constraints, keys), kzdata's policies and, for a kzdata
    package, its cross-table rules and contract; returns one :class:`Report`. Never raises on
    bad data. ``engine="auto"`` (default) runs the fast engine where it supports the resource
    and frictionless elsewhere; ``engine="frictionless"`` runs frictionless for every resource.

    >>> validate().valid
    True
    """
    from . import tablecheck

    if engine not in ("auto", "pandas", "frictionless"):
        raise KzdataError(f"unknown engine {engine!r}; use 'auto' or 'frictionless'")
    package = read_package(descriptor_path(path, package_root()))
    if package.unsafe:  # never follow a reference we do not trust
        return Report(package.unsafe)
    root, issues = package.root, []
    plan: dict[str, str] = {}
    for resource in package.resources:
        found = _file_issues(root, resource["path"])
        issues += found
        if any(i.rule in ("file-size", "line-length", "empty-file") for i in found):
            plan[resource["name"]] = "skipped"
        elif engine == "frictionless":
            plan[resource["name"]] = "frictionless (asked for)"
        else:
            why = tablecheck.unsupported(package.descriptor, resource, package.schemas[resource["name"]])
            plan[resource["name"]] = f"frictionless ({why})" if why else "fast"
    fast: dict[str, tuple[list[Issue], Any, Any]] = {}
    for name in [n for n, e in plan.items() if e == "fast"]:
        try:
            fast[name] = tablecheck.check_table(root / package.path(name), package.schemas[name], package.path(name))
        except tablecheck.Delegate as why:
            plan[name] = f"frictionless ({why})"
    _delegate_references(package, plan)
    fast = {name: result for name, result in fast.items() if plan[name] == "fast"}
    for found, _, _ in fast.values():
        issues += found
    keyed = {name: result[2] for name, result in fast.items()}
    issues += tablecheck.check_foreign_keys(keyed, package.schemas, {n: package.path(n) for n in keyed})
    delegated = [name for name, e in plan.items() if e.startswith("frictionless")]
    if delegated:
        issues += _frictionless_issues(package, delegated)
    tables = {name: result[1] for name, result in fast.items()}
    for name in delegated:
        frame = _text_frame(root / package.path(name))
        if frame is not None:
            tables[name] = frame
    for name, frame in tables.items():
        if frame.empty:
            issues.append(Issue(package.path(name), 2, None, "no-rows", "the table has a header but no rows"))
    report = Report(issues, engines={n: e for n, e in plan.items() if e != "skipped"})
    if package.descriptor.get("name") == "kzdata":
        report.errors += _contract_issues(package)
        usable = {name: frame.mask(frame == "") for name, frame in tables.items()}
        report.errors += rules.check(rules.Data(usable, package.schemas, {n: package.path(n) for n in usable}))
    else:
        report.notices.append("not a kzdata package (its name is not 'kzdata'): Table Schema checks only; "
                              "kzdata's cross-table rules did not apply")
    return report


def _delegate_references(package: Package, plan: dict[str, str]) -> None:
    """A fast resource whose foreign key points at a delegated one goes to frictionless too."""
    changed = True
    while changed:
        changed = False
        for name, schema in package.schemas.items():
            if plan.get(name) != "fast":
                continue
            for fk in schema.get("foreignKeys", []):
                target = fk["reference"].get("resource") or name
                if plan.get(target) != "fast":
                    plan[name] = f"frictionless (a foreign key into {target!r})"
                    changed = True
                    break
