"""Test-session setup: a compilation cache of the session's own, and ptxas on
every PTX.

Tests never read or fill the user's cache (``~/.cache/symopt``): every run starts
from an empty one, so the first compilation of each function is a cold one and
later ones in the session exercise the cache.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="symopt-test-cache-")
os.environ["SYMOPT_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

# Every PTX the suite makes (in this process, and in the lit tests' symopt
# processes, which inherit the environment) is assembled by ptxas where it is
# installed: see symopt.lowering.ptx.ptx_of.
if shutil.which("ptxas") is not None:
    os.environ.setdefault("SYMOPT_CHECK_PTX", "1")
