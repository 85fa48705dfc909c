"""The kernels of a ``gpu.module`` to NVPTX LLVM IR and PTX (llvmlite's NVPTX target).

Each ``gpu.func`` becomes a ``ptx_kernel`` function (also listed in
``nvvm.annotations``, with its block size as ``maxntid``). Its parameters are, for
a memref argument, the data pointer, the offset, the sizes and the strides (all
``i64`` but the pointer), and the value itself for a scalar: the runtime passes
exactly these, in this order (``kernel_params``). The body is translated by the
CPU translation's op rules, except for:

* thread and block ids and dimensions: the ``llvm.nvvm.read.ptx.sreg.*`` registers;
* ``gpu.barrier``: ``llvm.nvvm.barrier0``;
* shared memory (``memref.alloca`` in memory space 3): a module-level array in
  address space 3;
* transcendental math: libdevice's ``__nv_*`` functions. LLVM's NVPTX back end has
  no library calls for ``llvm.exp``, ``llvm.log``, ``llvm.pow``, ``llvm.tanh``
  and the like and stops the process on them, so they are never emitted, and the
  module is checked for them before code generation;
* a failed ``loop.check``: its code and values go to the error buffer (the last
  argument) and the thread returns.

libdevice (``libdevice.10.bc``) is found through ``CUDA_HOME``/``CUDA_PATH``, next
to the ``ptxas`` on the ``PATH`` (following a wrapper script to its target), then
under ``/usr/local/cuda`` and ``/opt/cuda``; it is linked in, and everything but the
kernels made internal so that only what they call is kept.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from llvmlite import ir
from xdsl.dialects import gpu, memref
from xdsl.dialects.builtin import IntegerAttr, MemRefType, ModuleOp
from xdsl.ir import Operation

from symopt.dialects import loop
from symopt.lowering.llvm import (
    I32,
    I64,
    Desc,
    Translation,
    TranslationError,
    _FunctionTranslator,
    _resize_int,
    llvm_type,
    storage_type,
)

TRIPLE = "nvptx64-nvidia-cuda"
DATA_LAYOUT = "e-p3:32:32-i64:64-i128:128-v16:16-v32:32-n16:32:64"
DEFAULT_ARCH = "sm_90"

__all__ = [
    "DEFAULT_ARCH",
    "CudaToolkitError",
    "find_libdevice",
    "kernel_params",
    "ptx_of",
    "translate_kernels",
]


class CudaToolkitError(RuntimeError):
    """A part of the CUDA toolkit that PTX generation needs is missing."""


_LIBDEVICE_UNARY = {
    "math.exp": "exp", "math.exp2": "exp2", "math.expm1": "expm1", "math.log": "log",
    "math.log2": "log2", "math.log10": "log10", "math.log1p": "log1p", "math.sqrt": "sqrt",
    "math.rsqrt": "rsqrt", "math.sin": "sin", "math.cos": "cos", "math.tan": "tan",
    "math.asin": "asin", "math.acos": "acos", "math.atan": "atan", "math.sinh": "sinh",
    "math.cosh": "cosh", "math.tanh": "tanh", "math.erf": "erf", "math.floor": "floor",
    "math.ceil": "ceil", "math.roundeven": "rint", "math.round": "round", "math.trunc": "trunc",
    "math.absf": "fabs",
}  # fmt: skip
_LIBDEVICE_BINARY = {
    "math.powf": "pow", "math.atan2": "atan2", "math.copysign": "copysign",
    "arith.remf": "fmod",
}  # fmt: skip

_FORBIDDEN = re.compile(
    r"declare [^\n]*@llvm\.(exp|exp2|exp10|log|log2|log10|pow|powi|sin|cos|tan|asin|acos|atan|atan2|"
    r"sinh|cosh|tanh|frem)\.[^\n]*"
)
"""Intrinsics the NVPTX back end cannot lower (it would stop the process)."""

_SREG = {"gpu.thread_id": "tid", "gpu.block_id": "ctaid", "gpu.block_dim": "ntid", "gpu.grid_dim": "nctaid"}


def kernel_params(kernel: gpu.FuncOp) -> list[tuple[str, object]]:
    """What a launch passes for each argument of ``kernel``: ``("memref", rank)``
    (pointer, offset, sizes, strides) or ``("scalar", type)``."""
    params: list[tuple[str, object]] = []
    for t in kernel.function_type.inputs.data:
        if isinstance(t, MemRefType):
            params.append(("memref", len(t.get_shape())))
        else:
            params.append(("scalar", t))
    return params


class _KernelTranslator(_FunctionTranslator):
    outline_loops = False

    def __init__(self, tr: Translation, kernel: gpu.FuncOp, shared: dict[Operation, ir.GlobalVariable]):
        super().__init__(tr, kernel)  # type: ignore[arg-type]
        self.kernel = kernel
        self.shared = shared

    def translate(self) -> None:
        name = self.kernel.sym_name.data
        block = self.kernel.body.block
        types: list[ir.Type] = []
        for arg in block.args:
            t = arg.type
            if isinstance(t, MemRefType):
                rank = len(t.get_shape())
                types += [storage_type(t.element_type).as_pointer(), I64, *[I64] * (2 * rank)]
            else:
                types.append(llvm_type(t))
        fn = ir.Function(self.tr.module, ir.FunctionType(ir.VoidType(), types), name=name)
        fn.calling_convention = "ptx_kernel"
        self.fn = fn
        self.segmented = False
        self.table = None
        self.main_table = None
        self.begin(fn, ir.IRBuilder(fn.append_basic_block("entry")))
        params = iter(fn.args)
        for arg in block.args:
            t = arg.type
            if isinstance(t, MemRefType):
                rank = len(t.get_shape())
                ptr, offset = next(params), next(params)
                sizes = [next(params) for _ in range(rank)]
                strides = [next(params) for _ in range(rank)]
                shape = t.get_shape()
                sizes = [s if shape[k] < 0 else ir.Constant(I64, shape[k]) for k, s in enumerate(sizes)]
                self.descs[arg] = Desc(ptr, offset, sizes, strides, t.element_type)
            else:
                self.values[arg] = next(params)
        if block.args and "symopt.err" in self.kernel.attributes:
            err = self.descs[block.args[-1]]
            self.err = self.b.gep(err.ptr, [err.offset])
        self.block(block)
        self.finish_part()
        module = self.tr.module
        annotations = module.add_named_metadata("nvvm.annotations")
        annotations.add(module.add_metadata([fn, "kernel", ir.Constant(I32, 1)]))
        known = self.kernel.attributes.get("gpu.known_block_size")
        if known is not None:
            for axis, size in zip("xyz", known.get_values()):  # type: ignore[attr-defined]
                annotations.add(module.add_metadata([fn, f"maxntid{axis}", ir.Constant(I32, int(size))]))

    def finish_part(self) -> None:
        self.entry_builder.branch(self.start)
        if self.fail_used:
            self.current.basic_blocks.append(self.fail)
            ir.IRBuilder(self.fail).ret_void()

    def check(self, op: loop.CheckOp) -> None:
        """A failed check: the first failing thread (an atomic compare-and-swap of
        the code word from 0) writes its code and values; the thread returns."""
        b = self.b
        code = op.attributes["code"].value.data  # type: ignore[attr-defined]
        ok_block = b.append_basic_block(f"check{code}.ok")
        fail_block = b.append_basic_block(f"check{code}.fail")
        first_block = b.append_basic_block(f"check{code}.first")
        b.cbranch(self.v(op.condition), ok_block, fail_block)
        b.position_at_end(fail_block)
        self.fail_used = True
        swapped = b.cmpxchg(self.err, ir.Constant(I64, 0), ir.Constant(I64, code), "monotonic", "monotonic")
        b.cbranch(b.extract_value(swapped, 1), first_block, self.fail)
        b.position_at_end(first_block)
        for k, a in enumerate(op.args):
            value = _resize_int(b, self.v(a), I64, signed=True)
            b.store(value, b.gep(self.err, [ir.Constant(I64, 1 + k)]))
        b.branch(self.fail)
        b.position_at_end(ok_block)

    def op(self, op: Operation) -> list[ir.Value] | None:
        b = self.b
        name = op.name
        if name in _SREG:
            axis = op.dimension.data.value  # type: ignore[attr-defined]
            reg = self.declare(f"llvm.nvvm.read.ptx.sreg.{_SREG[name]}.{axis}", I32, [])
            self.values[op.results[0]] = b.zext(b.call(reg, []), I64)
        elif isinstance(op, gpu.BarrierOp):
            b.call(self.declare("llvm.nvvm.barrier0", ir.VoidType(), []), [])
        elif isinstance(op, gpu.ReturnOp):
            b.ret_void()
            return []
        elif isinstance(op, memref.AllocaOp):
            self.alloca(op)
        elif name in _LIBDEVICE_UNARY:
            x = self.v(op.operands[0])
            self.values[op.results[0]] = self.libdevice(_LIBDEVICE_UNARY[name], [x])
        elif name in _LIBDEVICE_BINARY:
            args = [self.v(v) for v in op.operands]
            self.values[op.results[0]] = self.libdevice(_LIBDEVICE_BINARY[name], args)
        elif isinstance(op, memref.AllocOp):
            raise TranslationError("a kernel cannot allocate device memory (memref.alloc)")
        else:
            return super().op(op)
        return None

    def libdevice(self, base: str, args: Sequence[ir.Value]) -> ir.Value:
        t = args[0].type
        if isinstance(t, ir.HalfType):
            wide = [self.b.fpext(a, ir.FloatType()) for a in args]
            return self.b.fptrunc(self.libdevice(base, wide), t)
        suffix = "f" if isinstance(t, ir.FloatType) else ""
        fn = self.declare(f"__nv_{base}{suffix}", t, [t] * len(args))
        return self.b.call(fn, list(args))

    def alloca(self, op: memref.AllocaOp) -> None:
        t = op.memref.type
        assert isinstance(t, MemRefType)
        shape = t.get_shape()
        if any(s < 0 for s in shape):
            raise TranslationError("memref.alloca in a kernel needs a static shape")
        count = 1
        for s in shape:
            count *= s
        elem = storage_type(t.element_type)
        space = t.memory_space
        shared = isinstance(space, IntegerAttr) and space.value.data == 3
        if shared:
            g = ir.GlobalVariable(self.tr.module, ir.ArrayType(elem, count), name=f"{self.kernel.sym_name.data}.shared{len(self.shared)}", addrspace=3)
            g.linkage = "internal"
            g.initializer = ir.Constant(ir.ArrayType(elem, count), ir.Undefined)
            g.align = 16
            self.shared[op] = g
            first = self.b.gep(g, [ir.Constant(I32, 0), ir.Constant(I32, 0)], inbounds=True)
            ptr = self.b.addrspacecast(first, elem.as_pointer())
        else:
            ptr = self.entry_builder.alloca(elem, size=ir.Constant(I64, count))
        sizes = [ir.Constant(I64, s) for s in shape]
        strides = [ir.Constant(I64, 1)] * len(shape)
        for k in range(len(shape) - 2, -1, -1):
            strides[k] = ir.Constant(I64, strides[k + 1].constant * shape[k + 1])
        self.descs[op.memref] = Desc(ptr, ir.Constant(I64, 0), sizes, strides, t.element_type)


def translate_kernels(module: ModuleOp) -> ir.Module:
    """NVPTX LLVM IR (unlinked, unoptimized) for every kernel of the module's
    ``gpu.module``s."""
    ir_module = ir.Module(name="symopt_kernels")
    ir_module.triple = TRIPLE
    ir_module.data_layout = DATA_LAYOUT
    tr = Translation(ir_module, [])
    shared: dict[Operation, ir.GlobalVariable] = {}
    found = False
    for op in module.ops:
        if isinstance(op, gpu.ModuleOp):
            for kernel in op.body.block.ops:
                if isinstance(kernel, gpu.FuncOp):
                    _KernelTranslator(tr, kernel, shared).translate()
                    tr.functions.append(kernel.sym_name.data)
                    found = True
    if not found:
        raise TranslationError("the module has no gpu.module with kernels (lower it with -p gpu)")
    return ir_module


# -- the toolkit ----------------------------------------------------------------------


def _toolkit_roots() -> list[Path]:
    roots: list[Path] = []
    for var in ("CUDA_HOME", "CUDA_PATH"):
        value = os.environ.get(var)
        if value:
            roots.append(Path(value))
    ptxas = shutil.which("ptxas")
    if ptxas is not None:
        path = Path(ptxas).resolve()
        roots.append(path.parent.parent)
        target = _wrapped(path)
        if target is not None:
            roots.append(target.parent.parent)
    roots += [Path("/usr/local/cuda"), Path("/opt/cuda")]
    return roots


def _wrapped(path: Path) -> Path | None:
    """The program a small ``exec`` wrapper script runs, if ``path`` is one."""
    try:
        if path.stat().st_size > 4096:
            return None
        text = path.read_text(errors="replace")
    except OSError:
        return None
    match = re.search(r"exec\s+\"?([^\s\"]+ptxas)\"?", text)
    return Path(match.group(1)) if match else None


@lru_cache(maxsize=1)
def find_libdevice() -> Path:
    """The path of libdevice.10.bc; CudaToolkitError naming where it looked."""
    looked: list[str] = []
    for root in _toolkit_roots():
        candidate = root / "nvvm" / "libdevice" / "libdevice.10.bc"
        looked.append(str(candidate))
        if candidate.is_file():
            return candidate
    raise CudaToolkitError(
        "libdevice.10.bc (the CUDA toolkit's math library for PTX) was not found; looked "
        "in " + ", ".join(dict.fromkeys(looked)) + " (set CUDA_HOME to the toolkit's directory)"
    )


def find_ptxas() -> str | None:
    """The ``ptxas`` to check PTX with: on the PATH, or in a toolkit root."""
    found = shutil.which("ptxas")
    if found is not None:
        return found
    for root in _toolkit_roots():
        candidate = root / "bin" / "ptxas"
        if candidate.is_file():
            return str(candidate)
    return None


@lru_cache(maxsize=1)
def _nvptx():  # type: ignore[no-untyped-def]
    import llvmlite.binding as llvm

    llvm.initialize_all_targets()
    llvm.initialize_all_asmprinters()
    return llvm


@dataclass(frozen=True)
class Ptx:
    """The PTX of a module's kernels and what produced it."""

    text: str
    arch: str
    kernels: list[str]
    llvm_ir: str


