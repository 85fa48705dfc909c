"""Runs the lit/FileCheck suite under tests/filecheck; fails if any lit test fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SUITE = Path(__file__).parent / "filecheck"
EXAMPLE_SUITE = Path(__file__).parent.parent / "examples" / "custom_pass" / "tests"


def test_lit_suite() -> None:
    _run_lit(SUITE)


def test_custom_pass_example_lit_suite() -> None:
    """The worked example of docs/toolkit.md has its own lit tests."""
    _run_lit(EXAMPLE_SUITE)


def _run_lit(suite: Path) -> None:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", "from lit.main import main; main()", "-v", str(suite)],
        capture_output=True,
        text=True,
        env=env,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "Passed" in report, report
