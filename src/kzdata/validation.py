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
from .bytechecks import MAX_FILE_BYTES, MAX_LINE_BYTES, file_issues
from .cells import POLICY_RULES
from .descriptor import Package, descriptor_path, read_package
from .errors import KzdataError
from .reference import frictionless_issues, metadata_issues
from .report import Issue, Report

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
    and frictionless elsewhere; ``engine="frictionless"`` runs frictionless for every resource
    (``"pandas"``, the name of the fast engine in 0.1.0, means ``"auto"``).

    >>> validate().valid
    True
    """
    from . import tablecheck

    if engine not in ("auto", "pandas", "frictionless"):
        raise KzdataError(f"unknown engine {engine!r}; use 'auto' or 'frictionless'")
    package = read_package(descriptor_path(path, package_root()))
    if package.unsafe:  # never follow a reference we do not trust
        return Report(package.unsafe)
    root, issues = package.root, metadata_issues(package)
    plan: dict[str, str] = {}
    for resource in package.resources:
        found = file_issues(root, resource["path"])
        issues += found
        if any(i.rule in ("file-size", "line-length", "empty-file") for i in found):
            plan[resource["name"]] = "skipped"
        elif engine == "frictionless":
            plan[resource["name"]] = "frictionless (asked for)"
        else:
            why = tablecheck.unsupported(package.descriptor, resource, package.schemas[resource["name"]])
            plan[resource["name"]] = f"frictionless ({why})" if why else "fast"
    fast: dict[str, tuple[list[Issue], Any, Any]] = {}
    referenced = tablecheck.referenced_fields(package.schemas)
    for name in [n for n, e in plan.items() if e == "fast"]:
        try:
            dialect = next(r for r in package.resources if r["name"] == name).get("dialect")
            fast[name] = tablecheck.check_table(root / package.path(name), package.schemas[name], package.path(name),
                                                referenced.get(name, set()), dialect)
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
        issues += frictionless_issues(package, delegated)
    tables = {name: result[1] for name, result in fast.items()}
    unread = []
    for name in delegated:
        frame = _text_frame(root / package.path(name))
        if frame is None:
            unread.append(name)
        else:
            tables[name] = frame
    for name, frame in tables.items():
        if frame.empty:
            issues.append(Issue(package.path(name), 2, None, "no-rows", "the table has a header but no rows"))
    report = Report(issues, engines={n: e for n, e in plan.items() if e != "skipped"})
    if unread and package.descriptor.get("name") == "kzdata":
        report.notices.append(f"cross-table rules did not see {', '.join(unread)} (not readable as CSV)")
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