def ptx_of(module: ModuleOp, arch: str = DEFAULT_ARCH) -> Ptx:
    """PTX for ``arch`` (``sm_XY``) of every kernel of a module lowered with ``-p gpu``:
    translated, verified, linked with libdevice when it calls it, optimized at O3
    and compiled by llvmlite's NVPTX target. Raises TranslationError for IR it
    cannot translate, CudaToolkitError when libdevice is needed and missing.
    With ``SYMOPT_CHECK_PTX`` set in the environment (the test suite sets it),
    ``ptxas`` assembles every PTX made, and a rejection raises RuntimeError."""
    if not re.fullmatch(r"sm_\d{2,3}[a-z]?", arch):
        raise ValueError(f"unknown GPU architecture {arch!r} (expected a name like sm_90)")
    llvm = _nvptx()
    from symopt.lowering.machine import parse_verified

    ir_module = translate_kernels(module)
    text = str(ir_module)
    forbidden = _FORBIDDEN.search(text)
    if forbidden:
        raise TranslationError(f"internal error: an intrinsic NVPTX cannot lower: {forbidden.group(0)}")
    kernels = [f.name for f in ir_module.functions if f.calling_convention == "ptx_kernel"]
    parsed = parse_verified(text)
    if "__nv_" in text:
        libdevice = llvm.parse_bitcode(find_libdevice().read_bytes())
        libdevice.triple = TRIPLE
        libdevice.data_layout = DATA_LAYOUT
        parsed.link_in(libdevice)
        for f in parsed.functions:
            if f.name not in kernels and not f.is_declaration:
                f.linkage = "internal"
    target = llvm.Target.from_triple(TRIPLE)
    machine = target.create_target_machine(cpu=arch, opt=3, codemodel="default")
    _optimize(parsed, machine)
    ptx = machine.emit_assembly(parsed)
    if os.environ.get("SYMOPT_CHECK_PTX"):
        check_with_ptxas(ptx, arch)
    return Ptx(ptx, arch, kernels, text)


def _optimize(parsed, machine) -> None:  # type: ignore[no-untyped-def]
    llvm = _nvptx()
    options = llvm.create_pipeline_tuning_options(speed_level=3)
    builder = llvm.create_pass_builder(machine, options)
    manager = builder.getModulePassManager()
    manager.run(parsed, builder)


def check_with_ptxas(ptx: str, arch: str = DEFAULT_ARCH) -> None:
    """Assemble PTX with ``ptxas -arch=arch``; RuntimeError with its messages if it
    rejects it, CudaToolkitError if there is no ptxas."""
    import subprocess
    import tempfile

    ptxas = find_ptxas()
    if ptxas is None:
        raise CudaToolkitError("ptxas was not found on the PATH or in a CUDA toolkit directory")
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "kernels.ptx"
        src.write_text(ptx)
        done = subprocess.run(
            [ptxas, f"-arch={arch}", str(src), "-o", str(Path(d) / "kernels.cubin")],
            check=False,
            capture_output=True, text=True,
        )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"ptxas -arch={arch} rejected the PTX:\n{done.stderr.strip()}")

