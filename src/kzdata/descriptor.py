"""Reading a data package descriptor and its schemas, refusing what is malformed or unsafe.

A malformed descriptor or schema is a usage error, not bad data: :func:`read_package` raises
:class:`KzdataError` with one line naming the file and what is wrong (the CLI's exit 2).
References that lead outside the package folder are never followed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import KzdataError
from .report import Issue

#: Table Schema field types (v1 and v2).
FIELD_TYPES = {"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime",
               "year", "yearmonth", "duration", "geopoint", "geojson", "any"}
_BOOL_CONSTRAINTS = {"required", "unique"}
_COUNT_CONSTRAINTS = {"minLength", "maxLength"}
_BOUND_CONSTRAINTS = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}


@dataclass
class Package:
    """A parsed package: its folder, descriptor file and resources with their schemas."""

    root: Path
    descriptor_path: Path
    descriptor: dict[str, Any]
    schemas: dict[str, dict[str, Any]]
    unsafe: list[Issue]

    @property
    def resources(self) -> list[dict[str, Any]]:
        return self.descriptor["resources"]

    def path(self, name: str) -> str:
        return next(r["path"] for r in self.resources if r["name"] == name)


def descriptor_path(path: str | Path | None, default_root: Path) -> Path:
    """The ``datapackage.json`` a path names (the file, or the folder holding it)."""
    path = default_root / "datapackage.json" if path is None else Path(path)
    if path.is_dir():
        path = path / "datapackage.json"
    if not path.is_file():
        raise KzdataError(f"{path}: no datapackage.json there")
    return path


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except RecursionError:
        raise KzdataError(f"{path}: {what} is nested too deeply to read") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise KzdataError(f"{path}: not a readable JSON {what} ({exc})") from None


def unsafe_reference(root: Path, ref: Any) -> str | None:
    """Why a path reference must not be followed, or None if it is a safe local file."""
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


def _names(value: Any) -> list[str] | None:
    """A key's field names as a list, or None when it is neither a string nor a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return value
    return None


def check_schema(schema: Any, where: str) -> None:
    """Raise KzdataError naming ``where`` for the first thing in a Table Schema that is malformed."""
    def fail(problem: str) -> None:
        raise KzdataError(f"{where}: {problem}")

    if not isinstance(schema, dict):
        fail("the schema is not a JSON object")
    fields = schema.get("fields")
    if not isinstance(fields, list):
        fail("the schema has no 'fields' list")
    names = set()
    for number, spec in enumerate(fields, start=1):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            fail(f"field {number} is not an object with a string 'name'")
        name = spec["name"]
        names.add(name)
        if "type" not in spec:
            fail(f"field {name!r} has no 'type'; kzdata needs every field typed")
        if spec["type"] not in FIELD_TYPES:
            fail(f"field {name!r} has unknown type {spec['type']!r}")
        if not isinstance(spec.get("format", "default"), str):
            fail(f"field {name!r}: 'format' must be a string")
        for key in ("trueValues", "falseValues", "missingValues"):
            if key in spec and not (isinstance(spec[key], list) and all(isinstance(v, str) for v in spec[key])):
                fail(f"field {name!r}: {key!r} must be a list of strings")
        _check_constraints(spec, fail)
    if "missingValues" in schema and not (isinstance(schema["missingValues"], list)
                                          and all(isinstance(v, str) for v in schema["missingValues"])):
        fail("'missingValues' must be a list of strings")
    if "primaryKey" in schema:
        pk = _names(schema["primaryKey"])
        if pk is None:
            fail("'primaryKey' must be a field name or a list of them")
        for name in set(pk) - names:
            fail(f"primaryKey names {name!r}, which is not a field")
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        fail("'foreignKeys' must be a list")
    for fk in foreign_keys:
        ref = fk.get("reference") if isinstance(fk, dict) else None
        cols = _names(fk.get("fields")) if isinstance(fk, dict) else None
        ref_cols = _names(ref.get("fields")) if isinstance(ref, dict) else None
        if cols is None or ref_cols is None or not isinstance(ref.get("resource", ""), str):
            fail("a foreign key needs 'fields' and a 'reference' with 'resource' and 'fields'")
        if len(cols) != len(ref_cols):
            fail(f"foreign key {cols} and its reference {ref_cols} have different lengths")
        for name in set(cols) - names:
            fail(f"a foreign key names {name!r}, which is not a field")


