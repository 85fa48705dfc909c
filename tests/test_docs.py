"""The documentation builds (mkdocs, with the API reference generated from the
docstrings by mkdocstrings) without a warning. The guide's examples run as
doctests (``--doctest-glob=*.md`` over ``docs/``, see pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_docs_build_strictly(tmp_path: Path) -> None:
    mkdocs = shutil.which("mkdocs", path=str(Path(sys.executable).parent)) or shutil.which("mkdocs")
    if mkdocs is None:
        pytest.skip("mkdocs is not installed (pip install -e '.[docs]')")
    done = subprocess.run(
        [mkdocs, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, check=False, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    api = (tmp_path / "site" / "api" / "index.html").read_text()
    for name in ("function", "shared", "scan", "MRG_RandomStreams", "pydotprint", "ptx_of"):
        assert name in api
    for page in ("guide/first-steps", "guide/loops", "migrating", "gpu", "toolkit", "design"):
        assert (tmp_path / "site" / page / "index.html").is_file(), page


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text()
    for page in (ROOT / "docs").rglob("*.md"):
        assert str(page.relative_to(ROOT / "docs")) in nav, page
