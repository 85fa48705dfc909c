"""``function(..., profile=True)``: call counts and times, and compile time per
pass, printed by ``f.profile.summary()`` in the manner of Theano's ProfileStats."""

from __future__ import annotations

import sys
from typing import TextIO


class ProfileStats:
    """What one profiled function measured: its compile time (per pass and per
    LLVM step when it was compiled in this process), then the number of calls and
    the time spent in them."""

    def __init__(self, name: str | None = None):
        self.name = name or "<unnamed function>"
        self.calls = 0
        self.call_time = 0.0
        self.compile_time = 0.0
        self.compile_steps: dict[str, float] = {}
        self.from_cache = False

    def summary(self, file: TextIO | None = None) -> None:
        """Print the report (to stdout by default)."""
        out = file or sys.stdout
        per_call = self.call_time / self.calls if self.calls else 0.0
        lines = [
            "Function profiling",
            "==================",
            f"  Message: {self.name}",
            f"  Time in {self.calls} calls to Function.__call__: {self.call_time:e}s",
            f"  Time in Function.__call__ per call: {per_call:e}s",
            f"  Total compilation time: {self.compile_time:e}s",
        ]
        if self.from_cache:
            lines.append("    (the machine code came from the disk cache: no pass ran)")
        for step, seconds in sorted(self.compile_steps.items(), key=lambda kv: -kv[1]):
            lines.append(f"    {seconds:e}s  {step}")
        out.write("\n".join(lines) + "\n")
