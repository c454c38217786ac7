"""Small Table Schema test packages for the differential tests.

``CASES`` are well-formed packages whose data may be bad: both validation engines must
report the same cells. ``MALFORMED`` are broken descriptors: kzdata must refuse them with
``KzdataError``. ``materialise`` writes a case into a folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONSTRAINTS = {"required", "unique", "enum", "pattern", "minimum", "maximum", "exclusiveMinimum",
               "exclusiveMaximum", "minLength", "maxLength"}
V2 = "https://datapackage.org/profiles/2.0/datapackage.json"
#: The dialect kzdata's own descriptor declares.
PLAIN = {"header": True, "delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "doubleQuote": True,
         "skipInitialSpace": False}


@dataclass(frozen=True)
class Case:
    """A package: descriptor (a dict, or raw JSON text) and data files (path -> content)."""

    name: str
    descriptor: dict[str, Any] | str
    files: dict[str, bytes | str] = field(default_factory=dict)


def materialise(case: Case, folder: Path) -> Path:
    """Write the case's datapackage.json and files into ``folder``; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = case.descriptor if isinstance(case.descriptor, str) else json.dumps(case.descriptor, indent=1)
    (folder / "datapackage.json").write_bytes(text.encode("utf-8"))
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return folder


def f(name: str, type: str = "string", **props: Any) -> dict[str, Any]:
    """A field; keyword arguments named like a constraint go into ``constraints``."""
    constraints = {k: props.pop(k) for k in list(props) if k in CONSTRAINTS}
    return {"name": name, "type": type, **props, **({"constraints": constraints} if constraints else {})}


def resource(name: str, fields: list[dict[str, Any]], dialect: dict[str, Any] | None = None,
             **schema: Any) -> dict[str, Any]:
    """A CSV resource at data/<name>.csv with an inline schema."""
    out = {"name": name, "path": f"data/{name}.csv", "format": "csv", "encoding": "utf-8",
           "schema": {"fields": fields, **schema}}
    if dialect is not None:
        out["dialect"] = dialect
    return out


def package(*resources: Any, **extra: Any) -> dict[str, Any]:
    """A Data Package v2 descriptor."""
    return {"$schema": V2, "name": "corpus", **extra, "resources": list(resources)}


def one(name: str, fields: list[dict[str, Any]], csv: str | bytes, dialect: dict[str, Any] | None = None,
        **schema: Any) -> Case:
    """A package of one resource ``t`` (data/t.csv)."""
    return Case(name, package(resource("t", fields, dialect, **schema)), {"data/t.csv": csv})


def fk(fields: str | list[str], target: str | None, ref: str | list[str]) -> dict[str, Any]:
    """A foreign key; ``target=None`` omits ``resource`` (a v2 self-reference)."""
    reference: dict[str, Any] = {"fields": ref}
    if target is not None:
        reference["resource"] = target
    return {"fields": fields, "reference": reference}


PARENT = resource("parent", [f("id", "integer"), f("label")], primaryKey=["id"])
PARENT_CSV = "id,label\n1,one\n2,two\n3,three\n"

