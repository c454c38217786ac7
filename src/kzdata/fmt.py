"""``kzdata fmt``: the canonical form of the data files and every generated block.

The CSVs are the truth: contributors edit them by hand or with any tool, then ``kzdata fmt``
rewrites them in canonical form (column order, quoting, rows sorted by primary key) and
refreshes what is generated from them: the README's table list, ``docs/codebook.md``, the row
counts in ``CHANGELOG.md``, the ``table`` vocabulary of the citations schema, the CSV dialect
of every resource in ``datapackage.json`` and, in a checkout, ``src/kzdata/_tables.py``.
``kzdata fmt --check`` changes nothing and lists what differs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import schemas as sc
from ._resources import package_root
from .errors import KzdataError


def _table_list() -> str:
    from .codebooks import table_list

    return table_list()


def _row_counts() -> str:
    counts = ", ".join(f"{table} {len(sc.rows(table))}" for table in sc.tables())
    return f"- Rows: {counts}.\n"


#: Marked blocks generated inside hand-written files: file -> (marker name, generator).
BLOCKS: dict[str, tuple[str, Callable[[], str]]] = {
    "README.md": ("tables", _table_list),
    "CHANGELOG.md": ("counts", _row_counts),
}


def tables_module() -> str:
    """``src/kzdata/_tables.py``: the table names as a Literal, and as a tuple taken from it."""
    names = sc.tables()
    return ('"""The package\'s table names, generated from datapackage.json by `kzdata fmt`; do not edit."""\n\n'
            "from typing import Literal, get_args\n\n"
            "TableName = Literal[\n" + "".join(f'    "{name}",\n' for name in names) + "]\n"
            "TABLES: tuple[TableName, ...] = get_args(TableName)\n")


def citations_schema(root: Path) -> str:
    """The citations schema with its ``table`` vocabulary listing every table of the descriptor."""
    import json

    path = root / sc.resource("citations")["schema"]
    schema = json.loads(path.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "table")
    cited = [name for name in sc.tables() if name != "citations"]
    field["constraints"]["enum"] = cited
    field["categories"] = [{"value": name, "label": f"a row of the {name} table"} for name in cited]
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def descriptor_with_dialects(root: Path) -> str:
    """``datapackage.json`` with the plain comma-separated dialect declared on every CSV resource
    that declares none (the canonical CSVs that ``fmt`` writes are in that dialect). A declared
    dialect lets every reader, frictionless included, skip guessing it."""
    import json

    from .tablecheck import PLAIN_DIALECT

    plain = {key: values[0] for key, values in PLAIN_DIALECT.items()}
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for number, resource in enumerate(descriptor["resources"]):
        if "dialect" in resource or str(resource.get("format", "csv")).lower() != "csv":
            continue
        items = list(resource.items())
        at = next((n + 1 for n, (key, _) in enumerate(items) if key == "encoding"), len(items))
        descriptor["resources"][number] = dict(items[:at] + [("dialect", plain)] + items[at:])
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


def _with_block(text: str, marker: str, body: str, file: str) -> str:
    start_tag, end_tag = f"<!-- {marker}:start", f"<!-- {marker}:end -->"
    if start_tag not in text or end_tag not in text:
        raise KzdataError(f"{file}: no generated block '{marker}' (add {start_tag} ... --> and {end_tag})")
    start = text.index("\n", text.index(start_tag)) + 1
    end = text.index(end_tag)
    return text[:start] + body + text[end:]


def expected_files(root: Path) -> dict[Path, str]:
    """Every file ``fmt`` owns, with the text it should have."""
    from .codebooks import markdown
    from .loading import read_table, to_csv

    files = {sc.data_path(table): to_csv(table, read_table(table, sc.data_path(table))) for table in sc.tables()}
    files[root / sc.resource("citations")["schema"]] = citations_schema(root)
    files[root / "datapackage.json"] = descriptor_with_dialects(root)
    files[root / "docs" / "codebook.md"] = markdown()
    if (root / "src" / "kzdata").is_dir():  # a checkout: the generated list of tables
        files[root / "src" / "kzdata" / "_tables.py"] = tables_module()
    for name, (marker, generate) in BLOCKS.items():
        path = root / name
        files[path] = _with_block(path.read_text(encoding="utf-8"), marker, generate(), name)
    return files


def fmt(check: bool = False) -> list[Path]:
    """Rewrite the data files and generated blocks of the checkout (or, with ``check``, only
    report them); returns the files that differed."""
    root = package_root()
    if not (root / "README.md").is_file():
        raise KzdataError(f"{root}: kzdata fmt works on a source checkout (an editable install), not a wheel")
    differing: list[Path] = []
    for _ in range(3):  # a rewritten schema changes the codebook: repeat until nothing changes
        changed = [path for path, text in expected_files(root).items()
                   if path.read_text(encoding="utf-8") != text and (check or _write(path, text))]
        differing += [path.relative_to(root) for path in changed if path.relative_to(root) not in differing]
        if check or not changed:
            break
        sc.descriptor.cache_clear()
        sc.schema.cache_clear()
    return differing


def _write(path: Path, text: str) -> bool:
    path.write_text(text, encoding="utf-8")
    return True