def _check_constraints(spec: dict[str, Any], fail: Any) -> None:
    name, kind, c = spec["name"], spec["type"], spec.get("constraints", {})
    if not isinstance(c, dict):
        fail(f"field {name!r}: 'constraints' must be an object")
    for key, value in c.items():
        if key in _BOOL_CONSTRAINTS and not isinstance(value, bool):
            fail(f"field {name!r}: constraint {key!r} must be true or false")
        elif key in _COUNT_CONSTRAINTS and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            fail(f"field {name!r}: constraint {key!r} must be a non-negative integer")
        elif key == "enum" and not isinstance(value, list):
            fail(f"field {name!r}: constraint 'enum' must be a list")
        elif key == "pattern":
            if not isinstance(value, str):
                fail(f"field {name!r}: constraint 'pattern' must be a string")
            try:
                re.compile(value)
            except (re.error, RecursionError, OverflowError) as exc:
                fail(f"field {name!r}: constraint 'pattern' is not a valid regular expression ({exc})")
        elif key in _BOUND_CONSTRAINTS:
            numeric = kind in ("integer", "number")
            ok = (not isinstance(value, bool) and isinstance(value, int if kind == "integer" else (int, float))
                  if numeric else isinstance(value, (str, int)) and not isinstance(value, bool))
            if not ok:
                fail(f"field {name!r}: constraint {key!r} has a value {value!r} that is not a {kind}")


def read_package(path: Path) -> Package:
    """Parse and check a descriptor and every schema it names; unsafe references are collected."""
    root = path.parent
    descriptor = _read_json(path, "data package descriptor")
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise KzdataError(f"{path}: not a data package descriptor (no 'resources' list)")
    seen: set[str] = set()
    unsafe: list[Issue] = []
    for number, resource in enumerate(descriptor["resources"], start=1):
        if not isinstance(resource, dict):
            raise KzdataError(f"{path}: resource {number} is not a JSON object")
        name = resource.get("name")
        if not isinstance(name, str) or not name:
            raise KzdataError(f"{path}: resource {number} has no 'name'")
        if name in seen:
            raise KzdataError(f"{path}: two resources are named {name!r}")
        seen.add(name)
        if resource.get("schema") is None:
            raise KzdataError(f"{path}: resource {name!r} has no 'schema'; kzdata checks data against a Table Schema")
        refs = {"path": resource.get("path"), "schema": resource.get("schema")}
        if isinstance(resource.get("dialect"), str):
            refs["dialect"] = resource["dialect"]
        for key, ref in refs.items():
            why = None if key == "schema" and isinstance(ref, dict) else unsafe_reference(root, ref)
            if why:
                unsafe.append(Issue(path.name, None, f"resources.{name}.{key}", "unsafe-path", why))
    schemas: dict[str, dict[str, Any]] = {}
    if unsafe:
        return Package(root, path, descriptor, schemas, unsafe)
    for resource in descriptor["resources"]:
        ref = resource["schema"]
        schema = ref if isinstance(ref, dict) else _read_json(root / ref, "Table Schema")
        where = f"{path.name}: resource {resource['name']!r}" if isinstance(ref, dict) else str(root / ref)
        check_schema(schema, where)
        schemas[resource["name"]] = schema
    for name, schema in schemas.items():
        for fk in schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            if target not in schemas:
                raise KzdataError(f"{path}: a foreign key of {name!r} refers to resource {target!r}, "
                                  "which is not in the package")
            missing = set(_names(fk["reference"]["fields"]) or []) - {f["name"] for f in schemas[target]["fields"]}
            if missing:
                raise KzdataError(f"{path}: a foreign key of {name!r} refers to {target}.{sorted(missing)[0]}, "
                                  "which is not a field")
    return Package(root, path, descriptor, schemas, unsafe)
