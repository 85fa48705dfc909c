"""The native executor: a module compiled to machine code with LLVM (llvmlite).

``NativeExecutor(module)`` runs the ``cpu`` pipeline on a copy of the sym module,
translates the result to LLVM IR, verifies and optimizes it at O3 for the host CPU
and compiles it to an object file, which it loads (``_Code``: the shared library
the disk cache linked, opened with ``dlopen``, or else a JIT engine of its own)
and whose imports it binds. Everything it needs to call the code comes from the calling
convention that ``loop-abi`` recorded on the function (``symopt.abi``): the role,
dtype and rank of each argument and result, and the messages of the checks. A call
packs the arrays' data pointers and sizes into one int64 array, calls the entry
point once, and wraps the returned buffers as NumPy arrays that free them when they
are collected. When the pipeline split host draws off (``sym-split-host``), the
host module runs first, with the reference executor, and its samples are passed on.
"""

from __future__ import annotations

import array
import ctypes
import functools
import os
import struct
import time
import weakref
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, ModuleOp, TensorType

from symopt.configparser import THREADS
from symopt.lowering import native_abi
from symopt.lowering.native_abi import (
    BLAS_IMPORTS,
    IMPORT_PREFIX,
    MIN_WORK_PER_THREAD,
    RUNTIME_EXPORTS,
    numpy_openblas64,
    vector_math_library,
)
from symopt.runtime import cache
from symopt.runtime.fingerprint import fingerprint

_ENTRY = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)
_ENTRY_HOLDING_GIL = ctypes.PYFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)
"""The entry point's type for functions that update buffers in place: those calls
keep the GIL, which serializes them (with the Python entry's, which do the same)."""


class _Code:
    """Object code loaded for running: a shared library from the disk cache
    opened with ``dlopen`` (no LLVM in the process), else the object code linked
    into a JIT engine of its own. Either way its imports (see
    ``symopt.lowering.imports``) are bound before anything runs."""

    def __init__(self, entry: cache.Entry, keep: bool = False) -> None:
        self.handle: int | None = None
        self.engine = None
        if entry.library is not None:
            _c_libraries()
            try:
                self.handle = ctypes.CDLL(entry.library, mode=os.RTLD_NOW | os.RTLD_LOCAL)._handle
            except OSError:  # not loadable here after all: the JIT engine
                self.handle = None
        if self.handle is None:
            from symopt.lowering.machine import target_machine

            binding = _jit()
            engine = binding.create_mcjit_compiler(binding.parse_assembly(""), target_machine())
            engine.add_object_file(binding.ObjectFileRef.from_data(entry.obj))
            engine.finalize_object()
            self.engine = engine
        if keep:  # never unloaded (the runtime: its workers run it until the end)
            if self.engine is not None:
                ctypes.pythonapi.Py_IncRef(ctypes.py_object(self.engine))
        elif self.handle is not None:
            weakref.finalize(self, _dlclose, self.handle)
        for name in entry.abi.get("imports", ()):
            ctypes.c_void_p.from_address(self.address(IMPORT_PREFIX + name)).value = _import_address(name)

    def address(self, name: str) -> int:
        """The address of a function or global the code defines."""
        if self.engine is not None:
            address = self.engine.get_global_value_address(name)
        else:
            address = _dlsym(self.handle, name.encode())
        if not address:
            raise ValueError(f"compiled code defines no symbol {name!r}")
        return int(address)


_dlsym = ctypes.CDLL(None).dlsym
_dlsym.restype = ctypes.c_void_p
_dlsym.argtypes = [ctypes.c_void_p, ctypes.c_char_p]


def _dlclose(handle: int) -> None:
    import _ctypes

    _ctypes.dlclose(handle)  # type: ignore[attr-defined]


class _Runtime:
    """The runtime module (``symopt.lowering.runtime``) loaded: its code, the
    addresses of what it exports, and the pool functions the runtime calls."""

    # (plain classes here and below: a process that finds its code in the disk
    # cache defines them, and a dataclass or NamedTuple costs 0.2-0.5 ms to define)
    __slots__ = ("code", "addresses", "give", "drain")

    def __init__(self, code: _Code, addresses: dict[str, int], give: object, drain: object):
        self.code, self.addresses, self.give, self.drain = code, addresses, give, drain


@lru_cache(maxsize=1)
def _runtime() -> _Runtime:
    """The runtime module, compiled (or loaded from the disk cache) and loaded
    once per process."""
    # keyed by the environment alone (symopt's source included): the module is
    # built only when it is compiled
    key = cache.key("symopt.runtime", "runtime")

    def compile_runtime() -> cache.Entry:
        from symopt.lowering.runtime import runtime_ir

        text, names = runtime_ir()
        return cache.Entry({"name": "symopt.runtime", "imports": names}, None, _compile_object(text))

    entry, _ = cache.load_or_make(None if key is None else f"runtime-{key}", compile_runtime)
    code = _Code(entry, keep=True)
    addresses = {name: code.address(name) for name in RUNTIME_EXPORTS}
    give = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int64)(addresses["symopt_pool_give"])
    drain = ctypes.CFUNCTYPE(None)(addresses["symopt_pool_drain"])
    return _Runtime(code, addresses, give, drain)


