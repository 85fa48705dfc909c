"""Translation of the scf/memref/arith/math level to LLVM IR (llvmlite).

This is a direct translation rather than passes to xDSL's ``llvm`` dialect plus its
llvmlite converter: xDSL 0.74 has no arith/math/func/memref-to-llvm conversions,
and memref descriptors, structured loops and run-time checks map naturally onto
llvmlite's IR builder. A memref is kept as a descriptor of LLVM values (data
pointer, offset, sizes, strides); static sizes and strides are constants, so the
loops over contiguous buffers are unit-stride and vectorize.

The entry point follows the calling convention that ``loop-abi`` records on the
function (``symopt.abi``, read here and nowhere else in this module): ``i32 @f(i64*
io, i64* err)``, where ``io`` holds, for each argument and then each result, the
data pointer followed by the sizes (arguments are read, results written). A failed
``loop.check`` stores its code and its values in ``err`` and jumps to one shared
exit that frees the buffers allocated so far and returns the code; success
returns 0.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from llvmlite import ir
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    FloatAttr,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue

from symopt.dialects import loop
from symopt.dialects.structure import structure
from symopt.dialects.types import numpy_from_dense
from symopt.lowering import imports
from symopt.lowering.native_abi import blas_import, blas_int_bits, entry_symbol
from symopt.lowering.runtime import PARALLEL_FOR_ARGS, TASK_T

I1, I8, I32, I64 = ir.IntType(1), ir.IntType(8), ir.IntType(32), ir.IntType(64)
I8P = I8.as_pointer()
HUGE_PAGE_BYTES = 1 << 22
"""Allocations from this size up ask for transparent huge pages (NumPy's threshold)."""
MADV_HUGEPAGE = 14
ARENA_BYTES = 1 << 15
"""The entry function's arena: temporaries of its own block take their memory
from a buffer of this size in its stack frame while it lasts (see ``alloc``)."""
ARENA_ALIGN = 64
PARALLEL_ALIGN = 256
"""Chunks of a one-loop parallel nest start at multiples of this many iterations
(a multiple of any vector width times unroll factor), so that the vector loop and
its scalar remainder cover the same elements with any number of threads."""


class TranslationError(ValueError):
    """The module contains an op the LLVM translation does not handle."""


def llvm_type(t: Attribute) -> ir.Type:
    if isinstance(t, IndexType):
        return I64
    if isinstance(t, IntegerType):
        return ir.IntType(t.width.data)
    if isinstance(t, Float64Type):
        return ir.DoubleType()
    if isinstance(t, Float32Type):
        return ir.FloatType()
    if isinstance(t, Float16Type):
        return ir.HalfType()
    raise TranslationError(f"no LLVM type for {t}")


def storage_type(t: Attribute) -> ir.Type:
    """How an element is stored in memory (i1 as a byte, like NumPy's bool)."""
    lt = llvm_type(t)
    return I8 if lt == I1 else lt


@dataclass
class Desc:
    """A memref: where its elements are."""

    ptr: ir.Value
    offset: ir.Value
    sizes: list[ir.Value]
    strides: list[ir.Value]
    element: Attribute


@dataclass
class CheckInfo:
    """A ``loop.check`` of the translated function, numbered from 1."""

    message: str
    kind: str
    nargs: int


@dataclass
class Translation:
    module: ir.Module
    functions: list[str]
    checks: dict[str, list[CheckInfo]] = field(default_factory=dict)
    """Per function, its checks in order (code i is checks[i - 1])."""
    kernels: dict[object, ir.Function] = field(default_factory=dict)
    """Outlined loop nests by their structure (identical ones are shared)."""
    externals: set[str] = field(default_factory=set)
    """External symbols the module calls by name (malloc, free, libm); the
    others are imports (``symopt.lowering.imports``)."""
    profile: bool = False
    """Time every kernel call (see ``_FunctionTranslator.timed``)."""
    counters: list[str] = field(default_factory=list)
    """With ``profile``: per counter ``symopt.profile.N`` (two words: nanoseconds
    and calls), what its kernel computes."""
    vector_math: tuple[tuple[str, int], ...] = ()
    """The SIMD variants of a vector math library (glibc's libmvec) that math
    calls may use, as (ISA letter of the x86 vector ABI, register bits); see
    ``symopt.lowering.machine.vector_math_variants``."""
    threads: bool = False
    """Whether loops marked ``symopt.parallel`` are split over threads at run time
    (through the runtime's ``symopt_parallel_for``, see
    ``symopt.lowering.runtime``)."""
    pool: bool = False
    """Whether large buffers come from and go back to the runtime's pool
    (``symopt_pool_take``/``symopt_pool_give``, see ``symopt.lowering.runtime``)."""
    huge_pages: bool = False
    """Whether large allocations ask the kernel for transparent huge pages (Linux's
    ``madvise(MADV_HUGEPAGE)``)."""
    variants: list[ir.Function] = field(default_factory=list)
    """The SIMD functions declared for ``vector_math`` (kept in
    ``llvm.compiler.used`` so that the vectorizer finds them)."""


_MATH = {
    "math.exp": "exp",
    "math.log": "log",
    "math.log2": "log2",
    "math.log10": "log10",
    "math.log1p": "log1p",
    "math.expm1": "expm1",
    "math.sin": "sin",
    "math.cos": "cos",
    "math.tan": "tan",
    "math.asin": "asin",
    "math.acos": "acos",
    "math.atan": "atan",
    "math.sinh": "sinh",
    "math.cosh": "cosh",
    "math.tanh": "tanh",
    "math.atan2": "atan2",
    "math.powf": "pow",
}
"""Transcendental math, by the C name of its float64 function. With a vector math
library (``Translation.vector_math``) each is a call to the C function that names
its SIMD variants, so the loop vectorizer calls those; without one, LLVM's
intrinsic where there is one (``_NO_INTRINSIC`` lists the others)."""
_NO_INTRINSIC = frozenset({"log1p", "expm1"})
_INTRINSIC_UNARY = {
    "math.sqrt": "llvm.sqrt",
    "math.floor": "llvm.floor",
    "math.ceil": "llvm.ceil",
    "math.roundeven": "llvm.roundeven",
    "math.absf": "llvm.fabs",
}
_FLOAT_BINARY = {
    "arith.addf": "fadd",
    "arith.subf": "fsub",
    "arith.mulf": "fmul",
    "arith.divf": "fdiv",
}
_INT_BINARY = {
    "arith.addi": "add",
    "arith.subi": "sub",
    "arith.muli": "mul",
    "arith.divsi": "sdiv",
    "arith.divui": "udiv",
    "arith.remsi": "srem",
    "arith.remui": "urem",
    "arith.andi": "and_",
    "arith.ori": "or_",
    "arith.xori": "xor",
    "arith.shli": "shl",
    "arith.shrsi": "ashr",
    "arith.shrui": "lshr",
}
_FCMP = {
    "oeq": "==", "one": "!=", "olt": "<", "ole": "<=", "ogt": ">", "oge": ">=",
    "ueq": "==", "une": "!=", "ult": "<", "ule": "<=", "ugt": ">", "uge": ">=",
}  # fmt: skip
_ICMP = {
    "eq": ("==", True), "ne": ("!=", True),
    "slt": ("<", True), "sle": ("<=", True), "sgt": (">", True), "sge": (">=", True),
    "ult": ("<", False), "ule": ("<=", False), "ugt": (">", False), "uge": (">=", False),
}  # fmt: skip


def _suffix(t: ir.Type) -> str:
    if isinstance(t, ir.DoubleType):
        return "f64"
    if isinstance(t, ir.FloatType):
        return "f32"
    if isinstance(t, ir.HalfType):
        return "f16"
    return f"i{t.width}"


class _FunctionTranslator:
    def __init__(self, tr: Translation, f: func.FuncOp):
        self.tr = tr
        self.f = f
        self.values: dict[SSAValue, ir.Value] = {}
        self.descs: dict[SSAValue, Desc] = {}
        self.checks: list[CheckInfo] = []
        self.slots: dict[SSAValue, int] = {}
        self.arena_allocs: set[Operation] = set()
        self.in_arena: set[SSAValue] = set()
        """Per allocated buffer, its entry in the table of allocations."""
        # the parts of a long entry function and their frame: see ``block``
        self.segmented = False
        self.last_use: dict[SSAValue, int] = {}
        self.framed: dict[SSAValue, tuple[Desc | None, list[ir.Value | tuple[int, ir.Type]]]] = {}
        """Per value stored for later parts: its buffer description (None for a
        scalar) and per part a constant or its frame slot and type."""
        self.segment: list[SSAValue] = []
        self.cells: dict[int, int] = {}
        """Per LLVM value (by id; the module keeps it alive) stored for later
        parts, its frame slot."""
        self.loaded: dict[int, ir.Value] = {}
        """Per frame slot, its load in this part."""
        self.frame_size = 0
        self.kernels: list[ir.Function] = []
        self.outlined = 0

    # -- helpers ---------------------------------------------------------------

    def declare(self, name: str, ret: ir.Type, args: Sequence[ir.Type]) -> ir.Function:
        module = self.tr.module
        existing = module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        if imports.is_import(name):
            return imports.function(module, name, ret, list(args))
        fn = ir.Function(module, ir.FunctionType(ret, list(args)), name=name)
        if not name.startswith("llvm."):
            self.tr.externals.add(name)
        return fn

    def intrinsic(self, name: str, t: ir.Type, n: int = 1) -> ir.Function:
        return self.declare(f"{name}.{_suffix(t)}", t, [t] * n)

    def v(self, value: SSAValue) -> ir.Value:
        return self.values[value]

    def const_i64(self, c: int) -> ir.Value:
        return ir.Constant(I64, c)

    # -- entry -----------------------------------------------------------------

    def translate(self) -> None:
        name = self.f.sym_name.data
        record = self.f.attributes.get("symopt.abi")
        if record is None:
            raise TranslationError(
                f"@{name} has no calling-convention record (symopt.abi); run loop-abi"
            )
        arg_shapes = [_record_shape(a) for a in record.data["args"].data]  # type: ignore[attr-defined]
        self.result_kinds = [(r.data["role"].data, r.data["dtype"].data) for r in record.data["results"].data]  # type: ignore[attr-defined]
        fn = ir.Function(
            self.tr.module, ir.FunctionType(ir.IntType(32), [I64.as_pointer(), I64.as_pointer()]),
            name=entry_symbol(name),
        )
        fn.args[0].name, fn.args[1].name = "io", "err"
        self.fn = fn
        block = self.f.body.block
        self.segmented = sum(1 for _ in block.ops) > self.SEGMENT
        main_entry = ir.IRBuilder(fn.append_basic_block("entry"))
        # what a failed check must free: every allocation stores its pointer in a
        # table (null once freed) that the shared exit hands to @symopt.free_all;
        # the table escapes into that call, so LLVM keeps it in memory instead of
        # threading every pointer through every exit edge as SSA values
        n_allocs = sum(1 for o in self.f.walk() if isinstance(o, memref.AllocOp))
        has_checks = any(isinstance(o, loop.CheckOp) for o in self.f.walk())
        table: ir.Value | None = None
        if n_allocs and has_checks:
            array = main_entry.alloca(ir.ArrayType(I8P, n_allocs), name="allocations")
            memset = self.declare("llvm.memset.p0i8.i64", ir.VoidType(), [I8P, I8, I64, I1])
            zero = [main_entry.bitcast(array, I8P), ir.Constant(I8, 0), self.const_i64(n_allocs * 8)]
            main_entry.call(memset, [*zero, ir.Constant(I1, 0)])
            table = main_entry.bitcast(array, I8P.as_pointer(), name="table")
        self.main_table = table
        self.parts: list[ir.Function] = []
        if self.segmented:
            self.main_frame = main_entry.alloca(I64, size=self.const_i64(1), name="frame")
            self.start_part()
        else:
            self.begin(fn, main_entry)
            self.io, self.err = fn.args
            self.table = table
            self.start_arena(block, main_entry)
        if len(arg_shapes) != len(block.args):
            raise TranslationError(f"@{name}: the calling-convention record does not match the arguments")
        pos = 0
        for arg, shape in zip(block.args, arg_shapes):
            t = arg.type
            if not isinstance(t, MemRefType) or len(shape) != len(t.get_shape()):
                raise TranslationError(f"entry arguments must be memrefs as recorded, got {t}")
            data = self.b.load(self.b.gep(self.io, [self.const_i64(pos)]))
            ptr = self.b.inttoptr(data, storage_type(t.element_type).as_pointer())
            sizes = []
            for k, s in enumerate(shape):
                word = self.b.load(self.b.gep(self.io, [self.const_i64(pos + 1 + k)]))
                sizes.append(word if s == -1 else self.const_i64(s))
            pos += 1 + len(sizes)
            self.descs[arg] = Desc(ptr, self.const_i64(0), sizes, _contiguous_strides(self.b, sizes), t.element_type)
        self.result_pos = pos
        self.block(block)
        self.finish_part()
        if self.segmented:
            self.main_frame.operands = [self.const_i64(max(1, self.frame_size))]  # type: ignore[attr-defined]
            self.call_parts(main_entry)
        self.tr.checks[name] = self.checks

    def start_arena(self, block: Block, entry: ir.IRBuilder) -> None:
        """The arena for the temporaries of the function's own block (those it
        allocates and frees there): ``ARENA_BYTES`` on the stack, handed out in
        order and never reused within the call. Its pointers are neither freed
        nor given to the pool; a temporary that does not fit takes the usual way."""
        freed = {op.memref for op in block.ops if isinstance(op, memref.DeallocOp)}
        self.arena_allocs = {op for op in block.ops if isinstance(op, memref.AllocOp) and op.memref in freed}
        if not self.arena_allocs:
            return
        arena = entry.alloca(ir.ArrayType(I8, ARENA_BYTES), name="arena")
        arena.align = ARENA_ALIGN
        self.arena = entry.bitcast(arena, I8P)
        self.arena_used: ir.Value = self.const_i64(0)
        self.in_arena: set[SSAValue] = set()

    def arena_alloc(self, nbytes: ir.Value, slot: ir.Value) -> ir.Value:
        """Memory for a temporary: the arena's next bytes where they suffice, else
        ``@symopt.alloc``'s (recorded in ``slot``)."""
        b = self.b
        rounded = b.and_(b.add(nbytes, self.const_i64(ARENA_ALIGN - 1)), self.const_i64(-ARENA_ALIGN))
        end = b.add(self.arena_used, rounded)
        fits = b.icmp_unsigned("<=", end, self.const_i64(ARENA_BYTES))
        here = b.gep(self.arena, [self.arena_used], inbounds=True)
        before = b.block
        with b.if_then(b.not_(fits)) as _:
            taken = b.call(self.helper("alloc"), [nbytes, slot])
            taken_block = b.block
        raw = b.phi(I8P)
        raw.add_incoming(here, before)
        raw.add_incoming(taken, taken_block)
        self.arena_used = b.select(fits, end, self.arena_used)
        return raw

    def begin(self, fn: ir.Function, entry: ir.IRBuilder) -> None:
        """Start translating into ``fn``, whose entry block ``entry`` builds."""
        self.current = fn
        self.entry_builder = entry  # allocas and slot initialization
        self.start = fn.append_basic_block("start")
        self.b = ir.IRBuilder(self.start)
        self.fail = ir.Block(parent=fn, name="fail")  # placed last (finish_part)
        self.fail_used = False

    def finish_part(self) -> None:
        """Close the function being translated: the branch from its entry block,
        and the one exit of its failed checks (which frees what was allocated,
        unless the function is a part, and returns the code)."""
        self.entry_builder.branch(self.start)
        if self.fail_used:
            self.current.basic_blocks.append(self.fail)
            fb = ir.IRBuilder(self.fail)
            if not self.segmented and self.table is not None:
                fb.call(self.free_all(), [self.table, self.const_i64(len(self.slots))])
            fb.ret(fb.trunc(fb.load(self.err), ir.IntType(32)))

    def start_part(self) -> None:
        """Start the next part of a segmented entry function: ``i32 @f.partN(io,
        err, table, frame)``, internal and never inlined."""
        t = ir.FunctionType(ir.IntType(32), [I64.as_pointer(), I64.as_pointer(), I8P.as_pointer(), I64.as_pointer()])
        part = ir.Function(self.tr.module, t, name=f"{self.fn.name}.part{len(self.parts) + 1}")
        part.linkage = "internal"
        part.attributes.add("noinline")
        for a, n in zip(part.args, ("io", "err", "table", "frame")):
            a.name = n
        self.parts.append(part)
        self.begin(part, ir.IRBuilder(part.append_basic_block("entry")))
        self.io, self.err, table, self.frame = part.args
        self.table = table if self.main_table is not None else None

    def call_parts(self, entry: ir.IRBuilder) -> None:
        """The entry function of a segmented translation: call the parts in order;
        after one that fails, free what was allocated and return its code."""
        fn = self.fn
        io, err = fn.args
        table = self.main_table if self.main_table is not None else ir.Constant(I8P.as_pointer(), None)
        fail = fn.append_basic_block("fail")
        fb = ir.IRBuilder(fail)
        code = fb.phi(ir.IntType(32))
        b = entry
        for part in self.parts:
            r = b.call(part, [io, err, table, self.main_frame])
            ok = fn.append_basic_block(f"{part.name}.ok")
            b.cbranch(b.icmp_signed("!=", r, ir.Constant(ir.IntType(32), 0)), fail, ok)
            code.add_incoming(r, b.block)
            b = ir.IRBuilder(ok)
        b.ret(ir.Constant(ir.IntType(32), 0))
        if self.main_table is not None:
            fb.call(self.free_all(), [self.main_table, self.const_i64(len(self.slots))])
        fb.ret(code)

    def slot(self, index: int) -> ir.Value:
        assert self.table is not None
        return self.b.gep(self.table, [self.const_i64(index)], inbounds=True)

    outline_loops = True
    """Whether the loop nests of the function's own block become functions."""

    SEGMENT = 128
    """Top-level ops per part of a segmented entry function (see ``block``)."""

    def block(self, block: Block) -> list[ir.Value] | None:
        """Translate the ops of a block; the values its terminator yields. Loop nests
        of the function's own block become functions of their own (see
        ``outline``).

        A long entry block (a deep network's forward and backward passes) is
        translated in parts of ``SEGMENT`` ops, each a function of its own: LLVM's
        optimizations and register allocation grow faster than linearly in the size
        of a function and in the number of values live across its calls (a layer's
        activations live until its gradient). A value that a later part uses is
        stored in a slot of a frame the parts share, once, where it is made, and
        loaded again once in each part that uses it, just before the first op
        that does (at the top level, so that the load dominates every use)."""
        top = block is self.f.body.block and self.segmented
        if top:
            self.last_use = _last_uses(block)
            self.segment = list(block.args)
        for i, op in enumerate(block.ops):
            if top:
                if i and i % self.SEGMENT == 0:
                    self.end_part(i)
                self.reload(op)
            if self.outline_loops and block is self.f.body.block and isinstance(op, scf.ForOp) and _outlinable(op):
                self.outline(op)
                continue
            if self.tr.profile and block is self.f.body.block and isinstance(op, scf.ForOp):
                self.timed(_describe_nest(op), lambda op=op: self.op(op))  # a loop kept inline
                if top:
                    self.segment += op.results
                continue
            out = self.op(op)
            if out is not None:
                return out
            if top:
                self.segment += op.results
        return None

    def end_part(self, position: int) -> None:
        """Store the values of this part that later parts use (each value once,
        where it is made), end the part and start the next."""
        for v in self.segment:
            desc = self.descs.pop(v, None)
            value = self.values.pop(v, None)
            if v in self.framed or self.last_use.get(v, -1) < position:
                continue
            if desc is not None:
                parts = [desc.ptr, desc.offset, *desc.sizes, *desc.strides]
            else:
                assert value is not None
                parts = [value]
            cells: list[ir.Value | tuple[int, ir.Type]] = []
            for x in parts:
                if isinstance(x, ir.Constant):
                    cells.append(x)
                    continue
                # one slot per LLVM value: sizes shared by several buffers stay
                # one value (kernels rely on knowing what is equal)
                index = self.cells.get(id(x))
                if index is None:
                    index = self.cells[id(x)] = self.frame_size
                    self.frame_size += 1
                    self.b.store(x, self.frame_slot(index, x.type))
                cells.append((index, x.type))
            self.framed[v] = (desc, cells)
        self.b.ret(ir.Constant(ir.IntType(32), 0))
        self.finish_part()
        self.start_part()
        self.segment = []
        self.loaded = {}

    def frame_slot(self, index: int, t: ir.Type) -> ir.Value:
        """Slot ``index`` of the frame (8 bytes), as a pointer to ``t``."""
        b = self.b
        return b.bitcast(b.gep(self.frame, [self.const_i64(index)], inbounds=True), t.as_pointer())

    def reload(self, op: Operation) -> None:
        """Load the stored values that ``op`` (or an op nested in it) uses and that
        this part has not loaded yet."""
        for v in _used_values(op):
            framed = self.framed.get(v)
            if framed is None or v in self.values or v in self.descs:
                continue
            desc, cells = framed
            parts: list[ir.Value] = []
            for x in cells:
                if isinstance(x, tuple):
                    index, t = x
                    loaded = self.loaded.get(index)
                    if loaded is None:
                        loaded = self.loaded[index] = self.b.load(self.frame_slot(index, t))
                    x = loaded
                parts.append(x)
            if desc is not None:
                rank = len(desc.sizes)
                self.descs[v] = Desc(parts[0], parts[1], parts[2 : 2 + rank], parts[2 + rank :], desc.element)
            else:
                self.values[v] = parts[0]
            self.segment.append(v)

    def outline(self, op: scf.ForOp) -> None:
        """Translate a loop nest as an internal, never inlined function called here.

        LLVM's optimizations and code generation grow faster than linearly in the
        size of a function; one function per loop nest keeps compile time linear in
        the number of kernels. The kernel takes the values it uses from outside as
        parameters, except constants (static sizes stay static)."""
        inside = set(op.walk())
        free: list[SSAValue] = []
        seen: set[SSAValue] = set()
        for inner in op.walk():
            for v in inner.operands:
                owner = v.owner
                local = owner in inside if isinstance(owner, Operation) else owner.parent_op() in inside  # type: ignore[union-attr]
                if not local and v not in seen:
                    seen.add(v)
                    free.append(v)
        outer_values: list[ir.Value] = []
        for v in free:
            if v in self.descs:
                d = self.descs[v]
                outer_values += [d.ptr, d.offset, *d.sizes, *d.strides]
            else:
                outer_values.append(self.values[v])
        passed: list[ir.Value] = []
        pattern: list[object] = []
        for x in outer_values:  # each value once: the kernel knows what is equal
            if isinstance(x, ir.Constant):
                pattern.append(("constant", str(x.type), x.constant))
                continue
            k = next((i for i, p in enumerate(passed) if p is x), None)
            if k is None:
                k = len(passed)
                passed.append(x)
            pattern.append(("passed", str(x.type), k))
        # identical loop nests (every layer of a deep net has the same ones) share
        # one function, found by structure before anything is translated: LLVM
        # optimizes and compiles each distinct kernel once
        key = (_structure(op, free), tuple(pattern))
        parallel = self.tr.threads and loop.PARALLEL in op.attributes
        same = self.tr.kernels.get(key)
        if same is not None:
            self.timed(_describe_nest(op), lambda: self.call_kernel(same, passed, op, parallel, seen))
            return
        self.outlined += 1
        name = f"{self.fn.name}.loop{self.outlined}"
        caller, caller_entry = self.b, self.entry_builder
        # a parallel nest's kernel is the runtime's task: it finds its values in
        # a context and runs the outer iterations [lo, hi) it is given
        kernel_t = TASK_T if parallel else ir.FunctionType(ir.VoidType(), [x.type for x in passed])
        kernel = ir.Function(self.tr.module, kernel_t, name=name)
        kernel.linkage = "internal"
        kernel.attributes.add("noinline")
        self.kernels.append(kernel)
        entry = kernel.append_basic_block("entry")
        start = kernel.append_basic_block("start")
        self.entry_builder = ir.IRBuilder(entry)
        if parallel:
            eb = self.entry_builder
            context = eb.bitcast(kernel.args[0], ir.LiteralStructType([x.type for x in passed]).as_pointer())
            params = [
                eb.load(eb.gep(context, [ir.Constant(I32, 0), ir.Constant(I32, k)], inbounds=True))
                for k in range(len(passed))
            ]
        else:
            params = list(kernel.args)
        as_param = {id(x): p for x, p in zip(passed, params)}
        inner_values = [x if isinstance(x, ir.Constant) else as_param[id(x)] for x in outer_values]
        saved_values = {v: self.values[v] for v in free if v in self.values}
        saved_descs = {v: self.descs[v] for v in free if v in self.descs}
        values = iter(inner_values)
        for v in free:
            if v in self.descs:
                d = self.descs[v]
                rank = len(d.sizes)
                ptr, offset = next(values), next(values)
                sizes = [next(values) for _ in range(rank)]
                strides = [next(values) for _ in range(rank)]
                self.descs[v] = Desc(ptr, offset, sizes, strides, d.element)
            else:
                self.values[v] = next(values)
        self.b = ir.IRBuilder(start)
        self.for_op(op, bounds=(kernel.args[1], kernel.args[2]) if parallel else None)
        self.b.ret_void()
        self.entry_builder.branch(start)
        self.b, self.entry_builder = caller, caller_entry
        self.values.update(saved_values)
        self.descs.update(saved_descs)
        self.tr.kernels[key] = kernel
        self.timed(_describe_nest(op), lambda: self.call_kernel(kernel, passed, op, parallel, seen))

    def call_kernel(
        self, kernel: ir.Function, passed: list[ir.Value], op: scf.ForOp, parallel: bool, free: set[SSAValue]
    ) -> None:
        """Call an outlined nest; a parallel one through the runtime's
        ``symopt_parallel_for``, with its values packed in a context on the stack
        and the number of innermost iterations (counting the inner loops whose
        bounds come from ``free``, the values from outside), which decides how
        many threads run it."""
        b = self.b
        if not parallel:
            b.call(kernel, passed)
            return
        context_t = ir.LiteralStructType([x.type for x in passed])
        context = self.entry_builder.alloca(context_t)
        for k, x in enumerate(passed):
            b.store(x, b.gep(context, [ir.Constant(I32, 0), ir.Constant(I32, k)], inbounds=True))
        lb, ub = self.v(op.lb), self.v(op.ub)
        work = b.sub(ub, lb)
        inner = _perfect_nest(op)[1:]

        def bound(v: SSAValue) -> ir.Value | None:
            """A bound known before the nest runs: a value from outside, or a
            constant (inner loops make their own zero)."""
            if v in free:
                return self.v(v)
            if isinstance(v.owner, arith.ConstantOp) and isinstance(v.owner.value, IntegerAttr):
                return self.const_i64(v.owner.value.value.data)
            return None

        for level in inner:
            low, high = bound(level.lb), bound(level.ub)
            if low is not None and high is not None:
                work = b.mul(work, b.sub(high, low))
        weight = op.attributes.get(loop.WORK)
        if isinstance(weight, IntegerAttr):  # what an iteration does, as its maker knew
            work = b.mul(work, self.const_i64(weight.value.data))
        # a loop with no loop (nor product) inside is the vectorized loop: its
        # chunks keep the vector body's alignment, so that every element is
        # computed by the same code (vector or scalar remainder) whatever the
        # number of threads
        vectorized = not any(isinstance(x, (scf.ForOp, loop.DotOp)) for x in op.body.walk())
        align = self.const_i64(PARALLEL_ALIGN if vectorized else 1)
        parallel_for = self.declare("symopt_parallel_for", ir.VoidType(), PARALLEL_FOR_ARGS)
        b.call(parallel_for, [kernel, b.bitcast(context, I8P), lb, ub, work, align])

    def timed(self, description: str, emit: Callable[[], object]) -> None:
        """Emit a kernel call; with ``profile``, between two readings of the
        monotonic clock, adding the nanoseconds and one call to a counter of its
        own (``symopt.profile.N``, read by the runtime)."""
        if not self.tr.profile:
            emit()
            return
        b = self.b
        number = len(self.tr.counters)
        self.tr.counters.append(description)
        counter = ir.GlobalVariable(self.tr.module, ir.ArrayType(I64, 2), name=f"symopt.profile.{number}")
        counter.initializer = ir.Constant(ir.ArrayType(I64, 2), [0, 0])
        now = self.clock()
        start = b.call(now, [])
        emit()
        elapsed = b.sub(b.call(now, []), start)
        for k, amount in ((0, elapsed), (1, ir.Constant(I64, 1))):
            cell = b.gep(counter, [ir.Constant(I32, 0), ir.Constant(I32, k)], inbounds=True)
            b.store(b.add(b.load(cell), amount), cell)

    def clock(self) -> ir.Function:
        """``i64 @symopt.now()``: CLOCK_MONOTONIC in nanoseconds (clock_gettime)."""
        existing = self.tr.module.globals.get("symopt.now")
        if existing is not None:
            return existing  # type: ignore[return-value]
        timespec = ir.LiteralStructType([I64, I64])
        gettime = self.declare("clock_gettime", I32, [I32, timespec.as_pointer()])
        fn = ir.Function(self.tr.module, ir.FunctionType(I64, []), name="symopt.now")
        fn.linkage = "internal"
        bb = ir.IRBuilder(fn.append_basic_block("entry"))
        ts = bb.alloca(timespec)
        bb.call(gettime, [ir.Constant(I32, 1), ts])
        seconds = bb.load(bb.gep(ts, [ir.Constant(I32, 0), ir.Constant(I32, 0)]))
        nanos = bb.load(bb.gep(ts, [ir.Constant(I32, 0), ir.Constant(I32, 1)]))
        bb.ret(bb.add(bb.mul(seconds, ir.Constant(I64, 1_000_000_000)), nanos))
        return fn

    # -- ops -------------------------------------------------------------------

    def op(self, op: Operation) -> list[ir.Value] | None:
        b = self.b
        name = op.name
        if isinstance(op, arith.ConstantOp):
            self.values[op.result] = self.constant(op.value, op.result.type)
        elif name in _FLOAT_BINARY:
            self.values[op.results[0]] = getattr(b, _FLOAT_BINARY[name])(
                self.v(op.operands[0]), self.v(op.operands[1])
            )
        elif name in _INT_BINARY:
            self.values[op.results[0]] = getattr(b, _INT_BINARY[name])(
                self.v(op.operands[0]), self.v(op.operands[1])
            )
        elif name == "arith.negf":
            self.values[op.results[0]] = b.fneg(self.v(op.operands[0]))
        elif name == "arith.floordivsi":
            x, y = self.v(op.operands[0]), self.v(op.operands[1])
            q = b.sdiv(x, y)
            r = b.srem(x, y)
            zero = ir.Constant(x.type, 0)
            adjust = b.and_(b.icmp_signed("!=", r, zero), b.icmp_signed("!=", b.icmp_signed("<", r, zero), b.icmp_signed("<", y, zero)))
            self.values[op.results[0]] = b.select(adjust, b.sub(q, ir.Constant(x.type, 1)), q)
        elif name == "arith.ceildivui":
            x, y = self.v(op.operands[0]), self.v(op.operands[1])
            rounded = b.zext(b.icmp_unsigned("!=", b.urem(x, y), ir.Constant(x.type, 0)), x.type)
            self.values[op.results[0]] = b.add(b.udiv(x, y), rounded)
        elif name in ("arith.maximumf", "arith.minimumf"):
            x = self.v(op.operands[0])
            fn = self.intrinsic("llvm.maximum" if name == "arith.maximumf" else "llvm.minimum", x.type, 2)
            self.values[op.results[0]] = b.call(fn, [x, self.v(op.operands[1])])
        elif name in ("arith.maxsi", "arith.minsi", "arith.maxui", "arith.minui"):
            x, y = self.v(op.operands[0]), self.v(op.operands[1])
            signed = name.endswith("si")
            cmp = b.icmp_signed if signed else b.icmp_unsigned
            pick = cmp(">" if "max" in name else "<", x, y)
            self.values[op.results[0]] = b.select(pick, x, y)
        elif isinstance(op, arith.CmpfOp):
            pred = op.predicate.value.data
            mnemonic = arith.CMPF_COMPARISON_OPERATIONS[pred]
            x, y = self.v(op.lhs), self.v(op.rhs)
            if mnemonic in ("false", "true"):
                self.values[op.result] = ir.Constant(I1, int(mnemonic == "true"))
            elif mnemonic in ("ord", "uno"):
                fn = b.fcmp_ordered if mnemonic == "ord" else b.fcmp_unordered
                self.values[op.result] = fn("ord" if mnemonic == "ord" else "uno", x, y)
            elif mnemonic.startswith("o"):
                self.values[op.result] = b.fcmp_ordered(_FCMP[mnemonic], x, y)
            else:
                self.values[op.result] = b.fcmp_unordered(_FCMP[mnemonic], x, y)
        elif isinstance(op, arith.CmpiOp):
            mnemonic = arith.CMPI_COMPARISON_OPERATIONS[op.predicate.value.data]
            pred, signed = _ICMP[mnemonic]
            fn = b.icmp_signed if signed else b.icmp_unsigned
            self.values[op.result] = fn(pred, self.v(op.lhs), self.v(op.rhs))
        elif isinstance(op, arith.SelectOp):
            self.values[op.result] = b.select(self.v(op.cond), self.v(op.lhs), self.v(op.rhs))
        elif isinstance(op, arith.IndexCastOp):
            x = self.v(op.input)
            target = llvm_type(op.result.type)
            self.values[op.result] = _resize_int(b, x, target, signed=True)
        elif name in ("arith.extsi", "arith.extui", "arith.trunci"):
            x = self.v(op.operands[0])
            target = llvm_type(op.results[0].type)
            self.values[op.results[0]] = _resize_int(b, x, target, signed=name == "arith.extsi")
        elif name in ("arith.extf", "arith.truncf"):
            x = self.v(op.operands[0])
            target = llvm_type(op.results[0].type)
            fn = b.fpext if name == "arith.extf" else b.fptrunc
            self.values[op.results[0]] = fn(x, target)
        elif name in ("arith.sitofp", "arith.uitofp"):
            x = self.v(op.operands[0])
            target = llvm_type(op.results[0].type)
            fn = b.sitofp if name == "arith.sitofp" else b.uitofp
            self.values[op.results[0]] = fn(x, target)
        elif name in ("arith.fptosi", "arith.fptoui"):
            x = self.v(op.operands[0])
            target = llvm_type(op.results[0].type)
            self.values[op.results[0]] = self.float_to_int(x, target, signed=name == "arith.fptosi")
        elif name in _INTRINSIC_UNARY:
            x = self.v(op.operands[0])
            self.values[op.results[0]] = b.call(self.intrinsic(_INTRINSIC_UNARY[name], x.type), [x])
        elif name in _MATH:
            self.values[op.results[0]] = self.math_call(b, _MATH[name], [self.v(v) for v in op.operands])
        elif name == "math.fma":
            a, m, c = (self.v(v) for v in op.operands)
            self.values[op.results[0]] = b.call(self.intrinsic("llvm.fma", a.type, 3), [a, m, c])
        elif name == "math.absi":
            x = self.v(op.operands[0])
            fn = self.declare(f"llvm.abs.{_suffix(x.type)}", x.type, [x.type, I1])
            self.values[op.results[0]] = b.call(fn, [x, ir.Constant(I1, 0)])
        elif name == "math.ipowi":
            x, y = self.v(op.operands[0]), self.v(op.operands[1])
            self.values[op.results[0]] = b.call(self.ipowi(x.type), [x, y])
        elif isinstance(op, scf.ForOp):
            self.for_op(op)
        elif isinstance(op, scf.IfOp):
            self.if_op(op)
        elif isinstance(op, (scf.YieldOp, loop.YieldOp)):
            return [self.descs[v] if v in self.descs else self.v(v) for v in op.operands]
        elif isinstance(op, memref.AllocOp):
            self.alloc(op)
        elif isinstance(op, memref.DeallocOp):
            index = self.slots.get(op.memref)
            desc = self.descs[op.memref]
            nbytes = self.const_i64(element_bytes(desc.element))
            for size in desc.sizes:
                nbytes = _mul(b, nbytes, size)
            if index is not None:  # an arena pointer's slot is null
                b.call(self.helper("release"), [self.slot(index), nbytes])
            elif op.memref in self.in_arena:
                offset = b.sub(b.ptrtoint(desc.ptr, I64), b.ptrtoint(self.arena, I64))
                with b.if_then(b.icmp_unsigned(">=", offset, self.const_i64(ARENA_BYTES))):
                    self.give(b, b.bitcast(desc.ptr, I8P), nbytes)
            else:
                self.give(b, b.bitcast(desc.ptr, I8P), nbytes)
        elif isinstance(op, memref.LoadOp):
            desc = self.descs[op.memref]
            addr = self.address(desc, [self.v(i) for i in op.indices])
            value = b.load(addr)
            if llvm_type(op.res.type) == I1:
                value = b.trunc(value, I1)
            self.values[op.res] = value
        elif isinstance(op, memref.StoreOp):
            desc = self.descs[op.memref]
            addr = self.address(desc, [self.v(i) for i in op.indices])
            value = self.v(op.value)
            if value.type == I1:
                value = b.zext(value, I8)
            b.store(value, addr)
        elif isinstance(op, memref.DimOp):
            desc = self.descs[op.source]
            index = op.index.owner
            if not isinstance(index, arith.ConstantOp):
                raise TranslationError("memref.dim needs a constant index")
            self.values[op.result] = desc.sizes[index.value.value.data]  # type: ignore[attr-defined]
        elif isinstance(op, memref.GetGlobalOp):
            self.get_global(op)
        elif isinstance(op, loop.ViewOp):
            src = self.descs[op.source]
            self.descs[op.result] = Desc(
                src.ptr, self.v(op.offset), [self.v(s) for s in op.sizes],
                [self.v(s) for s in op.strides], src.element,
            )  # fmt: skip
        elif isinstance(op, loop.LayoutOp):
            src = self.descs[op.source]
            self.values[op.offset] = src.offset
            for r, s in zip(op.strides, src.strides):
                self.values[r] = s
        elif isinstance(op, loop.CheckOp):
            self.check(op)
        elif isinstance(op, loop.DotOp):
            self.timed(_describe_dot(op), lambda: self.blas_dot(op))
        elif isinstance(op, func.ReturnOp):
            self.ret(op)
            return []
        else:
            raise TranslationError(f"the LLVM translation does not handle '{op.name}'")
        return None

    def constant(self, value: Attribute, t: Attribute) -> ir.Value:
        lt = llvm_type(t)
        if isinstance(value, FloatAttr):
            return ir.Constant(lt, value.value.data)
        if isinstance(value, IntegerAttr):
            v = value.value.data
            if isinstance(lt, ir.IntType) and lt.width == 1:
                v = 1 if v else 0
            return ir.Constant(lt, v)
        raise TranslationError(f"unsupported constant {value}")

    def math_call(self, b: ir.IRBuilder, base: str, args: list[ir.Value]) -> ir.Value:
        """``base`` (a C math function's float64 name) applied to ``args``; half
        precision is computed in single, as C has no half functions."""
        t = args[0].type
        if isinstance(t, ir.HalfType):
            wide = self.math_call(b, base, [b.fpext(a, ir.FloatType()) for a in args])
            return b.fptrunc(wide, t)
        single = isinstance(t, ir.FloatType)
        if self.tr.vector_math:
            return b.call(self.vectorizable(base + ("f" if single else ""), t, len(args)), args)
        if base in _NO_INTRINSIC:
            return b.call(self.declare(base + ("f" if single else ""), t, [t] * len(args)), args)
        return b.call(self.intrinsic(f"llvm.{base}", t, len(args)), args)

    def vectorizable(self, name: str, t: ir.Type, n: int) -> ir.Function:
        """The C math function ``name``, declared pure and naming its SIMD variants
        (LLVM's ``vector-function-abi-variant``), so that the loop vectorizer calls
        them: for example ``_ZGVdN4v_exp`` for four doubles with AVX2."""
        existing = self.tr.module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        fn = self.declare(name, t, [t] * n)
        mapped = []
        for isa, bits in self.tr.vector_math:
            lanes = bits // (32 if isinstance(t, ir.FloatType) else 64)
            vector = ir.VectorType(t, lanes)
            variant = f"_ZGV{isa}N{lanes}{'v' * n}_{name}"
            self.tr.variants.append(self.declare(variant, vector, [vector] * n))
            mapped.append(f"_ZGV_LLVM_N{lanes}{'v' * n}_{name}({variant})")
        # llvmlite knows no string attributes nor memory(...): add them verbatim
        for attribute in ("nounwind", "willreturn", "memory(none)",
                          f'"vector-function-abi-variant"="{",".join(mapped)}"'):
            set.add(fn.attributes, attribute)
        return fn

    def float_to_int(self, x: ir.Value, target: ir.Type, signed: bool) -> ir.Value:
        """fptosi is poison for NaN and out-of-range values; saturate instead (NumPy
        gives an unspecified value there, this keeps LLVM from assuming anything)."""
        fn = self.declare(
            f"llvm.{'fptosi' if signed else 'fptoui'}.sat.{_suffix(target)}.{_suffix(x.type)}",
            target, [x.type],
        )  # fmt: skip
        return self.b.call(fn, [x])

    def address(self, desc: Desc, indices: Sequence[ir.Value]) -> ir.Value:
        b = self.b
        linear = desc.offset
        for i, s in zip(indices, desc.strides):
            linear = _add(b, linear, _mul(b, i, s))
        return b.gep(desc.ptr, [linear], inbounds=True)

    def alloc(self, op: memref.AllocOp) -> None:
        b = self.b
        t = op.memref.type
        assert isinstance(t, MemRefType)
        dynamic = iter(op.dynamic_sizes)
        sizes = [self.v(next(dynamic)) if s == DYNAMIC_INDEX else self.const_i64(s) for s in t.get_shape()]
        count = self.const_i64(1)
        for s in sizes:
            count = _mul(b, count, s)
        elem = storage_type(t.element_type)
        nbytes = _mul(b, count, self.const_i64(element_bytes(t.element_type)))
        if self.table is not None:
            self.slots[op.memref] = len(self.slots)
            slot = self.slot(self.slots[op.memref])
        else:
            slot = ir.Constant(I8P.as_pointer(), None)
        if op in self.arena_allocs:
            raw = self.arena_alloc(nbytes, slot)
            self.in_arena.add(op.memref)
        else:
            raw = b.call(self.helper("alloc"), [nbytes, slot])
        ptr = b.bitcast(raw, elem.as_pointer())
        self.descs[op.memref] = Desc(ptr, self.const_i64(0), sizes, _contiguous_strides(b, sizes), t.element_type)

    def helper(self, name: str) -> ir.Function:
        """The module's allocation helpers, made once:
        ``i8* @symopt.alloc(i64 bytes, i8** slot)`` takes a buffer of at least one
        byte (from the runtime's pool when it is large, see
        ``symopt.lowering.runtime``, else from malloc) and records the pointer in
        ``slot`` (when not null); ``void @symopt.release(i8** slot, i64 bytes)``
        gives the pointer of a slot back (to the pool or to free) and clears the
        slot."""
        full = f"symopt.{name}"
        existing = self.tr.module.globals.get(full)
        if existing is not None:
            return existing  # type: ignore[return-value]
        slot_t = I8P.as_pointer()
        if name == "alloc":
            fn = ir.Function(self.tr.module, ir.FunctionType(I8P, [I64, slot_t]), name=full)
        else:
            fn = ir.Function(self.tr.module, ir.FunctionType(ir.VoidType(), [slot_t, I64]), name=full)
        fn.linkage = "internal"
        fn.attributes.add("noinline")
        bb = ir.IRBuilder(fn.append_basic_block("entry"))
        if name == "alloc":
            nbytes, slot = fn.args
            one = self.const_i64(1)
            nbytes = bb.select(bb.icmp_signed("<", nbytes, one), one, nbytes)
            if self.tr.pool:
                pooled = bb.call(self.declare("symopt_pool_take", I8P, [I64]), [nbytes])
                with bb.if_then(bb.icmp_unsigned("!=", pooled, ir.Constant(I8P, None))):
                    with bb.if_then(bb.icmp_unsigned("!=", slot, ir.Constant(slot_t, None))):
                        bb.store(pooled, slot)
                    bb.ret(pooled)
            raw = bb.call(self.declare("malloc", I8P, [I64]), [nbytes])
            if self.tr.huge_pages:
                # as NumPy does: large buffers ask for transparent huge pages, so
                # that first writes fault once per 2 MiB instead of per 4 KiB
                big = bb.icmp_unsigned(">=", nbytes, self.const_i64(HUGE_PAGE_BYTES))
                with bb.if_then(bb.and_(big, bb.icmp_unsigned("!=", raw, ir.Constant(I8P, None)))):
                    address = bb.ptrtoint(raw, I64)
                    skip = bb.sub(self.const_i64(4096), bb.urem(address, self.const_i64(4096)))
                    start = bb.inttoptr(bb.add(address, skip), I8P)
                    madvise = self.declare("madvise", I32, [I8P, I64, I32])
                    bb.call(madvise, [start, bb.sub(nbytes, skip), ir.Constant(I32, MADV_HUGEPAGE)])
            with bb.if_then(bb.icmp_unsigned("!=", slot, ir.Constant(slot_t, None))):
                bb.store(raw, slot)
            bb.ret(raw)
        else:
            slot, nbytes = fn.args
            self.give(bb, bb.load(slot), nbytes)
            bb.store(ir.Constant(I8P, None), slot)
            bb.ret_void()
        return fn

    def give(self, b: ir.IRBuilder, ptr: ir.Value, nbytes: ir.Value) -> None:
        """Give back a buffer of ``nbytes`` made by ``@symopt.alloc``: to the
        runtime's pool, or to free."""
        if self.tr.pool:
            b.call(self.declare("symopt_pool_give", ir.VoidType(), [I8P, I64]), [ptr, nbytes])
        else:
            b.call(self.declare("free", ir.VoidType(), [I8P]), [ptr])

    def get_global(self, op: memref.GetGlobalOp) -> None:
        module = self.f.parent_op()
        assert isinstance(module, ModuleOp)
        name = op.name_.string_value()
        glob = next(
            g for g in module.ops if isinstance(g, memref.GlobalOp) and g.sym_name.data == name
        )
        t = op.memref.type
        assert isinstance(t, MemRefType)
        gv = self.tr.module.globals.get(name)
        elem = storage_type(t.element_type)
        if gv is None:
            init = glob.initial_value
            assert isinstance(init, DenseIntOrFPElementsAttr)
            data = numpy_from_dense(init).reshape(-1)
            array_t = ir.ArrayType(elem, len(data))
            gv = ir.GlobalVariable(self.tr.module, array_t, name)
            gv.global_constant = True
            gv.linkage = "internal"
            items = [int(x) if isinstance(elem, ir.IntType) else float(x) for x in data]
            gv.initializer = ir.Constant(array_t, items)
        ptr = self.b.bitcast(gv, elem.as_pointer())
        sizes = [self.const_i64(s) for s in t.get_shape()]
        self.descs[op.memref] = Desc(ptr, self.const_i64(0), sizes, _contiguous_strides(self.b, sizes), t.element_type)

    def check(self, op: loop.CheckOp) -> None:
        b = self.b
        self.checks.append(CheckInfo(op.message.data, op.kind.data, len(op.args)))
        code_attr = op.attributes.get("code")
        code = code_attr.value.data if isinstance(code_attr, IntegerAttr) else len(self.checks)  # type: ignore[union-attr]
        ok_block = b.append_basic_block(f"check{code}.ok")
        fail_block = b.append_basic_block(f"check{code}.fail")
        b.cbranch(self.v(op.condition), ok_block, fail_block)
        b.position_at_end(fail_block)
        self.fail_used = True
        b.store(self.const_i64(code), self.err)
        for k, a in enumerate(op.args):
            value = _resize_int(b, self.v(a), I64, signed=True)
            b.store(value, b.gep(self.err, [self.const_i64(1 + k)]))
        b.branch(self.fail)
        b.position_at_end(ok_block)

    def ret(self, op: func.ReturnOp) -> None:
        """Store each result's pointer and sizes in ``io``. A 0-d result the
        caller would own (an output, or a shared variable's new value) is returned
        by value instead: its bits, widened to 64 (sign-extended for signed
        integers), in its word, and its buffer freed here."""
        b = self.b
        pos = self.result_pos
        for v, (role, dtype) in zip(op.arguments, self.result_kinds):
            desc = self.descs[v]
            if not desc.sizes and role != "inplace":
                value = b.load(b.gep(desc.ptr, [desc.offset]))
                t = value.type
                if isinstance(t, (ir.DoubleType, ir.FloatType, ir.HalfType)):
                    value = b.bitcast(value, ir.IntType(_fbytes(t) * 8))
                if value.type.width < 64:
                    signed = dtype.startswith("int")
                    value = b.sext(value, I64) if signed else b.zext(value, I64)
                b.store(value, b.gep(self.io, [self.const_i64(pos)]))
                b.call(self.declare("free", ir.VoidType(), [I8P]), [b.bitcast(desc.ptr, I8P)])
                pos += 1
                continue
            b.store(b.ptrtoint(desc.ptr, I64), b.gep(self.io, [self.const_i64(pos)]))
            for k, s in enumerate(desc.sizes):
                b.store(s, b.gep(self.io, [self.const_i64(pos + 1 + k)]))
            pos += 1 + len(desc.sizes)
        b.ret(ir.Constant(ir.IntType(32), 0))

    def for_op(self, op: scf.ForOp, bounds: tuple[ir.Value, ir.Value] | None = None) -> None:
        """An ``scf.for``; with ``bounds``, over those instead of its own (a chunk
        of a parallel loop)."""
        b = self.b
        lb, ub, step = self.v(op.lb), self.v(op.ub), self.v(op.step)
        if bounds is not None:
            lb, ub = bounds
        init = [self.v(a) for a in op.iter_args]
        pre = b.block
        header = b.append_basic_block("for.header")
        body = b.append_basic_block("for.body")
        done = b.append_basic_block("for.done")
        b.branch(header)
        b.position_at_end(header)
        iv = b.phi(I64)
        iv.add_incoming(lb, pre)
        carried = [b.phi(v.type) for v in init]
        for phi, v in zip(carried, init):
            phi.add_incoming(v, pre)
        b.cbranch(b.icmp_signed("<", iv, ub), body, done)
        b.position_at_end(body)
        block = op.body.block
        self.values[block.args[0]] = iv
        for arg, phi in zip(block.args[1:], carried):
            self.values[arg] = phi
        yielded = self.block(block) or []
        nxt = b.add(iv, step, flags=["nsw"])
        latch = b.block
        iv.add_incoming(nxt, latch)
        for phi, v in zip(carried, yielded):
            phi.add_incoming(v, latch)
        b.branch(header)
        b.position_at_end(done)
        for r, phi in zip(op.res, carried):
            self.values[r] = phi

    def if_op(self, op: scf.IfOp) -> None:
        b = self.b
        then_block = b.append_basic_block("if.then")
        else_block = b.append_basic_block("if.else")
        done = b.append_basic_block("if.done")
        b.cbranch(self.v(op.cond), then_block, else_block)
        incoming = []
        for region, target in ((op.true_region, then_block), (op.false_region, else_block)):
            b.position_at_end(target)
            values = self.block(region.block) if region.blocks else []
            incoming.append((values or [], b.block))
            b.branch(done)
        b.position_at_end(done)
        for k, r in enumerate(op.output):
            if isinstance(r.type, MemRefType):
                first = incoming[0][0][k]
                assert isinstance(first, Desc)

                def merge(get, t):  # type: ignore[no-untyped-def]
                    phi = b.phi(t)
                    for values, block in incoming:
                        phi.add_incoming(get(values[k]), block)
                    return phi

                rank = len(first.sizes)
                self.descs[r] = Desc(
                    merge(lambda d: d.ptr, first.ptr.type),
                    merge(lambda d: d.offset, I64),
                    [merge(lambda d, j=j: d.sizes[j], I64) for j in range(rank)],
                    [merge(lambda d, j=j: d.strides[j], I64) for j in range(rank)],
                    first.element,
                )
                continue
            phi = b.phi(llvm_type(r.type))
            for values, block in incoming:
                phi.add_incoming(values[k], block)
            self.values[r] = phi

    def free_all(self) -> ir.Function:
        """``void @symopt.free_all(i8** table, i64 n)``: free every pointer of a table
        of allocations (free skips the null entries)."""
        name = "symopt.free_all"
        existing = self.tr.module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        fn_t = ir.FunctionType(ir.VoidType(), [I8P.as_pointer(), I64])
        fn = ir.Function(self.tr.module, fn_t, name=name)
        fn.linkage = "internal"
        fn.attributes.add("noinline")
        fn.attributes.add("cold")
        table, n = fn.args
        entry = fn.append_basic_block("entry")
        loop_b = fn.append_basic_block("loop")
        done = fn.append_basic_block("done")
        bb = ir.IRBuilder(entry)
        bb.cbranch(bb.icmp_signed(">", n, self.const_i64(0)), loop_b, done)
        bb.position_at_end(loop_b)
        i = bb.phi(I64)
        i.add_incoming(self.const_i64(0), entry)
        free = self.declare("free", ir.VoidType(), [I8P])
        bb.call(free, [bb.load(bb.gep(table, [i]))])
        nxt = bb.add(i, self.const_i64(1))
        i.add_incoming(nxt, loop_b)
        bb.cbranch(bb.icmp_signed("<", nxt, n), loop_b, done)
        bb.position_at_end(done)
        bb.ret_void()
        return fn

    def ipowi(self, t: ir.IntType) -> ir.Function:
        """x ** n by squaring (n < 0 gives 0 unless |x| == 1, as in C)."""
        name = f"symopt.ipowi.{_suffix(t)}"
        existing = self.tr.module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        fn = ir.Function(self.tr.module, ir.FunctionType(t, [t, t]), name=name)
        fn.linkage = "internal"
        x, n = fn.args
        entry = fn.append_basic_block("entry")
        loop_b = fn.append_basic_block("loop")
        done = fn.append_basic_block("done")
        bb = ir.IRBuilder(entry)
        bb.branch(loop_b)
        bb.position_at_end(loop_b)
        acc = bb.phi(t)
        base = bb.phi(t)
        exp = bb.phi(t)
        acc.add_incoming(ir.Constant(t, 1), entry)
        base.add_incoming(x, entry)
        exp.add_incoming(n, entry)
        odd = bb.trunc(bb.and_(exp, ir.Constant(t, 1)), I1)
        acc2 = bb.select(odd, bb.mul(acc, base), acc)
        base2 = bb.mul(base, base)
        exp2 = bb.ashr(exp, ir.Constant(t, 1))
        acc.add_incoming(acc2, loop_b)
        base.add_incoming(base2, loop_b)
        exp.add_incoming(exp2, loop_b)
        bb.cbranch(bb.icmp_signed(">", exp2, ir.Constant(t, 0)), loop_b, done)
        bb.position_at_end(done)
        result = bb.select(bb.icmp_signed("<", n, ir.Constant(t, 0)), ir.Constant(t, 0), acc2)
        bb.ret(result)
        return fn

    def _strided_copy(self, base: ir.Value, sizes: Sequence[ir.Value], strides: Sequence[ir.Value], elem: ir.Type) -> ir.Value:
        """A malloc'ed C-order copy of a strided 1-d or 2-d operand (the caller frees it)."""
        b = self.b
        count = self.const_i64(1)
        for n in sizes:
            count = _mul(b, count, n)
        nbytes = _mul(b, count, self.const_i64(_fbytes(elem)))
        nbytes = b.select(b.icmp_signed("==", nbytes, self.const_i64(0)), self.const_i64(1), nbytes)
        raw = b.call(self.declare("malloc", I8P, [I64]), [nbytes])
        tmp = b.bitcast(raw, elem.as_pointer())
        rows = sizes[0] if len(sizes) == 2 else self.const_i64(1)
        cols = sizes[-1]
        row_stride = strides[0] if len(sizes) == 2 else self.const_i64(0)
        col_stride = strides[-1]

        def counted(n: ir.Value, body) -> None:  # type: ignore[no-untyped-def]
            pre = b.block
            head = b.append_basic_block("copy.head")
            loop_b = b.append_basic_block("copy.body")
            done = b.append_basic_block("copy.done")
            b.branch(head)
            b.position_at_end(head)
            iv = b.phi(I64)
            iv.add_incoming(self.const_i64(0), pre)
            b.cbranch(b.icmp_signed("<", iv, n), loop_b, done)
            b.position_at_end(loop_b)
            body(iv)
            iv.add_incoming(b.add(iv, self.const_i64(1)), b.block)
            b.branch(head)
            b.position_at_end(done)

        def row(i: ir.Value) -> None:
            def col(j: ir.Value) -> None:
                src = b.gep(base, [b.add(b.mul(i, row_stride), b.mul(j, col_stride))])
                dst = b.gep(tmp, [b.add(b.mul(i, cols), j)])
                b.store(b.load(src), dst)

            counted(cols, col)

        counted(rows, row)
        return tmp

    def _blas_operand(self, d: Desc, elem: ir.Type, temps: list[ir.Value]) -> tuple[ir.Value, ir.Value, ir.Value]:
        """How BLAS addresses a strided operand: (pointer, row-major?, leading
        dimension or increment). Row-major (unit column stride) and column-major
        (unit row stride) matrices and vectors of positive stride are used where
        they lie; anything else (broadcast, negative or two non-unit strides) is
        copied first, and the copy freed after the call."""
        b = self.b
        base = b.gep(d.ptr, [d.offset])
        one = self.const_i64(1)

        def at_least_one(v: ir.Value) -> ir.Value:
            return b.select(b.icmp_signed("<", v, one), one, v)

        if len(d.sizes) == 1:
            (s,) = d.strides
            if isinstance(s, ir.Constant) and s.constant >= 1:
                return base, ir.Constant(I1, 1), s
            ok = b.icmp_signed(">=", s, one)
            ld_ok, row_ok = s, ir.Constant(I1, 1)
            ld_copy = one
        else:
            (n0, n1), (s0, s1) = d.sizes, d.strides
            if _is_one(s1) and _same(s0, n1):  # C order
                return base, ir.Constant(I1, 1), at_least_one(n1)
            if _is_one(s0) and _same(s1, n0):  # Fortran order (a transposed C-order buffer)
                return base, ir.Constant(I1, 0), at_least_one(n0)
            row_ok = b.and_(b.icmp_signed("==", s1, one), b.icmp_signed(">=", s0, at_least_one(n1)))
            col_ok = b.and_(b.icmp_signed("==", s0, one), b.icmp_signed(">=", s1, at_least_one(n0)))
            ok = b.or_(row_ok, col_ok)
            ld_ok = b.select(row_ok, s0, s1)
            ld_copy = at_least_one(n1)
        if isinstance(ok, ir.Constant) and ok.constant:
            return base, row_ok, ld_ok
        slot = self.entry_builder.alloca(elem.as_pointer())
        b.store(base, slot)
        with b.if_then(b.not_(ok)):
            b.store(self._strided_copy(base, d.sizes, d.strides, elem), slot)
        ptr = b.load(slot)
        temps.append(b.select(ok, ir.Constant(elem.as_pointer(), None), ptr))
        return ptr, b.or_(row_ok, b.not_(ok)), b.select(ok, ld_ok, ld_copy)

    def blas_dot(self, op: loop.DotOp) -> None:
        """A float ``loop.dot`` as a BLAS gemm/gemv call on the operands where they
        lie: a row-major buffer is the transposed column-major matrix, so a
        transposed view is just the other trans flag (see ``_blas_operand``). The
        call goes through a by-value wrapper made once per module (``blas``)."""
        b = self.b
        a, x, out = self.descs[op.lhs], self.descs[op.rhs], self.descs[op.outputs[0]]
        elem = storage_type(a.element)
        if not isinstance(elem, (ir.DoubleType, ir.FloatType)):
            raise TranslationError("BLAS dot needs float32 or float64")
        ra, rx = len(a.sizes), len(x.sizes)
        po = b.gep(out.ptr, [out.offset])
        temps: list[ir.Value] = []

        def trans(row_major: ir.Value, if_row: str, if_col: str) -> ir.Value:
            if isinstance(row_major, ir.Constant):
                return ir.Constant(I8, ord(if_row if row_major.constant else if_col))
            return b.select(row_major, ir.Constant(I8, ord(if_row)), ir.Constant(I8, ord(if_col)))

        # the column-major view of C (m x n, row-major) is C^T = B^T A^T
        if ra == 2 and rx == 2:
            m, k, n = a.sizes[0], a.sizes[1], x.sizes[1]
            pa, a_row, lda = self._blas_operand(a, elem, temps)
            px, x_row, ldx = self._blas_operand(x, elem, temps)
            b.call(self.blas("gemm", elem), [trans(x_row, "N", "T"), trans(a_row, "N", "T"), n, m, k,
                                             px, ldx, pa, lda, po])  # fmt: skip
        else:
            if ra == 2:  # (m, k) . (k,): y = A x
                m, k = a.sizes
                pa, a_row, lda = self._blas_operand(a, elem, temps)
                px, _, incx = self._blas_operand(x, elem, temps)
                # row-major A is (A^T) column-major: y = (A^T)^T x
                args = [trans(a_row, "T", "N"), b.select(a_row, k, m), b.select(a_row, m, k),
                        pa, lda, px, incx, po, m, k]  # fmt: skip
            elif rx == 2:  # (k,) . (k, n): y = B^T x
                k, n = x.sizes
                px, x_row, ldx = self._blas_operand(x, elem, temps)
                pa, _, inca = self._blas_operand(a, elem, temps)
                args = [trans(x_row, "N", "T"), b.select(x_row, n, k), b.select(x_row, k, n),
                        px, ldx, pa, inca, po, n, k]  # fmt: skip
            else:  # (k,) . (k,): a 1 x k matrix (column stride inc_a) times a vector
                k = a.sizes[0]
                pa, _, inca = self._blas_operand(a, elem, temps)
                px, _, incx = self._blas_operand(x, elem, temps)
                one = self.const_i64(1)
                args = [ir.Constant(I8, ord("N")), one, k, pa, inca, px, incx, po, one, k]
            b.call(self.blas("gemv", elem), args)
        free = self.declare("free", ir.VoidType(), [I8P])
        for t in temps:
            b.call(free, [b.bitcast(t, I8P)])

    def blas(self, kind: str, elem: ir.Type) -> ir.Function:
        """The module's by-value wrapper of BLAS ``gemm`` or ``gemv`` (alpha 1,
        beta 0), made once: it passes the Fortran arguments by reference and,
        where the inner dimension ``k`` is 0 (BLAS then leaves the output as it
        is; NumPy gives zeros), clears the output instead.

        ``gemm(transa, transb, m, n, k, a, lda, b, ldb, c)``: column-major
        ``c (m x n, ldc = max(1, m)) = op(a) op(b)``.
        ``gemv(trans, rows, cols, a, lda, x, incx, y, ylen, k)``: ``y = op(a) x``,
        ``y`` contiguous of ``ylen`` elements."""
        prefix = "d" if isinstance(elem, ir.DoubleType) else "s"
        name = f"symopt.{prefix}{kind}"
        existing = self.tr.module.globals.get(name)
        if existing is not None:
            return existing  # type: ignore[return-value]
        ptr_t = elem.as_pointer()
        # BLAS's integers: 64-bit ones (NumPy's OpenBLAS) or 32-bit ones (scipy's)
        bits = blas_int_bits()
        blas_int = ir.IntType(bits)
        intp = blas_int.as_pointer()
        if kind == "gemm":
            params = [I8, I8, I64, I64, I64, ptr_t, I64, ptr_t, I64, ptr_t]
        else:
            params = [I8, I64, I64, ptr_t, I64, ptr_t, I64, ptr_t, I64, I64]
        fn = ir.Function(self.tr.module, ir.FunctionType(ir.VoidType(), params), name=name)
        fn.linkage = "internal"
        fn.attributes.add("noinline")
        entry = fn.append_basic_block("entry")
        call_b = fn.append_basic_block("call")
        empty_b = fn.append_basic_block("empty")
        bb = ir.IRBuilder(entry)
        one = self.const_i64(1)

        def cell(value: ir.Value, t: ir.Type) -> ir.Value:
            slot = bb.alloca(t)
            bb.store(value, slot)
            return slot

        def integer(v: ir.Value) -> ir.Value:
            return cell(v if bits == 64 else bb.trunc(v, blas_int), blas_int)

        def at_least_one(v: ir.Value) -> ir.Value:
            return bb.select(bb.icmp_signed("<", v, one), one, v)

        alpha, beta = cell(ir.Constant(elem, 1.0), elem), cell(ir.Constant(elem, 0.0), elem)
        if kind == "gemm":
            ta, tb, m, n, k, pa, lda, pb, ldb, pc = fn.args
            external = self.declare(blas_import(f"{prefix}gemm"), ir.VoidType(),
                                    [I8P, I8P, intp, intp, intp, ptr_t, ptr_t, intp, ptr_t, intp, ptr_t, ptr_t, intp])  # fmt: skip
            args = [cell(ta, I8), cell(tb, I8), integer(m), integer(n), integer(k), alpha, pa, integer(lda),
                    pb, integer(ldb), beta, pc, integer(at_least_one(m))]  # fmt: skip
            count, out = bb.mul(m, n), pc
        else:
            t, rows, cols, pa, lda, px, incx, py, ylen, k = fn.args
            external = self.declare(blas_import(f"{prefix}gemv"), ir.VoidType(),
                                    [I8P, intp, intp, ptr_t, ptr_t, intp, ptr_t, intp, ptr_t, ptr_t, intp])  # fmt: skip
            args = [cell(t, I8), integer(rows), integer(cols), alpha, pa, integer(lda), px, integer(incx), beta,
                    py, integer(one)]  # fmt: skip
            count, out = ylen, py
        bb.cbranch(bb.icmp_signed("==", k, self.const_i64(0)), empty_b, call_b)
        bb.position_at_end(call_b)
        bb.call(external, args)
        bb.ret_void()
        bb.position_at_end(empty_b)
        memset = self.declare("llvm.memset.p0i8.i64", ir.VoidType(), [I8P, I8, I64, I1])
        nbytes = bb.mul(count, self.const_i64(_fbytes(elem)))
        bb.call(memset, [bb.bitcast(out, I8P), ir.Constant(I8, 0), nbytes, ir.Constant(I1, 0)])
        bb.ret_void()
        return fn


def _structure(op: Operation, free: Sequence[SSAValue]) -> tuple[object, ...]:
    """What a loop nest computes, as a hashable value: its structure (see
    ``symopt.dialects.structure``) with values from outside named by their
    position in ``free``, and their types. Two nests with the same structure
    translate to the same function."""
    outside = {v: i for i, v in enumerate(free)}
    return (*structure(op, outside.__getitem__), tuple(v.type for v in free))


def _where(op: Operation) -> str:
    from symopt.dialects.location import describe

    text = describe(op)
    return text[len(op.name):] if text != op.name else ""


def _describe_nest(op: scf.ForOp) -> str:
    """What a loop nest computes, for the profile: its depth, the arithmetic in
    it and the user's line that made it."""
    depth, inner = 0, op
    while isinstance(inner, scf.ForOp):
        depth += 1
        nested = [o for o in inner.body.block.ops if isinstance(o, scf.ForOp)]
        inner = nested[0] if len(nested) == 1 else None  # type: ignore[assignment]
    names: list[str] = []
    for o in op.walk():
        if o.name.startswith(("math.", "arith.")) and o.name not in _BOOKKEEPING:
            short = o.name.split(".", 1)[1]
            if short not in names:
                names.append(short)
    body = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "") if names else "copy"
    return f"loop nest ({depth}-deep): {body}{_where(op)}"


