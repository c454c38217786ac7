"""Every Table Schema type kzdata uses, and all the package knows about it, in one table.

Loading (pandas dtype), models (Python type), exports (SQL type), the fast cell reader (the
text it accepts and how it parses it) and canonical CSV writing (how a value is written back)
all read :data:`TYPES`. A new field type is added here once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


def _number_text(value: Any) -> str:
    """Shortest text that reads back as the same number (80.99, 5, 0.5)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _date_text(value: Any) -> str:
    return value.strftime("%Y-%m-%d")


def _datetime_text(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


@dataclass(frozen=True)
class FieldType:
    """What kzdata knows about one Table Schema type."""

    name: str
    #: dtype of a loaded column (enumerated fields become categoricals instead)
    pandas: str
    #: type of the field in a pydantic model
    python: type
    #: column type in the SQLite export (DATE and TIMESTAMP columns hold ISO 8601 text)
    sql: str
    #: column type of the R recipe (readr)
    r: str
    #: cell text the fast reader accepts without asking frictionless (None: any text)
    fast_text: re.Pattern[str] | None
    #: that text as a Python value
    parse: Callable[[str], Any]
    #: a loaded value as its canonical CSV text
    text: Callable[[Any], str]


TYPES: dict[str, FieldType] = {
    "string": FieldType("string", "string", str, "TEXT", "col_character()", None, str, str),
    # at most 18 digits, no sign or leading zero: always an int64, and its own canonical text
    "integer": FieldType("integer", "Int64", int, "INTEGER", "col_double()", re.compile(r"-?(0|[1-9][0-9]{0,17})"), int,
                         lambda value: str(int(value))),
    # at most 15 digits: such decimals map to distinct doubles in the same order (DBL_DIG), so
    # comparing them as floats with a bound of at most 15 digits gives Decimal's exact answer
    "number": FieldType("number", "Float64", float, "REAL", "col_double()",
                        re.compile(r"-?(?=[0-9.]{1,15}$)(0|[1-9][0-9]*)(\.[0-9]+)?"), float, _number_text),
    "boolean": FieldType("boolean", "boolean", bool, "INTEGER", "col_logical()", None, lambda text: text == "true",
                         lambda value: "true" if value else "false"),
    # years 1600-2299 only: the rest goes to frictionless, then to the date-range policy
    "date": FieldType("date", "datetime64[ns]", dt.date, "DATE", 'col_date("%Y-%m-%d")',
                      re.compile(r"(1[6-9][0-9][0-9]|2[0-2][0-9][0-9])-[0-9]{2}-[0-9]{2}"),
                      dt.date.fromisoformat, _date_text),
    # the same years, to the second, with no fraction and no UTC offset (whose clock it is, the
    # field says); anything else goes to frictionless, then to the date-range and local-datetime policies
    "datetime": FieldType("datetime", "datetime64[ns]", dt.datetime, "TIMESTAMP", 'col_datetime("%Y-%m-%dT%H:%M:%S")',
                          re.compile(r"(1[6-9][0-9][0-9]|2[0-2][0-9][0-9])-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"),
                          dt.datetime.fromisoformat, _datetime_text),
}
