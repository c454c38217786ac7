"""The fast engine: Table Schema checks vectorised with pandas, for the keywords it supports.

Frictionless is the reference implementation. This engine runs a resource only when every
keyword of its descriptor and schema is in ``SUPPORTED`` below; any other resource, and any
file whose structure is unusual (a header that differs from the schema, extra or missing
cells, blank rows, a dialect other than plain comma-separated, NUL or CR bytes), is handed to
frictionless whole (:class:`Delegate`). Cell values are read by :mod:`kzdata.cells`,
whose fast path accepts only what frictionless accepts and asks frictionless about the rest.
"""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import read_column
from .fieldtypes import TYPES
from .report import Issue

if TYPE_CHECKING:
    import pandas as pd

#: Every keyword the fast engine implements; anything else goes to frictionless.
SUPPORTED: dict[str, Any] = {
    "package": {"$schema", "profile", "name", "id", "title", "description", "homepage", "version", "created",
                "keywords", "licenses", "contributors", "sources", "image", "resources"},
    "resource": {"$schema", "profile", "name", "type", "path", "scheme", "format", "mediatype", "encoding",
                 "title", "description", "schema", "sources", "licenses", "dialect"},
    "resource values": {"type": {"table"}, "scheme": {"file"}, "format": {"csv"}, "mediatype": {"text/csv"},
                        "encoding": {"utf-8", "utf8"}},
    "schema": {"$schema", "profile", "name", "title", "description", "fields", "missingValues", "primaryKey",
               "foreignKeys"},
    "field": {"name", "type", "format", "title", "description", "example", "constraints", "categories",
              "categoriesOrdered", "trueValues", "falseValues", "rdfType"},
    "formats": {kind: {"default", "uri"} if kind == "string" else {"default"} for kind in TYPES},
    "constraints": {"string": {"required", "unique", "enum", "pattern", "minLength", "maxLength"},
                    "integer": {"required", "unique", "minimum", "maximum"},
                    "number": {"required", "minimum", "maximum"},
                    "boolean": {"required"},
                    "date": {"required", "unique"},
                    "datetime": {"required", "unique"}},
    "key types": {"string", "integer", "date", "datetime"},
}
#: The dialect keys the fast engine reads itself, with their plain comma-separated values.
PLAIN_DIALECT: dict[str, tuple[Any, ...]] = {"header": (True,), "delimiter": (",",), "quoteChar": ('"',),
                                             "doubleQuote": (True,), "skipInitialSpace": (False,),
                                             "lineTerminator": ("\n", "\r\n")}
#: frictionless sniffs a CSV file only to fill the dialect keys the descriptor leaves out: once a
#: dialect declares these three, what it would sniff no longer matters (nor is it computed here).
SNIFFED = ("delimiter", "quoteChar", "skipInitialSpace")
#: Bytes that the fast engine leaves to frictionless' CSV reader.
_UNUSUAL_BYTES = (b"\x00", b"\r")
#: Files up to this size are read once into memory for the structural checks; larger ones stream.
_ONE_READ = 1 << 24


class Delegate(Exception):  # noqa: N818 - a signal, not an error
    """This resource must be checked by frictionless; the message says why."""


