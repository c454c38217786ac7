"""Byte-level checks of a data file that frictionless is lenient about: size, byte-order mark,
line ends and line length. They run before any parser reads the file, so that a file too
large or with a runaway line is reported instead of read."""

from __future__ import annotations

from pathlib import Path

from .report import Issue

#: Largest data file validated; a bigger one is reported, not read (protects memory).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Longest line accepted in a data file (a longer one is reported, not parsed).
MAX_LINE_BYTES = 1024 * 1024


def file_issues(root: Path, rel: str) -> list[Issue]:
    """Byte-level checks frictionless is lenient about: size, BOM, line ends, line length."""
    path = root / rel
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return [Issue(rel, None, None, "file-size", f"file is {size} bytes, above the limit {MAX_FILE_BYTES}")]
    if size == 0:
        return [Issue(rel, None, None, "empty-file", "file is empty; it needs at least a header and one row")]
    issues = []
    with path.open("rb") as handle:
        if handle.read(3) == b"\xef\xbb\xbf":
            bom = "file starts with a byte-order mark; save as UTF-8 without BOM"
            issues.append(Issue(rel, 1, None, "encoding", bom))
        handle.seek(0)
        for number, line in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), start=1):
            if len(line) > MAX_LINE_BYTES:
                issues.append(Issue(rel, number, None, "line-length", f"line longer than {MAX_LINE_BYTES} bytes"))
                break
            if line.endswith(b"\r\n"):
                issues.append(Issue(rel, number, None, "line-ends", "Windows line end (CRLF); use \\n"))
                break
    return issues
