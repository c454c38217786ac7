"""How to cite kzdata, and the sources behind a table (from the sources table)."""

from __future__ import annotations

from . import schemas as sc


def metadata() -> dict[str, str]:
    """Who, what, which version, when and where, for citing kzdata: read from the descriptor."""
    meta = sc.descriptor()
    return {
        "author": "; ".join(c.get("title", "") for c in meta.get("contributors", [])) or "kzdata contributors",
        "title": meta["title"], "version": meta["version"], "year": str(meta.get("created", ""))[:4],
        "url": meta.get("homepage", ""), "licence": ", ".join(x.get("name", "") for x in meta.get("licenses", [])),
    }


def citation_text() -> str:
    """How to cite kzdata in one sentence."""
    m = metadata()
    return (f"{m['author']} ({m['year']}). {m['title']}, version {m['version']}. {m['url']}. "
            f"Data licensed {m['licence']}. Cite the sources behind each table too (kzdata cite TABLE).")


def _sources(table: str | None) -> list[dict[str, str]]:
    sources = {r["source_id"]: r for r in sc.rows("sources")}
    if table is None or table == "sources":
        return list(sources.values())
    used = {r["source_id"] for r in sc.rows(sc.resource(table)["name"])}
    return [sources[s] for s in sorted(used) if s in sources]


def _text(row: dict[str, str]) -> str:
    parts = [row["authors"] or row["publisher"], f"({row['published'][:4]})" if row["published"] else "(n.d.)",
             row["title"] + ".", row["container"] + "." if row["container"] else ""]
    link = f"https://doi.org/{row['doi']}" if row["doi"] else row["url"]
    return " ".join(p for p in parts if p) + (f" {link}" if link else "")


def _bibtex(row: dict[str, str]) -> str:
    kind = {"journal_article": "article", "book": "book", "report": "techreport"}.get(row["type"], "misc")
    fields = {"title": row["title"], "author": row["authors"].replace("; ", " and "), "year": row["published"][:4],
              "journal" if kind == "article" else "howpublished": row["container"], "publisher": row["publisher"],
              "doi": row["doi"], "url": row["url"], "language": row["language"]}
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items() if v)
    return f"@{kind}{{{row['source_id']},\n{body}\n}}"


def cite(table: str | None = None, fmt: str = "text") -> str:
    """The citation of kzdata, then of every source behind ``table`` (all sources if None)."""
    m = metadata()
    if fmt == "bibtex":
        head = (f"@misc{{kzdata,\n  author = {{{m['author']}}},\n  title = {{{m['title']}}},\n"
                f"  version = {{{m['version']}}},\n  year = {{{m['year']}}},\n  url = {{{m['url']}}},\n"
                f"  note = {{Data {m['licence']}}}\n}}")
        return "\n\n".join([head, *(_bibtex(r) for r in _sources(table))]) + "\n"
    head = f"{m['author']} ({m['year']}). {m['title']} (version {m['version']}). {m['url']}"
    scope = f"Sources behind {table}:" if table else "Sources:"
    return "\n".join([head, "", scope, *(f"- {_text(r)}" for r in _sources(table))]) + "\n"


def tiers_of_fact_rows() -> dict[str, dict[str, int]]:
    """Per fact table, how many rows rest on a source of each tier (sources.tier).

    Fact tables are those whose rows carry a ``source_id``, except ``citations`` (which
    records extra support, not the row's own source).
    """
    tier = {r["source_id"]: r["tier"] for r in sc.rows("sources")}
    counts: dict[str, dict[str, int]] = {}
    for table in sc.tables():
        if table in ("sources", "citations"):
            continue
        rows = [r for r in sc.rows(table) if "source_id" in r]
        for row in rows:
            per = counts.setdefault(table, {})
            per[tier.get(row["source_id"], "unknown")] = per.get(tier.get(row["source_id"], "unknown"), 0) + 1
    return counts
