"""Typed loading of the package's tables into pandas, and back to canonical CSV."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schemas as sc
from .errors import DataFileError
from .tablecheck import enum_text

if TYPE_CHECKING:
    import pandas as pd


def _fail(path: Path, row: int, column: str, problem: str) -> DataFileError:
    return DataFileError(f"{path.parent.name}/{path.name}:{row}:{column}: {problem}")


def _first_bad(mask: Any) -> int:
    """Spreadsheet row number (header is row 1) of the first True in a boolean Series."""
    return int(mask.to_numpy().nonzero()[0][0]) + 2


def _read_raw(path: Path, columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_csv(
            path, dtype="string", keep_default_na=False, na_values=[""], encoding="utf-8",
            engine="c",
        )
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(f"{path.parent.name}/{path.name}: cannot be read as CSV ({exc})") from exc
    if list(frame.columns) != columns:
        raise DataFileError(
            f"{path.parent.name}/{path.name}:1: header is {list(frame.columns)}, expected {columns}"
        )
    return frame


def _convert(frame: pd.DataFrame, name: str, path: Path) -> pd.DataFrame:
    """Turn the all-string frame into the schema's dtypes, refusing any value that would be lost."""
    import pandas as pd

    for field in sc.fields(name):
        col, kind, raw = field["name"], field["type"], frame[field["name"]]
        present = raw.notna()
        allowed = sc.enum(field)
        if allowed is not None:
            bad = present & ~raw.isin(allowed)
            if bad.any():
                row = _first_bad(bad)
                raise _fail(path, row, col, f"{raw[row - 2]!r} is not one of {enum_text(allowed)}")
            ordered = bool(field.get("categoriesOrdered", False))
            frame[col] = pd.Categorical(raw, categories=allowed, ordered=ordered)
        elif kind in ("integer", "number"):
            numbers = pd.to_numeric(raw, errors="coerce")
            bad = present & (numbers.isna() | (kind == "integer") & (numbers % 1 != 0))
            if bad.any():
                row = _first_bad(bad)
                raise _fail(path, row, col, f"{raw[row - 2]!r} is not a valid {kind}")
            frame[col] = numbers.astype(sc.PANDAS_DTYPES[kind])
        elif kind == "boolean":
            values = raw.map({"true": True, "false": False}, na_action="ignore")
            bad = present & values.isna()
            if bad.any():
                row = _first_bad(bad)
                raise _fail(path, row, col, f"{raw[row - 2]!r} is not true or false")
            frame[col] = values.astype("boolean")
        elif kind == "date":
            dates = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
            bad = present & dates.isna()
            if bad.any():
                row = _first_bad(bad)
                raise _fail(path, row, col, f"{raw[row - 2]!r} is not a date YYYY-MM-DD")
            frame[col] = dates.astype(sc.PANDAS_DTYPES["date"])
    return frame


def load(name: str) -> pd.DataFrame:
    """Load one table as a typed DataFrame.

    Text is ``string``, integers ``Int64``, numbers ``Float64``, booleans ``boolean``, full
    dates ``datetime64[ns]``, enumerated fields ``category``; partial dates stay strings.
    A literal ``NA`` is a value, never a gap: only an empty cell is missing.

    Parameters
    ----------
    name : one of :func:`kzdata.tables`.

    Returns
    -------
    pandas.DataFrame, one row per CSV row, in file order.

    >>> load("elections").dtypes["date"]
    dtype('<M8[ns]')
    """
    return read_table(name, sc.data_path(name))


def read_table(name: str, path: Path) -> pd.DataFrame:
    """Read ``path`` as table ``name``: the loader for an edited copy of a shipped file."""
    columns = [f["name"] for f in sc.fields(name)]
    return _convert(_read_raw(Path(path), columns), name, Path(path))


def to_csv(name: str, frame: pd.DataFrame) -> str:
    """Write a table's DataFrame in the canonical CSV format (column order, quoting, sorting).

    Contributors normalise an edited table with it: ``to_csv(t, load(t))`` reproduces the
    shipped file byte for byte.
    """
    import pandas as pd

    out = frame.loc[:, [f["name"] for f in sc.fields(name)]].copy()
    for field in sc.fields(name):
        col = field["name"]
        if field["type"] == "date":
            out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d")
        elif field["type"] == "boolean":
            out[col] = out[col].map({True: "true", False: "false"}, na_action="ignore")
        elif field["type"] == "number":
            out[col] = out[col].map(_number_text, na_action="ignore")
        out[col] = out[col].astype("string")
    out = out.sort_values(sc.primary_key(name), kind="stable", key=_sort_key)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", na_rep="")
    return buffer.getvalue()


def _number_text(value: float) -> str:
    """Shortest text that reads back as the same number (80.99, 5, 0.5)."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def _sort_key(column: pd.Series) -> pd.Series:
    """Numbers sort as numbers, everything else as text (so 2004 < 2019, '1' < '10')."""
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column):
        return column
    return column.astype("string")


def from_records(name: str, rows: list[Any]) -> pd.DataFrame:
    """A typed DataFrame, as :func:`load` gives, from pydantic records or plain dicts."""
    import pandas as pd

    dicts = [r.model_dump() if hasattr(r, "model_dump") else dict(r) for r in rows]
    columns = [f["name"] for f in sc.fields(name)]
    frame = pd.DataFrame.from_records(dicts, columns=columns)
    for field in sc.fields(name):
        col, allowed = field["name"], sc.enum(field)
        if allowed is not None:
            frame[col] = pd.Categorical(frame[col], categories=allowed,
                                        ordered=bool(field.get("categoriesOrdered", False)))
        elif field["type"] == "date":
            frame[col] = pd.to_datetime(frame[col]).astype(sc.PANDAS_DTYPES["date"])
        else:
            frame[col] = frame[col].astype(sc.PANDAS_DTYPES[field["type"]])
    return frame