_MIN_WORK = ctypes.c_int64(MIN_WORK_PER_THREAD)


def _compile_object(text: str) -> bytes:
    """LLVM IR text optimized and compiled to an object file (see
    ``symopt.lowering.llvm_worker``; not needed on a cache hit)."""
    from symopt.lowering.llvm_worker import compile_anywhere

    return compile_anywhere(text)


def parallel_min_work(iterations: int | None = None) -> int:
    """The innermost iterations a parallel loop needs per thread (65,536 by
    default); with ``iterations``, set it first (at least 1). Tests lower it, so
    that small loops are split over threads too."""
    if iterations is not None:
        if int(iterations) < 1:
            raise ValueError(f"parallel_min_work: expected at least 1 iteration, got {iterations!r}")
        _MIN_WORK.value = int(iterations)
    return int(_MIN_WORK.value)


def drain_pool() -> None:
    """Free the large buffers the runtime keeps for reuse (see
    ``symopt.lowering.runtime.pool``); they are otherwise kept, up to 256 MiB,
    until the process ends."""
    _runtime().drain()


@lru_cache(maxsize=1)
def _c_libraries() -> None:
    """Make the C libraries compiled code calls by name visible to the code
    opened with ``dlopen`` (libm, and libmvec, whose SIMD functions LLVM calls)."""
    for name in ("libm.so.6", vector_math_library()):
        if name is not None:
            try:
                ctypes.CDLL(name, mode=os.RTLD_NOW | os.RTLD_GLOBAL)
            except OSError:
                pass


@lru_cache(maxsize=1)
def _jit():  # type: ignore[no-untyped-def]
    """llvmlite, with the C symbols compiled code calls by name bound for its JIT
    engines: libc's allocation and threads, libm and libmvec."""
    import ctypes.util

    from symopt.lowering.machine import llvm

    binding = llvm()
    libc = ctypes.CDLL(None)
    for name in ("malloc", "free", "madvise", "pthread_create", "pthread_detach", "pthread_sigmask",
                 "sigfillset", "getpid", "sched_yield", "syscall"):
        binding.add_symbol(name, ctypes.cast(getattr(libc, name), ctypes.c_void_p).value)
    libm_name = ctypes.util.find_library("m")
    libm = ctypes.CDLL(libm_name) if libm_name else libc
    for name in ("log1p", "expm1", "log1pf", "expm1f"):
        binding.add_symbol(name, ctypes.cast(getattr(libm, name), ctypes.c_void_p).value)
    if libm_name:
        binding.load_library_permanently(libm_name)
    mvec = vector_math_library()
    if mvec is not None:
        binding.load_library_permanently(mvec)
    return binding


@functools.cache  # (symopt.runtime.cache is the disk cache)
def _import_address(name: str) -> int:
    """The address an import (``symopt.lowering.imports``) is bound to in this
    process: a runtime function, a word of the Python side, a BLAS function
    (NumPy's or scipy's), a NumPy C-API function or a Python object (see
    ``symopt.lowering.pyentry``), or a CPython C-API function."""
    if name in RUNTIME_EXPORTS:
        return _runtime().addresses[name]
    words = {"symopt_threads": THREADS, "symopt_min_work": _MIN_WORK}
    if name in words:
        return ctypes.addressof(words[name])
    if name in BLAS_IMPORTS:
        function, bits = BLAS_IMPORTS[name]
        return _blas64(function) if bits == 64 else _blas(function)
    if name.startswith("symopt_np_"):
        slots = {"symopt_np_new_from_descr": native_abi.NEW_FROM_DESCR, "symopt_np_set_base": native_abi.SET_BASE_OBJECT}
        return (ctypes.c_void_p * (native_abi.SET_BASE_OBJECT + 1)).from_address(_numpy_api())[slots[name]]  # type: ignore[no-any-return]
    if name.startswith("symopt_py_dtype_"):
        return id(np.dtype(name.removeprefix("symopt_py_dtype_")))
    if name.startswith("symopt_py_"):
        objects = {
            "ndarray": np.ndarray, "float": float, "int": int, "true": True, "false": False,
            "notimplemented": NotImplemented, "failure": NativeFailure,
        }  # fmt: skip
        return id(objects[name.removeprefix("symopt_py_")])
    if name.startswith(("Py", "_Py")):
        return ctypes.cast(getattr(ctypes.pythonapi, name), ctypes.c_void_p).value  # type: ignore[return-value]
    raise ValueError(f"compiled code imports {name!r}, which the runtime does not provide")


def _blas64(name: str) -> int:
    """The address of BLAS function ``name`` (``dgemm``, ...; the Fortran
    interface) with 64-bit integers: the symbol ``scipy_<name>_64_`` of the
    OpenBLAS that NumPy's wheel bundles, which NumPy has loaded already."""
    path = numpy_openblas64()
    if path is None:
        raise ValueError(f"compiled code calls BLAS {name} with 64-bit integers, but NumPy has no such BLAS here")
    address = _dlsym(_open_loaded(path), f"scipy_{name}_64_".encode())
    if not address:
        raise ValueError(f"NumPy's OpenBLAS ({path}) has no function scipy_{name}_64_")
    return int(address)


