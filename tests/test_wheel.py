"""The built wheel carries its data: install it into a fresh environment outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the kzdata wheel installed, borrowing only its dependencies from here."""
    if not (ROOT / "pyproject.toml").is_file():
        pytest.skip("needs a source checkout to build the wheel")
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(work), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(work.glob("kzdata-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # dependencies (pandas, pydantic, frictionless) come from this environment, not kzdata itself
    (site / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    return python


def run_outside(python: Path, code: str, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run([str(python), "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_wheel_loads_every_table_and_validates(installed, tmp_path):
    code = (
        "import kzdata, pathlib\n"
        "assert 'site-packages' in kzdata.__file__, kzdata.__file__\n"
        "assert '_package' in str(kzdata._resources.package_root())\n"
        "for t in kzdata.tables(): assert len(kzdata.load(t)) > 0, t\n"
        "print(kzdata.validate().valid)\n"
    )
    assert run_outside(installed, code, tmp_path).strip() == "True"


def test_wheel_cli_validate_exits_0(installed, tmp_path):
    result = subprocess.run([str(installed), "-m", "kzdata", "validate"], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
