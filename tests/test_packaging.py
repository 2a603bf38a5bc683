"""What `pip install .` puts in site-packages (the Dockerfile's install): every file daftar
reads from its own package directory, not only the Python modules."""

from __future__ import annotations

import fnmatch
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _package_data() -> dict[str, list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data: dict[str, list[str]] = config["tool"]["setuptools"]["package-data"]
    return data


def _shipped(path: str, data: dict[str, list[str]]) -> bool:
    """Whether `path` (relative to the project) matches its nearest package's patterns."""
    parts = Path(path).parts
    for cut in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:cut])
        inside = "/".join(parts[cut:])
        if package in data and any(fnmatch.fnmatchcase(inside, p) for p in data[package]):
            return True
    return False


def test_every_file_beside_the_modules_is_package_data() -> None:
    tracked = subprocess.run(["git", "ls-files", "daftar"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    files = [f for f in tracked if not f.endswith(".py")] or [
        str(p.relative_to(ROOT)) for p in (ROOT / "daftar").rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc")]
    assert files, "no data files found"
    data = _package_data()
    assert [f for f in files if not _shipped(f, data)] == []
    # The portal's pages, which once were left out of the image.
    assert _shipped("daftar/portal/templates/home.html", data)
    assert _shipped("daftar/portal/static/portal.css", data)
