"""kzdata: Kazakhstan's political life as data.

Curated tables of elections and results, parties, laws and electoral rules, threats to
human rights defenders and Hajj quotas, each row citing its source.

>>> import kzdata
>>> kzdata.tables()[:3]
['sources', 'elections', 'election_results']

Importing kzdata is light: pandas, pydantic and frictionless load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._tables import TABLES, TableName
from .errors import DataFileError, KzdataError, UnknownPersonError, UnknownTableError
from .loading import from_records, load, to_csv
from .schemas import schema, tables

if TYPE_CHECKING:
    import pandas as pd

    from .analysis import elections_summary, panel, regional_coverage
    from .codebooks import codebook
    from .lookups import party_name, rule
    from .persons import person
    from .validation import validate

#: Functions whose modules load on first use, so that ``import kzdata`` stays light.
_LAZY = {
    "elections_summary": "analysis", "panel": "analysis", "regional_coverage": "analysis", "codebook": "codebooks",
    "party_name": "lookups", "rule": "lookups", "person": "persons", "validate": "validation", "export": None,
}

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Model classes, ``records`` and the functions in ``_LAZY``: their modules load on first use."""
    if name == "records" or name[:1].isupper():  # a model class: Election, Party, ...
        from . import models

        if name == "records" or name in {model.__name__ for model in models.MODELS.values()}:
            return getattr(models, name)
    if name in _LAZY:
        import importlib

        module = importlib.import_module(f".{_LAZY[name] or name}", __name__)
        return module if _LAZY[name] is None else getattr(module, name)
    raise AttributeError(f"module 'kzdata' has no attribute {name!r}")




def package() -> Any:
    """The shipped data package as a ``frictionless.Package`` (imports frictionless)."""
    from frictionless import Package

    from ._resources import package_root

    return Package(str(package_root() / "datapackage.json"))


def data_version() -> str:
    """Version of the data, from ``datapackage.json`` (equal to ``__version__``)."""
    from .schemas import descriptor

    return str(descriptor()["version"])


def _table_loader(name: str) -> Any:
    def loader() -> pd.DataFrame:
        from .loading import load

        return load(name)

    loader.__name__ = name
    loader.__doc__ = f"The {name} table as a typed DataFrame (same as ``load({name!r})``)."
    return loader


globals().update({name: _table_loader(name) for name in TABLES})  # kzdata.elections(), ...
from .lookups import regions as regions  # noqa: E402 - the regions loader takes on="YYYY-MM-DD"

__all__ = [
    "DataFileError", "KzdataError", "TableName", "UnknownPersonError", "UnknownTableError", "__version__",
    "codebook", "data_version", "elections_summary", "export", "from_records", "load", "package", "panel",
    "party_name", "person", "records", "regional_coverage", "rule", "schema", "tables", "to_csv", "validate",
    *TABLES,
]
