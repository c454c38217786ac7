"""Validation of a data package: Table Schema checks (vectorised, or frictionless itself),
then kzdata's cross-table rules, in one report.

Bad data is reported, never raised: ``validate`` returns a :class:`Report`. Only a path
that is not a data package at all raises :class:`KzdataError` (the CLI's exit code 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import rules
from . import schemas as sc
from ._resources import package_root
from .errors import KzdataError
from .report import Issue, Report

#: Largest data file validated; a bigger one is reported, not read (protects memory).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Longest line accepted in a data file (a longer one is reported, not parsed).
MAX_LINE_BYTES = 1024 * 1024


def _descriptor_path(path: str | Path | None) -> Path:
    if path is None:
        return package_root() / "datapackage.json"
    path = Path(path)
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.is_file():
        raise KzdataError(f"{path}: no datapackage.json there")
    return path


def _read_descriptor(path: Path) -> dict[str, Any]:
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KzdataError(f"{path}: not a readable JSON data package descriptor ({exc})") from exc
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise KzdataError(f"{path}: not a data package descriptor (no 'resources' list)")
    return descriptor


def _unsafe_reference(root: Path, ref: Any) -> str | None:
    """Why a resource's path or schema reference must not be followed, or None if it is safe."""
    if isinstance(ref, dict):  # an inline schema reads no file
        return None
    if not isinstance(ref, str) or not ref:
        return "must be a relative path inside the package folder"
    if "://" in ref or ref.startswith(("//", "\\\\")):
        return f"{ref!r} is a URL; kzdata validates local files only"
    if Path(ref).is_absolute() or ref.startswith(("/", "\\")) or ":" in ref[:3]:
        return f"{ref!r} is an absolute path; it must be relative to the package folder"
    if ".." in Path(ref).parts or ".." in ref.split("\\"):
        return f"{ref!r} climbs out of the package folder with '..'"
    resolved = (root / ref).resolve()
    if not resolved.is_relative_to(root.resolve()):
        return f"{ref!r} leads outside the package folder (through a link)"
    if not resolved.is_file():
        return f"{ref!r} does not exist"
    return None


def _safety_issues(root: Path, descriptor: dict[str, Any]) -> list[Issue]:
    issues = []
    for resource in descriptor["resources"]:
        if not isinstance(resource, dict):
            resource = {}
        name = resource.get("name", "?")
        refs = {"path": resource.get("path"), "schema": resource.get("schema")}
        for key, ref in refs.items():
            why = _unsafe_reference(root, ref)
            if why:
                issues.append(Issue("datapackage.json", None, f"resources.{name}.{key}", "unsafe-path", why))
    return issues


def _file_issues(root: Path, resource: dict[str, Any]) -> list[Issue]:
    """Byte-level checks frictionless is lenient about: size, BOM, line ends, line length."""
    rel = resource["path"]
    path = root / rel
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Issue(rel, None, None, "file-size", f"file is {size} bytes, above the limit {MAX_FILE_BYTES}")]
    issues = []
    with path.open("rb") as handle:
        head = handle.read(3)
        if size == 0:
            return [Issue(rel, None, None, "empty-file", "file is empty; it needs at least a header and one row")]
        if head == b"\xef\xbb\xbf":
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


def _frictionless_issues(descriptor_path: Path, skip: set[str]) -> list[Issue]:
    from frictionless import Package

    root = descriptor_path.parent
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r.get("name") not in skip]
    try:
        package = Package(descriptor, basepath=str(root))
        result = package.validate()
    except Exception as exc:  # frictionless raises its own errors for broken descriptors
        return [Issue("datapackage.json", None, None, "descriptor", f"frictionless cannot read it: {exc}")]
    resources = {r["name"]: r for r in descriptor["resources"]}
    issues = [Issue("datapackage.json", None, None, "descriptor", e.message) for e in result.errors]
    for task in result.tasks:
        resource = resources.get(task.name, {})
        file = resource.get("path", task.name)
        for error in task.errors:
            issues.append(_issue_from(error, file, resource, root))
    return issues


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


