"""What compiled code and the Python side that loads and calls it
(``symopt.runtime.native``) agree on, importable without LLVM: the names of the
runtime module's functions and of imports (``symopt.lowering.imports``); for
Python entries (``symopt.lowering.pyentry``), the CPython and NumPy object
layouts they read (checked against live objects before any entry is used), the
dtypes they handle and which functions get one; and the libraries compiled code
calls (libmvec, BLAS), which the code generator and the loader both look for."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

ENTRY_PREFIX = "symopt.fn."
"""The LLVM symbol of the entry point of a function ``@name`` is this and the
name: a user's name must not meet a C library's (a function named ``free`` or
``memcpy`` would be called by code meant for libc's) or LLVM's intrinsics
(``llvm.*``)."""
IMPORT_PREFIX = "symopt.import."
"""The name of an import's slot is this and the import's name."""
RUNTIME_EXPORTS = (
    "symopt_parallel_for", "symopt_pool_take", "symopt_pool_give", "symopt_pool_drain", "symopt_capsule_give",
)  # fmt: skip
"""The functions the runtime module (``symopt.lowering.runtime``) defines for
compiled code (and the Python side) to call."""
MIN_WORK_PER_THREAD = 1 << 16
"""Innermost iterations per thread below which a parallel loop uses fewer threads
(handing a chunk to a worker and waiting for it costs about as much as a few
thousand simple iterations; waking a sleeping one, tens of thousands)."""

OB_TYPE = 8
"""Offset of ``ob_type`` in every object."""
FLOAT_VALUE = 16
"""Offset of ``ob_fval`` in a ``float``."""
ARRAY_DATA, ARRAY_ND, ARRAY_DIMS, ARRAY_DESCR, ARRAY_FLAGS = 16, 24, 32, 56, 64
"""Offsets in NumPy's ``PyArrayObject_fields``."""
C_CONTIGUOUS, ALIGNED, WRITEABLE = 0x1, 0x100, 0x400
NEW_FROM_DESCR, SET_BASE_OBJECT = 94, 282
"""Slots of ``PyArray_NewFromDescr`` and ``PyArray_SetBaseObject`` in NumPy's
C-API table."""
SMALL_RESULT = 1 << 15
"""Results up to this many bytes are copied into arrays NumPy allocates."""

DTYPES = (
    "float64", "float32", "float16", "int64", "int32", "int16", "int8",
    "uint64", "uint32", "uint16", "uint8", "bool",
)  # fmt: skip
"""The dtypes an entry handles; each has a symbol ``symopt_py_dtype_<name>`` bound
to its canonical descriptor."""


def entry_symbol(name: str) -> str:
    """The LLVM symbol of function ``@name``'s entry point."""
    return ENTRY_PREFIX + name


def entry_name(name: str) -> str:
    return f"symopt.py.{name}"


def shared_names(abi: dict[str, Any]) -> list[str]:
    """The shared variables an entry reads or writes, in the order its ``self``
    tuple holds them."""
    names: list[str] = []
    for slot in [*abi["args"], *abi["results"]]:
        if slot["role"] in ("shared", "inplace") and slot["name"] not in names:
            names.append(slot["name"])
    return names


def takes_python_scalars(dtype: object) -> bool:
    """Whether a 0-d input of ``dtype`` may be a Python number (as the Python
    path converts exactly: a ``float`` or an ``int`` up to 2**53 for float64,
    an ``int`` in range for integers, a ``bool`` for bool)."""
    d = np.dtype(dtype)  # type: ignore[call-overload]
    return d == np.float64 or d.kind in "iub"


MAX_SLOTS = 48
"""Functions with more arguments and results than this get no entry: its code is
unrolled per slot, and LLVM's time on it grows faster than linearly (a 20-layer
MLP's 83 slots cost 0.4 s, a 100-layer one's 13 s), while such functions do so
much work per call that the Python path's few microseconds do not matter."""


def supported(abi: dict[str, Any]) -> bool:
    """Whether an entry is made for the record: every dtype is one it handles,
    and there are at most ``MAX_SLOTS`` arguments and results."""
    slots = [*abi["args"], *abi["results"]]
    return len(slots) <= MAX_SLOTS and all(np.dtype(s["dtype"]).name in DTYPES for s in slots)


@lru_cache(maxsize=1)
def vector_math_library() -> str | None:
    """The name of glibc's vector math library (libmvec) where compiled code can
    call it (x86-64 Linux), else None. Compiled code then needs it loaded (the
    runtime does)."""
    import ctypes
    import os
    import sys

    if not sys.platform.startswith("linux") or os.uname().machine != "x86_64":
        return None
    try:  # glibc's name for it (find_library runs ldconfig: milliseconds)
        ctypes.CDLL("libmvec.so.1")
        return "libmvec.so.1"
    except OSError:
        pass
    import ctypes.util

    name = ctypes.util.find_library("mvec")
    if name is None:
        return None
    try:
        ctypes.CDLL(name)
    except OSError:
        return None
    return name


@lru_cache(maxsize=1)
def numpy_openblas64() -> str | None:
    """The path of the OpenBLAS with the 64-bit-integer interface
    (``scipy_dgemm_64_``) that NumPy's wheel bundles, where NumPy has loaded it
    (it has, once imported), else None. Compiled code calls BLAS there: binding
    to a library already loaded costs nothing, and its integers hold any size."""
    import ctypes
    import os

    root = os.path.dirname(np.__file__)
    for folder in (root + ".libs", os.path.join(root, ".dylibs")):  # Linux, macOS wheels
        try:
            names = sorted(n for n in os.listdir(folder) if n.startswith("libscipy_openblas64_"))
        except OSError:
            continue
        for path in (os.path.join(folder, n) for n in names):
            try:  # RTLD_NOLOAD: only a library that is loaded already
                library = ctypes.CDLL(path, mode=os.RTLD_NOW | getattr(os, "RTLD_NOLOAD", 0))
            except OSError:
                continue
            if hasattr(library, "scipy_dgemm_64_"):
                return path
    return None


def blas_int_bits() -> int:
    """The width of the integers compiled code passes to BLAS: 64 where NumPy's
    OpenBLAS is used (``numpy_openblas64``), else 32 (scipy's)."""
    return 64 if numpy_openblas64() is not None else 32


BLAS_FUNCTIONS = ("dgemm", "sgemm", "dgemv", "sgemv")
"""The BLAS functions compiled code calls (the Fortran interface)."""
BLAS_IMPORTS = {f"symopt_{f}{suffix}": (f, bits) for f in BLAS_FUNCTIONS for suffix, bits in (("", 32), ("64", 64))}
"""Import name -> (BLAS function, width of its integers): ``symopt_dgemm`` takes
32-bit ones (scipy's), ``symopt_dgemm64`` 64-bit ones (NumPy's OpenBLAS)."""


def blas_import(function: str) -> str:
    """The import through which compiled code calls BLAS ``function`` here (its
    integers ``blas_int_bits()`` wide)."""
    return f"symopt_{function}64" if blas_int_bits() == 64 else f"symopt_{function}"
