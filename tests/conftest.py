"""Test-session setup: a compilation cache of the session's own, and ptxas on
every PTX; the ``in_threads`` fixture.

Tests never read or fill the user's cache (``~/.cache/symopt``): every run starts
from an empty one, so the first compilation of each function is a cold one and
later ones in the session exercise the cache.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable

import pytest

_CACHE = tempfile.mkdtemp(prefix="symopt-test-cache-")
os.environ["SYMOPT_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# Every PTX the suite makes (in this process, and in the lit tests' symopt
# processes, which inherit the environment) is assembled by ptxas where it is
# installed: see symopt.lowering.ptx.ptx_of.
if shutil.which("ptxas") is not None:
    os.environ.setdefault("SYMOPT_CHECK_PTX", "1")


@pytest.fixture
def in_threads() -> Callable[[Callable[[object], None], Iterable[object]], None]:
    """``in_threads(work, args)``: ``work(a)`` for every ``a`` of ``args``, each on a
    thread of its own, all at once; the first exception any of them raised is
    raised again here."""

    def run(work: Callable[[object], None], args: Iterable[object]) -> None:
        errors: list[BaseException] = []

        def guarded(a: object) -> None:
            try:
                work(a)
            except BaseException as e:  # noqa: BLE001 - raised again below
                errors.append(e)

        threads = [threading.Thread(target=guarded, args=(a,)) for a in args]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]

    return run
