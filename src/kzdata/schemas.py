"""The Table Schemas and the descriptor, read once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from ._resources import package_root
from .errors import UnknownTableError

#: Pattern every partial-date field carries (EDTF level 0: YYYY, YYYY-MM, YYYY-MM-DD, A/B).
PARTIAL_DATE_PATTERN = (
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
    r"(/\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$"
)

@cache
def descriptor(root: Path | None = None) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of the shipped package (or of ``root``)."""
    root = root or package_root()
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def tables() -> list[str]:
    """Names of the package's tables, in descriptor order.

    >>> "elections" in tables()
    True
    """
    return [r["name"] for r in descriptor()["resources"]]


def resource(name: str) -> dict[str, Any]:
    """The descriptor entry of table ``name``; an unknown name lists the valid ones."""
    for r in descriptor()["resources"]:
        if r["name"] == name:
            return r
    raise UnknownTableError(f"no table {name!r}; kzdata has: {', '.join(tables())}")


@cache
def schema(name: str) -> dict[str, Any]:
    """The Table Schema of table ``name`` as a dict (read once, then cached).

    >>> schema("elections")["primaryKey"]
    ['election_id']
    """
    ref = resource(name)["schema"]
    return json.loads((package_root() / ref).read_text(encoding="utf-8"))


def data_path(name: str) -> Path:
    """Path of the shipped CSV of table ``name``."""
    return package_root() / resource(name)["path"]


def fields(name: str) -> list[dict[str, Any]]:
    """Field descriptors of table ``name``, in column order."""
    return schema(name)["fields"]


def enum(field: dict[str, Any]) -> list[str] | None:
    """The allowed values of a field, or None when it is not enumerated."""
    return field.get("constraints", {}).get("enum")


def is_partial_date(field: dict[str, Any]) -> bool:
    """True for string fields holding partial dates (they stay strings when loaded)."""
    return field.get("constraints", {}).get("pattern") == PARTIAL_DATE_PATTERN


def primary_key(name: str) -> list[str]:
    """Primary-key columns of table ``name`` (always a list)."""
    pk = schema(name)["primaryKey"]
    return [pk] if isinstance(pk, str) else list(pk)


def rows(name: str) -> list[dict[str, str]]:
    """The raw rows of a shipped table as text (column -> cell), for counting and look-ups that
    need no types; typed reading is :func:`kzdata.load`."""
    import csv

    with data_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