_BOOKKEEPING = {"arith.constant", "arith.index_cast", "arith.addi", "arith.muli", "arith.cmpi", "arith.select"}


def _describe_dot(op: loop.DotOp) -> str:
    ranks = [len(v.type.get_shape()) for v in (op.lhs, op.rhs)]  # type: ignore[attr-defined]
    kind = "gemm" if ranks == [2, 2] else "gemv" if 2 in ranks else "dot"
    return f"BLAS {kind}{_where(op)}"


def _used_values(op: Operation) -> list[SSAValue]:
    """The operands of ``op`` and of every op nested in it."""
    values = list(op.operands)
    for region in op.regions:
        for inner in region.walk():
            values += inner.operands
    return values


def _last_uses(block: Block) -> dict[SSAValue, int]:
    """Per value, the position in ``block`` of the last op that uses it (or has an
    op nested in it that does)."""
    last: dict[SSAValue, int] = {}
    for i, op in enumerate(block.ops):
        for v in _used_values(op):
            last[v] = i
    return last


def _perfect_nest(op: scf.ForOp) -> list[scf.ForOp]:
    """``op`` and the loops perfectly nested in it (each the only loop of its
    parent's body)."""
    nest = [op]
    while True:
        inner = [o for o in nest[-1].body.block.ops if isinstance(o, scf.ForOp)]
        if len(inner) != 1:
            return nest
        nest.append(inner[0])


