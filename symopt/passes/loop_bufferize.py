"""``loop-bufferize``: tensors become buffers (memrefs).

Every tensor value gets a buffer. Loop ops write into newly allocated ``outs``
buffers; layout-only ops become ``loop.view``s of existing buffers, with no copy:
``loop.dimshuffle`` (a permutation of strides, stride 0 or dropped for size-1
dimensions), ``loop.slice`` (offset and strides of the indexed region),
``loop.broadcast`` (stride 0 along the broadcast dimensions) and ``loop.reshape`` of
a contiguous buffer. The other structural ops (shapes,
constants, concatenation, broadcasting, ranges, region updates, ``loop.generate``,
the MRG draws) become allocations written by loops. Sizes are computed from the
operands' sizes with ``arith`` on ``index`` values, and every size the semantics
requires to agree is checked by a ``loop.check`` before the loop that needs it.

This pass does nothing else, as MLIR's one-shot bufferization: the function's
arguments become buffers, ``loop.read``/``loop.write`` of shared variables read and
write buffers (the variable's own buffer, and the buffer holding its new value),
``func.return`` returns buffers, possibly views or arguments. Where the results
are copied, which updates are made in place, and when temporaries are freed are
the jobs of ``loop-inplace``, ``loop-abi`` and ``loop-dealloc``.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    ArrayAttr,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    Float64Type,
    FloatAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    ModuleOp,
    NoneAttr,
    StridedLayoutAttr,
    StringAttr,
    TensorType,
    UnitAttr,
)
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.utils.exceptions import DiagnosticException

from symopt.dialects import loop, sym
from symopt.dialects.scalar import ScalarBuilder, signless
from symopt.dialects.types import (
    check_tensor_signature,
    dtype_of,
    numpy_from_dense,
    static_shape,
)

INDEX = IndexType()


def memref_type(t: Attribute, strided: bool = False) -> MemRefType:
    """The buffer type of a tensor type (signless elements; a strided layout for
    views)."""
    assert isinstance(t, (TensorType, MemRefType)), t
    shape = [DYNAMIC_INDEX if d is None else d for d in _static(t)]
    layout: Attribute = NoneAttr()
    if strided:
        layout = StridedLayoutAttr([NoneAttr()] * len(shape), NoneAttr())
    return MemRefType(signless(t.element_type), shape, layout)


_static = static_shape


def is_contiguous(t: Attribute) -> bool:
    return isinstance(t, MemRefType) and isinstance(t.layout, NoneAttr)


class BufferizeError(ValueError):
    """An op the native compiler cannot bufferize (yet)."""


class _Emitter:
    """Builds the ops of one block, with helpers for index arithmetic."""

    def __init__(self, owner: _Bufferizer):
        self.owner = owner
        self.ops: list[Operation] = []
        self.consts: dict[int, SSAValue] = {}
        self.bools: dict[bool, SSAValue] = {}
        # what this block already knows, so that each size is computed and each
        # fact checked once: sizes by (buffer, dimension), the integer contents of
        # shape buffers, and the classes of sizes already checked equal (a
        # union-find; every value in it dominates the rest of the block)
        self.sizes: dict[tuple[SSAValue, int], SSAValue] = {}
        self.contents: dict[SSAValue, list[SSAValue]] = {}
        self.same: dict[SSAValue, SSAValue] = {}
        self.checked: set[SSAValue] = set()
        self.known_sizes: set[SSAValue] = set()

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0] if op.results else None  # type: ignore[return-value]

    # -- index arithmetic ------------------------------------------------------

    def idx(self, value: int) -> SSAValue:
        if value not in self.consts:
            self.consts[value] = self.add(arith.ConstantOp(IntegerAttr(value, INDEX)))
        return self.consts[value]

    def const_of(self, v: SSAValue) -> int | None:
        owner = v.owner
        if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr):
            return owner.value.value.data
        return None

    def addi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            return self.idx(ca + cb)
        if ca == 0:
            return b
        if cb == 0:
            return a
        return self.add(arith.AddiOp(a, b))

    def subi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            return self.idx(ca - cb)
        if cb == 0:
            return a
        return self.add(arith.SubiOp(a, b))

    def muli(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            return self.idx(ca * cb)
        if ca == 1:
            return b
        if cb == 1:
            return a
        if ca == 0 or cb == 0:
            return self.idx(0)
        return self.add(arith.MuliOp(a, b))

    def divsi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None and cb != 0:
            return self.idx(int(ca / cb))
        if cb == 1:
            return a
        return self.add(arith.DivSIOp(a, b))

    def remsi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.add(arith.RemSIOp(a, b))

    def flag(self, value: bool) -> SSAValue:
        if value not in self.bools:
            self.bools[value] = self.add(arith.ConstantOp(IntegerAttr(int(value), IntegerType(1))))
        return self.bools[value]

    def const_flag(self, v: SSAValue) -> bool | None:
        owner = v.owner
        if isinstance(owner, arith.ConstantOp) and isinstance(owner.value, IntegerAttr) and owner.value.type == IntegerType(1):
            return bool(owner.value.value.data)
        return None

    _COMPARE: ClassVar[dict[str, Callable[[int, int], bool]]] = {
        "eq": lambda a, b: a == b, "ne": lambda a, b: a != b,
        "slt": lambda a, b: a < b, "sle": lambda a, b: a <= b,
        "sgt": lambda a, b: a > b, "sge": lambda a, b: a >= b,
    }  # fmt: skip

    def cmpi(self, pred: str, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None and pred in self._COMPARE:
            return self.flag(self._COMPARE[pred](ca, cb))
        if pred in ("eq", "sle", "sge") and self.find(a) is self.find(b):
            return self.flag(True)
        if pred == "sge" and cb == 0 and self.non_negative(a):
            return self.flag(True)
        return self.add(arith.CmpiOp(a, b, pred))

    def ori(self, a: SSAValue, b: SSAValue) -> SSAValue:
        fa, fb = self.const_flag(a), self.const_flag(b)
        if fa is True or fb is True:
            return self.flag(True)
        if fa is False:
            return b
        if fb is False:
            return a
        return self.add(arith.OrIOp(a, b))

    def non_negative(self, v: SSAValue) -> bool:
        """Whether ``v`` is a size, which is never negative."""
        c = self.const_of(v)
        if c is not None:
            return c >= 0
        return isinstance(v.owner, memref.DimOp) or v in self.known_sizes

    def find(self, v: SSAValue) -> SSAValue:
        """The representative of the sizes known equal to ``v``."""
        root = v
        while root in self.same:
            root = self.same[root]
        while v is not root:  # path compression
            parent = self.same[v]
            self.same[v] = root
            v = parent
        return root

    def select(self, c: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        if a is b:
            return a
        flag = self.const_flag(c)
        if flag is not None:
            return a if flag else b
        return self.add(arith.SelectOp(c, a, b))

    def maxi(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            return self.idx(max(ca, cb))
        return self.add(arith.MaxSIOp(a, b))

    def mini(self, a: SSAValue, b: SSAValue) -> SSAValue:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            return self.idx(min(ca, cb))
        return self.add(arith.MinSIOp(a, b))

    def to_index(self, v: SSAValue) -> SSAValue:
        """An integer scalar as ``index``."""
        if isinstance(v.type, IndexType):
            return v
        return self.add(arith.IndexCastOp(v, INDEX))

    def check(self, cond: SSAValue, message: str, args: Sequence[SSAValue] = (), kind: str = "value") -> None:
        if self.const_flag(cond) is True or cond in self.checked:
            return
        self.checked.add(cond)
        self.add(loop.CheckOp(cond, message, args, kind))

    def check_equal(self, a: SSAValue, b: SSAValue, message: str) -> None:
        ca, cb = self.const_of(a), self.const_of(b)
        if ca is not None and cb is not None:
            if ca != cb:
                raise BufferizeError(message.format(ca, cb))
            return
        ra, rb = self.find(a), self.find(b)
        if ra is rb:
            return
        self.check(self.cmpi("eq", a, b), message, [a, b])
        # past the check the two are one size; a constant stays the representative
        if self.const_of(ra) is not None:
            ra, rb = rb, ra
        self.same[ra] = rb

    # -- buffers ---------------------------------------------------------------

    def dim(self, m: SSAValue, k: int) -> SSAValue:
        size = _static(m.type)[k]
        if size is not None:
            return self.idx(size)
        known = self.sizes.get((m, k))
        if known is None:
            owner = m.owner
            if isinstance(owner, memref.AllocOp):
                # the k-th size of a new buffer is the operand it was made with
                position = sum(1 for s in _static(m.type)[:k] if s is None)
                known = owner.dynamic_sizes[position]
            elif isinstance(owner, loop.ViewOp):
                known = owner.sizes[k]
            else:
                known = self.add(memref.DimOp(m, self.idx(k)))
            self.sizes[m, k] = known
            self.known_sizes.add(known)
        return known

    def dims(self, m: SSAValue) -> list[SSAValue]:
        return [self.dim(m, k) for k in range(len(_static(m.type)))]

    def alloc(self, t: Attribute, sizes: Sequence[SSAValue]) -> SSAValue:
        """A new contiguous buffer of tensor/memref type ``t`` with these sizes."""
        mt = memref_type(t)
        static = _static(mt)
        dynamic = [s for s, st in zip(sizes, static) if st is None]
        buf = self.add(memref.AllocOp(dynamic, [], mt))
        return buf

    def layout(self, m: SSAValue) -> tuple[SSAValue, list[SSAValue]]:
        """Offset and strides of a buffer (computed for contiguous ones)."""
        rank = len(_static(m.type))
        if is_contiguous(m.type):
            strides: list[SSAValue] = [self.idx(1)] * rank
            for k in range(rank - 2, -1, -1):
                strides[k] = self.muli(strides[k + 1], self.dim(m, k + 1))
            return self.idx(0), strides
        op = loop.LayoutOp(m)
        self.ops.append(op)
        return op.offset, list(op.strides)

    def view(
        self,
        source: SSAValue,
        offset: SSAValue,
        sizes: Sequence[SSAValue],
        strides: Sequence[SSAValue],
        t: Attribute,
    ) -> SSAValue:
        return self.add(
            loop.ViewOp(source, offset, sizes, strides, memref_type(t, strided=True))
        )

    def copy_map(self, source: SSAValue, target: SSAValue, dims: Sequence[int] | None = None) -> None:
        region, block = loop.new_body([source.type.element_type])  # type: ignore[attr-defined]
        block.add_op(loop.YieldOp(block.args[0]))
        self.add(loop.MapOp([source], region, outputs=[target], dims=[dims] if dims is not None else None))

    def fresh_copy(self, m: SSAValue, t: Attribute) -> SSAValue:
        buf = self.alloc(t, self.dims(m))
        self.copy_map(m, buf)
        return buf


@dataclass
class _Bufferizer:
    module: ModuleOp

    def __post_init__(self) -> None:
        self.globals_made = 0


def _space_sizes(
    e: _Emitter,
    inputs: Sequence[SSAValue],
    dims: Sequence[Sequence[int]],
    static: Sequence[int | None],
    what: str,
) -> list[SSAValue]:
    """Iteration space sizes from the inputs' sizes, checking that they agree."""
    sizes: list[SSAValue | None] = [None if s is None else e.idx(s) for s in static]
    first: list[str] = ["the result"] * len(static)
    for m, dmap in zip(inputs, dims):
        mshape = _static(m.type)
        for k, d in enumerate(dmap):
            if d == -1 or mshape[k] == 1:
                continue
            size = e.dim(m, k)
            if sizes[d] is None:
                sizes[d] = size
                first[d] = _label(m)
            else:
                e.check_equal(
                    size, sizes[d],  # type: ignore[arg-type]
                    f"shape mismatch in {what}: dimension {d} of {_label(m)} has size "
                    f"{{0}}, but {first[d]} has size {{1}} there (only dimensions of "
                    "static size 1 broadcast)",
                )
    for d, s in enumerate(sizes):
        if s is None:
            sizes[d] = e.idx(1)
    return sizes  # type: ignore[return-value]