def unsupported(package: dict[str, Any], resource: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """Why the fast engine cannot check this resource, or None when it can."""
    for level, keys in (("package", package), ("resource", resource), ("schema", schema)):
        extra = sorted(set(keys) - SUPPORTED[level])
        if extra:
            return f"{level} keyword {extra[0]!r}"
    if "encoding" not in resource:
        return "no declared encoding (frictionless detects it)"
    for key, allowed in SUPPORTED["resource values"].items():
        if key in resource and str(resource[key]).lower() not in allowed:
            return f"{key} {resource[key]!r}"
    dialect = resource.get("dialect", {})
    if not isinstance(dialect, dict):
        return "a dialect given by reference"
    for key, value in dialect.items():
        if not _plain(key, value):
            return f"dialect {key} {value!r}"
    types = {}
    for spec in schema["fields"]:
        kind, name = spec["type"], spec["name"]
        types[name] = kind
        if kind not in SUPPORTED["formats"]:
            return f"field {name!r} of type {kind!r}"
        if spec.get("format", "default") not in SUPPORTED["formats"][kind]:
            return f"field {name!r} with format {spec['format']!r}"
        extra = sorted(set(spec) - SUPPORTED["field"])
        if extra:
            return f"field {name!r} keyword {extra[0]!r}"
        if kind != "boolean" and ({"trueValues", "falseValues"} & set(spec)):
            return f"field {name!r} with trueValues/falseValues"
        constraints = spec.get("constraints", {})
        extra = sorted(set(constraints) - SUPPORTED["constraints"][kind])
        if extra:
            return f"field {name!r} constraint {extra[0]!r}"
        if "enum" in constraints and not all(isinstance(v, str) for v in constraints["enum"]):
            return f"field {name!r} with a non-text enum"
    keyed = _key_fields(schema)
    for name in keyed:
        if name in types and types[name] not in SUPPORTED["key types"]:
            return f"key field {name!r} of type {types[name]!r}"
    return None


def referenced_fields(schemas: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """Per table, the fields that foreign keys (its own or other tables') point at."""
    out: dict[str, set[str]] = {}
    for name, schema in schemas.items():
        for fk in schema.get("foreignKeys", []):
            target, cols = fk["reference"].get("resource") or name, fk["reference"]["fields"]
            out.setdefault(target, set()).update([cols] if isinstance(cols, str) else cols)
    return out


def _key_fields(schema: dict[str, Any]) -> set[str]:
    names = {s["name"] for s in schema["fields"] if s.get("constraints", {}).get("unique")}
    pk = schema.get("primaryKey") or []
    names |= {pk} if isinstance(pk, str) else set(pk)
    for fk in schema.get("foreignKeys", []):
        cols = fk["fields"]
        names |= {cols} if isinstance(cols, str) else set(cols)
    return names


def first_ragged_row(path: Path, width: int) -> int | None:
    """Spreadsheet row number (header 1, records counted as a CSV reader counts them) of the
    first row without exactly ``width`` cells, or None."""
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if len(row) != width:
                return number
    return None


def _plain(key: str, value: Any) -> bool:
    return key in PLAIN_DIALECT and any(value == v and type(value) is type(v) for v in PLAIN_DIALECT[key])


def declares_plain_dialect(dialect: Any) -> bool:
    """True when the dialect is plain comma-separated and fixes every key frictionless would sniff."""
    return (isinstance(dialect, dict) and all(key in dialect for key in SNIFFED)
            and all(_plain(key, value) for key, value in dialect.items()))


def _plain_dialect(lines: Any) -> bool:
    """True when frictionless would sniff this text (its first 100 lines) as plain comma CSV."""
    sample = "".join(itertools.islice(lines, 100))
    try:
        found = csv.Sniffer().sniff(sample, ",\t;|")
    except csv.Error:
        return True  # frictionless falls back to the excel dialect
    return (found.delimiter == "," and not found.skipinitialspace and found.escapechar is None
            and found.quotechar in ('"', "'"))


def _structure(path: Path, names: list[str], sniff: bool = True) -> None:
    """Raise Delegate unless the file is UTF-8 without NUL or CR, its header is the schema's, it
    sniffs as plain comma CSV (when ``sniff``: the dialect does not fix it) and every row has one
    cell per field (one read of the file)."""
    size = path.stat().st_size
    if size > _ONE_READ:  # a large file is streamed: bytes in chunks, then the text twice
        with path.open("rb") as handle:
            while chunk := handle.read(_ONE_READ):
                _check_bytes(chunk, final=False)
        with path.open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), [])
        if header != names:
            raise Delegate("a header that differs from the schema")
        with path.open(encoding="utf-8", newline="") as handle:
            if sniff and not _plain_dialect(handle):
                raise Delegate("a dialect other than plain comma-separated")
        if first_ragged_row(path, len(names)):
            raise Delegate("rows with too few or too many cells")
        return
    raw = path.read_bytes()
    text = _check_bytes(raw, final=True)
    rows = csv.reader(io.StringIO(text, newline=""))
    if next(rows, []) != names:
        raise Delegate("a header that differs from the schema")
    if sniff and not _plain_dialect(io.StringIO(text, newline="")):
        raise Delegate("a dialect other than plain comma-separated")
    width = len(names)
    if any(len(row) != width for row in rows):  # pandas fills short rows silently
        raise Delegate("rows with too few or too many cells")


def _check_bytes(chunk: bytes, final: bool) -> str:
    if any(b in chunk for b in _UNUSUAL_BYTES):
        raise Delegate("NUL or CR bytes")
    try:
        return chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        if final or exc.reason != "unexpected end of data":
            raise Delegate("bytes that are not UTF-8") from None
        return ""


def read_text(path: Path, names: list[str], dialect: dict[str, Any] | None = None) -> pd.DataFrame:
    """The file as an all-text DataFrame ("" for empty cells); raises Delegate when unusual.
    ``dialect`` is the resource's (supported) dialect."""
    import pandas as pd

    _structure(path, names, sniff=not declares_plain_dialect(dialect))
    try:
        return pd.read_csv(path, dtype=object, keep_default_na=False, na_filter=False, encoding="utf-8",
                           skip_blank_lines=False, engine="c")
    except (pd.errors.ParserError, UnicodeDecodeError, OverflowError, ValueError):
        raise Delegate("rows that pandas cannot split") from None