def _issue_from(error: Any, file: str, resource: dict[str, Any], root: Path) -> Issue:
    """One frictionless error as an Issue with file, spreadsheet row, column and a plain message."""
    rule = _FRICTIONLESS_RULES.get(error.type, error.type)
    row = getattr(error, "row_number", None)
    column = getattr(error, "field_name", None) or getattr(error, "label", None)
    note = getattr(error, "note", "") or ""
    if error.type == "foreign-key":
        column = ",".join(error.field_names)
        target = f"{error.reference_name}.{','.join(error.reference_field_names)}"
        message = f"{', '.join(map(repr, error.field_cells))} not found in {target} (add that row or fix the id)"
    elif error.type == "primary-key":
        column = ",".join(_primary_key(resource, root))
        message = f"duplicate primary key: another row has the same {column} ({note})"
    else:
        if row is None and error.type.endswith("label"):
            row = 1
        cell = getattr(error, "cell", None)
        value = f"{cell!r} " if cell not in (None, "") else ""
        phrase = _PHRASES.get(error.type, error.title.lower())
        message = f"{value}{phrase}" + (f" ({note})" if note else "")
    return Issue(file, row, column, rule, message)


def _primary_key(resource: dict[str, Any], root: Path) -> list[str]:
    schema = resource.get("schema")
    if isinstance(schema, str):
        schema = json.loads((root / schema).read_text(encoding="utf-8"))
    pk = (schema or {}).get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def _raw_tables(root: Path, descriptor: dict[str, Any], broken: set[str]) -> dict[str, Any]:
    import pandas as pd

    known = set(sc.tables())
    out = {}
    for resource in descriptor["resources"]:
        name = resource.get("name")
        if name not in known or name in broken:
            continue
        try:
            out[name] = pd.read_csv(root / resource["path"], dtype="string", keep_default_na=False,
                                    na_values=[""], encoding="utf-8")
        except Exception:  # unreadable files are already reported by frictionless
            continue
    return out


def _resource_schema(root: Path, resource: dict[str, Any]) -> dict[str, Any]:
    schema = resource.get("schema")
    if isinstance(schema, str):
        schema = json.loads((root / schema).read_text(encoding="utf-8"))
    return schema or {"fields": []}


def _pandas_issues(root: Path, descriptor: dict[str, Any], skip: set[str]) -> tuple[list[Issue], dict[str, Any]]:
    """Table Schema checks, vectorised (see tablecheck); also returns the tables for the rules."""
    from . import tablecheck

    issues: list[Issue] = []
    frames, schemas, files = {}, {}, {}
    for resource in descriptor["resources"]:
        name = resource.get("name")
        if name in skip:
            continue
        try:
            schema = _resource_schema(root, resource)
        except (OSError, ValueError) as exc:
            issues.append(Issue(resource["schema"], None, None, "descriptor", f"schema cannot be read: {exc}"))
            continue
        found, frame = tablecheck.check_table(root / resource["path"], schema, resource["path"])
        issues += found
        if frame is not None:
            frames[name], schemas[name], files[name] = frame, schema, resource["path"]
    issues += tablecheck.check_foreign_keys(frames, schemas, files)
    known = set(sc.tables())
    tables = {name: frame.mask(frame == "") for name, frame in frames.items() if name in known}
    return issues, tables


def validate(path: str | Path | None = None, engine: str = "pandas") -> Report:
    """Validate a data package: the shipped one, or a ``datapackage.json`` / its folder.

    Checks the Table Schemas (types, constraints, enums, primary and foreign keys) and
    kzdata's cross-table rules, and returns one :class:`Report`. Never raises on bad data.
    ``engine="pandas"`` (default) runs the vectorised schema checks; ``engine="frictionless"``
    runs frictionless itself (slower; both report the same cells, a test proves it).

    >>> validate().valid  # doctest: +SKIP
    True
    """
    if engine not in ("pandas", "frictionless"):
        raise KzdataError(f"unknown engine {engine!r}; use 'pandas' or 'frictionless'")
    descriptor_path = _descriptor_path(path)
    root = descriptor_path.parent
    descriptor = _read_descriptor(descriptor_path)
    issues = _safety_issues(root, descriptor)
    if issues:  # never follow a reference we do not trust
        return Report(issues)
    unreadable: set[str] = set()
    for resource in descriptor["resources"]:
        file_issues = _file_issues(root, resource)
        issues += file_issues
        if any(i.rule in ("file-size", "line-length", "empty-file") for i in file_issues):
            unreadable.add(resource["name"])
    if engine == "frictionless":
        issues += _frictionless_issues(descriptor_path, unreadable)
        tables = _raw_tables(root, descriptor, unreadable)
    else:
        found, tables = _pandas_issues(root, descriptor, unreadable)
        issues += found
    paths = {r["name"]: r["path"] for r in descriptor["resources"]}
    for name, frame in tables.items():
        if frame.empty:
            issues.append(Issue(paths[name], 2, None, "no-rows", "the table has a header but no rows"))
    issues += rules.check(tables)
    return Report(issues)