def _label(v: SSAValue) -> str:
    return f"%{v.name_hint}" if v.name_hint else "an operand"


def _where(op: Operation) -> str:
    """`` (in loop.dot at model.py:12)`` where the op's location is known."""
    from symopt.dialects.location import describe

    text = describe(op)
    return f" (in {text})" if text != op.name else ""


def _origin(op: Operation) -> str:
    """The op and the user's line that made it, for error messages."""
    from symopt.dialects.location import describe

    return describe(op)


class _Lowering:
    """Lowers the ops of one tensor-level block into an _Emitter."""

    def __init__(self, b: _Bufferizer, e: _Emitter, mapping: dict[SSAValue, SSAValue]):
        self.b = b
        self.e = e
        self.m = mapping

    def run(self, ops: Sequence[Operation]) -> None:
        for op in ops:
            self.lower_located(op)

    def lower_located(self, op: Operation) -> None:
        """Lower ``op``; the ops made for it take its location (the user's line)."""
        from xdsl.dialects.builtin import UnknownLoc

        emitted = self.e.ops
        first = len(emitted)
        self.lower(op)
        if isinstance(op.location, UnknownLoc):
            return
        where = _where(op)
        for made in emitted[first:]:
            if isinstance(made.location, UnknownLoc):
                made.location = op.location
            for inner in made.walk():  # every check made for it names the node
                if isinstance(inner, loop.CheckOp) and "[node " not in inner.message.data and where:
                    inner.message = StringAttr(inner.message.data + where)

    def lower(self, op: Operation) -> None:
        e, m = self.e, self.m
        if isinstance(op, loop.MapOp):
            ins = [m[v] for v in op.inputs]
            sizes = _space_sizes(e, ins, op.input_dims(), _static(op.res[0].type), _origin(op))
            outs = [e.alloc(r.type, sizes) for r in op.res]
            region = op.body.clone()
            e.add(loop.MapOp(ins, region, outputs=outs, dims=op.input_dims()))
            for r, o in zip(op.res, outs):
                m[r] = o
        elif isinstance(op, loop.ReduceOp):
            self.reduce(op)
        elif isinstance(op, loop.DotOp):
            self.dot(op)
        elif isinstance(op, arith.ConstantOp) and isinstance(op.result.type, TensorType):
            self.constant(op)
        elif isinstance(op, loop.ShapeOp):
            src = m[op.x]
            rank = len(_static(src.type))
            buf = e.alloc(op.result.type, [])
            for k in range(rank):
                size = e.add(arith.IndexCastOp(e.dim(src, k), IntegerType(64)))
                e.add(memref.StoreOp.get(size, buf, [e.idx(k)]))
            e.contents[buf] = e.dims(src)
            m[op.result] = buf
        elif isinstance(op, loop.ReshapeOp):
            self.reshape(op)
        elif isinstance(op, loop.DimShuffleOp):
            self.dimshuffle(op)
        elif isinstance(op, loop.SliceOp):
            src = m[op.x]
            offset, sizes, strides = self.region(op, src, [m[i] for i in op.indices])
            m[op.result] = e.view(src, offset, sizes, strides, op.result.type)
        elif isinstance(op, loop.UpdateOp):
            self.update_subtensor(op)
        elif isinstance(op, loop.ConcatOp):
            self.concatenate(op)
        elif isinstance(op, loop.BroadcastOp):
            self.alloc(op)
        elif isinstance(op, loop.RangeOp):
            self.arange(op)
        elif isinstance(op, loop.GenerateOp):
            self.map_index(op)
        elif isinstance(op, loop.GatherOp):
            self.gather(op)
        elif isinstance(op, loop.ScatterOp):
            self.scatter(op)
        elif isinstance(op, loop.NonzeroOp):
            self.nonzero(op)
        elif isinstance(op, loop.CumulativeOp):
            self.cumulative(op)
        elif isinstance(op, loop.SortOp):
            self.sort(op)
        elif isinstance(op, loop.ScanOp):
            self.scan(op)
        elif isinstance(op, loop.IfOp):
            self.if_(op)
        elif isinstance(op, loop.MrgUniformOp):
            self.mrg_uniform(op)
        elif isinstance(op, loop.MultinomialOp):
            self.multinomial_from_uniform(op)
        elif isinstance(op, loop.ReadOp):
            name = op.global_name.string_value()
            m[op.result] = e.add(loop.ReadOp(name, memref_type(op.result.type)))
            m[op.result].name_hint = name
        elif isinstance(op, loop.WriteOp):
            e.add(loop.WriteOp(op.global_name.string_value(), m[op.value]))
        else:
            raise BufferizeError(f"the native compiler cannot lower '{op.name}' yet")

    # -- ops -------------------------------------------------------------------

    def reduce(self, op: loop.ReduceOp) -> None:
        e = self.e
        ins = [self.m[v] for v in op.inputs]
        axes = op.axis_tuple()
        keep = bool(op.keepdims.value.data)
        out_static = _static(op.res[0].type)
        rank = len(out_static) if keep else len(out_static) + len(axes)
        static: list[int | None] = [None] * rank
        kept = [d for d in range(rank) if d not in axes]
        for d, s in zip(kept, [s for i, s in enumerate(out_static) if not keep or i not in axes]):
            static[d] = s
        sizes = _space_sizes(e, ins, op.input_dims(), static, _origin(op))
        if op.kind.data in ("max", "min", "argmax", "argmin") and axes:
            count = e.idx(1)
            for a in axes:
                count = e.muli(count, sizes[a])
            e.check(
                e.cmpi("sgt", count, e.idx(0)),
                f"{op.kind.data} of an empty dimension (in {_origin(op)})",
            )
        out_sizes = [e.idx(1) if d in axes else sizes[d] for d in range(rank) if keep or d not in axes]
        out = e.alloc(op.res[0].type, out_sizes)
        region = op.body.clone()
        new = loop.ReduceOp(
            op.kind.data, ins, axes, keep, region, output=out, dims=op.input_dims()
        )
        new.attributes |= op.attributes
        e.add(new)
        self.m[op.res[0]] = out

    def dot(self, op: loop.DotOp) -> None:
        e = self.e
        a, b = self.m[op.lhs], self.m[op.rhs]
        ra, rb = len(_static(a.type)), len(_static(b.type))
        ka = e.dim(a, ra - 1)
        kb = e.dim(b, 0)
        e.check_equal(
            ka, kb,
            "shape mismatch in dot: the inner dimensions differ ({0} vs {1})",
        )
        sizes = ([e.dim(a, 0)] if ra == 2 else []) + ([e.dim(b, 1)] if rb == 2 else [])
        out = e.alloc(op.res[0].type, sizes)
        e.add(loop.DotOp(a, b, output=out))
        self.m[op.res[0]] = out

    def constant(self, op: arith.ConstantOp) -> None:
        e = self.e
        data = numpy_from_dense(op.value)  # type: ignore[arg-type]
        t = op.result.type
        if data.size and np.all(data == data.reshape(-1)[0]):
            buf = e.alloc(t, [e.idx(s) for s in data.shape])
            region, block = loop.new_body([])
            sb = ScalarBuilder()
            value = sb.const(data.reshape(-1)[0].item(), signless(t.element_type))  # type: ignore[attr-defined]
            block.add_ops(sb.ops)
            block.add_op(loop.YieldOp(value))
            e.add(loop.MapOp([], region, outputs=[buf]))
            self.m[op.result] = buf
            return
        name = f"__constant_{self.b.globals_made}"
        self.b.globals_made += 1
        mt = memref_type(t)
        dense = op.value
        if dense.get_element_type() != mt.element_type:
            dense = DenseIntOrFPElementsAttr(
                TensorType(mt.element_type, list(data.shape)), dense.data
            )
        glob = memref.GlobalOp.get(StringAttr(name), mt, dense, constant=UnitAttr())
        self.b.module.body.block.add_op(glob)
        self.m[op.result] = e.add(memref.GetGlobalOp(name, mt))

    def _load_ints(self, shape_buf: SSAValue, n: int) -> list[SSAValue]:
        e = self.e
        known = e.contents.get(shape_buf)
        if known is not None and len(known) == n:  # a shape made in this block
            return list(known)
        return [
            e.to_index(e.add(memref.LoadOp.get(shape_buf, [e.idx(k)]))) for k in range(n)
        ]

    def dimshuffle(self, op: loop.DimShuffleOp) -> None:
        """A view: kept dimensions keep their stride, new ones get stride 0."""
        e = self.e
        src = self.m[op.x]
        offset, strides = e.layout(src)
        sizes = e.dims(src)
        new_sizes = [e.idx(1) if p == -1 else sizes[p] for p in op.pattern_tuple()]
        new_strides = [e.idx(0) if p == -1 else strides[p] for p in op.pattern_tuple()]
        self.m[op.result] = e.view(src, offset, new_sizes, new_strides, op.result.type)

    def reshape(self, op: loop.ReshapeOp) -> None:
        e = self.e
        src = self.m[op.x]
        out_static = _static(op.result.type)
        wanted = self._load_ints(self.m[op.shape], len(out_static))
        total = e.idx(1)
        for s in e.dims(src):
            total = e.muli(total, s)
        known = e.idx(1)
        unknown = e.idx(0)
        # as NumPy: a negative size is the one to infer, and there is at most one
        # (the view's sizes are trusted from here on: nothing negative gets through)
        free = [e.cmpi("slt", w, e.idx(0)) for w in wanted]
        for w, is_free in zip(wanted, free):
            known = e.muli(known, e.select(is_free, e.idx(1), w))
            unknown = e.addi(unknown, e.select(is_free, e.idx(1), e.idx(0)))
        e.check(e.cmpi("sle", unknown, e.idx(1)), "reshape: the new shape has {0} unknown (negative) dimensions", [unknown])
        safe = e.select(e.cmpi("eq", known, e.idx(0)), e.idx(1), known)
        inferred = e.divsi(total, safe)
        sizes = [e.select(f, inferred, w) for f, w in zip(free, wanted)]
        product = e.idx(1)
        for s in sizes:
            product = e.muli(product, s)
        e.check_equal(
            product, total,
            "cannot reshape an array of {1} elements into a shape of {0} elements",
        )
        for k, (s, st) in enumerate(zip(sizes, out_static)):
            if st is not None:
                e.check_equal(s, e.idx(st), f"reshape: dimension {k} is {{0}}, {{1}} expected")
        if not is_contiguous(src.type):
            src = e.fresh_copy(src, op.x.type)
        strides: list[SSAValue] = [e.idx(1)] * len(sizes)
        for k in range(len(sizes) - 2, -1, -1):
            strides[k] = e.muli(strides[k + 1], sizes[k + 1])
        self.m[op.result] = e.view(src, e.idx(0), sizes, strides, op.result.type)

    def region(
        self, op: loop.SliceOp | loop.UpdateOp, src: SSAValue,
        dynamic: list[SSAValue],
    ) -> tuple[SSAValue, list[SSAValue], list[SSAValue]]:
        """Offset, sizes and strides of the region a subtensor spec selects."""
        e = self.e
        dyn = iter(dynamic)

        def part(v: int) -> SSAValue | None:
            if v == loop.SLICE_NONE:
                return None
            if v == loop.SLICE_DYNAMIC:
                return e.to_index(e.add(memref.LoadOp.get(next(dyn), [])))
            return e.idx(v)

        offset, strides = e.layout(src)
        sizes_in = e.dims(src)
        sizes: list[SSAValue] = []
        out_strides: list[SSAValue] = []
        entries = op.entries()
        zero = e.idx(0)
        for d, (kind, start, stop, step) in enumerate(entries):
            n = sizes_in[d]
            if kind == 0:
                i = part(start)
                assert i is not None
                i = e.select(e.cmpi("slt", i, zero), e.addi(i, n), i)
                ok = e.add(arith.AndIOp(e.cmpi("sge", i, zero), e.cmpi("slt", i, n)))
                e.check(
                    ok, f"index out of bounds for dimension {d} with size {{1}} (index {{0}})",
                    [i, n], kind="index",
                )
                offset = e.addi(offset, e.muli(i, strides[d]))
                continue
            st = part(step) or e.idx(1)
            lo, hi = part(start), part(stop)
            c_step = e.const_of(st)
            if c_step is None:
                e.check(e.cmpi("ne", st, zero), "slice step cannot be zero")
            length, first = self._slice(n, lo, hi, st, c_step)
            offset = e.addi(offset, e.muli(first, strides[d]))
            sizes.append(length)
            out_strides.append(e.muli(strides[d], st))
        for d in range(len(entries), len(sizes_in)):
            sizes.append(sizes_in[d])
            out_strides.append(strides[d])
        return offset, sizes, out_strides

    def _slice(
        self, n: SSAValue, lo: SSAValue | None, hi: SSAValue | None, step: SSAValue,
        c_step: int | None,
    ) -> tuple[SSAValue, SSAValue]:
        """Python's slice.indices(n): the length and the first index."""
        e = self.e
        zero, one, minus = e.idx(0), e.idx(1), e.idx(-1)

        def bounds(positive: bool) -> tuple[SSAValue, SSAValue, SSAValue, SSAValue]:
            lower = zero if positive else minus
            upper = n if positive else e.subi(n, one)

            def clamp(v: SSAValue | None, default: SSAValue) -> SSAValue:
                if v is None:
                    return default
                neg = e.maxi(e.addi(v, n), lower)
                return e.select(e.cmpi("slt", v, zero), neg, e.mini(v, upper))

            first = clamp(lo, zero if positive else upper)
            last = clamp(hi, n if positive else minus)
            if positive:
                span = e.subi(last, first)
                length = e.divsi(e.addi(span, e.subi(step, one)), step)
            else:
                span = e.subi(first, last)
                neg_step = e.subi(zero, step)
                length = e.divsi(e.addi(span, e.subi(neg_step, one)), neg_step)
            return e.maxi(length, zero), first, lower, upper

        if c_step is not None:
            length, first, _, _ = bounds(c_step > 0)
            return length, first
        pos_len, pos_first, _, _ = bounds(True)
        neg_len, neg_first, _, _ = bounds(False)
        is_pos = e.cmpi("sgt", step, zero)
        return e.select(is_pos, pos_len, neg_len), e.select(is_pos, pos_first, neg_first)

    def update_subtensor(self, op: loop.UpdateOp) -> None:
        e = self.e
        out = e.fresh_copy(self.m[op.x], op.x.type)
        offset, sizes, strides = self.region(op, out, [self.m[i] for i in op.indices])
        region_t = TensorType(
            op.x.type.element_type,  # type: ignore[attr-defined]
            [DYNAMIC_INDEX] * len(sizes),
        )
        target = e.view(out, offset, sizes, strides, region_t)
        y = self.m[op.y]
        for k, (ys, s) in enumerate(zip(_static(y.type), sizes)):
            if ys != 1:
                e.check_equal(
                    e.dim(y, k), s,
                    f"shape mismatch in {_origin(op)}: the value has size {{0}} in dimension "
                    f"{k}, the region {{1}}",
                )
        elem = signless(op.x.type.element_type)  # type: ignore[attr-defined]
        if op.kind.data == "set":
            e.copy_map(y, target)
        else:
            region, block = loop.new_body([elem, elem])
            if isinstance(elem, IntegerType) and elem.width.data == 1:
                add: Operation = arith.OrIOp(block.args[0], block.args[1])
            elif isinstance(elem, IntegerType):
                add = arith.AddiOp(block.args[0], block.args[1])
            else:
                add = arith.AddfOp(block.args[0], block.args[1])
            block.add_op(add)
            block.add_op(loop.YieldOp(add.results[0]))
            e.add(loop.MapOp([target, y], region, outputs=[target]))
        self.m[op.result] = out

    def concatenate(self, op: loop.ConcatOp) -> None:
        e = self.e
        axis = op.axis.value.data
        ins = [self.m[v] for v in op.inputs]
        first = e.dims(ins[0])
        total = first[axis]
        for v in ins[1:]:
            for d, s in enumerate(e.dims(v)):
                if d == axis:
                    total = e.addi(total, s)
                else:
                    e.check_equal(
                        s, first[d],
                        f"shape mismatch in sym.concatenate: dimension {d} is {{0}} in one "
                        "operand and {1} in the first",
                    )
        sizes = list(first)
        sizes[axis] = total
        out = e.alloc(op.result.type, sizes)
        _, strides = e.layout(out)
        start = e.idx(0)
        for v in ins:
            vs = e.dims(v)
            part_t = TensorType(op.result.type.element_type, [DYNAMIC_INDEX] * len(vs))  # type: ignore[attr-defined]
            target = e.view(out, e.muli(start, strides[axis]), vs, strides, part_t)
            e.copy_map(v, target)
            start = e.addi(start, vs[axis])
        self.m[op.result] = out

    def alloc(self, op: loop.BroadcastOp) -> None:
        e = self.e
        rank = len(_static(op.result.type))
        sizes = self._load_ints(self.m[op.shape], rank)
        for k, st in enumerate(_static(op.result.type)):
            if st is not None:
                e.check_equal(sizes[k], e.idx(st), f"alloc: dimension {k} is {{0}}, {{1}} expected")
            else:
                e.check(e.cmpi("sge", sizes[k], e.idx(0)), "alloc: negative size {0}", [sizes[k]])
        value = self.m[op.value]
        offset, strides = e.layout(value)
        vsizes = e.dims(value)
        one = e.idx(1)
        bstrides = []
        for k in range(rank):
            is_one = e.cmpi("eq", vsizes[k], one)
            e.check(
                e.ori(is_one, e.cmpi("eq", vsizes[k], sizes[k])),
                f"alloc: cannot broadcast a value of size {{0}} to size {{1}} in dimension {k}",
                [vsizes[k], sizes[k]],
            )
            bstrides.append(e.select(is_one, e.idx(0), strides[k]))
        # a broadcast is a view (stride 0 along the broadcast dimensions): nothing
        # writes into it, and loop-abi copies it if it is returned
        self.m[op.result] = e.view(value, offset, sizes, bstrides, op.result.type)

    def arange(self, op: loop.RangeOp) -> None:
        e = self.e
        elem = signless(op.result.type.element_type)  # type: ignore[attr-defined]
        start, stop, step = (e.add(memref.LoadOp.get(self.m[v], [])) for v in op.operands)
        is_float = not isinstance(elem, IntegerType)
        sb = ScalarBuilder()
        if is_float:
            zero = sb.const(0.0, elem)
            span = sb.named("arith.divf", sb.named("arith.subf", stop, start), step)
            count = sb.named("math.ceil", span)
            count = sb.named("arith.maximumf", count, zero)
            n = sb.add(arith.FPToSIOp(count, IntegerType(64)))
            nonzero = sb.cmp("ne", step, zero)
        else:
            zero = sb.const(0, elem)
            one = sb.const(1, elem)
            positive = sb.cmp("gt", step, zero)
            span = sb.named("arith.subi", stop, start)
            adj = sb.select(positive, sb.named("arith.subi", step, one), sb.named("arith.addi", step, one))
            safe = sb.select(sb.cmp("eq", step, zero), one, step)
            n = sb.named("arith.divsi", sb.named("arith.addi", span, adj), safe)
            n = sb.named("arith.maxsi", n, zero)
            nonzero = sb.cmp("ne", step, zero)
        e.ops += sb.ops
        e.check(nonzero, "arange: step must not be zero")
        size = e.to_index(n)
        st = _static(op.result.type)[0]
        if st is not None:
            e.check_equal(size, e.idx(st), "arange: {0} values, {1} expected")
        out = e.alloc(op.result.type, [size])
        region, block = loop.new_body([elem, elem])
        body = ScalarBuilder()
        i = body.add(loop.IndexOp(0))
        i64 = body.add(arith.IndexCastOp(i, IntegerType(64)))
        fi = body.convert(i64, elem)
        value = body.named(
            "arith.addf" if is_float else "arith.addi",
            block.args[0],
            body.named("arith.mulf" if is_float else "arith.muli", fi, block.args[1]),
        )
        block.add_ops(body.ops)
        block.add_op(loop.YieldOp(value))
        start_buf, step_buf = self.m[op.start], self.m[op.step]
        e.add(loop.MapOp([start_buf, step_buf], region, outputs=[out], dims=[[], []]))
        self.m[op.result] = out

    def mrg_uniform(self, op: loop.MrgUniformOp) -> None:
        """One loop per stream over the elements it gives (``i = j + k * n_streams``),
        carrying the six state words; the state after the draw is a new buffer."""
        e = self.e
        state = self.m[op.state]
        rank = len(_static(op.sample.type))
        sizes = self._load_ints(self.m[op.size], rank)
        n = e.idx(1)
        for s in sizes:
            e.check(e.cmpi("sge", s, e.idx(0)), "mrg_uniform: negative size {0}", [s])
            n = e.muli(n, s)
        e.check(
            e.cmpi("sle", n, e.idx(sym.MRG_M1)),
            "mrg_uniform does not support more than 2**31 - 1 samples ({0} asked)", [n],
        )
        streams = e.dim(state, 0)
        e.check(e.cmpi("sgt", streams, e.idx(0)), "mrg_uniform: the state has no stream")
        e.check_equal(e.dim(state, 1), e.idx(6), "mrg_uniform: the state has {0} columns, {1} expected")
        new_state = e.fresh_copy(state, op.state.type)
        sample = e.alloc(op.sample.type, sizes)
        flat_t = TensorType(op.sample.type.element_type, [DYNAMIC_INDEX])  # type: ignore[attr-defined]
        flat = e.view(sample, e.idx(0), [n], [e.idx(1)], flat_t)

        outer = Block(arg_types=[INDEX])
        j = outer.args[0]
        body = _Emitter(self.b)
        words = [body.add(memref.LoadOp.get(new_state, [j, body.idx(k)])) for k in range(6)]
        left = body.maxi(body.subi(n, j), body.idx(0))
        count = body.divsi(body.addi(left, body.subi(streams, body.idx(1))), streams)
        inner = Block(arg_types=[INDEX] + [w.type for w in words])
        sb = ScalarBuilder()
        new, raw = sym.MrgUniformOp.scalar_step(sb, list(inner.args[1:]))
        value = sym.MrgUniformOp.scalar_sample(op, sb, raw)  # type: ignore[arg-type]
        inner.add_ops(sb.ops)
        offset = arith.MuliOp(inner.args[0], streams)
        position = arith.AddiOp(j, offset.result)
        inner.add_ops([offset, position])
        inner.add_op(memref.StoreOp.get(value, flat, [position.result]))
        inner.add_op(scf.YieldOp(*new))
        loop_op = scf.ForOp(body.idx(0), count, body.idx(1), words, inner)
        body.add(loop_op)
        for k, word in enumerate(loop_op.results):
            body.add(memref.StoreOp.get(word, new_state, [j, body.idx(k)]))
        body.add(scf.YieldOp())
        outer.add_ops(body.ops)
        streams_loop = scf.ForOp(e.idx(0), streams, e.idx(1), [], outer)
        streams_loop.attributes[loop.PARALLEL] = UnitAttr()  # the streams are independent
        e.add(streams_loop)
        self.m[op.new_state] = new_state
        self.m[op.sample] = sample

    def multinomial_from_uniform(self, op: loop.MultinomialOp) -> None:
        """Loops over draws and rows; an inner loop over outcomes carries the
        float64 cumulative sum and whether the draw has landed."""
        e = self.e
        pvals, unis = self.m[op.pvals], self.m[op.unis]
        count = e.to_index(e.add(memref.LoadOp.get(self.m[op.n], [])))
        rows, outcomes = e.dim(pvals, 0), e.dim(pvals, 1)
        e.check_equal(
            e.dim(unis, 0), e.muli(rows, count),
            "multinomial: {0} uniforms for {1} draws (rows x n)",
        )
        out = e.alloc(op.result.type, [rows, outcomes])
        zero_region, zero_block = loop.new_body([])
        zsb = ScalarBuilder()
        zero_value = zsb.const(0, signless(op.result.type.element_type))  # type: ignore[attr-defined]
        zero_block.add_ops(zsb.ops)
        zero_block.add_op(loop.YieldOp(zero_value))
        e.add(loop.MapOp([], zero_region, outputs=[out]))
        f64 = Float64Type()
        out_elem = signless(op.result.type.element_type)  # type: ignore[attr-defined]

        draw = Block(arg_types=[INDEX])
        row = Block(arg_types=[INDEX])
        inner = Block(arg_types=[INDEX, f64, IntegerType(1)])
        c, r = draw.args[0], row.args[0]
        m, cum, done = inner.args
        sb = ScalarBuilder()
        p = sb.add(memref.LoadOp.get(pvals, [r, m]))
        total = sb.named("arith.addf", cum, sb.convert(p, f64))
        old_count = sb.add(memref.LoadOp.get(out, [r, m]))
        # u is loaded in the row loop, before the outcome loop
        offset = arith.MuliOp(c, rows)
        position = arith.AddiOp(offset.result, r)
        u_load = memref.LoadOp.get(unis, [position.result])
        u64 = ScalarBuilder()
        u_value = u64.convert(u_load.results[0], f64)
        hit = sb.named(
            "arith.andi", sb.cmp("gt", total, u_value),
            sb.named("arith.xori", done, sb.const(True, IntegerType(1))),
        )
        new_count = sb.named("arith.addi", old_count, sb.convert(hit, out_elem))
        inner.add_ops(sb.ops)
        inner.add_op(memref.StoreOp.get(new_count, out, [r, m]))
        inner.add_op(scf.YieldOp(total, sb_or(inner, done, hit)))
        zero = arith.ConstantOp(FloatAttr(0.0, f64))
        false = arith.ConstantOp(IntegerAttr(0, IntegerType(1)))
        start, step = arith.ConstantOp(IntegerAttr(0, INDEX)), arith.ConstantOp(IntegerAttr(1, INDEX))
        row.add_ops([offset, position, u_load, *u64.ops, zero, false, start, step])
        row.add_op(scf.ForOp(start.result, outcomes, step.result, [zero.result, false.result], inner))
        row.add_op(scf.YieldOp())
        d_start, d_step = arith.ConstantOp(IntegerAttr(0, INDEX)), arith.ConstantOp(IntegerAttr(1, INDEX))
        draw.add_ops([d_start, d_step, scf.ForOp(d_start.result, rows, d_step.result, [], row), scf.YieldOp()])
        e.add(scf.ForOp(e.idx(0), count, e.idx(1), [], draw))
        self.m[op.result] = out

    def map_index(self, op: loop.GenerateOp) -> None:
        """Iteration 0 runs first (its item's sizes give the result's), then a loop
        over the others copies each item into its row after checking its sizes."""
        e = self.e
        n = e.to_index(e.add(memref.LoadOp.get(self.m[op.n], [])))
        e.check(e.cmpi("sge", n, e.idx(0)), "map_index: negative trip count {0}", [n])
        item_type = op.body.block.last_op.values[0].type  # type: ignore[union-attr]
        out_type = memref_type(op.result.type)
        item_static = _static(item_type)

        empty = _Emitter(self.b)
        out0 = empty.alloc(op.result.type, [empty.idx(0)] + [empty.idx(s or 0) for s in item_static])
        empty.add(scf.YieldOp(out0))

        full = _Emitter(self.b)
        item0 = self._body(full, op, full.idx(0))
        sizes0 = full.dims(item0)
        out = full.alloc(op.result.type, [n, *sizes0])
        self._store_row(full, out, item0, full.idx(0))
        body = _Emitter(self.b)
        loop_block = Block(arg_types=[INDEX])
        item = self._body(body, op, loop_block.args[0])
        for k, (s, s0) in enumerate(zip(body.dims(item), sizes0)):
            body.check_equal(
                s, s0,
                f"map_index: an iteration yields size {{0}} in dimension {k}, iteration 0 "
                "yielded {1}",
            )
        self._store_row(body, out, item, loop_block.args[0])
        loop_block.add_ops(body.ops)
        loop_block.add_op(scf.YieldOp())
        full.add(scf.ForOp(full.idx(1), n, full.idx(1), [], loop_block))
        full.add(scf.YieldOp(out))

        is_empty = e.cmpi("eq", n, e.idx(0))
        result = e.add(scf.IfOp(is_empty, [out_type], empty.ops, full.ops))
        self.m[op.result] = result

    def _body(self, e: _Emitter, op: loop.GenerateOp, index: SSAValue) -> SSAValue:
        """Lower the loop body into ``e`` for one index; the item's buffer (possibly a
        view)."""
        i_buf = e.alloc(TensorType(IntegerType(64), []), [])
        e.add(memref.StoreOp.get(e.add(arith.IndexCastOp(index, IntegerType(64))), i_buf, []))
        block = op.body.block
        mapping = dict(self.m)
        mapping[block.args[0]] = i_buf
        inner = _Lowering(self.b, e, mapping)
        inner.run([o for o in block.ops if not isinstance(o, loop.YieldOp)])
        return mapping[block.last_op.values[0]]  # type: ignore[union-attr]

    def _store_row(self, e: _Emitter, out: SSAValue, item: SSAValue, i: SSAValue) -> None:
        e.copy_map(item, _row_view(e, out, i))


    # -- advanced indexing -----------------------------------------------------------

    def _nest(
        self,
        e: _Emitter,
        sizes: Sequence[SSAValue],
        build: Callable[[_Emitter, list[SSAValue]], None],
        ivs: list[SSAValue] | None = None,
        parallel: bool = False,
    ) -> None:
        """``scf.for`` loops over ``sizes`` (outermost first); ``build`` fills the
        innermost body, given its emitter and the induction variables.
        ``parallel``: the iterations of the outermost loop are independent (it is
        marked ``symopt.parallel``, for the GPU mapping)."""
        ivs = ivs or []
        if len(ivs) == len(sizes):
            build(e, ivs)
            return
        block = Block(arg_types=[INDEX])
        inner = _Emitter(self.b)
        self._nest(inner, sizes, build, [*ivs, block.args[0]])
        block.add_ops(inner.ops)
        block.add_op(scf.YieldOp())
        loop_op = scf.ForOp(e.idx(0), sizes[len(ivs)], e.idx(1), [], block)
        if parallel and not ivs:
            loop_op.attributes[loop.PARALLEL] = UnitAttr()
        e.add(loop_op)

    def _index_space(self, e: _Emitter, op: loop.GatherOp | loop.ScatterOp, x: SSAValue, indices: list[SSAValue]) -> tuple[list[SSAValue], list[int], bool]:
        """The broadcast sizes of the index tensors (checked to agree), the
        indexed dimensions of ``x``, and whether they are adjacent."""
        statics = [_static(v.type) for v in indices]
        rank = len(statics[0]) if statics else 0
        sizes: list[SSAValue] = []
        for d in range(rank):
            sized = [v for v, st in zip(indices, statics) if st[d] != 1]
            if not sized:
                sizes.append(e.idx(1))
                continue
            first = e.dim(sized[0], d)
            for v in sized[1:]:
                e.check_equal(
                    e.dim(v, d), first,
                    f"shape mismatch in {_origin(op)}: the index tensors have sizes {{0}} "
                    f"and {{1}} in dimension {d}",
                )
            sizes.append(first)
        spec = op.spec_list()
        positions = [d for d, s in enumerate(spec) if s == 1]
        adjacent = positions == list(range(positions[0], positions[-1] + 1))
        return sizes, positions, adjacent

    def _region_sizes(self, e: _Emitter, x: SSAValue, index_sizes: list[SSAValue], positions: list[int], adjacent: bool) -> list[SSAValue]:
        xs = e.dims(x)
        rest = [xs[d] for d in range(len(xs)) if d not in positions]
        if adjacent:
            return xs[: positions[0]] + index_sizes + xs[positions[-1] + 1 :]
        return index_sizes + rest

    def _x_position(
        self, e: _Emitter, op: loop.GatherOp | loop.ScatterOp, x: SSAValue,
        indices: list[SSAValue], ivs: list[SSAValue], positions: list[int], adjacent: bool,
        check: bool, n_index: int,
    ) -> list[SSAValue]:  # fmt: skip
        """The element of ``x`` that region position ``ivs`` reads or writes:
        each index tensor is read at the broadcast position, wrapped if negative
        and (when ``check``) checked against its dimension."""
        rank_x = len(_static(x.type))
        if adjacent:
            b_ivs = ivs[positions[0] : positions[0] + n_index]
            other = ivs[: positions[0]] + ivs[positions[0] + n_index :]
        else:
            b_ivs = ivs[:n_index]
            other = ivs[n_index:]
        values: dict[int, SSAValue] = {}
        for t, d in zip(indices, positions):
            st = _static(t.type)
            at = [e.idx(0) if s == 1 else b for s, b in zip(st, b_ivs)]
            raw = e.add(memref.LoadOp.get(t, at))
            v = e.add(arith.IndexCastOp(raw, INDEX))
            size = e.dim(x, d)
            negative = e.cmpi("slt", v, e.idx(0))
            v = e.select(negative, e.addi(v, size), v)
            if check:
                raw64 = raw if raw.type == IntegerType(64) else e.add(arith.ExtSIOp(raw, IntegerType(64)))
                inside = e.add(arith.AndIOp(e.cmpi("sge", v, e.idx(0)), e.cmpi("slt", v, size)))
                e.check(
                    inside,
                    f"index {{0}} is out of bounds for dimension {d} of {_label(op.x)} "
                    f"with size {{1}} (in {_origin(op)})",
                    [e.add(arith.IndexCastOp(raw64, INDEX)), size], kind="index",
                )
            values[d] = v
        it = iter(other)
        return [values[d] if d in values else next(it) for d in range(rank_x)]

    def gather(self, op: loop.GatherOp) -> None:
        e = self.e
        x = self.m[op.x]
        indices = [self.m[v] for v in op.indices]
        index_sizes, positions, adjacent = self._index_space(e, op, x, indices)
        sizes = self._region_sizes(e, x, index_sizes, positions, adjacent)
        # every index checked first, over the index space alone: also where the
        # result is empty (an out-of-range index is an error, as in NumPy)
        self._validate_indices(e, op, x, indices, index_sizes, positions, adjacent)
        out = e.alloc(op.result.type, sizes)

        def body(inner: _Emitter, ivs: list[SSAValue]) -> None:
            at = self._x_position(inner, op, x, indices, ivs, positions, adjacent, False, len(index_sizes))
            value = inner.add(memref.LoadOp.get(x, at))
            inner.add(memref.StoreOp.get(value, out, ivs))

        self._nest(e, sizes, body, parallel=True)  # each element written once
        self.m[op.result] = out

    def _validate_indices(
        self, e: _Emitter, op: loop.GatherOp | loop.ScatterOp, x: SSAValue, indices: list[SSAValue],
        index_sizes: list[SSAValue], positions: list[int], adjacent: bool,
    ) -> None:  # fmt: skip
        """A loop over the index space that checks every index against its
        dimension of ``x`` (the other dimensions are not read)."""
        rank_x = len(_static(x.type))

        def validate(inner: _Emitter, ivs: list[SSAValue]) -> None:
            full = list(ivs)
            if adjacent:
                full = [inner.idx(0)] * positions[0] + full + [inner.idx(0)] * (rank_x - positions[-1] - 1)
            else:
                full = full + [inner.idx(0)] * (rank_x - len(positions))
            self._x_position(inner, op, x, indices, full, positions, adjacent, True, len(index_sizes))

        self._nest(e, index_sizes, validate)

    def scatter(self, op: loop.ScatterOp) -> None:
        """Every index is checked in a first loop over the index space; then a
        second loop writes (``set``) or adds (``inc``, in order, so that repeated
        indices accumulate) into a copy of ``x``."""
        e = self.e
        x = self.m[op.x]
        y = self.m[op.y]
        indices = [self.m[v] for v in op.indices]
        index_sizes, positions, adjacent = self._index_space(e, op, x, indices)
        sizes = self._region_sizes(e, x, index_sizes, positions, adjacent)
        for k, (ys, s) in enumerate(zip(_static(y.type), sizes)):
            if ys != 1:
                e.check_equal(
                    e.dim(y, k), s,
                    f"shape mismatch in {_origin(op)}: the value has size {{0}} in dimension "
                    f"{k}, the indexed region {{1}}",
                )
        n_index = len(index_sizes)
        self._validate_indices(e, op, x, indices, index_sizes, positions, adjacent)
        out = e.fresh_copy(x, op.x.type)
        elem = signless(op.x.type.element_type)  # type: ignore[attr-defined]

        def write(inner: _Emitter, ivs: list[SSAValue]) -> None:
            at = self._x_position(inner, op, out, indices, ivs, positions, adjacent, False, n_index)
            y_at = [inner.idx(0) if s == 1 else iv for s, iv in zip(_static(y.type), ivs)]
            value = inner.add(memref.LoadOp.get(y, y_at))
            if op.kind.data == "inc":
                old = inner.add(memref.LoadOp.get(out, at))
                if isinstance(elem, IntegerType) and elem.width.data == 1:
                    value = inner.add(arith.OrIOp(old, value))
                elif isinstance(elem, IntegerType):
                    value = inner.add(arith.AddiOp(old, value))
                else:
                    value = inner.add(arith.AddfOp(old, value))
            inner.add(memref.StoreOp.get(value, out, at))

        self._nest(e, sizes, write)
        self.m[op.result] = out

    def nonzero(self, op: loop.NonzeroOp) -> None:
        """Two passes over ``x``: one counts the nonzero elements, the other,
        after the result is allocated, writes their indices."""
        e = self.e
        x = self.m[op.x]
        sizes = e.dims(x)
        count = e.alloc(TensorType(IntegerType(64), []), [])
        zero64 = e.add(arith.ConstantOp(IntegerAttr(0, IntegerType(64))))
        e.add(memref.StoreOp.get(zero64, count, []))
        elem = signless(op.x.type.element_type)  # type: ignore[attr-defined]

        def is_nonzero(inner: _Emitter, ivs: list[SSAValue]) -> SSAValue:
            v = inner.add(memref.LoadOp.get(x, ivs))
            if isinstance(elem, IntegerType) and elem.width.data == 1:
                return v
            if isinstance(elem, IntegerType):
                return inner.add(arith.CmpiOp(v, inner.add(arith.ConstantOp(IntegerAttr(0, elem))), "ne"))
            return inner.add(arith.CmpfOp(v, inner.add(arith.ConstantOp(FloatAttr(0.0, elem))), "une"))  # type: ignore[arg-type]

        def bump(inner: _Emitter, then: Callable[[_Emitter, SSAValue], None], ivs: list[SSAValue]) -> None:
            flag = is_nonzero(inner, ivs)
            branch = _Emitter(self.b)
            c = branch.add(memref.LoadOp.get(count, []))
            then(branch, c)
            one = branch.add(arith.ConstantOp(IntegerAttr(1, IntegerType(64))))
            branch.add(memref.StoreOp.get(branch.add(arith.AddiOp(c, one)), count, []))
            branch.add(scf.YieldOp())
            inner.add(scf.IfOp(flag, [], branch.ops, [scf.YieldOp()]))

        self._nest(e, sizes, lambda inner, ivs: bump(inner, lambda b, c: None, ivs))
        n = e.to_index(e.add(memref.LoadOp.get(count, [])))
        out = e.alloc(op.result.type, [e.idx(len(sizes)), n])
        e.add(memref.StoreOp.get(zero64, count, []))

        def record(ivs: list[SSAValue]) -> Callable[[_Emitter, SSAValue], None]:
            def then(b: _Emitter, c: SSAValue) -> None:
                column = b.add(arith.IndexCastOp(c, INDEX))
                for d, iv in enumerate(ivs):
                    value = b.add(arith.IndexCastOp(iv, IntegerType(64)))
                    b.add(memref.StoreOp.get(value, out, [b.idx(d), column]))
            return then

        self._nest(e, sizes, lambda inner, ivs: bump(inner, record(ivs), ivs))
        self.m[op.result] = out

    # -- along an axis: cumulative sums and products, sorting -------------------------

    def cumulative(self, op: loop.CumulativeOp) -> None:
        """One pass in C order: each element combines its input with the result
        one step before it along the axis (already computed, the loop over that
        axis being increasing)."""
        e = self.e
        x = self.m[op.x]
        axis = op.axis.value.data
        sizes = e.dims(x)
        out = e.alloc(op.result.type, sizes)
        elem = signless(op.x.type.element_type)  # type: ignore[attr-defined]

        def body(inner: _Emitter, ivs: list[SSAValue]) -> None:
            v = inner.add(memref.LoadOp.get(x, ivs))
            first = inner.cmpi("eq", ivs[axis], inner.idx(0))
            before = list(ivs)
            before[axis] = inner.maxi(inner.subi(ivs[axis], inner.idx(1)), inner.idx(0))
            prev = inner.add(memref.LoadOp.get(out, before))
            floating = not isinstance(elem, IntegerType)
            if op.kind.data == "add":
                combined = inner.add(arith.AddfOp(prev, v) if floating else arith.AddiOp(prev, v))
            else:
                combined = inner.add(arith.MulfOp(prev, v) if floating else arith.MuliOp(prev, v))
            inner.add(memref.StoreOp.get(inner.add(arith.SelectOp(first, v, combined)), out, ivs))

        self._nest(e, sizes, body)
        self.m[op.result] = out

    def _less(self, e: _Emitter, a: SSAValue, b: SSAValue, dtype: str) -> SSAValue:
        """``a < b`` in NumPy's sort order (NaN after everything)."""
        if isinstance(a.type, IntegerType):
            unsigned = dtype.startswith("uint") or dtype == "bool"
            return e.add(arith.CmpiOp(a, b, "ult" if unsigned else "slt"))
        lt = e.add(arith.CmpfOp(a, b, "olt"))
        b_nan = e.add(arith.CmpfOp(b, b, "uno"))
        a_num = e.add(arith.CmpfOp(a, a, "ord"))
        return e.add(arith.OrIOp(lt, e.add(arith.AndIOp(b_nan, a_num))))

    def sort(self, op: loop.SortOp) -> None:
        """Each line along the axis is copied into a scratch buffer with its
        indices and sorted there by a bottom-up merge sort (stable, n log n): pass
        ``p`` merges runs of ``2**p`` into a second buffer, then copies back."""
        e = self.e
        x = self.m[op.x]
        axis = op.axis.value.data
        sizes = e.dims(x)
        n = sizes[axis]
        out = e.alloc(op.result.type, sizes)
        key_t = TensorType(x.type.element_type, [DYNAMIC_INDEX])  # type: ignore[attr-defined]
        idx_t = TensorType(IntegerType(64), [DYNAMIC_INDEX])
        keys, keys2 = e.alloc(key_t, [n]), e.alloc(key_t, [n])
        idx, idx2 = e.alloc(idx_t, [n]), e.alloc(idx_t, [n])
        dtype = dtype_of(op.x.type)
        others = [s for d, s in enumerate(sizes) if d != axis]

        def line(le: _Emitter, ivs: list[SSAValue]) -> None:
            def at(k: SSAValue) -> list[SSAValue]:
                return [*ivs[:axis], k, *ivs[axis:]]

            def load_line(ie: _Emitter, k: list[SSAValue]) -> None:
                ie.add(memref.StoreOp.get(ie.add(memref.LoadOp.get(x, at(k[0]))), keys, k))
                ie.add(memref.StoreOp.get(ie.add(arith.IndexCastOp(k[0], IntegerType(64))), idx, k))

            self._nest(le, [n], load_line)
            self._merge_passes(le, n, keys, keys2, idx, idx2, dtype)
            source = keys if op.kind.data == "values" else idx

            def store_line(ie: _Emitter, k: list[SSAValue]) -> None:
                ie.add(memref.StoreOp.get(ie.add(memref.LoadOp.get(source, k)), out, at(k[0])))

            self._nest(le, [n], store_line)

        self._nest(e, others, line)
        self.m[op.result] = out

    def _merge_passes(
        self, e: _Emitter, n: SSAValue, keys: SSAValue, keys2: SSAValue, idx: SSAValue,
        idx2: SSAValue, dtype: str,
    ) -> None:  # fmt: skip
        passes = Block(arg_types=[INDEX, INDEX])  # pass number, run width
        width = passes.args[1]
        pe = _Emitter(self.b)
        active = pe.cmpi("slt", width, n)
        then = _Emitter(self.b)
        two_w = then.add(arith.AddiOp(width, width))
        runs = Block(arg_types=[INDEX])
        lo = runs.args[0]
        re = _Emitter(self.b)
        mid = re.mini(re.addi(lo, width), n)
        hi = re.mini(re.add(arith.AddiOp(lo, two_w)), n)
        merge = Block(arg_types=[INDEX, INDEX, INDEX])  # k, i, j
        k, i, j = merge.args
        me = _Emitter(self.b)
        last = me.subi(n, me.idx(1))
        ic, jc = me.mini(i, last), me.mini(j, last)
        ki, kj = me.add(memref.LoadOp.get(keys, [ic])), me.add(memref.LoadOp.get(keys, [jc]))
        ii, ij = me.add(memref.LoadOp.get(idx, [ic])), me.add(memref.LoadOp.get(idx, [jc]))
        right_first = me.add(arith.AndIOp(me.cmpi("slt", j, hi), self._less(me, kj, ki, dtype)))
        left = me.add(arith.AndIOp(me.cmpi("slt", i, mid), me.add(arith.XOrIOp(right_first, me.flag(True)))))
        me.add(memref.StoreOp.get(me.add(arith.SelectOp(left, ki, kj)), keys2, [k]))
        me.add(memref.StoreOp.get(me.add(arith.SelectOp(left, ii, ij)), idx2, [k]))
        one = me.idx(1)
        i2 = me.add(arith.SelectOp(left, me.add(arith.AddiOp(i, one)), i))
        j2 = me.add(arith.SelectOp(left, j, me.add(arith.AddiOp(j, one))))
        merge.add_ops(me.ops)
        merge.add_op(scf.YieldOp(i2, j2))
        re.add(scf.ForOp(lo, hi, re.idx(1), [lo, mid], merge))
        runs.add_ops(re.ops)
        runs.add_op(scf.YieldOp())
        then.add(scf.ForOp(then.idx(0), n, two_w, [], runs))

        def copy_back(ce: _Emitter, kk: list[SSAValue]) -> None:
            ce.add(memref.StoreOp.get(ce.add(memref.LoadOp.get(keys2, kk)), keys, kk))
            ce.add(memref.StoreOp.get(ce.add(memref.LoadOp.get(idx2, kk)), idx, kk))

        self._nest(then, [n], copy_back)
        then.add(scf.YieldOp())
        pe.add(scf.IfOp(active, [], then.ops, [scf.YieldOp()]))
        doubled = pe.add(arith.AddiOp(width, width))
        passes.add_ops(pe.ops)
        passes.add_op(scf.YieldOp(doubled))
        # 63 passes sort any line an index can address
        e.add(scf.ForOp(e.idx(0), e.idx(63), e.idx(1), [e.idx(1)], passes))

    # -- scan ----------------------------------------------------------------------

    def scan(self, op: loop.ScanOp) -> None:
        """Storage for every output is allocated before the loop (the recurrent
        ones start with their initial rows), then an ``scf.for`` runs the body,
        which reads rows of the sequences and of the storage through views and
        copies what it yields into row ``i``. Outputs that are not fed back take
        their row sizes from step 0, which then runs before the loop (unless they
        are all static)."""
        e, m = self.e, self.m
        n = e.to_index(e.add(memref.LoadOp.get(m[op.n], [])))
        e.check(e.cmpi("sge", n, e.idx(0)), "scan: negative number of steps {0}", [n])
        seqs = [m[v] for v in op.seqs]
        for k, seq in enumerate(seqs):
            rows = e.dim(seq, 0)
            e.check(
                e.cmpi("sge", rows, n),
                f"scan: sequence {k} has {{0}} rows, fewer than the {{1}} steps",
                [rows, n],
            )
        taps, last = op.tap_lists(), op.last_flags()
        stores: list[SSAValue] = []
        for j, v in enumerate(op.inits):
            init = m[v]
            depth = -taps[j][0]
            row_sizes = e.dims(init)[1:]
            if last[j]:
                buf = e.alloc(op.outs[j].type, row_sizes)
                e.copy_map(_row_view(e, init, e.idx(0)), buf)
            else:
                buf = e.alloc(op.outs[j].type, [e.addi(n, e.idx(depth)), *row_sizes])
                offset, strides = e.layout(buf)
                head = e.view(buf, offset, e.dims(init), strides, init.type)
                e.copy_map(init, head)
            stores.append(buf)
        ni = len(op.inits)
        items = [r.type for r in op.outs[ni:]]
        static_items = all(None not in _static(t)[1:] for t in items)

        if static_items:
            nits = [e.alloc(t, [n, *[e.idx(d) for d in _static(t)[1:]]]) for t in items]
            self._scan_loop(e, op, seqs, stores, nits, e.idx(0), n)
        else:
            empty = _Emitter(self.b)
            zeros = [
                empty.alloc(t, [empty.idx(0)] + [empty.idx(d or 0) for d in _static(t)[1:]])
                for t in items
            ]
            empty.add(scf.YieldOp(*zeros))
            full = _Emitter(self.b)
            first = self._scan_step(full, op, seqs, stores, full.idx(0))
            nits = [
                full.alloc(t, [n, *full.dims(y)]) for t, y in zip(items, first[ni:])
            ]
            self._scan_store(full, op, stores, nits, first, full.idx(0))
            self._scan_loop(full, op, seqs, stores, nits, full.idx(1), n)
            full.add(scf.YieldOp(*nits))
            is_empty = e.cmpi("eq", n, e.idx(0))
            result = e.add(scf.IfOp(is_empty, [memref_type(t) for t in items], empty.ops, full.ops))
            nits = list(result.owner.results)  # type: ignore[union-attr]
        for r, buf in zip(op.outs, stores + nits):
            m[r] = buf

    def _scan_loop(
        self, e: _Emitter, op: loop.ScanOp, seqs: list[SSAValue], stores: list[SSAValue],
        nits: list[SSAValue], start: SSAValue, stop: SSAValue,
    ) -> None:  # fmt: skip
        body = _Emitter(self.b)
        block = Block(arg_types=[INDEX])
        ys = self._scan_step(body, op, seqs, stores, block.args[0])
        self._scan_store(body, op, stores, nits, ys, block.args[0])
        block.add_ops(body.ops)
        block.add_op(scf.YieldOp())
        e.add(scf.ForOp(start, stop, e.idx(1), [], block))

    def _scan_step(
        self, e: _Emitter, op: loop.ScanOp, seqs: list[SSAValue], stores: list[SSAValue],
        i: SSAValue,
    ) -> list[SSAValue]:  # fmt: skip
        """The body lowered into ``e`` for step ``i``; the yielded buffers."""
        block = op.body.block
        args = list(block.args)
        mapping: dict[SSAValue, SSAValue] = {}
        if args[0].uses:
            i_buf = e.alloc(TensorType(IntegerType(64), []), [])
            e.add(memref.StoreOp.get(e.add(arith.IndexCastOp(i, IntegerType(64))), i_buf, []))
            mapping[args[0]] = i_buf
        pos = 1
        for seq in seqs:
            mapping[args[pos]] = _row_view(e, seq, i)
            pos += 1
        for j, (taps, flag) in enumerate(zip(op.tap_lists(), op.last_flags())):
            depth = -taps[0]
            for t in taps:
                if flag:
                    mapping[args[pos]] = stores[j]
                else:
                    mapping[args[pos]] = _row_view(e, stores[j], e.addi(i, e.idx(depth + t)))
                pos += 1
        for p, v in zip(args[pos:], op.params):
            mapping[p] = self.m[v]
        _Lowering(self.b, e, mapping).run([o for o in block.ops if not isinstance(o, loop.YieldOp)])
        return [mapping[v] for v in block.last_op.values]  # type: ignore[union-attr]

    def _scan_slot(
        self, e: _Emitter, op: loop.ScanOp, stores: list[SSAValue], nits: list[SSAValue],
        j: int, i: SSAValue,
    ) -> tuple[SSAValue, SSAValue, str]:  # fmt: skip
        """Where step ``i``'s value ``j`` goes (a row view, or the state itself for
        a state kept as its last row), the buffer it is in, and the output's name
        for messages."""
        if j < len(stores):
            store = stores[j]
            what = f"the recurrent output {j}"
            if op.last_flags()[j]:
                return store, store, what
            row = e.addi(i, e.idx(-op.tap_lists()[j][0]))
            return _row_view(e, store, row), store, what
        buf = nits[j - len(stores)]
        return _row_view(e, buf, i), buf, f"output {j}"

    @staticmethod
    def _check_row(e: _Emitter, y: SSAValue, target: SSAValue, what: str) -> None:
        for d, (got, expected) in enumerate(zip(e.dims(y), e.dims(target))):
            e.check_equal(
                got, expected,
                f"scan: a step yields size {{0}} in dimension {d} of {what}, whose "
                "rows have size {1}",
            )

    def _scan_store(
        self, e: _Emitter, op: loop.ScanOp, stores: list[SSAValue], nits: list[SSAValue],
        ys: list[SSAValue], i: SSAValue,
    ) -> None:  # fmt: skip
        """Copy step ``i``'s values into their rows, after checking their sizes. A
        state that keeps only its last row is overwritten in place, so a value that
        reads such a state is copied out first."""
        last = op.last_flags()
        in_place = {stores[j] for j, flag in enumerate(last) if flag}
        ys = list(ys)
        direct = self._scan_write_in_place(e, op, stores, nits, ys, i)
        for j, flag in enumerate(last):
            if flag and buffer_base(ys[j]) in in_place:
                ys[j] = e.fresh_copy(ys[j], ys[j].type)
        for j, y in enumerate(ys):
            if j in direct:
                continue
            target, _buf, what = self._scan_slot(e, op, stores, nits, j, i)
            self._check_row(e, y, target, what)
            e.copy_map(y, target)

    def _scan_write_in_place(
        self, e: _Emitter, op: loop.ScanOp, stores: list[SSAValue], nits: list[SSAValue],
        ys: list[SSAValue], i: SSAValue,
    ) -> set[int]:  # fmt: skip
        """A yielded value that the step allocated and only loops write and read is
        computed in its row instead: the allocation is replaced by the row's view
        (its sizes checked against the row's right there, before anything writes).
        Not for a state kept as its last row (the step still reads it), nor for a
        buffer the step allocates itself (the stacked outputs of step 0). The
        outputs written so."""
        last = op.last_flags()
        made_here = {id(o) for o in e.ops}
        done: set[int] = set()
        seen: set[SSAValue] = set()
        for j, y in enumerate(ys):
            owner = y.owner
            if not isinstance(owner, memref.AllocOp) or id(owner) not in made_here or y in seen:
                continue
            seen.add(y)
            # only loops that address the buffer through its strides (a view's
            # offsets would be relative to the whole buffer)
            if not all(isinstance(u.operation, (loop.MapOp, loop.ReduceOp)) for u in y.uses):
                continue
            if j < len(stores) and last[j]:
                continue
            pre = _Emitter(self.b)
            target, buf, what = self._scan_slot(pre, op, stores, nits, j, i)
            if id(buf.owner) in made_here:
                continue
            self._check_row(pre, y, target, what)
            position = e.ops.index(owner)
            e.ops[position : position + 1] = pre.ops
            y.replace_all_uses_with(target)
            owner.drop_all_references()
            done.add(j)
        return done

    # -- if ------------------------------------------------------------------------

    def if_(self, op: loop.IfOp) -> None:
        """An ``scf.if`` whose branches each lower their ops and yield buffers they
        own, of the result types (a value the branch did not allocate, or of a
        more static type, is copied)."""
        e = self.e
        cond = e.add(memref.LoadOp.get(self.m[op.cond], []))
        types = [memref_type(r.type) for r in op.outs]
        branches = []
        for region in (op.then_region, op.else_region):
            be = _Emitter(self.b)
            mapping: ChainMap[SSAValue, SSAValue] = ChainMap({}, self.m)
            block = region.block
            _Lowering(self.b, be, mapping).run([o for o in block.ops if not isinstance(o, loop.YieldOp)])  # type: ignore[arg-type]
            made = {o.results[0] for o in be.ops if isinstance(o, memref.AllocOp)}
            outs = []
            for v, t, r in zip(block.last_op.values, types, op.outs):  # type: ignore[union-attr]
                buf = mapping[v]
                if buf not in made or buf.type != t or buf in outs:
                    buf = be.fresh_copy(buf, r.type)
                outs.append(buf)
            be.add(scf.YieldOp(*outs))
            branches.append(be.ops)
        result = e.add(scf.IfOp(cond, types, branches[0], branches[1]))
        for r, v in zip(op.outs, result.owner.results):  # type: ignore[union-attr]
            self.m[r] = v