CASES: list[Case] = [
    # --- types and formats -----------------------------------------------------------
    one("string_formats", [f("uri", format="uri"), f("email", format="email"), f("uuid", format="uuid")],
        "uri,email,uuid\n"
        "https://example.org/a,a@example.org,0b7e4a28-5b7f-4d7b-9a55-1c2f9a3e8d10\n"
        "example.org,a.example.org,0b7e4a28-5b7f-4d7b-9a55\n"
        "mailto:a@example.org,a@b,0B7E4A285B7F4D7B9A551C2F9A3E8D10\n"
        "ftp://x y,@example.org,not-a-uuid\n"),
    one("integer_text_forms", [f("n", "integer")],
        "n\n1\n-0\n+5\n 7 \n007\n1_000\n\u0663\n\"1,000\"\n0x1F\n"),
    one("integer_float_forms", [f("n", "integer")], "n\n2500.0\n2.5e3\n1e3\n2500.\n.5\n"),
    one("integer_big", [f("n", "integer", minimum=0)],
        f"n\n{2**63 - 1}\n{2**63}\n{-(2**63) - 1}\n{10**30}\n{'9' * 40}\n"),
    one("number_special", [f("x", "number")],
        "x\n1.5\nINF\nNaN\n-Infinity\ninf\nnan\n 2500 \n1e400\n-1e400\n.5\n5.\n+1.5\n\"1,5\"\n1e\n"),
    one("number_group_decimal", [f("x", "number", groupChar=" ", decimalChar=","),
                                 f("y", "number", groupChar=",")],
        'x,y\n"1 234,5","1,234.5"\n"1234,5",1234.5\n"1.5","12,34"\n"1 2 3",",5"\n'),
    one("number_bare_number_false", [f("x", "number", bareNumber=False), f("n", "integer", bareNumber=False)],
        "x,n\n12,12\n\u20ac 12.5,$15\n12%,15%\nabc12,x\n"),
    one("boolean_default", [f("b", "boolean")], "b\ntrue\nTrue\nTRUE\n1\nfalse\n0\nyes\nt\n tru\n"),
    one("boolean_custom_values", [f("b", "boolean", trueValues=["Y", "yes"], falseValues=["N", "no"])],
        "b\nY\nno\ntrue\ny\nN\n0\n"),
    one("date_default", [f("d", "date")],
        "d\n2021-01-31\n1991-12-1\n0000-01-01\n9999-12-31\n2021-02-30\n2020-02-29\n20210101\n"
        "2021-01-01T00:00:00\n 2021-01-31\n"),
    one("date_custom_format", [f("d", "date", format="%d/%m/%Y")],
        "d\n31/12/2020\n2020-12-31\n1/2/2020\n30/02/2020\n31/12/20\n"),
    one("datetime", [f("t", "datetime")],
        "t\n2021-01-01T10:00:00Z\n2021-01-01T10:00:00\n2021-01-01 10:00:00\n2021-01-01T10:00:00+05:00\n"
        "2021-01-01\n2021-01-01T25:00:00\n2021-01-01T10:00:00.123Z\n"),
    one("time", [f("t", "time")], "t\n10:00:00\n10:00\n24:00:00\n10:00:00Z\n1pm\n23:59:59.5\n"),
    one("year", [f("y", "year")], "y\n2021\n0\n-5\n21\n20211\n2021.0\n+2021\n"),
    one("yearmonth", [f("m", "yearmonth")], "m\n2021-01\n2021-13\n2021-1\n202101\n2021/01\n2021-00\n"),
    one("duration", [f("p", "duration")], "p\nP1Y2M\nPT10H\nP\n1 day\nP1.5D\nPT\n-P1D\n"),
    one("geopoint", [f("g", "geopoint")], 'g\n"90.0, 45.0"\n"90,45"\n"200, 100"\nabc\n"[90,45]"\n"-180, -90"\n'),
    one("geopoint_array_format", [f("g", "geopoint", format="array")], 'g\n"[90, 45]"\n"90, 45"\n"[200, 0]"\n'),
    one("object_array_any", [f("o", "object"), f("a", "array"), f("x", "any")],
        'o,a,x\n"{""a"": 1}","[1, 2]",anything\n"[1]","{""a"": 1}",1\n{,[,\n"{}","[]",""\n'),
    # --- constraints -------------------------------------------------------------------
    one("string_length", [f("s", minLength=2, maxLength=4)], "s\na\nab\nabcd\nabcde\n\n\u0436\u0436\n"),
    one("enum_strings", [f("s", enum=["a", "b"])], "s\na\nc\nA\n a\nb\n"),
    one("enum_integers", [f("n", "integer", enum=[1, 2])], "n\n1\n3\n01\n+2\n1.0\nx\n"),
    one("enum_numbers_dates", [f("x", "number", enum=[1.5, 2]), f("d", "date", enum=["2020-01-01"])],
        "x,d\n1.5,2020-01-01\n2.0,2020-1-1\n1.50,2020-01-02\n"),
    one("pattern_alternation", [f("s", pattern="a|b")], "s\na\nb\naxx\nxxb\nc\nab\n"),
    one("pattern_trailing_newline", [f("s", pattern="[a-z]+")], 's\nabc\n"abc\n"\nABC\n"abc\n\n"\n"\nabc"\n'),
    one("pattern_anchored", [f("s", pattern="^[0-9]{2}$"), f("t", pattern="x.*")],
        "s,t\n12,x\n123,xyz\n1,yx\n"),
    one("range_integer", [f("a", "integer", minimum=1, maximum=10),
                          f("b", "integer", exclusiveMinimum=0, exclusiveMaximum=10)],
        "a,b\n1,1\n10,9\n0,0\n11,10\n5,-1\n"),
    one("range_number", [f("x", "number", minimum=0.5, maximum=1.5),
                         f("y", "number", exclusiveMinimum=0, exclusiveMaximum=1)],
        "x,y\n0.5,0.5\n1.5,1\n0.4999,0\nNaN,NaN\nINF,-INF\n1.50,1e-9\n"),
    one("range_date", [f("d", "date", minimum="2000-01-01", maximum="2020-12-31"),
                       f("e", "date", exclusiveMinimum="2000-01-01", exclusiveMaximum="2000-12-31")],
        "d,e\n2000-01-01,2000-01-02\n2020-12-31,2000-01-01\n1999-12-31,2000-12-31\n2021-01-01,2000-06-01\n"),
    one("required", [f("s", required=True), f("n", "integer", required=True), f("o")],
        "s,n,o\na,1,x\n,2,\nNA,,y\n\" \",3,z\n"),
    one("unique", [f("n", "integer", unique=True), f("s", unique=True)],
        "n,s\n1,a\n01,a \n2,a\n,\n,\n+2,b\n"),
    # --- keys ----------------------------------------------------------------------------
    one("primary_key_single", [f("id", "integer"), f("v")], "id,v\n1,a\n2,b\n1,c\n01,d\n", primaryKey="id"),
    one("primary_key_composite", [f("a", "integer"), f("b")],
        "a,b\n1,x\n1,y\n2,x\n1,x\n01,y\n", primaryKey=["a", "b"]),
    one("primary_key_partly_empty", [f("a", "integer"), f("b")],
        "a,b\n1,\n1,\n,x\n2,y\n", primaryKey=["a", "b"]),
    one("primary_key_all_empty", [f("a", "integer"), f("b"), f("c")],
        "a,b,c\n,,1\n,,2\n1,x,3\n", primaryKey=["a", "b"]),
    one("primary_key_type_error", [f("id", "integer"), f("v")], "id,v\nx,a\nx,b\n1,c\n", primaryKey=["id"]),
    one("primary_key_datetime", [f("e"), f("t", "datetime")],
        "e,t\na,2021-01-01T10:00:00\na,2021-01-01T10:00:00.000\nb,2021-01-01T10:00:00Z\nb,2021-01-01T10:00:00+00:00\n"
        "c,2021-01-01T10:00:00+05:00\nc,2021-01-01T05:00:00Z\nd,\nd,\na,2021-01-01T10:00:01\n", primaryKey=["e", "t"]),
    one("unique_datetime", [f("t", "datetime", unique=True, required=True)],
        "t\n2021-01-01T10:00:00\n2021-01-01T10:00:00\n2021-01-01T24:00:00\n2021-01-02T00:00:00\n\"\"\n"),
    Case("foreign_key_other_resource",
         package(
             PARENT, resource("child", [f("cid", "integer"), f("pid", "integer")], primaryKey=["cid"],
                              foreignKeys=[fk(["pid"], "parent", ["id"])])),
         {"data/parent.csv": PARENT_CSV, "data/child.csv": "cid,pid\n1,1\n2,4\n3,03\n4,3\n5,x\n"}),
    one("foreign_key_self_v2", [f("id", "integer"), f("up", "integer")],
        "id,up\n1,\n2,1\n3,9\n4,4\n", primaryKey=["id"], foreignKeys=[fk(["up"], None, ["id"])]),
    one("foreign_key_self_empty_name", [f("id"), f("up")],
        "id,up\na,\nb,a\nc,z\n", primaryKey=["id"], foreignKeys=[fk(["up"], "", ["id"])]),
    Case("foreign_key_composite",
         package(
             resource("ref", [f("a", "integer"), f("b")], primaryKey=["a", "b"]),
             resource("use", [f("x", "integer"), f("y")], foreignKeys=[fk(["x", "y"], "ref", ["a", "b"])])),
         {"data/ref.csv": "a,b\n1,p\n2,q\n", "data/use.csv": "x,y\n1,p\n1,q\n2,\n,q\n,\n3,p\n"}),
    Case("foreign_key_to_rows_with_type_error",
         package(
             resource("parent", [f("id", "integer"), f("n", "integer")], primaryKey=["id"]),
             resource("child", [f("pid", "integer")], foreignKeys=[fk("pid", "parent", "id")])),
         {"data/parent.csv": "id,n\n1,1\n2,bad\nx,3\n4,4\n", "data/child.csv": "pid\n1\n2\n4\n5\nx\n"}),
    Case("foreign_key_empty_cells",
         package(
             PARENT, resource("child", [f("pid", "integer"), f("note")], foreignKeys=[fk(["pid"], "parent", ["id"])],
                              missingValues=["", "NA"])),
         {"data/parent.csv": PARENT_CSV, "data/child.csv": "pid,note\n,a\nNA,b\n1,c\n7,d\n"}),
    Case("foreign_key_to_missing_cell_parent",
         package(
             PARENT, resource("child", [f("pid", "integer")], foreignKeys=[fk(["pid"], "parent", ["id"])])),
         {"data/parent.csv": "id,label\n1,one\n2\n", "data/child.csv": "pid\n1\n2\n3\n"}),
    # --- dialects and missing values -----------------------------------------------------
    one("dialect_semicolon", [f("a", "integer"), f("b")], "a;b\n1;x,y\n2;z\nq;w\n3\n", dialect={"delimiter": ";"}),
    one("dialect_no_header", [f("a", "integer"), f("b")], "1,x\n2,y\nz,w\n", dialect={"header": False}),
    one("dialect_quote_char", [f("a", "integer"), f("b")], "a,b\n1,'x,y'\n'2',z\n3,\"q,r\"\n",
        dialect={"quoteChar": "'"}),
    # a declared plain dialect: frictionless no longer uses what it sniffs, nor does the fast engine
    one("dialect_plain_declared", [f("a|b"), f("c", "integer")], "a|b,c\n1|2,3\n5|6,x\n7|8,9\n",
        dialect=PLAIN),
    one("dialect_plain_declared_pipes", [f("a|b|c")], "a|b|c\n1|2|3\n4|5|6\n", dialect=PLAIN),
    one("dialect_partly_declared", [f("a|b|c")], "a|b|c\n1|2|3\n4|5|6\n", dialect={"delimiter": ","}),
    one("dialect_plain_values_but_skip_space", [f("a"), f("b", "integer")], "a, b\nx, 1\ny, z\n",
        dialect={**PLAIN, "skipInitialSpace": True}),
    one("dialect_double_quote_false", [f("a"), f("b", "integer")], 'a,b\n"x\\"y",1\n"p""q",2\n"r\\",s",3\n',
        dialect={"doubleQuote": False, "escapeChar": "\\"}),
    one("missing_values_schema", [f("n", "integer", required=True), f("s")],
        "n,s\n1,a\nNA,NA\n-,-\n,\nna,b\n", missingValues=["", "NA", "-"]),
    one("missing_values_none", [f("n", "integer"), f("s", required=True)], "n,s\n1,a\n,\n2,\n", missingValues=[]),
    Case("missing_values_package",
         package(resource("t", [f("n", "integer")]), missingValues=["NA"]),
         {"data/t.csv": "n\n1\nNA\n\n"}),
    # --- structure --------------------------------------------------------------------------
    one("blank_row_one", [f("a", "integer"), f("b")], "a,b\n1,x\n\n2,y\n"),
    one("blank_rows_several", [f("a", "integer"), f("b")], "a,b\n,\n1,x\n\n\n2,y\n,\n\n"),
    one("blank_row_at_end", [f("a", "integer", required=True)], "a\n1\n2\n\n"),
    one("header_mismatch", [f("a"), f("b"), f("c")], "a,B,c,d\n1,2,3,4\n"),
    one("header_missing_and_duplicate", [f("a"), f("b"), f("c")], "a,a\n1,2\n"),
    one("header_only", [f("a", "integer")], "a\n"),
    one("missing_cells", [f("a", "integer"), f("b", required=True), f("c")], "a,b,c\n1,x,y\n2,x\n3\nz,x,y\n"),
    Case("extra_cell_then_errors",
         package(
             PARENT, resource("child", [f("pid", "integer"), f("v", "integer", maximum=5)],
                              foreignKeys=[fk(["pid"], "parent", ["id"])])),
         {"data/parent.csv": PARENT_CSV,
          "data/child.csv": "pid,v\n1,1\n2,2,extra\n1,x\n9,9\n2\nq,1\n3,3,4,5\n8,1\n"}),
    one("quote_unclosed", [f("a", "integer"), f("b")], 'a,b\n1,x\n2,"y\n3,z\n4,w\n'),
    one("quote_in_middle", [f("a", "integer"), f("b")], 'a,b\n1,ab"c"d\n2,"x"y\nz,"q"\n'),
    one("multiline_then_error", [f("a", "integer"), f("b")],
        'a,b\n1,"line one\nline two\nline three"\n2,"x\ny"\nbad,z\n4,"p\n\nq"\nbad2,s\n'),
    one("multiline_then_extra_cell", [f("a", "integer"), f("b")],
        'a,b\n1,"line one\nline two"\n2,r,extra\n"3","x\ny"\nbad,s\n'),
    one("long_cell_extra", [f("a", "integer"), f("b")], "a,b\n1,x\n2," + "y" * 131_073 + ",extra\nz,w\n"),
    one("invalid_utf8", [f("a", "integer"), f("b")], b"a,b\n1,ok\n2,\xff\xfe\nx,y\n"),
    one("bom_file", [f("a", "integer"), f("b")], b"\xef\xbb\xbfa,b\n1,x\ny,z\n"),
    one("crlf_line_ends", [f("a", "integer"), f("b")], b"a,b\r\n1,x\r\ny,z\r\n\r\n3,w\r\n"),
    Case("clean_package",
         package(
             resource("region", [f("code", required=True, pattern="[A-Z]{3}"), f("name", required=True)],
                      primaryKey=["code"]),
             resource("city", [f("id", "integer", minimum=1), f("region"), f("founded", "date"),
                               f("capital", "boolean"), f("area", "number", minimum=0)],
                      primaryKey=["id"], foreignKeys=[fk(["region"], "region", ["code"])]),
             resource("road", [f("from", "integer"), f("to", "integer"), f("km", "number")],
                      primaryKey=["from", "to"],
                      foreignKeys=[fk(["from"], "city", ["id"]), fk(["to"], "city", ["id"])]),
         ),
         {"data/region.csv": "code,name\nAST,Astana\nALA,Almaty\n",
          "data/city.csv": "id,region,founded,capital,area\n1,AST,1830-01-01,true,810.2\n2,ALA,1854-02-04,false,682\n"
                           "3,,,,1e2\n",
          "data/road.csv": "from,to,km\n1,2,1214.5\n2,1,1214.5\n2,3,\n"}),
    # a dialect kept in its own file: frictionless reads it; kzdata only checks the path is safe
    Case("dialect_as_path", package({**resource("t", [f("a"), f("b")]), "dialect": "dialect.json"}),
         {"data/t.csv": "a;b\n1;2\n", "dialect.json": '{"delimiter": ";"}'}),
]

