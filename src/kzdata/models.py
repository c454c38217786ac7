"""Pydantic models of the tables, built from the Table Schemas (so they cannot drift).

Importing this module builds one strict model class per table; ``records`` turns a
loaded table into a list of model instances.
"""

from __future__ import annotations

import math
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from . import schemas as sc
from .errors import DataFileError
from .fieldtypes import TYPES

#: Model class name of each table (singular); a table not listed gets its name in CamelCase.
CLASS_NAMES = {
    "sources": "Source",
    "elections": "Election",
    "election_results": "ElectionResult",
    "parties": "Party",
    "party_events": "PartyEvent",
    "people": "Person",
    "laws": "Law",
    "electoral_rules": "ElectoralRule",
    "threats": "Threat",
    "threat_counts": "ThreatCount",
    "hajj_quotas": "HajjQuota",
    "regions": "Region",
    "region_events": "RegionEvent",
    "regional_turnout": "RegionalTurnout",
    "regional_results": "RegionalResult",
    "citations": "Citation",
}

class KzdataModel(BaseModel):
    """Base of every table model: strict types, no unknown fields, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


def _annotation(field: dict[str, Any]) -> tuple[Any, Any]:
    constraints = field.get("constraints", {})
    allowed = constraints.get("enum")
    py = Literal[tuple(allowed)] if allowed else TYPES[field["type"]].python
    info = Field(
        default=... if constraints.get("required") else None,
        description=field.get("description"),
        pattern=constraints.get("pattern") if field["type"] == "string" and not allowed else None,
        ge=constraints.get("minimum"),
        le=constraints.get("maximum"),
    )
    return (py if constraints.get("required") else Optional[py]), info  # noqa: UP045


def build_model(name: str) -> type[KzdataModel]:
    """Build the model class of table ``name`` from its schema."""
    definitions = {f["name"]: _annotation(f) for f in sc.fields(name)}
    class_name = CLASS_NAMES.get(name) or "".join(part.title() for part in name.split("_"))
    model = create_model(class_name, __base__=KzdataModel, **definitions)
    model.__doc__ = f"One row of the {name} table (built from schemas/{name}.schema.json)."
    return model


MODELS: dict[str, type[KzdataModel]] = {name: build_model(name) for name in sc.tables()}
globals().update({model.__name__: model for model in MODELS.values()})


def _plain(value: Any, kind: str = "string") -> Any:
    """A pandas cell as the plain Python value the strict model expects (``kind``: the field type)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime() if kind == "datetime" else value.to_pydatetime().date()
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def records(name: str) -> list[KzdataModel]:
    """Rows of table ``name`` as pydantic models (``Election``, ``Party``, ...).

    A value the model refuses raises :class:`DataFileError` naming the file row.

    >>> records("elections")[0].election_id  # doctest: +SKIP
    '1991-12-01-presidential'
    """
    from .loading import load

    model = MODELS[sc.resource(name)["name"]]
    frame = load(name)
    kinds = [field["type"] for field in sc.fields(name)]
    out = []
    for index, row in enumerate(frame.itertuples(index=False, name=None)):
        values = {col: _plain(v, kind) for col, v, kind in zip(frame.columns, row, kinds, strict=True)}
        try:
            out.append(model(**values))
        except ValidationError as exc:
            first = exc.errors()[0]
            column = ".".join(str(p) for p in first["loc"])
            raise DataFileError(
                f"data/{name}.csv:{index + 2}:{column}: {first['msg']}"
            ) from exc
    return out
