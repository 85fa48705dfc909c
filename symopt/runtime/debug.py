"""``mode='DebugMode'``: native code and the reference executor on every call,
compared output by output and update by update.

Native code runs on copies of the shared variables' storage (an in-place update
must not touch a variable before the comparison is done), so a difference raises
before anything is committed. Floating-point values are compared with a
tolerance that allows for the few ulp by which SIMD math may differ from NumPy's;
everything else must be equal.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

import numpy as np


class DebugModeError(AssertionError):
    """Native code and the reference executor disagree."""


_TOLERANCE = {2: (1e-2, 1e-3), 4: (1e-4, 1e-6), 8: (1e-9, 1e-12)}
"""Per float size in bytes: (rtol, atol)."""


class DebugExecutor:
    """Run both executors; return the native results once they agree."""

    fresh_results = True

    def __init__(self, native, reference, pipeline: str):  # type: ignore[no-untyped-def]
        self.native = native
        self.reference = reference
        self.pipeline = pipeline

    @property
    def stages(self) -> dict[str, str]:
        return self.native.stages

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, object]
    ) -> tuple[list[np.ndarray], dict[str, object]]:
        ref_outputs, ref_writes = self.reference(args, globals_)
        private = {k: copy.deepcopy(v) for k, v in globals_.items()}
        outputs, writes = self.native(args, private)
        if len(outputs) != len(ref_outputs) or set(writes) != set(ref_writes):
            raise DebugModeError(
                f"DebugMode: native code returned {len(outputs)} outputs and updated "
                f"{sorted(writes)}, the reference executor {len(ref_outputs)} and "
                f"{sorted(ref_writes)} (pipeline {self.pipeline!r})"
            )
        for i, (got, want) in enumerate(zip(outputs, ref_outputs)):
            _compare(got, want, f"output {i}", self.pipeline)
        for name in writes:
            _compare(writes[name], ref_writes[name], f"the update of shared variable {name!r}", self.pipeline)
        return outputs, writes


def _compare(got: object, want: object, what: str, pipeline: str) -> None:
    if not isinstance(want, np.ndarray):
        return  # a random generator's state: compared through the draws it made
    got = np.asarray(got)
    problem = None
    if got.shape != want.shape or got.dtype != want.dtype:
        problem = f"native {got.dtype}{list(got.shape)}, reference {want.dtype}{list(want.shape)}"
    elif want.dtype.kind in "fc":
        rtol, atol = _TOLERANCE.get(want.dtype.itemsize, (1e-9, 1e-12))
        ok = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
        if not ok.all():
            i = np.unravel_index(int(np.argmin(ok)), ok.shape) if ok.ndim else ()
            problem = f"at index {tuple(int(k) for k in i)}: native {got[i]!r}, reference {want[i]!r}"
    elif not np.array_equal(got, want):
        diff = got != want
        i = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
        problem = f"at index {tuple(int(k) for k in i)}: native {got[i]!r}, reference {want[i]!r}"
    if problem is not None:
        raise DebugModeError(
            f"DebugMode: {what} differs between native code and the reference executor "
            f"({problem}); pass pipeline {pipeline!r}"
        )
