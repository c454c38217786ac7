"""The adapter to frictionless, the reference implementation of Table Schema: runs it on the
resources the fast engine hands over and turns its errors into kzdata's issues."""

from __future__ import annotations

from typing import Any

from .descriptor import Package
from .errors import KzdataError
from .report import Issue

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


def frictionless_issues(package: Package, names: list[str]) -> list[Issue]:
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


def metadata_issues(package: Package) -> list[Issue]:
    """Frictionless' checks of the descriptor and schemas themselves (profiles, field examples,
    version gates), so that no engine calls a package valid whose metadata frictionless refuses."""
    import copy

    import frictionless

    descriptor = copy.deepcopy(package.descriptor)
    for resource in descriptor["resources"]:
        resource["schema"] = package.schemas[resource["name"]]
    try:
        report = frictionless.Package.validate_descriptor(descriptor, basepath=str(package.root))
    except Exception as exc:  # a descriptor frictionless cannot even read
        raise KzdataError(f"{package.descriptor_path}: frictionless cannot read it ({_one_line(exc)})") from None
    return [Issue(package.descriptor_path.name, None, None, "descriptor", _one_line(error.message))
            for error in report.errors]