@functools.cache
def _open_loaded(path: str) -> int:
    """A handle of the shared library ``path``, which is loaded already."""
    return ctypes.CDLL(path, mode=os.RTLD_NOW | getattr(os, "RTLD_NOLOAD", 0))._handle  # type: ignore[no-any-return]


def _blas(name: str) -> int:
    """The address of scipy's BLAS function ``name`` (``dgemm``, ...; the Fortran
    interface). Where scipy is a wheel, that is the symbol ``scipy_<name>_`` of
    the OpenBLAS it bundles (``scipy.libs``), which ``scipy.linalg.cython_blas``
    calls too; opening that library costs a millisecond or two, against some
    ten for loading ``cython_blas`` and the scipy modules it imports. Elsewhere
    (another build of scipy), the capsule ``cython_blas`` exports."""
    library = _scipy_openblas()
    if library is not None:
        address = _dlsym(library._handle, f"scipy_{name}_".encode())
        if address:
            return int(address)
    capsule = _cython_blas().__pyx_capi__[name]  # type: ignore[attr-defined]
    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    return _capsule_pointer(capsule, get_name(capsule))


@lru_cache(maxsize=1)
def _scipy_openblas() -> ctypes.CDLL | None:
    """The OpenBLAS with the 32-bit-integer interface (``scipy_dgemm_``) that a
    scipy wheel bundles, opened; None where there is none."""
    import glob
    import importlib.util

    spec = importlib.util.find_spec("scipy")
    if spec is None or spec.origin is None:
        return None
    libs = os.path.join(os.path.dirname(os.path.dirname(spec.origin)), "scipy.libs")
    for path in sorted(glob.glob(os.path.join(libs, "libscipy_openblas*.so"))):
        try:
            library = ctypes.CDLL(path, mode=os.RTLD_NOW | os.RTLD_LOCAL)
        except OSError:
            continue
        if _dlsym(library._handle, b"scipy_dgemm_"):
            return library
    return None


def _capsule_pointer(capsule: object, name: bytes | None) -> int:
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    return get_pointer(capsule, name)  # type: ignore[no-any-return]


def _numpy_api() -> int:
    """The address of NumPy's C-API table."""
    try:
        from numpy._core import _multiarray_umath as multiarray
    except ImportError:  # NumPy 1
        from numpy.core import _multiarray_umath as multiarray  # type: ignore[no-redef]
    return _capsule_pointer(multiarray._ARRAY_API, None)


@lru_cache(maxsize=1)
def python_entries() -> bool:
    """Whether Python entries can be used here: the object layouts they assume
    (``symopt.lowering.pyentry``) are those of this CPython and NumPy, and the
    dtypes' descriptors are the ones arrays carry."""
    try:
        a = np.arange(6.0).reshape(2, 3)

        def at(obj: object, offset: int, kind):  # type: ignore[no-untyped-def]
            return kind.from_address(id(obj) + offset).value

        dims = at(a, native_abi.ARRAY_DIMS, ctypes.c_void_p)
        checks = [
            at(a, native_abi.OB_TYPE, ctypes.c_void_p) == id(np.ndarray),
            at(a, native_abi.ARRAY_DATA, ctypes.c_void_p) == a.__array_interface__["data"][0],
            at(a, native_abi.ARRAY_ND, ctypes.c_int) == 2,
            ctypes.c_int64.from_address(dims + 8).value == 3,
            at(a, native_abi.ARRAY_DESCR, ctypes.c_void_p) == id(np.dtype("float64")),
            at(a, native_abi.ARRAY_FLAGS, ctypes.c_int) & 0x501 == 0x501,
            at(a[:, 1], native_abi.ARRAY_FLAGS, ctypes.c_int) & 1 == 0,
            at(2.5, native_abi.FLOAT_VALUE, ctypes.c_double) == 2.5,
            at(2.5, native_abi.OB_TYPE, ctypes.c_void_p) == id(float),
            all(np.zeros(1, name).dtype is np.dtype(name) for name in native_abi.DTYPES),
        ]
        return all(checks)
    except Exception:  # noqa: BLE001 - anything unexpected: the Python path only
        return False


class NativeFailure(Exception):
    """Raised by a Python entry whose run failed a check: its argument is the
    status and the ``err`` words, as bytes, which ``NativeExecutor.failure``
    turns into the check's error."""


class _MethodDef(ctypes.Structure):
    _fields_ = [
        ("ml_name", ctypes.c_char_p),
        ("ml_meth", ctypes.c_void_p),
        ("ml_flags", ctypes.c_int),
        ("ml_doc", ctypes.c_char_p),
    ]


_METH_FASTCALL = 0x80
_new_builtin = ctypes.pythonapi.PyCFunction_NewEx
_new_builtin.restype = ctypes.py_object
_new_builtin.argtypes = [ctypes.c_void_p, ctypes.py_object, ctypes.py_object]


