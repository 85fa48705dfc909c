"""The native executor: a module compiled to machine code with LLVM (llvmlite).

``NativeExecutor(module)`` runs the ``cpu`` pipeline on a copy of the sym module,
translates the result to LLVM IR, verifies it (this LLVM aborts the process on
invalid IR, so nothing unverified reaches code generation), optimizes it at O3 for
the host CPU and JIT-compiles it. A call packs the arrays' data pointers and sizes
into one int64 array, calls the entry point once, and wraps the returned buffers
as NumPy arrays that free them when they are collected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr

from symopt.dialects.types import dtype_of, static_shape
from symopt.lowering.llvm import CheckInfo, translate_module

_ENTRY = ctypes.CFUNCTYPE(ctypes.c_int32, ctypes.c_void_p, ctypes.c_void_p)


@lru_cache(maxsize=1)
def _llvm():  # type: ignore[no-untyped-def]
    """Initialize LLVM once: native target, host CPU, runtime symbols."""
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    _bind_symbols(llvm)
    return llvm, llvm.get_host_cpu_name(), llvm.get_host_cpu_features().flatten()


def _target_machine():  # type: ignore[no-untyped-def]
    """A target machine for the host CPU (a JIT engine takes ownership of one, so
    each compilation gets its own)."""
    llvm, cpu, features = _llvm()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(
        cpu=cpu, features=features, opt=3, codemodel="jitdefault"
    )


def _bind_symbols(llvm) -> None:  # type: ignore[no-untyped-def]
    libc = ctypes.CDLL(None)
    for name in ("malloc", "free"):
        llvm.add_symbol(name, ctypes.cast(getattr(libc, name), ctypes.c_void_p).value)
    libm_name = ctypes.util.find_library("m")
    libm = ctypes.CDLL(libm_name) if libm_name else libc
    for name in ("log1p", "expm1", "log1pf", "expm1f"):
        llvm.add_symbol(name, ctypes.cast(getattr(libm, name), ctypes.c_void_p).value)
    llvm.load_library_permanently(libm_name) if libm_name else None
    from scipy.linalg import cython_blas

    get_name = ctypes.pythonapi.PyCapsule_GetName
    get_name.restype = ctypes.c_char_p
    get_name.argtypes = [ctypes.py_object]
    get_pointer = ctypes.pythonapi.PyCapsule_GetPointer
    get_pointer.restype = ctypes.c_void_p
    get_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]
    for name in ("dgemm", "sgemm", "dgemv", "sgemv"):
        capsule = cython_blas.__pyx_capi__[name]  # type: ignore[attr-defined]
        llvm.add_symbol(f"symopt_{name}", get_pointer(capsule, get_name(capsule)))


def _free_address() -> int:
    return ctypes.cast(ctypes.CDLL(None).free, ctypes.c_void_p).value  # type: ignore[return-value]


_FREE = ctypes.CFUNCTYPE(None, ctypes.c_void_p)(_free_address())


def _owned_array(address: int, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A NumPy array over a malloc'ed buffer, freed with the array."""
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buffer = (ctypes.c_char * max(nbytes, 1)).from_address(address)
    weakref.finalize(buffer, _FREE, address)
    return np.frombuffer(buffer, dtype=dtype, count=nbytes // dtype.itemsize).reshape(shape)


@dataclass
class CompiledModule:
    """The stages of one compiled function, kept for introspection."""

    scf: ModuleOp
    llvm_ir: str
    assembly: str | None


class NativeExecutor:
    """Compile a sym module to native code; calling it runs the entry function."""

    def __init__(self, module: ModuleOp, pipeline: str = "cpu"):
        sym_func = next(op for op in module.ops if isinstance(op, func.FuncOp))
        self.output_dtypes = [np.dtype(dtype_of(t)) for t in sym_func.function_type.outputs]
        self.output_ranks = [len(static_shape(t)) for t in sym_func.function_type.outputs]
        lowered = module.clone()
        self.stages = run_stages(lowered, pipeline)
        lowered.verify()
        f = next(op for op in lowered.ops if isinstance(op, func.FuncOp))
        self.func_name = f.sym_name.data
        self.globals = _strings(f.attributes["symopt.globals"])
        self.writes = _strings(f.attributes["symopt.writes"])
        n_inputs = f.attributes["symopt.inputs"].value.data  # type: ignore[attr-defined]
        global_types = {}
        for op in module.ops:
            if type(op).__name__ == "GlobalOp" and op.name == "sym.global":
                global_types[op.sym_name.data] = op.type  # type: ignore[attr-defined]
        arg_ranks = [len(static_shape(a.type)) for a in sym_func.body.block.args]
        arg_ranks += [len(static_shape(global_types[g])) for g in self.globals]
        self.n_inputs = n_inputs
        self.write_dtypes = [np.dtype(dtype_of(global_types[w])) for w in self.writes]
        self.write_ranks = [len(static_shape(global_types[w])) for w in self.writes]
        self.arg_ranks = arg_ranks
        self.result_ranks = self.output_ranks + self.write_ranks
        self.scf = lowered

        translation = translate_module(lowered)
        self.checks: list[CheckInfo] = translation.checks[self.func_name]
        self.llvm_ir = str(translation.module)
        self.stages["llvm"] = self.llvm_ir
        llvm = _llvm()[0]
        parsed = parse_verified(self.llvm_ir)
        _optimize(llvm, _target_machine(), parsed)
        self.optimized_ir = str(parsed)
        self._parsed = parsed
        engine = llvm.create_mcjit_compiler(parsed, _target_machine())
        engine.finalize_object()
        self._engine = engine
        self._entry = _ENTRY(engine.get_function_address(self.func_name))
        self._words = sum(1 + r for r in arg_ranks) + sum(1 + r for r in self.result_ranks)
        self._err = np.zeros(16, dtype=np.int64)

    def assembly(self) -> str:
        return _target_machine().emit_assembly(self._parsed)

    def __call__(
        self, args: Sequence[np.ndarray], globals_: Mapping[str, np.ndarray]
    ) -> tuple[list[np.ndarray], dict[str, np.ndarray]]:
        arrays = [_contiguous(a) for a in args] + [_contiguous(globals_[g]) for g in self.globals]
        io = np.empty(self._words, dtype=np.int64)
        pos = 0
        for a in arrays:
            io[pos] = a.ctypes.data
            io[pos + 1 : pos + 1 + a.ndim] = a.shape
            pos += 1 + a.ndim
        result_pos = pos
        err = self._err
        status = self._entry(io.ctypes.data, err.ctypes.data)
        if status != 0:
            raise _error(self.checks[status - 1], err)
        outputs: list[np.ndarray] = []
        pos = result_pos
        storage = {g: a for g, a in zip(self.globals, arrays[len(args) :])}
        results: list[np.ndarray] = []
        dtypes = self.output_dtypes + self.write_dtypes
        names = [None] * len(self.output_dtypes) + self.writes
        for rank, dtype, name in zip(self.result_ranks, dtypes, names):
            address = int(io[pos])
            shape = tuple(int(s) for s in io[pos + 1 : pos + 1 + rank])
            pos += 1 + rank
            if name is not None and name in storage and storage[name].ctypes.data == address:
                results.append(storage[name])  # updated in place
            else:
                results.append(_owned_array(address, shape, dtype))
        outputs = results[: len(self.output_dtypes)]
        writes = dict(zip(self.writes, results[len(self.output_dtypes) :]))
        return outputs, writes


STAGES = ("sym", "loop", "bufferized", "scf", "llvm")
"""The stages ``Function.ir`` shows for native code."""


def run_stages(module: ModuleOp, pipeline: str) -> dict[str, str]:
    """Run ``pipeline`` (completed with ``lower-cpu`` if it stops at the sym level)
    pass by pass; the module's text at each stage: ``sym`` (before
    ``convert-sym-to-loop``), ``loop`` (after ``loop-fuse``), ``bufferized`` (after
    ``loop-bufferize``) and ``scf`` (at the end)."""
    from xdsl.passes import PassPipeline
    from xdsl.utils.arg_spec import parse_pipeline

    from symopt.dialects.context import sym_context
    from symopt.passes import available_passes, expand_pipeline

    spec = expand_pipeline(pipeline)
    names = [p.name for p in parse_pipeline(spec)] if spec else []
    if "loop-bufferize" not in names:
        spec = expand_pipeline(f"{spec},lower-cpu" if spec else "lower-cpu")
    stages: dict[str, str] = {}

    def callback(previous, mod, following) -> None:  # type: ignore[no-untyped-def]
        if following is not None and following.name == "convert-sym-to-loop":
            stages["sym"] = str(mod)
        if previous is not None and previous.name in ("loop-fuse", "loop-bufferize"):
            stages["loop" if previous.name == "loop-fuse" else "bufferized"] = str(mod)

    PassPipeline.parse_spec(available_passes(), spec, callback).apply(sym_context(), module)
    stages.setdefault("sym", stages.get("loop", str(module)))
    stages["scf"] = str(module)
    return stages


_CACHE: dict[tuple[str, str], NativeExecutor] = {}
_CACHE_SIZE = 256


def compile_native(module: ModuleOp, pipeline: str = "cpu") -> NativeExecutor:
    """A NativeExecutor for ``module``, reused when the same module text was
    compiled with the same pipeline before in this process."""
    key = (str(module), pipeline)
    executor = _CACHE.pop(key, None)
    if executor is None:
        executor = NativeExecutor(module, pipeline)
        while len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = executor  # most recently used last
    return executor


def _contiguous(a: np.ndarray) -> np.ndarray:
    return a if a.flags.c_contiguous else a.copy(order="C")


def _strings(attr: object) -> list[str]:
    assert isinstance(attr, ArrayAttr)
    return [s.data for s in attr.data if isinstance(s, StringAttr)]


def _error(info: CheckInfo, err: np.ndarray) -> Exception:
    values = [int(v) for v in err[1 : 1 + info.nargs]]
    message = info.message.format(*values)
    return IndexError(message) if info.kind == "index" else ValueError(message)


def parse_verified(text: str):  # type: ignore[no-untyped-def]
    """Parse and verify LLVM IR text (LLVM must never see an invalid module: its
    assertions abort the process)."""
    llvm = _llvm()[0]
    try:
        parsed = llvm.parse_assembly(text)
        parsed.verify()
    except RuntimeError as e:
        raise ValueError(f"invalid LLVM IR: {e}") from None
    return parsed


def optimize_ir(text: str) -> str:
    """LLVM IR text optimized at O3 for the host CPU."""
    parsed = parse_verified(text)
    _optimize(_llvm()[0], _target_machine(), parsed)
    return str(parsed)


def assemble(text: str) -> str:
    """Host assembly of LLVM IR text, after O3."""
    parsed = parse_verified(text)
    _optimize(_llvm()[0], _target_machine(), parsed)
    return _target_machine().emit_assembly(parsed)


def _optimize(llvm, machine, module) -> None:  # type: ignore[no-untyped-def]
    pto = llvm.create_pipeline_tuning_options(speed_level=3)
    pto.loop_vectorization = True
    pto.slp_vectorization = True
    pto.loop_unrolling = True
    builder = llvm.create_pass_builder(machine, pto)
    manager = builder.getModulePassManager()
    manager.run(module, builder)



