"""Runs the lit/FileCheck suite under tests/filecheck; fails if any lit test fails."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SUITE = Path(__file__).parent / "filecheck"


def test_lit_suite() -> None:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", "")])
    proc = subprocess.run(
        [sys.executable, "-c", "from lit.main import main; main()", "-v", str(SUITE)],
        capture_output=True,
        text=True,
        env=env,
    )
    report = proc.stdout + proc.stderr
    assert proc.returncode == 0, report
    assert "Passed" in report, report