def _cython_blas():  # type: ignore[no-untyped-def]
    """scipy's ``cython_blas`` module, whose capsules hold the BLAS entry points.

    Importing it the usual way runs ``scipy.linalg``'s ``__init__`` first, which
    costs about 0.1 s; a process that loads its compiled functions from the disk
    cache would spend most of its start-up there. So the extension is loaded from
    its file directly (and registered, so that a later ``import scipy.linalg``
    reuses it), falling back to the import where that fails."""
    import importlib.machinery
    import importlib.util
    import sys

    name = "scipy.linalg.cython_blas"
    if name in sys.modules:
        return sys.modules[name]
    try:
        scipy_spec = importlib.util.find_spec("scipy")
        assert scipy_spec is not None and scipy_spec.origin is not None
        folder = os.path.join(os.path.dirname(scipy_spec.origin), "linalg")
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(folder, "cython_blas" + suffix)
            if os.path.exists(path):
                loader = importlib.machinery.ExtensionFileLoader(name, path)
                spec = importlib.util.spec_from_file_location(name, path, loader=loader)
                assert spec is not None
                module = importlib.util.module_from_spec(spec)
                loader.exec_module(module)
                sys.modules[name] = module
                return module
    except Exception:  # noqa: BLE001, S110 - any failure: the regular import below
        pass
    from scipy.linalg import cython_blas

    return cython_blas


_FREE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(
    ctypes.cast(ctypes.CDLL(None).free, ctypes.c_void_p).value
)