def blank_rows(columns: list[Any], rows: int) -> Any:
    """Rows whose every cell is a missing value (frictionless' blank-row), from read columns."""
    import numpy as np

    blank = np.ones(rows, dtype=bool) if columns else np.zeros(rows, dtype=bool)
    for column in columns:
        blank &= column.missing
    return blank


def check_table(path: Path, schema: dict[str, Any], file: str, referenced: set[str] = frozenset(),
                dialect: dict[str, Any] | None = None) -> tuple[list[Issue], pd.DataFrame, pd.DataFrame]:
    """Every Table Schema rule of one file except foreign keys: (issues, text, key columns).

    The key columns are those of its keys and foreign keys, and the ``referenced`` fields
    that other tables' foreign keys point at; ``dialect`` is the resource's."""
    import pandas as pd

    names = [spec["name"] for spec in schema["fields"]]
    frame = read_text(path, names, dialect)
    missing_values = schema.get("missingValues", [""])
    columns = {spec["name"]: read_column(frame[spec["name"]], spec, missing_values) for spec in schema["fields"]}
    blank = blank_rows(list(columns.values()), len(frame)).nonzero()[0]
    issues = [Issue(file, int(i) + 2, None, "blank-row", "blank row: every cell is empty") for i in blank]
    skip = set(blank.tolist())  # frictionless reports only blank-row there
    keys = {}
    keyed_fields = _key_fields(schema) | set(referenced)
    for spec in schema["fields"]:
        column = columns[spec["name"]]
        issues += [Issue(file, index + 2, spec["name"], rule, message)
                   for index, rule, message in column.problems if index not in skip]
        if spec["name"] not in keyed_fields:
            continue
        keys[spec["name"]] = column.keys(frame.index)
        if spec.get("constraints", {}).get("unique"):
            repeated = keys[spec["name"]].notna() & keys[spec["name"]].duplicated(keep="first")
            issues += [Issue(file, int(i) + 2, spec["name"], "unique", "repeats a value that must be unique")
                       for i in repeated.to_numpy().nonzero()[0]]
    keyed = pd.DataFrame(keys, index=frame.index)
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else list(pk)
    if pk:
        parts = keyed[pk]
        empty = parts.isna().all(axis=1)
        issues += [Issue(file, int(i) + 2, ",".join(pk), "primary-key", "the primary key is empty")
                   for i in empty.to_numpy().nonzero()[0]]
        repeated = ~empty & parts.fillna("\x00").duplicated(keep="first")
        issues += [Issue(file, int(i) + 2, ",".join(pk), "primary-key",
                         "duplicate primary key: another row has the same " + ", ".join(pk))
                   for i in repeated.to_numpy().nonzero()[0]]
    issues.sort(key=lambda issue: issue.row or 0)
    return issues, frame, keyed


def check_foreign_keys(keyed: dict[str, pd.DataFrame], schemas: dict[str, dict[str, Any]],
                       files: dict[str, str]) -> list[Issue]:
    """Each foreign key whose cells are not all empty exists among the referenced rows' keys."""
    issues = []
    for name, frame in keyed.items():
        for fk in schemas[name].get("foreignKeys", []):
            target = fk["reference"].get("resource") or name
            cols, ref_cols = fk["fields"], fk["reference"]["fields"]
            cols, ref_cols = ([cols], [ref_cols]) if isinstance(cols, str) else (list(cols), list(ref_cols))
            ref = keyed[target][ref_cols].dropna(how="all").fillna("\x00")
            local = frame[cols]
            if len(cols) == 1:
                dangling = local[cols[0]].notna() & ~local[cols[0]].isin(ref[ref_cols[0]])
            else:
                known = set(ref.itertuples(index=False, name=None))
                values = local.fillna("\x00").apply(tuple, axis=1) if len(local) else local.iloc[:, 0]
                dangling = local.notna().any(axis=1) & ~values.map(known.__contains__).astype(bool)
            where = f"{target}.{','.join(ref_cols)}"
            for index in dangling.to_numpy().nonzero()[0]:
                value = tuple(local.iloc[index].fillna(""))
                shown = value[0] if len(value) == 1 else value
                issues.append(Issue(files[name], int(index) + 2, ",".join(cols), "foreign-key",
                                    f"{shown!r} not found in {where} (add that row or fix the id)"))
    return issues
