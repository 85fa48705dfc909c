"""``function(..., profile=True)``: call counts and times, time and calls per
kernel (native code times each kernel call with the monotonic clock), and compile
time per pass, printed by ``f.profile.summary()`` in the manner of Theano's
ProfileStats."""

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
        self.executors: list[tuple[object, object]] = []
        """The executors of the functions this profile covers, each with its
        graph (the kernels' counters are read when the summary is made)."""

    def kernels(self) -> list[tuple[str, int, float]]:
        """Per kernel call site: what it computes (and the user's line that made
        it), its calls and its seconds."""
        from symopt.dialects.location import resolve

        rows: list[tuple[str, int, float]] = []
        for executor, module in self.executors:
            read = getattr(executor, "kernel_profile", None)
            if read is not None:
                rows += [(resolve(text, module), calls, seconds) for text, calls, seconds in read()]  # type: ignore[arg-type]
        return rows

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
        kernels = [k for k in self.kernels() if k[1]]
        if kernels:
            total = sum(k[2] for k in kernels)
            lines += [
                "",
                "Kernels",
                "-------",
                "<% time> <sum %> <time> <time per call> <#call> <kernel>",
            ]
            running = 0.0
            for text, calls, seconds in sorted(kernels, key=lambda k: -k[2]):
                share = 100 * seconds / total if total else 0.0
                running += share
                lines.append(
                    f"  {share:5.1f}%  {running:5.1f}%  {seconds:.3e}s  {seconds / calls:.3e}s  {calls:6d}  {text}"
                )
        out.write("\n".join(lines) + "\n")