def _outlinable(op: scf.ForOp) -> bool:
    """A loop nest that only computes (BLAS products included): no results,
    checks, allocations or calls that need the function's own state."""
    if op.results:
        return False
    return not any(
        isinstance(inner, (loop.CheckOp, memref.AllocOp, memref.DeallocOp, func.ReturnOp))
        for inner in op.walk()
    )


def _is_one(v: ir.Value) -> bool:
    return isinstance(v, ir.Constant) and v.constant == 1


def _same(x: ir.Value, y: ir.Value) -> bool:
    """Whether two index values are known to be equal without running the code."""
    if x is y:
        return True
    return isinstance(x, ir.Constant) and isinstance(y, ir.Constant) and x.constant == y.constant


def _record_shape(entry: Attribute) -> list[int]:
    """The static shape (-1 where dynamic) of an argument or result record."""
    return [int(v) for v in entry.data["shape"].get_values()]  # type: ignore[attr-defined]


def element_bytes(t: Attribute) -> int:
    """Bytes per stored element of a buffer of ``t`` (booleans as bytes)."""
    elem = storage_type(t)
    return max(1, elem.width // 8) if isinstance(elem, ir.IntType) else _fbytes(elem)


def _fbytes(t: ir.Type) -> int:
    if isinstance(t, ir.DoubleType):
        return 8
    if isinstance(t, ir.FloatType):
        return 4
    return 2


def _resize_int(b: ir.IRBuilder, x: ir.Value, target: ir.Type, signed: bool) -> ir.Value:
    if x.type == target:
        return x
    if x.type.width > target.width:
        return b.trunc(x, target)
    return b.sext(x, target) if signed else b.zext(x, target)


def _add(b: ir.IRBuilder, x: ir.Value, y: ir.Value) -> ir.Value:
    if isinstance(x, ir.Constant) and x.constant == 0:
        return y
    if isinstance(y, ir.Constant) and y.constant == 0:
        return x
    return b.add(x, y)


def _mul(b: ir.IRBuilder, x: ir.Value, y: ir.Value) -> ir.Value:
    if isinstance(x, ir.Constant) and isinstance(y, ir.Constant):
        return ir.Constant(I64, x.constant * y.constant)
    if isinstance(x, ir.Constant) and x.constant == 1:
        return y
    if isinstance(y, ir.Constant) and y.constant == 1:
        return x
    return b.mul(x, y)


def _contiguous_strides(b: ir.IRBuilder, sizes: Sequence[ir.Value]) -> list[ir.Value]:
    strides: list[ir.Value] = [ir.Constant(I64, 1)] * len(sizes)
    for k in range(len(sizes) - 2, -1, -1):
        strides[k] = _mul(b, strides[k + 1], sizes[k + 1])
    return strides


def translate_module(
    module: ModuleOp, name: str = "symopt", profile: bool = False, vector_math: bool = True,
    threads: bool = True, vector_bits: int | None = None,
) -> Translation:
    """LLVM IR for every function of a module at the scf/memref level (with
    ``profile``, every kernel call timed; see ``Translation.counters``). With
    ``vector_math``, math calls name the host's vector math library where it has
    one (see ``Translation.vector_math``); without, they are LLVM's intrinsics and
    the IR is the same on every host; ``vector_bits`` caps the variants' width
    (the host's widest by default). With 512-bit variants every function prefers
    512-bit vectors (the attribute ``prefer-vector-width``), which is also how
    they are passed. With ``threads``, parallel loops are split over threads at
    run time (see ``Translation.threads``)."""
    import llvmlite.binding as llvm

    from symopt.lowering.machine import vector_math_variants

    ir_module = ir.Module(name=name)
    ir_module.triple = llvm.get_process_triple()
    tr = Translation(
        ir_module, [], profile=profile,
        vector_math=tuple(
            v for v in (vector_math_variants() if vector_math else ()) if vector_bits is None or v[1] <= vector_bits
        ),
        huge_pages=sys.platform.startswith("linux"), threads=threads, pool=True,
    )
    for f in module.ops:
        if isinstance(f, func.FuncOp) and f.body.blocks:
            _FunctionTranslator(tr, f).translate()
            tr.functions.append(f.sym_name.data)
    if any(bits > 256 for _, bits in tr.vector_math):
        for fn in ir_module.functions:
            if not fn.is_declaration:
                set.add(fn.attributes, '"prefer-vector-width"="512"')
    if tr.variants:
        used = ir.ArrayType(I8P, len(tr.variants))
        keep = ir.GlobalVariable(ir_module, used, "llvm.compiler.used")
        keep.linkage = "appending"
        keep.section = "llvm.metadata"
        keep.initializer = ir.Constant(used, [fn.bitcast(I8P) for fn in tr.variants])
    return tr

