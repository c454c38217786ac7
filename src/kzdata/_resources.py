"""Where the package's data lives: inside the installed wheel, or in a source checkout."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def package_root() -> Path:
    """Folder holding ``datapackage.json``, ``data/`` and ``schemas/``.

    A wheel carries them in ``kzdata/_package``; an editable install or a checkout has them at
    the repository root, two levels above this file.
    """
    bundled = resources.files("kzdata") / "_package"
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "datapackage.json").is_file():
        return checkout
    raise FileNotFoundError(
        "kzdata's data files are missing: reinstall the package (pip install --force-reinstall kzdata)"
    )
