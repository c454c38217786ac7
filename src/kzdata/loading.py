"""Typed loading of the package's tables into pandas, and back to canonical CSV."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schemas as sc
from ._tables import TableName
from .cells import read_column
from .errors import DataFileError
from .fieldtypes import TYPES

if TYPE_CHECKING:
    import pandas as pd


def _where(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _read_text(path: Path, columns: list[str], dialect: dict[str, Any] | None) -> pd.DataFrame:
    """The file as all text, refusing what the validator would refuse, with the right row."""
    from .tablecheck import Delegate, first_ragged_row, read_text

    try:
        return read_text(path, columns, dialect)
    except FileNotFoundError:
        raise
    except IsADirectoryError:
        raise DataFileError(f"{path}: is a folder; give the path of a CSV file") from None
    except Delegate as why:
        row = first_ragged_row(path, len(columns))
        where = f"{_where(path)}:{row}" if row else _where(path)
        raise DataFileError(f"{where}: cannot be loaded: {why} (run `kzdata validate` for every problem)") from None


def _convert(frame: pd.DataFrame, schema: dict[str, Any], path: Path) -> pd.DataFrame:
    """Turn the all-text frame into the schema's dtypes, refusing any value that would be lost.

    Cells are read by :mod:`kzdata.cells`, as the validator reads them: a value the validator
    rejects raises here, a value it accepts loads exactly.
    """
    import pandas as pd

    from .tablecheck import blank_rows

    missing_values = schema.get("missingValues", [""])
    columns = {field["name"]: read_column(frame[field["name"]], field, missing_values) for field in schema["fields"]}
    blank = blank_rows(list(columns.values()), len(frame)).nonzero()[0]
    skip = set(blank.tolist())
    first = [(int(row) + 2, "", "blank row: every cell is empty") for row in blank[:1]]
    for name, column in columns.items():
        first += [(row + 2, f":{name}", problem) for row, _, problem in column.problems if row not in skip][:1]
    if first:
        row, where, problem = min(first, key=lambda item: item[0])
        raise DataFileError(f"{_where(path)}:{row}{where}: {problem}")
    out = {field["name"]: _typed(columns[field["name"]], field, frame.index) for field in schema["fields"]}
    return pd.DataFrame(out, index=frame.index)


def _typed(column: Any, field: dict[str, Any], index: Any) -> Any:
    """The column's values in the schema's dtype (missing cells are <NA> / NaT)."""
    import numpy as np
    import pandas as pd

    if column.text is not None:  # plain text: the cells themselves, missing ones as <NA>
        return pd.Series(pd.array(np.where(column.missing, None, column.text.to_numpy(dtype=object)),
                                  dtype=TYPES["string"].pandas), index=index)
    kind, values, codes = field["type"], column.values, column.codes
    allowed = sc.enum(field)
    if allowed is not None:  # category codes from the distinct values, not from every row
        position = {value: number for number, value in enumerate(allowed)}
        per_value = np.array([-1 if v is None else position[v] for v in values], dtype=np.int64)
        categorical = pd.Categorical.from_codes(per_value[codes] if len(codes) else np.array([], dtype=np.int64),
                                                categories=allowed, ordered=bool(field.get("categoriesOrdered")))
        return pd.Series(categorical, index=index)
    if kind == "number":
        values = [None if v is None else float(v) for v in values]
    elif kind in ("date", "datetime"):
        values = [pd.NaT if v is None else pd.Timestamp(v) for v in values]
    dtype = TYPES[kind].pandas
    if kind == "string":
        per_row = np.array(values, dtype=object)[codes] if len(codes) else np.array([], dtype=object)
        return pd.Series(pd.array(per_row, dtype=dtype), index=index)
    return pd.Series(pd.array(values, dtype=dtype).take(codes) if len(codes) else pd.array([], dtype=dtype),
                     index=index)


def load(name: TableName) -> pd.DataFrame:
    """Load one table as a typed DataFrame.

    Text is ``string``, integers ``Int64``, numbers ``Float64``, booleans ``boolean``, full
    dates and datetimes ``datetime64[ns]``, enumerated fields ``category``; partial dates stay
    strings.
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
    path = Path(path)
    schema = sc.schema(name)
    dialect = sc.resource(name).get("dialect")
    return _convert(_read_text(path, [f["name"] for f in schema["fields"]], dialect), schema, path)


def to_csv(name: str, frame: pd.DataFrame) -> str:
    """Write a table's DataFrame in the canonical CSV format (column order, quoting, sorting).

    Contributors normalise an edited table with it: ``to_csv(t, load(t))`` reproduces the
    shipped file byte for byte.
    """
    import pandas as pd

    out = frame.loc[:, [f["name"] for f in sc.fields(name)]].copy()
    for field in sc.fields(name):
        col, kind = field["name"], field["type"]
        if kind in ("date", "datetime"):
            out[col] = pd.to_datetime(out[col])
        if kind != "string" and sc.enum(field) is None:
            out[col] = out[col].map(TYPES[kind].text, na_action="ignore")
        out[col] = out[col].astype("string")
    out = out.sort_values(sc.primary_key(name), kind="stable", key=_sort_key)
    buffer = io.StringIO()
    out.to_csv(buffer, index=False, lineterminator="\n", na_rep="")
    return buffer.getvalue()


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
        elif field["type"] in ("date", "datetime"):
            frame[col] = pd.to_datetime(frame[col]).astype(TYPES[field["type"]].pandas)
        else:
            frame[col] = frame[col].astype(TYPES[field["type"]].pandas)
    return frame
