"""Browse the data in a web page: the SQLite export served by Datasette on loopback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import schemas as sc
from .errors import KzdataError
from .export import to_sqlite


def metadata() -> dict[str, Any]:
    """Datasette metadata: titles, descriptions, licence, source link, column descriptions."""
    meta = sc.descriptor()
    tables = {}
    for table in sc.tables():
        resource = sc.resource(table)
        tables[table] = {
            "title": resource.get("title", table),
            "description": resource.get("description", ""),
            "columns": {f["name"]: f.get("description", "") for f in sc.fields(table)},
        }
    return {
        "title": meta["title"], "description": meta["description"],
        "license": "CC-BY-4.0", "license_url": "https://creativecommons.org/licenses/by/4.0/",
        "source": "kzdata (see the sources table)", "source_url": meta.get("homepage", ""),
        "databases": {"kzdata": {"tables": tables}},
    }


def build(folder: str | Path) -> tuple[Path, Path]:
    """Write ``kzdata.db`` and ``metadata.json`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    db = to_sqlite(folder / "kzdata.db")
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata(), ensure_ascii=False, indent=1), encoding="utf-8")
    return db, meta


def command(folder: str | Path, port: int = 8001, host: str = "127.0.0.1") -> list[str]:
    """The Datasette command line that serves the built database."""
    db, meta = build(folder)
    return [sys.executable, "-m", "datasette", "serve", str(db), "--metadata", str(meta),
            "--host", host, "--port", str(port), "--setting", "default_page_size", "50"]


def serve(port: int = 8001, host: str = "127.0.0.1") -> int:
    """Serve until interrupted (needs the ``browse`` extra: datasette)."""
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise KzdataError('browsing needs datasette: pip install "kzdata[browse]"') from exc
    with tempfile.TemporaryDirectory(prefix="kzdata-browse-") as folder:
        server = subprocess.Popen(command(folder, port, host))
        previous = signal.signal(signal.SIGTERM, _stop)
        try:
            return server.wait()
        except KeyboardInterrupt:  # Ctrl-C, or SIGTERM through _stop
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
            _shut_down(server)


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _shut_down(server: subprocess.Popen[bytes]) -> None:
    """Stop Datasette before the temporary database is removed."""
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
