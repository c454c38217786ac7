"""The ``kzdata`` command: a thin layer over the library.

Exit codes: 0 success (data valid), 1 data invalid, 2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import sys

import kzdata
from kzdata.errors import KzdataError


def _tables(args: argparse.Namespace) -> int:
    from .schemas import resource

    rows = []
    for name in kzdata.tables():
        rows.append((name, str(len(kzdata.schemas.rows(name))), resource(name).get("title", "")))
    width = max(len(r[0]) for r in rows)
    for name, count, title in rows:
        print(f"{name:<{width}}  {count:>5}  {title}")
    return 0


def _show(args: argparse.Namespace) -> int:
    frame = kzdata.load(args.table)
    if args.limit is not None:
        frame = frame.head(args.limit)
    if args.format == "csv":
        sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    elif args.format == "json":
        for column in frame.columns[[str(t).startswith("datetime64") for t in frame.dtypes]]:
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")  # plain ISO dates, no time of day
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        import pandas as pd

        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 40):
            print(frame.to_string(index=False))
    return 0


def _validate(args: argparse.Namespace) -> int:
    report = kzdata.validate(args.path, engine=args.engine)
    for line in report.lines(limit=args.max_errors):
        print(line)
    return 0 if report.valid else 1


def _person(args: argparse.Namespace) -> int:
    import pandas as pd

    timeline = kzdata.person(args.person_id)
    if args.format == "csv":
        sys.stdout.write(timeline.to_csv(index=False, lineterminator="\n"))
    else:
        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 60):
            print(timeline.drop(columns=["table", "record_id"]).to_string(index=False))
    return 0


def _coverage(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analysis import regional_coverage

    if not args.regions:
        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_colwidth", 80):
            print(regional_coverage().to_string(index=False))
        return 0
    for row in regional_coverage(regions_listed=True).itertuples(index=False):
        print(f"{row.election_id} ({row.regions_in_force} regions in force)")
        for label, value in (("final turnout", row.final_turnout_in), ("no final turnout", row.final_turnout_missing),
                             ("preliminary turnout", row.preliminary_turnout_in), ("results", row.results_in)):
            print(f"  {label}: {value or '-'}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from .schemas import descriptor

    meta = descriptor()
    licence = ", ".join(x.get("name", "") for x in meta.get("licenses", []))
    print(f"kzdata {kzdata.__version__} (data version {meta['version']})")
    print(f"data licence: {licence}; code licence: MIT")
    print(f"tables: {len(kzdata.tables())}; data folder: {kzdata._resources.package_root()}")
    from .cite import tiers_of_fact_rows

    counts = tiers_of_fact_rows()
    total = sum(sum(per.values()) for per in counts.values())
    encyclopedia = sum(per.get("encyclopedia", 0) for per in counts.values())
    print(f"fact rows resting on an encyclopedia: {encyclopedia} of {total} ({100 * encyclopedia / total:.1f}%)")
    worst = sorted(((per.get("encyclopedia", 0), table, sum(per.values())) for table, per in counts.items()),
                   reverse=True)
    print("  of which: " + ", ".join(f"{table} {n} of {rows} ({100 * n / rows:.1f}%)"
                                     for n, table, rows in worst if n))
    from .cite import citation_text

    print("how to cite: " + citation_text())
    return 0


def _codebook(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .codebooks import markdown

    text = markdown()
    if args.check:
        path = Path(args.check)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            print(f"{path} is out of date: run `kzdata codebook > {path}`", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(text)
    return 0


def _fmt(args: argparse.Namespace) -> int:
    from .fmt import fmt

    differing = fmt(check=args.check)
    for path in differing:
        print(f"{'differs' if args.check else 'rewrote'}: {path}")
    if args.check and differing:
        print("run `kzdata fmt` to rewrite them", file=sys.stderr)
        return 1
    return 0


def _cite(args: argparse.Namespace) -> int:
    from .cite import cite

    sys.stdout.write(cite(args.table, args.format))
    return 0


def _export(args: argparse.Namespace) -> int:
    from .export import export

    print(export(args.format, args.out))
    return 0


def _browse(args: argparse.Namespace) -> int:
    from .browse import serve

    return serve(args.port, args.host)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kzdata", description="Kazakhstan's political life as data.")
    p.add_argument("--version", action="version", version=f"kzdata {kzdata.__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("tables", help="list the tables with row counts").set_defaults(func=_tables)
    show = sub.add_parser("show", help="print a table")
    show.add_argument("table", choices=kzdata.tables())
    show.add_argument("--limit", type=int, default=None, help="at most N rows")
    show.add_argument("--format", choices=["table", "csv", "json"], default="table")
    show.set_defaults(func=_show)
    check = sub.add_parser("validate", help="validate the shipped data or a datapackage.json / folder")
    check.add_argument("path", nargs="?", default=None)
    check.add_argument("--max-errors", type=int, default=200, help="print at most N errors")
    check.add_argument("--engine", choices=["auto", "frictionless"], default="auto",
                       help="schema checks: the fast engine where it supports a resource, frictionless "
                            "elsewhere (auto, default), or frictionless for every resource")
    check.set_defaults(func=_validate)
    who = sub.add_parser("person", help="everything the data says about one person, in date order")
    who.add_argument("person_id", help="a person_id of the people table, e.g. tokayev-kassym-jomart")
    who.add_argument("--format", choices=["table", "csv"], default="table")
    who.set_defaults(func=_person)
    coverage = sub.add_parser("coverage", help="per national vote: regions with final turnout, report times, results")
    coverage.add_argument("--regions", action="store_true", help="list the regions with and without each figure")
    coverage.set_defaults(func=_coverage)
    sub.add_parser("info", help="versions, licence, how to cite").set_defaults(func=_info)
    book = sub.add_parser("codebook", help="print the codebook (Markdown) generated from the schemas")
    book.add_argument("--check", metavar="FILE", help="exit 1 if FILE differs from the generated codebook")
    book.set_defaults(func=_codebook)
    form = sub.add_parser("fmt", help="rewrite the data files in canonical form and refresh generated blocks")
    form.add_argument("--check", action="store_true", help="change nothing; exit 1 listing the files that differ")
    form.set_defaults(func=_fmt)
    cite = sub.add_parser("cite", help="how to cite kzdata and the sources behind a table")
    cite.add_argument("table", nargs="?", choices=kzdata.tables())
    cite.add_argument("--format", choices=["text", "bibtex"], default="text")
    cite.set_defaults(func=_cite)
    export = sub.add_parser("export", help="export every table (sqlite, parquet, xlsx, json, csv)")
    export.add_argument("--format", required=True,
                        choices=["sqlite", "parquet", "xlsx", "json", "csv", "stata", "r"])
    export.add_argument("--out", required=True, help="file (sqlite, xlsx) or folder (parquet, json, csv)")
    export.set_defaults(func=_export)
    browse = sub.add_parser("browse", help="serve the data with Datasette on 127.0.0.1 (browse extra)")
    browse.add_argument("--port", type=int, default=8001)
    browse.add_argument("--host", default="127.0.0.1", help="interface to bind (default loopback only)")
    browse.set_defaults(func=_browse)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of raising for user errors."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except KzdataError as exc:
        print(f"kzdata: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: never a traceback; tests assert no known case gets here
        reading = getattr(args, "path", None) or getattr(args, "table", None) or "the shipped package"
        print(f"kzdata: internal error while reading {reading}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
