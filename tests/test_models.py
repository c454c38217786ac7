"""Pydantic models: built from the schemas, accept every shipped row, refuse bad ones."""

from __future__ import annotations

import datetime as dt
import types
import typing

import pydantic
import pytest

import kzdata
from kzdata import models
from kzdata import schemas as sc

TABLES = kzdata.tables()
PY = {"string": str, "integer": int, "number": float, "boolean": bool, "date": dt.date, "datetime": dt.datetime}


@pytest.mark.parametrize("name", TABLES)
def test_every_shipped_row_is_a_valid_record(name):
    rows = kzdata.records(name)
    assert len(rows) == len(kzdata.load(name))
    assert all(type(r) is models.MODELS[name] for r in rows)


@pytest.mark.parametrize("name", TABLES)
def test_model_agrees_with_schema_field_by_field(name):
    model = models.MODELS[name]
    assert list(model.model_fields) == [f["name"] for f in sc.fields(name)]
    for field in sc.fields(name):
        info = model.model_fields[field["name"]]
        constraints = field.get("constraints", {})
        assert info.is_required() == bool(constraints.get("required")), field["name"]
        annotation = info.annotation
        is_union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
        inner = next(a for a in typing.get_args(annotation) if a is not type(None)) if is_union else annotation
        if constraints.get("enum"):
            assert typing.get_origin(inner) is typing.Literal
            assert list(typing.get_args(inner)) == constraints["enum"]
        else:
            assert inner is PY[field["type"]], field["name"]
        metadata = {type(m).__name__: m for m in info.metadata}
        if "minimum" in constraints:
            assert metadata["Ge"].ge == constraints["minimum"]
        if "maximum" in constraints:
            assert metadata["Le"].le == constraints["maximum"]
        if "pattern" in constraints and not constraints.get("enum"):
            assert any(getattr(m, "pattern", None) == constraints["pattern"] for m in info.metadata)


def test_model_refuses_bad_values():
    good = kzdata.records("hajj_quotas")[0].model_dump()
    with pytest.raises(pydantic.ValidationError):
        kzdata.HajjQuota(**{**good, "value": -1})
    with pytest.raises(pydantic.ValidationError):
        kzdata.HajjQuota(**{**good, "qualifier": "roughly"})
    with pytest.raises(pydantic.ValidationError):
        kzdata.HajjQuota(**{**good, "year": "2019"})  # strict: no string-to-int coercion
    with pytest.raises(pydantic.ValidationError):
        kzdata.HajjQuota(**{**good, "extra": 1})


def test_model_classes_are_exported():
    assert kzdata.Election is models.MODELS["elections"]
    assert kzdata.records("elections")[0].date.__class__ is dt.date