def _row_view(e: _Emitter, buf: SSAValue, i: SSAValue) -> SSAValue:
    """Row ``i`` of ``buf`` (its leading dimension dropped), as a view."""
    offset, strides = e.layout(buf)
    sizes = e.dims(buf)[1:]
    t = TensorType(buf.type.element_type, [DYNAMIC_INDEX] * len(sizes))  # type: ignore[attr-defined]
    return e.view(buf, e.addi(offset, e.muli(i, strides[0])), sizes, strides[1:], t)


@dataclass(frozen=True)
class LoopBufferizePass(ModulePass):
    """Give every tensor a buffer; layout-only ops become views.

    Input: tensor-level loop IR (after ``convert-sym-to-loop`` and ``loop-fuse``).
    Output: the same functions on memrefs: ``memref.alloc``, ``loop.view``,
    ``loop.check`` and memref-form ``loop.map``/``loop.reduce``/``loop.dot``; function
    arguments and results (with their ``symopt.dtype``) and ``loop.read``/
    ``loop.write`` on memrefs (``loop.global`` keeps the variable's tensor type).
    No tensor value remains; nothing is freed and no result is copied yet.
    Invariants: the functions compute the same values; every check of the
    semantics (sizes, indices) happens before the loop that relies on it.
    """

    name = "loop-bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        b = _Bufferizer(op)
        for top in list(op.ops):
            if isinstance(top, func.FuncOp) and top.body.blocks:
                check_tensor_signature(top, self.name)
                _bufferize_func(b, top)
            elif isinstance(top, sym.GlobalOp):
                raise DiagnosticException(
                    "loop-bufferize: the module still has sym ops; run convert-sym-to-loop first"
                )


