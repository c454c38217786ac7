"""Reading cell text into typed values: the one definition the validator and the loader share.

Most cells take a vectorised fast path whose acceptance is a strict subset of what Table
Schema accepts (plain ASCII digits, ISO dates, the schema's own enum). Every other cell is
read one by one by frictionless' own field reader, the reference implementation, so the
fast path can never accept what frictionless rejects, and both agree on every odd cell
(`` 2500 ``, ``1991-12-1``, ``+5``, Unicode digits) by construction.

kzdata is stricter than Table Schema in four places, so that a value that validates also
loads without loss into pandas: integers must fit int64, numbers must be finite, dates and
datetimes must lie in pandas' datetime range, and datetimes carry no UTC offset. These are
reported under the rules in ``POLICY_RULES``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from .fieldtypes import TYPES

if TYPE_CHECKING:
    import pandas as pd

#: kzdata's rules stricter than Table Schema, applied to cells that frictionless accepts.
POLICY_RULES = {
    "integer-range": "integers must fit in 64 bits (-2**63 to 2**63-1) so they load without wrapping",
    "finite-number": "numbers must be finite: NaN and infinities would load as missing or unbounded",
    "date-range": "dates must lie between 1678-01-01 and 2261-12-31, the range pandas can hold",
    "local-datetime": "datetimes carry no UTC offset: the field says whose clock they are on, and a column"
                      " loads as one datetime64 dtype",
}

#: A URI the fast path accepts: a scheme and "://" (frictionless requires only a scheme).
URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
DEFAULT_TRUE = ["true", "True", "TRUE", "1"]
DEFAULT_FALSE = ["false", "False", "FALSE", "0"]
INT64 = (-(2**63), 2**63 - 1)
DATE_RANGE = ("1678-01-01", "2261-12-31")


@dataclass
class Column:
    """One column read against its field: typed values, comparison keys and cell problems.

    The column is read per distinct text (``codes`` index the distinct texts, as
    pandas.factorize gives): ``values`` holds each distinct text's typed value (None where
    missing or bad) and ``key_values`` the text used to compare it for unique, primary and
    foreign keys (None where frictionless would hold None). Per row, ``fast`` marks the cells
    read on the fast path and ``missing`` those holding a missing value; ``problems`` lists
    (row index, rule, message) in row order.
    """

    codes: Any
    values: list[Any]
    key_values: list[Any]
    fast: Any
    missing: Any
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    #: for a plain text column, the text itself (then codes, values and key_values are None)
    text: Any = None

    def keys(self, index: Any) -> pd.Series:
        """The comparison key of every row (object dtype, None where there is none)."""
        import numpy as np
        import pandas as pd

        if self.text is not None:
            return pd.Series(np.where(self.missing, None, self.text.to_numpy(dtype=object)), index=index,
                             dtype=object)
        per_row = np.array(self.key_values, dtype=object)[self.codes] if len(self.codes) else []
        return pd.Series(per_row, index=index, dtype=object)


_SLOW = object()  # the fast path cannot decide: ask the reference reader


def _fast_reader(spec: dict[str, Any]) -> Any:
    """A function from cell text to its typed value, or _SLOW when the text is not surely
    valid (of the type, and within every constraint)."""
    kind, c = spec["type"], spec.get("constraints", {})
    if kind == "string":
        checks = []
        if spec.get("format") == "uri":
            checks.append(URI.fullmatch)
        if "enum" in c:
            checks.append(set(c["enum"]).__contains__)
        if "pattern" in c:
            checks.append(re.compile(c["pattern"]).fullmatch)
        if "minLength" in c:
            checks.append(lambda text, n=c["minLength"]: len(text) >= n)
        if "maxLength" in c:
            checks.append(lambda text, n=c["maxLength"]: len(text) <= n)
        return lambda text: text if all(check(text) for check in checks) else _SLOW
    if kind == "boolean":
        truth = dict.fromkeys(spec.get("trueValues", DEFAULT_TRUE), True)
        truth.update(dict.fromkeys(spec.get("falseValues", DEFAULT_FALSE), False))
        return lambda text: truth.get(text, _SLOW)
    pattern, parse = TYPES[kind].fast_text.fullmatch, TYPES[kind].parse
    if kind in ("date", "datetime"):
        def read_date(text: str) -> Any:
            if not pattern(text):
                return _SLOW
            try:
                value = parse(text)
            except ValueError:
                return _SLOW
            return value if DATE_RANGE[0] <= text[:10] <= DATE_RANGE[1] else _SLOW

        return read_date
    low = _bound(c["minimum"], kind, +1) if "minimum" in c else None
    high = _bound(c["maximum"], kind, -1) if "maximum" in c else None

    def read_number(text: str) -> Any:
        if not pattern(text):
            return _SLOW
        value = parse(text)
        if (low is not None and value < low) or (high is not None and value > high):
            return _SLOW
        return value

    return read_number


def _bound(value: float, kind: str, inward: int) -> float:
    """A bound the fast path may compare floats with: exact when it has at most 15 digits,
    otherwise nudged inward so borderline cells go to the reference reader."""
    digits = repr(value).lstrip("-").replace(".", "").lstrip("0")
    if kind == "integer" or ("e" not in digits and len(digits) <= 15):
        return value
    return value + inward * 1e-9 * max(1.0, abs(value))


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
    if kind == "datetime" and value.utcoffset() is not None:
        return "local-datetime", f"has a UTC offset ({POLICY_RULES['local-datetime']})"
    if kind in ("date", "datetime") and not DATE_RANGE[0] <= value.isoformat()[:10] <= DATE_RANGE[1]:
        return "date-range", f"is outside {DATE_RANGE[0]}..{DATE_RANGE[1]}, the range pandas can hold"
    return None


def _key(kind: str, value: Any) -> Any:
    """The comparison text of a value frictionless read: equal exactly when frictionless finds the
    values equal, and the same text the fast path keeps for a cell it reads itself."""
    if kind == "string":
        return value
    if kind == "datetime":
        import datetime as dt

        return value.isoformat() if value.utcoffset() is None else value.astimezone(dt.timezone.utc).isoformat()
    return str(value)


def _slow_verdict(spec: dict[str, Any], missing_values: list[str], text: str) -> tuple[Any, Any, list[tuple[str, str]]]:
    """(value, key, problems) of one distinct cell text the fast path left to the reference."""
    kind = spec["type"]
    value, notes = reference_read(spec, missing_values, text)
    if "type" in notes:
        return None, None, [("type", f"{text!r} is not of the column's type ({kind})")]
    if value is None:  # frictionless read it as missing
        return None, None, []
    key = _key(kind, value)  # a value breaking a constraint still counts as a key
    problems = [("constraint", f"{text!r} {_constraint_text(spec, check)}") for check in notes]
    broken = _policy(kind, value) if kind in ("integer", "number", "date", "datetime") else None
    if broken:
        problems.append((broken[0], f"{text!r} {broken[1]}"))
    return (None if problems else value), key, problems


def read_column(text: pd.Series, spec: dict[str, Any], missing_values: list[str]) -> Column:
    """Read a column of cell text (strings, no NaN) against its field descriptor."""
    import numpy as np
    import pandas as pd

    required = bool(spec.get("constraints", {}).get("required"))
    if _plain_text(spec):  # every present text is a valid value: nothing to decide per value
        gone = text.isin(missing_values).to_numpy()
        problems = [(int(row), "constraint", "is empty but required") for row in gone.nonzero()[0]] if required else []
        return Column(None, None, None, ~gone, gone, problems, text=text)
    codes, uniques = pd.factorize(text.to_numpy(dtype=object), sort=False)
    missing = set(missing_values)
    absent = np.fromiter((unique in missing for unique in uniques), dtype=bool, count=len(uniques))
    bad: dict[int, list[tuple[str, str]]] = {}
    if required:
        bad.update((int(n), [("constraint", "is empty but required")]) for n in absent.nonzero()[0])
    fast_read = _fast_reader(spec)
    values: list[Any] = []
    keys: list[Any] = []
    fast = np.zeros(len(uniques), dtype=bool)
    for number, unique in enumerate(uniques):
        if absent[number]:
            values.append(None)
            keys.append(None)
            continue
        value = fast_read(unique)
        if value is not _SLOW:
            fast[number] = True
            values.append(value)
            keys.append(unique)
            continue
        value, key, problems = _slow_verdict(spec, missing_values, unique)
        values.append(value)
        keys.append(key)
        if problems:
            bad[number] = problems
    return _column(codes, values, keys, fast, absent, bad)


def _plain_text(spec: dict[str, Any]) -> bool:
    """A string field with no format and no constraint on its text."""
    checks = {"enum", "pattern", "minLength", "maxLength"}
    return spec["type"] == "string" and spec.get("format", "default") == "default" and not (
        checks & set(spec.get("constraints", {})))


def _column(codes: Any, values: list[Any], keys: list[Any], fast: Any, absent: Any,
            bad: dict[int, list[tuple[str, str]]]) -> Column:
    """The Column, with each distinct text's problems spread to the rows holding it."""
    problems: list[tuple[int, str, str]] = []
    for number, found in bad.items():
        for row in (codes == number).nonzero()[0]:
            problems += [(int(row), rule, message) for rule, message in found]
    problems.sort(key=lambda p: p[0])
    return Column(codes, values, keys, fast[codes], absent[codes], problems)
