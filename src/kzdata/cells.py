"""Reading cell text into typed values: the one definition the validator and the loader share.

Most cells take a vectorised fast path whose acceptance is a strict subset of what Table
Schema accepts (plain ASCII digits, ISO dates, the schema's own enum). Every other cell is
read one by one by frictionless' own field reader, the reference implementation, so the
fast path can never accept what frictionless rejects, and both agree on every odd cell
(`` 2500 ``, ``1991-12-1``, ``+5``, Unicode digits) by construction.

kzdata is stricter than Table Schema in three places, so that a value that validates also
loads without loss into pandas: integers must fit int64, numbers must be finite, and dates
must lie in pandas' datetime range. These are reported under the rules in ``POLICY_RULES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: kzdata's rules stricter than Table Schema, applied to cells that frictionless accepts.
POLICY_RULES = {
    "integer-range": "integers must fit in 64 bits (-2**63 to 2**63-1) so they load without wrapping",
    "finite-number": "numbers must be finite: NaN and infinities would load as missing or unbounded",
    "date-range": "dates must lie between 1678-01-01 and 2261-12-31, the range pandas can hold",
}

#: Cell text the fast path accepts for each type: subsets of what frictionless accepts.
FAST_TEXT = {
    "integer": re.compile(r"-?(0|[1-9][0-9]{0,17})"),
    # at most 15 digits: such decimals map to distinct doubles in the same order (DBL_DIG), so
    # comparing them as floats with a bound of at most 15 digits gives Decimal's exact answer
    "number": re.compile(r"-?(?=[0-9.]{1,15}$)(0|[1-9][0-9]*)(\.[0-9]+)?"),
    "date": re.compile(r"(1[6-9][0-9][0-9]|2[0-2][0-9][0-9])-[0-9]{2}-[0-9]{2}"),
    "uri": re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[!-~]+"),
}
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
INT64 = (-(2**63), 2**63 - 1)
DATE_RANGE = ("1678-01-01", "2261-12-31")


@dataclass
class Column:
    """One column read against its field: typed values, comparison keys and cell problems.

    ``fast`` marks the cells read on the fast path (their text converts vectorised);
    ``overrides`` holds the typed value of every other readable cell, by row index;
    ``keys`` the text used to compare cells for unique, primary and foreign keys (None where
    frictionless would hold None); ``problems`` (row index, rule, message) in row order.
    """

    fast: Any
    overrides: dict[int, Any]
    keys: Any
    problems: list[tuple[int, str, str]] = field(default_factory=list)


def _fullmatch_mask(text: pd.Series, pattern: re.Pattern[str]) -> Any:
    """Python ``re`` fullmatch per distinct value, mapped back (fast for repetitive columns)."""
    uniques = text.unique()
    verdict = {value: pattern.fullmatch(value) is not None for value in uniques}
    return text.map(verdict).astype(bool)


@cache
def _reference_reader(field_json: str, missing_json: str) -> Any:
    """frictionless' own cell reader for a field (value, notes), built once per field."""
    import json

    from frictionless import Field

    descriptor = json.loads(field_json)
    reference = Field.from_descriptor(descriptor)
    if "missingValues" not in descriptor:
        reference.missing_values = json.loads(missing_json)
    return reference.create_cell_reader()


def reference_read(spec: dict[str, Any], missing_values: list[str], text: str) -> tuple[Any, dict[str, str]]:
    """Read one cell exactly as frictionless does: (typed value or None, {check: note})."""
    import json

    reader = _reference_reader(json.dumps(spec, sort_keys=True), json.dumps(missing_values))
    value, notes = reader(text)
    return value, dict(notes or {})


def _fast_mask(text: pd.Series, spec: dict[str, Any]) -> Any:
    """Cells whose text is surely a valid value of the field's type and meets every constraint."""
    kind, c = spec["type"], spec.get("constraints", {})
    if kind == "string":
        import pandas as pd

        uri = spec.get("format") == "uri"
        ok = _fullmatch_mask(text, FAST_TEXT["uri"]) if uri else pd.Series(True, index=text.index)
        if "enum" in c:
            ok &= text.isin(c["enum"])
        if "pattern" in c:
            ok &= _fullmatch_mask(text, re.compile(c["pattern"]))
        if "minLength" in c:
            ok &= text.str.len() >= c["minLength"]
        if "maxLength" in c:
            ok &= text.str.len() <= c["maxLength"]
        return ok.astype(bool)
    if kind == "boolean":
        return text.isin(spec.get("trueValues", DEFAULT_TRUE) + spec.get("falseValues", DEFAULT_FALSE))
    ok = _fullmatch_mask(text, FAST_TEXT[kind])
    if kind == "date":
        import pandas as pd

        ok &= pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce").notna()
        return ok.astype(bool)
    numbers = _numbers(text.where(ok, "0"), kind)
    if "minimum" in c:
        ok &= numbers >= _bound(c["minimum"], kind, +1)
    if "maximum" in c:
        ok &= numbers <= _bound(c["maximum"], kind, -1)
    return ok.astype(bool)