def _bufferize_func(b: _Bufferizer, f: func.FuncOp) -> None:
    old = f.body.block
    arg_types = [memref_type(a.type) if isinstance(a.type, TensorType) else a.type for a in old.args]
    block = Block(arg_types=arg_types)
    for new, a in zip(block.args, old.args):
        new.name_hint = a.name_hint
    mapping: dict[SSAValue, SSAValue] = dict(zip(old.args, block.args))
    e = _Emitter(b)
    lowering = _Lowering(b, e, mapping)
    returned: list[SSAValue] = []
    for o in list(old.ops):
        if isinstance(o, func.ReturnOp):
            returned = [mapping[v] for v in o.arguments]
        elif o.dialect_name() == "sym":
            raise DiagnosticException(
                f"loop-bufferize: '{o.name}' is a sym op; run convert-sym-to-loop first"
            )
        else:
            lowering.lower_located(o)
    e.ops.append(func.ReturnOp(*returned))
    block.add_ops(e.ops)
    f.body.detach_block(old)
    f.body.add_block(block)
    tensor_type = f.function_type
    f.function_type = FunctionType.from_lists(arg_types, [v.type for v in returned])
    # buffers have signless elements: the dtypes (uint8 or int8?) go with them
    f.arg_attrs = _dtype_attrs(tensor_type.inputs.data, f.arg_attrs)
    f.res_attrs = _dtype_attrs(tensor_type.outputs.data, f.res_attrs)


DTYPE_ATTR = "symopt.dtype"
"""Argument and result attribute: the NumPy dtype of a buffer's elements."""


def _dtype_attrs(types: Sequence[Attribute], old: ArrayAttr | None) -> ArrayAttr:
    dicts = list(old.data) if old is not None else [DictionaryAttr({}) for _ in types]
    out = []
    for t, d in zip(types, dicts):
        entries = dict(d.data)
        if isinstance(t, TensorType):
            entries[DTYPE_ATTR] = StringAttr(dtype_of(t))
        out.append(DictionaryAttr(entries))
    return ArrayAttr(out)


def buffer_base(v: SSAValue) -> SSAValue:
    """The buffer a value views (itself unless it is a ``loop.view`` result)."""
    owner = v.owner
    while isinstance(owner, loop.ViewOp):
        v = owner.source
        owner = v.owner
    return v


def sb_or(block: Block, a: SSAValue, b: SSAValue) -> SSAValue:
    """``a | b`` appended to ``block`` (before its terminator is added)."""
    op = arith.OrIOp(a, b)
    block.add_op(op)
    return op.result