MALFORMED: list[Case] = [
    one("field_without_type", [{"name": "a"}], "a\n1\n"),
    Case("schema_without_fields", package({**resource("t", []), "schema": {"primaryKey": ["a"]}}),
         {"data/t.csv": "a\n1\n"}),
    Case("fields_not_list", package({**resource("t", []), "schema": {"fields": {"a": "string"}}}),
         {"data/t.csv": "a\n1\n"}),
    one("unknown_field_type", [f("a", "text")], "a\n1\n"),
    one("invalid_regex_pattern", [f("a", pattern="(")], "a\n1\n"),
    one("pattern_not_string", [f("a", pattern=5)], "a\n1\n"),
    one("enum_not_list", [f("a", enum="a")], "a\na\n"),
    one("minimum_not_a_number", [f("a", "integer", minimum="abc")], "a\n1\n"),
    one("max_length_not_integer", [f("a", maxLength="5")], "a\nx\n"),
    one("primary_key_missing_field", [f("a")], "a\n1\n", primaryKey=["b"]),
    one("primary_key_not_list_or_string", [f("a")], "a\n1\n", primaryKey=5),
    one("foreign_key_missing_field", [f("a")], "a\n1\n", foreignKeys=[fk(["b"], None, ["a"])]),
    one("foreign_key_missing_resource", [f("a")], "a\n1\n", foreignKeys=[fk(["a"], "nowhere", ["a"])]),
    one("foreign_key_missing_reference_field", [f("a")], "a\n1\n", foreignKeys=[fk(["a"], None, ["zz"])]),
    one("foreign_key_arity_mismatch", [f("a"), f("b")], "a,b\n1,2\n", foreignKeys=[fk(["a", "b"], None, ["a"])]),
    one("missing_values_not_list", [f("a")], "a\n1\n", missingValues="NA"),
    Case("resource_without_name",
         package({k: v for k, v in resource("t", [f("a")]).items() if k != "name"}), {"data/t.csv": "a\n1\n"}),
    Case("duplicate_resource_names",
         package(resource("t", [f("a")]), {**resource("t", [f("a")]), "path": "data/u.csv"}),
         {"data/t.csv": "a\n1\n", "data/u.csv": "a\n2\n"}),
    Case("resources_not_list", {**package(), "resources": {"t": resource("t", [f("a")])}}, {"data/t.csv": "a\n1\n"}),
    Case("resource_not_object", package("data/t.csv"), {"data/t.csv": "a\n1\n"}),
    Case("deeply_nested_json",
         '{"name": "deep", "extra": ' + "[" * 100_000 + "]" * 100_000 + ', "resources": []}'),
]
