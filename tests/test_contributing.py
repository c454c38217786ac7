"""The recipes of CONTRIBUTING.md work: each block marked `# recipe:` runs on a scratch copy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzdata._resources import package_root

GUIDE = Path(__file__).resolve().parents[1] / "CONTRIBUTING.md"
RECIPES = {m[1]: m[0] for m in re.findall(r"```sh\n(# recipe: ([^\n]+)\n.*?)```", GUIDE.read_text(), re.S)}


def test_every_section_has_a_recipe():
    assert list(RECIPES) == ["add a row", "add a source and cite it", "record a conflicting value",
                             "add a regional figure", "add a field", "add a field of a type not used yet",
                             "add a table", "cut a release"]


@pytest.mark.slow  # a subprocess per recipe
@pytest.mark.parametrize("name", list(RECIPES))
def test_recipe_runs_on_a_scratch_copy(name: str, tmp_path: Path):
    root = package_root()
    copy = tmp_path / "kzdata"
    copy.mkdir()
    for item in ("datapackage.json", "README.md", "CHANGELOG.md"):
        shutil.copy(root / item, copy / item)
    for folder in ("data", "schemas", "docs"):
        shutil.copytree(root / folder, copy / folder)
    env = {**os.environ, "KZDATA_ROOT": str(copy),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", RECIPES[name]], cwd=copy, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "invalid" not in result.stdout and "Traceback" not in result.stderr
