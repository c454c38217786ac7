"""Where the package's data lives: inside the installed wheel, or in a source checkout."""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

#: Environment variable naming a package folder to use instead of the installed one (a
#: checkout or a copy being edited): ``KZDATA_ROOT=path/to/copy kzdata fmt``.
ROOT_VARIABLE = "KZDATA_ROOT"


@cache
def package_root() -> Path:
    """Folder holding ``datapackage.json``, ``data/`` and ``schemas/``.

    ``$KZDATA_ROOT`` when set; else a wheel carries them in ``kzdata/_package``, and an
    editable install or a checkout has them at the repository root, two levels above this file.
    """
    if os.environ.get(ROOT_VARIABLE):
        chosen = Path(os.environ[ROOT_VARIABLE]).resolve()
        if not (chosen / "datapackage.json").is_file():
            from .errors import KzdataError

            raise KzdataError(f"{ROOT_VARIABLE}={chosen}: no datapackage.json there")
        return chosen
    bundled = resources.files("kzdata") / "_package"
    if bundled.is_dir():
        return Path(str(bundled))
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "datapackage.json").is_file():
        return checkout
    raise FileNotFoundError(
        "kzdata's data files are missing: reinstall the package (pip install --force-reinstall kzdata)"
    )