def _bound(value: float, kind: str, inward: int) -> float:
    """A bound the fast path may compare floats with: exact when it has at most 15 digits,
    otherwise nudged inward so borderline cells go to the reference reader."""
    digits = repr(value).lstrip("-").replace(".", "").lstrip("0")
    if kind == "integer" or ("e" not in digits and len(digits) <= 15):
        return value
    return value + inward * 1e-9 * max(1.0, abs(value))


def _numbers(text: pd.Series, kind: str) -> Any:
    import pandas as pd

    return pd.to_numeric(text).astype("int64" if kind == "integer" else "float64")


def enum_text(values: list[Any]) -> str:
    """The allowed values, or the first few and a pointer to the codebook when there are many."""
    if len(values) <= 8:
        return repr(values)
    return f"the {len(values)} allowed values ({', '.join(map(str, values[:5]))}, ...; see docs/codebook.md)"


def _constraint_text(spec: dict[str, Any], check: str) -> str:
    value = spec["constraints"][check]
    if check == "enum":
        return f"is not one of {enum_text(value)}"
    phrases = {"pattern": "does not match", "minimum": "is below the minimum", "maximum": "is above the maximum",
               "exclusiveMinimum": "is not above", "exclusiveMaximum": "is not below",
               "minLength": "is shorter than", "maxLength": "is longer than"}
    return f"{phrases.get(check, 'breaks the constraint ' + check)} {value!r}"


def _policy(kind: str, value: Any) -> tuple[str, str] | None:
    """The kzdata policy a value accepted by frictionless breaks, if any."""
    if kind == "integer" and not INT64[0] <= value <= INT64[1]:
        return "integer-range", f"is outside the 64-bit integer range ({POLICY_RULES['integer-range']})"
    if kind == "number" and not value.is_finite():
        return "finite-number", "is not a finite number (NaN and infinities are not allowed)"
    if kind == "date" and not DATE_RANGE[0] <= value.isoformat() <= DATE_RANGE[1]:
        return "date-range", f"is outside {DATE_RANGE[0]}..{DATE_RANGE[1]}, the range pandas can hold"
    return None


def read_column(text: pd.Series, spec: dict[str, Any], missing_values: list[str]) -> Column:
    """Read a column of cell text (object dtype, no NaN) against its field descriptor."""
    kind = spec["type"]
    missing = text.isin(missing_values)
    fast = ~missing & _fast_mask(text, spec)
    keys = text.where(fast, None).astype(object)
    overrides: dict[int, Any] = {}
    problems: list[tuple[int, str, str]] = []
    if spec.get("constraints", {}).get("required"):
        for index in missing.to_numpy().nonzero()[0]:
            problems.append((int(index), "constraint", "is empty but required"))
    for index in (~missing & ~fast).to_numpy().nonzero()[0]:
        index = int(index)
        cell = text.iat[index]
        value, notes = reference_read(spec, missing_values, cell)
        if "type" in notes:
            problems.append((index, "type", f"{cell!r} is not of the column's type ({kind})"))
            continue
        if value is None:  # frictionless read it as missing (e.g. a field-level missing value)
            continue
        keys.iat[index] = str(value) if kind != "string" else value  # kept for keys, as frictionless does
        for check in notes:
            problems.append((index, "constraint", f"{cell!r} {_constraint_text(spec, check)}"))
        broken = _policy(kind, value) if kind in ("integer", "number", "date") else None
        if broken:
            problems.append((index, broken[0], f"{cell!r} {broken[1]}"))
        if not notes and not broken:
            overrides[index] = value
    problems.sort(key=lambda p: p[0])
    return Column(fast, overrides, keys, problems)