def _owned_array(address: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A NumPy array over a buffer of compiled code, given back with the array to
    the runtime's pool (which keeps large ones for the next call, and frees the
    others)."""
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buffer = (ctypes.c_char * max(nbytes, 1)).from_address(address)
    weakref.finalize(buffer, _runtime().give, address, nbytes)
    return np.frombuffer(buffer, dtype=dtype, count=nbytes // dtype.itemsize).reshape(shape)


class Slot:
    """One argument or result of the compiled entry point, from the ABI record:
    its role, name, dtype, rank and static sizes (None where dynamic)."""

    __slots__ = ("role", "name", "dtype", "rank", "shape")

    def __init__(self, role: str, name: str, dtype: np.dtype, rank: int, shape: tuple[int | None, ...] = ()):
        self.role, self.name, self.dtype, self.rank, self.shape = role, name, dtype, rank, shape

    def __repr__(self) -> str:
        return f"Slot({self.role!r}, {self.name!r}, {self.dtype}, rank={self.rank}, shape={self.shape})"

    @classmethod
    def of(cls, entry: DictionaryAttr) -> Slot:
        d = entry.data
        shape = tuple(None if v < 0 else int(v) for v in d["shape"].get_values())  # type: ignore[attr-defined]
        return cls(
            d["role"].data,  # type: ignore[attr-defined]
            d["name"].data,  # type: ignore[attr-defined]
            np.dtype(d["dtype"].data),  # type: ignore[attr-defined]
            len(shape),
            shape,
        )


def _slot(record: dict[str, object]) -> Slot:
    shape = tuple(None if d < 0 else d for d in record.get("shape", [-1] * record["rank"]))  # type: ignore[union-attr, operator]
    return Slot(record["role"], record["name"], np.dtype(record["dtype"]), record["rank"], shape)  # type: ignore[arg-type]


class CheckRecord:
    """A check of the compiled code: its message (a format string of ``nargs``
    values) and kind (``index`` raises IndexError, others ValueError)."""

    __slots__ = ("message", "kind", "nargs")

    def __init__(self, message: str, kind: str, nargs: int):
        self.message, self.kind, self.nargs = message, kind, nargs


class NativeExecutor:
    """Compile a sym module to native code; calling it runs the entry function.

    Its results are always fresh buffers, or a shared variable's own storage for
    an in-place update (``fresh_results``): callers need not copy them.

    The machine code comes from the disk cache (``symopt.runtime.cache``) when the
    same module was compiled before with the same pipeline and the same symopt;
    otherwise the pipeline runs, LLVM compiles the result to an object file, and
    the object file goes into the cache. Either way the code is loaded by
    ``_Code``: the cache's shared library of it, or a JIT engine of its own."""

    fresh_results = True
    Failure = NativeFailure
    """What a Python entry raises when a check failed (see ``failure``)."""

    def __init__(
        self, module: ModuleOp, pipeline: str = "cpu", source: str | None = None, profile: bool = False,
        digest: str | None = None,
    ):  # fmt: skip
        # the module as text (printed, and parsed back, only if the stages are
        # asked for: the pipeline runs on a copy, so the module stays as it is)
        self._module: ModuleOp | None = module
        self._text = source
        self.pipeline = pipeline
        self.profile = profile
        self._stages: dict[str, str] | None = None
        self._llvm_ir: str | None = None
        self._parsed = None
        self.timings: dict[str, float] = {}
        key = cache.key(digest or fingerprint(module), pipeline + (" +profile" if profile else ""))
        entry, self.from_cache = cache.load_or_make(key, lambda: self._compile(module))
        self._link(entry)

    def _compile(self, module: ModuleOp) -> cache.Entry:
        lowered = module.clone()
        self.timings = run_stages(lowered, self.pipeline, None)
        start = time.perf_counter()
        self._llvm_ir, entry_ir, abi, host = _translate(lowered, self.profile)
        self.timings["llvm translation"] = time.perf_counter() - start
        start = time.perf_counter()
        # in this process at first, then in a worker process (LLVM's pass
        # manager keeps memory from every run: see symopt.lowering.llvm_worker)
        obj = _compile_object(f"{self._llvm_ir}\n{entry_ir}")
        self.timings["llvm optimization and code generation"] = time.perf_counter() - start
        return cache.Entry(abi, host, obj)

    def _link(self, entry: cache.Entry) -> None:
        abi = entry.abi
        self.func_name = abi["name"]
        self.args = [_slot(a) for a in abi["args"]]
        self.results = [_slot(r) for r in abi["results"]]
        self.errors = [CheckRecord(e["message"], e["kind"], e["nargs"]) for e in abi["errors"]]
        self.err_words = abi["err_words"]
        self.n_inputs = sum(1 for a in self.args if a.role == "input")
        self.host = None
        if entry.host is not None:
            from symopt.dialects.context import parse_module
            from symopt.passes.sym_split_host import HOST_ATTR
            from symopt.runtime.reference import ReferenceExecutor

            host = parse_module(entry.host)
            host.attributes.pop(HOST_ATTR)
            self.host = ReferenceExecutor(host)
        if self.profile and entry.library is not None:
            # a library is opened once per process: its counters would be shared
            # by every function made from the same graph
            entry = cache.Entry(entry.abi, entry.host, entry.obj)
        code = _Code(entry)
        self._code = code
        self._inplace = any(s.role == "inplace" for s in self.results)
        address = code.address(native_abi.entry_symbol(self.func_name))
        self._entry = (_ENTRY_HOLDING_GIL if self._inplace else _ENTRY)(address)
        name = abi.get("pyentry")
        self._python_entry = code.address(name) if name and python_entries() else None
        self._shared_names = native_abi.shared_names(abi)
        # with profile: per kernel, what it computes and its two counter words
        self._counters = [
            (text, (ctypes.c_int64 * 2).from_address(code.address(f"symopt.profile.{k}")))
            for k, text in enumerate(abi.get("kernels", []))
        ]
        # the call plan, made once: per argument its io position, whether it is a
        # shared variable, its name, rank, (0-d) scratch word and whether it is
        # updated in place; per result its io position, role, name, rank and dtype
        plan: list[tuple[int, bool, str, int, tuple[int, int], bool]] = []
        inplace = {s.name for s in self.results if s.role == "inplace"}
        pos = 0
        kinds: list[str] = []
        counts: list[int] = []
        for s in self.args:
            box = (-1, -1)
            code = _BOX_CODES.get(s.dtype.name)
            if s.rank == 0 and code is not None and array.array(code).itemsize == s.dtype.itemsize:
                # a box: an element of an array.array of the value's own type
                if code not in kinds:
                    kinds.append(code)
                    counts.append(0)
                kind = kinds.index(code)
                box = (kind, counts[kind])
                counts[kind] += 1
            plan.append((pos, s.role == "shared", s.name, s.rank, box, s.role == "shared" and s.name in inplace))
            pos += 1 + s.rank
        self._plan = plan
        self._arg_position = {s.name: i for i, s in enumerate(self.args) if s.role == "shared"}
        results_plan: list[tuple[int, str, str, int, np.dtype]] = []
        for s in self.results:
            results_plan.append((pos, s.role, s.name, s.rank, s.dtype))
            pos += 1 + s.rank
        self._results_plan = results_plan
        self._err_offset = 8 * pos
        self._template = array.array("q", bytes(8 * (pos + max(self.err_words, 1))))
        # the 0-d arguments travel in boxes: elements of arrays of their own
        # representation, one array per kind, copied afresh for every call
        self._box_templates = [
            array.array(code, bytes(array.array(code).itemsize * n)) for code, n in zip(kinds, counts)
        ]

    @property
    def _source(self) -> str:
        """The module compiled, as text."""
        if self._text is None:
            assert self._module is not None
            self._text = str(self._module)
        self._module = None
        return self._text

    @property
    def stages(self) -> dict[str, str]:
        """The module's text at each stage (``sym``, ``loop``, ``bufferized``, ``scf``,
        ``llvm``; ``host`` when draws run on the host). Printing every stage costs as
        much as compiling, so they are made on first use, by running the same
        (deterministic) pipeline again on the source module."""
        if self._stages is None:
            stages: dict[str, str] = {}
            from symopt.dialects.context import parse_module
            from symopt.passes.sym_split_host import HOST_ATTR

            module = parse_module(self._source)
            run_stages(module, self.pipeline, stages)
            if self._llvm_ir is None:
                self._llvm_ir = _translate(module, self.profile)[0]
            stages["llvm"] = self._llvm_ir
            for op in module.ops:
                if isinstance(op, ModuleOp) and HOST_ATTR in op.attributes:
                    stages["host"] = str(op)
            self._stages = stages
        return self._stages

    def kernel_profile(self) -> list[tuple[str, int, float]]:
        """With ``profile``: per kernel call site, what it computes, its calls and
        the seconds spent in it so far."""
        return [(text, int(words[1]), words[0] * 1e-9) for text, words in self._counters]

    @property
    def llvm_ir(self) -> str:
        """The LLVM IR before optimization."""
        if self._llvm_ir is None:
            self.stages  # noqa: B018 - made with the stages
        assert self._llvm_ir is not None
        return self._llvm_ir

    @property
    def optimized_ir(self) -> str:
        return str(self._optimized())

    def assembly(self) -> str:
        from symopt.lowering.machine import target_machine

        return target_machine().emit_assembly(self._optimized())

    def _optimized(self):  # type: ignore[no-untyped-def]
        from symopt.lowering.machine import optimize, parse_verified, target_machine

        if self._parsed is None:
            parsed = parse_verified(self.llvm_ir)
            optimize(parsed, target_machine())
            self._parsed = parsed
        return self._parsed

    def _unalias(self, arrays: list[np.ndarray], words: array.array) -> None:
        """Copy each argument that shares memory with a buffer the code updates in
        place (the code would read elements it has already overwritten)."""
        plan = self._plan
        for t, target in enumerate(plan):
            if not target[5] or target[4][0] >= 0:  # not written, or a box
                continue
            for i, a in enumerate(arrays):
                if i != t and plan[i][4][0] < 0 and np.may_share_memory(a, arrays[t]):
                    arrays[i] = a.copy()
                    words[plan[i][0]] = arrays[i].__array_interface__["data"][0]

    def python_entry(
        self, types: Sequence[object], scalars: Sequence[bool], unpack_single: bool,
        variables: Mapping[str, object], name: str | None,
    ) -> object | None:
        """The function's Python entry (``symopt.lowering.pyentry``) as a builtin
        for a ``Function`` whose inputs have ``types`` (``TensorType``s; a 0-d
        one taking a Python number where ``scalars`` says and its dtype
        converts them exactly), over the shared
        ``variables`` (by symbol): ``entry(*args)`` returns the call's result,
        or ``NotImplemented`` when the arguments need the Python path, and
        raises ``NativeFailure`` when a check failed. None where there is no
        entry, or the types are not those the code was compiled for."""
        if self._python_entry is None:
            return None
        inputs = [s for s in self.args if s.role == "input"]
        if len(inputs) != len(types):
            return None
        flags = int(unpack_single)
        for k, (t, slot, scalar) in enumerate(zip(types, inputs, scalars)):
            if np.dtype(t.dtype) != slot.dtype or t.ndim != slot.rank or tuple(t.shape) != slot.shape:  # type: ignore[attr-defined]
                return None
            flags |= int(bool(scalar) and native_abi.takes_python_scalars(slot.dtype)) << (1 + k)
        method = _MethodDef((name or self.func_name).encode(), self._python_entry, _METH_FASTCALL, None)
        # the builtin keeps its state, and so its method record and its code
        state = (flags, "_storage", *(variables[n] for n in self._shared_names), method, self)
        return _new_builtin(ctypes.addressof(method), state, None)

    def failure(self, error: Exception) -> Exception:
        """The error of the check a Python entry's run failed."""
        words = np.frombuffer(error.args[0], dtype=np.int64)
        return _error(self.errors[int(words[0]) - 1], words[1:])

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, object]
    ) -> tuple[list[np.ndarray], dict[str, object]]:
        """Run the entry point on NumPy arrays (already of the right dtypes and
        ranks) and the shared variables' storage; the outputs and the new values
        of the shared variables (every returned array is a fresh one, or the
        variable's own storage for an in-place update).

        The call builds the ``io`` words in an ``array.array`` (whose address is
        cheap to get); 0-d values travel by value, in scratch words whose
        addresses go in ``io``, so the common scalar call makes no NumPy
        pointer queries at all. Small results are copied into NumPy arrays and
        their buffers freed at once; large ones are wrapped where they lie."""
        host_writes: dict[str, object] = {}
        values = args
        if self.host is not None:
            samples, host_writes = self.host(args, globals_)  # type: ignore[arg-type]
            values = [*args, *samples]
        words = self._template[:]
        boxes = [t[:] for t in self._box_templates]
        arrays: list[np.ndarray] = []
        k = 0
        for pos, shared, name, rank, box, written in self._plan:
            if shared:
                a = globals_[name]
            else:
                a = values[k]
                k += 1
            if box[0] >= 0:
                store = boxes[box[0]]
                store[box[1]] = a.item()  # type: ignore[union-attr]
                words[pos] = store.buffer_info()[0] + store.itemsize * box[1]
            else:
                flags = a.flags  # type: ignore[union-attr]
                if not (flags.c_contiguous and flags.aligned) or (written and not flags.writeable):
                    # the code reads aligned C order, and writes what it updates
                    # in place: a copy (a read-only value is not written)
                    a = a.copy(order="C")  # type: ignore[union-attr]
                words[pos] = a.__array_interface__["data"][0]  # type: ignore[union-attr]
                words[pos + 1 : pos + 1 + rank] = array.array("q", a.shape)  # type: ignore[union-attr]
            arrays.append(a)  # type: ignore[arg-type]
        if self._inplace:
            self._unalias(arrays, words)
        base = words.buffer_info()[0]
        status = self._entry(base, base + self._err_offset)  # err: the words after io
        if status != 0:
            err = np.asarray(words[self._err_offset // 8 :], dtype=np.int64)
            raise _error(self.errors[status - 1], err)
        outputs: list[np.ndarray] = []
        writes: dict[str, object] = dict(host_writes)
        for pos, role, name, rank, dtype in self._results_plan:
            if role == "inplace":
                i = self._arg_position[name]
                value = arrays[i]
                kind, index = self._plan[i][4]
                if kind >= 0:  # the new value is in the argument's box
                    value = np.array(boxes[kind][index], dtype=dtype)
                writes[name] = value
                continue
            if rank == 0:  # returned by value
                value = _scalar(words[pos], dtype)
            else:
                value = _result_array(words[pos], tuple(words[pos + 1 : pos + 1 + rank]), dtype)
            if role == "shared":
                writes[name] = value
            else:
                outputs.append(value)
        return outputs, writes


_BOX_CODES = {
    "float64": "d", "float32": "f", "int64": "q", "int32": "i", "int16": "h", "int8": "b",
    "uint64": "Q", "uint32": "I", "uint16": "H", "uint8": "B", "bool": "B",
}  # fmt: skip
"""The array.array type code that holds a 0-d value of each dtype (checked to
have the dtype's size); other dtypes travel as arrays."""

_F64, _F32, _F16 = struct.Struct("<d"), struct.Struct("<f"), struct.Struct("<e")
_U64, _U32, _U16 = struct.Struct("<Q"), struct.Struct("<I"), struct.Struct("<H")


def _scalar(word: int, dtype: np.dtype) -> np.ndarray:
    """A 0-d result from its io word: its bits, widened to 64 (see the LLVM
    translation's ``ret``)."""
    if dtype.kind == "f":
        bits = word & 0xFFFFFFFFFFFFFFFF
        if dtype.itemsize == 8:
            return np.array(_F64.unpack(_U64.pack(bits))[0], dtype)
        if dtype.itemsize == 4:
            return np.array(_F32.unpack(_U32.pack(bits & 0xFFFFFFFF))[0], dtype)
        return np.array(_F16.unpack(_U16.pack(bits & 0xFFFF))[0], dtype)
    if dtype.kind == "u":
        return np.array(word & 0xFFFFFFFFFFFFFFFF, dtype)
    return np.array(word, dtype)


_SMALL = native_abi.SMALL_RESULT
"""Results up to this many bytes (32 KiB) are copied out and their buffers freed at
once, as the Python entry does: copying them costs less than wrapping the buffer
(a ctypes array and a finalizer per result)."""


def _result_array(address: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A result buffer malloc'ed by compiled code, as a NumPy array the caller
    owns: a copy (the buffer freed) when small, else the buffer itself."""
    count = 1
    for n in shape:
        count *= n
    nbytes = count * dtype.itemsize
    if nbytes > _SMALL:
        return _owned_array(address, shape, dtype)
    out = np.empty(shape, dtype)
    if nbytes:
        ctypes.memmove(out.__array_interface__["data"][0], address, nbytes)
    _FREE(address)
    return out


def abi_json(f: func.FuncOp) -> dict[str, object]:
    """The calling-convention record of a lowered entry function, as plain JSON
    values (what the disk cache keeps)."""
    from symopt.passes.loop_abi import read_abi

    record = read_abi(f)

    def slot(e: DictionaryAttr) -> dict[str, object]:
        s = Slot.of(e)
        return {"role": s.role, "name": s.name, "dtype": s.dtype.str, "rank": s.rank,
                "shape": [-1 if d is None else d for d in s.shape]}

    return {
        "name": f.sym_name.data,
        "args": [slot(e) for e in _entries(record, "args")],
        "results": [slot(e) for e in _entries(record, "results")],
        "errors": [
            {"message": e.data["message"].data, "kind": e.data["kind"].data, "nargs": e.data["nargs"].value.data}  # type: ignore[attr-defined]
            for e in _entries(record, "errors")
        ],
        "err_words": record.data["err_words"].value.data,  # type: ignore[attr-defined]
    }


def _translate(lowered: ModuleOp, profile: bool) -> tuple[str, str, dict[str, object], str | None]:
    """The LLVM IR of a lowered module; the IR of its function's Python entry,
    to compile with it ("" when draws run on the host: there is none); the
    function's calling-convention record (JSON); the host module's text (or
    None). The Python entry is runtime glue, not the function's code: it is not
    part of the ``llvm`` stage."""
    # not needed on a cache hit
    from symopt.lowering import imports, pyentry
    from symopt.lowering.llvm import translate_module
    from symopt.passes.sym_split_host import HOST_ATTR

    host = None
    for op in lowered.ops:
        if isinstance(op, ModuleOp) and HOST_ATTR in op.attributes:
            host = str(op)
    funcs = [op for op in lowered.ops if isinstance(op, func.FuncOp)]
    if len(funcs) != 1:
        raise ValueError(f"expected one function in the compiled module, found {len(funcs)}")
    abi = abi_json(funcs[0])
    translation = translate_module(lowered, profile=profile)
    abi["kernels"] = translation.counters
    module = translation.module
    text = str(module)
    extra = ""
    if host is None:
        before = set(module.globals)
        abi["pyentry"] = pyentry.add_python_entry(module, abi)
        extra = "\n".join(str(g) for name, g in module.globals.items() if name not in before)
    abi["imports"] = imports.names(module)
    return text, extra, abi, host


def _entries(record: DictionaryAttr, key: str) -> list[DictionaryAttr]:
    value = record.data[key]
    assert isinstance(value, ArrayAttr)
    return list(value.data)  # type: ignore[arg-type]


STAGE_AFTER = {
    "sym-split-host": "sym",
    "loop-fuse": "loop",
    "loop-dealloc": "bufferized",
}
"""The ``Function.ir`` stage each pass's output is (the final module is ``scf``)."""


def _at_sym_level(module: ModuleOp) -> bool:
    """Whether ``module``'s functions are still sym IR (tensors), not lowered."""
    for op in module.ops:
        if isinstance(op, func.FuncOp) and op.body.blocks:
            return any(isinstance(a.type, TensorType) for a in op.body.block.args) or any(
                o.dialect_name() == "sym" for o in op.walk()
            )
    return True


def run_stages(
    module: ModuleOp, pipeline: str, stages: dict[str, str] | None, lower: str = "lower-cpu"
) -> dict[str, float]:
    """Run ``pipeline`` (completed with ``lower`` if it leaves the module at the
    sym level) on
    ``module``; the seconds each pass took. If ``stages`` is given, it receives the
    module's text at each stage: ``sym`` (before ``convert-sym-to-loop``), ``loop``
    (after ``loop-fuse``), ``bufferized`` (after ``loop-dealloc``) and ``scf`` (at
    the end)."""
    from xdsl.passes import PassPipeline
    from xdsl.utils.arg_spec import parse_pipeline

    from symopt.dialects.context import sym_context
    from symopt.dialects.location import number
    from symopt.passes import available_passes, expand_pipeline

    number(module)  # run-time checks name their node (symopt.dialects.location)
    spec = expand_pipeline(pipeline)
    names = [p.name for p in parse_pipeline(spec)] if spec else []
    if "loop-bufferize" not in names and _at_sym_level(module):
        spec = expand_pipeline(f"{spec},{lower}" if spec else lower)
    timings: dict[str, float] = {}
    clock = [time.perf_counter()]

    def callback(previous, mod, following) -> None:  # type: ignore[no-untyped-def]
        now = time.perf_counter()
        if previous is not None:
            key = f"pass {previous.name}"
            timings[key] = timings.get(key, 0.0) + now - clock[0]
        if stages is not None:
            if following is not None and following.name == "convert-sym-to-loop":
                stages["sym"] = str(mod)
            if previous is not None and previous.name in STAGE_AFTER and previous.name != "sym-split-host":
                stages[STAGE_AFTER[previous.name]] = str(mod)
        clock[0] = time.perf_counter()

    PassPipeline.parse_spec(available_passes(), spec, callback).apply(sym_context(), module)
    now = time.perf_counter()
    if spec:
        last = list(parse_pipeline(spec))[-1].name
        timings[f"pass {last}"] = timings.get(f"pass {last}", 0.0) + now - clock[0]
    if stages is not None:
        stages.setdefault("sym", stages.get("loop", str(module)))
        stages["scf"] = str(module)
    return timings


_CACHE: dict[tuple[str, str], NativeExecutor] = {}
_CACHE_SIZE = 256


def compile_native(
    module: ModuleOp, pipeline: str = "cpu", source: str | None = None, profile: bool = False
) -> NativeExecutor:
    """A NativeExecutor for ``module`` (whose text is ``source``, when the caller
    has printed it already), reused when the same module was compiled with the
    same pipeline before in this process (``profile``: each kernel timed)."""
    digest = fingerprint(module)
    key = (digest, pipeline, profile)
    executor = _CACHE.pop(key, None)
    if executor is None:
        executor = NativeExecutor(module, pipeline, source, profile, digest)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = executor  # most recently used last
    return executor


def _error(info: CheckRecord, err: np.ndarray) -> Exception:
    values = [int(v) for v in err[1 : 1 + info.nargs]]
    message = info.message.format(*values)
    return IndexError(message) if info.kind == "index" else ValueError(message)
