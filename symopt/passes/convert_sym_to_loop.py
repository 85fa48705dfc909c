"""``convert-sym-to-loop``: the computing sym ops become structured loops.

Elementwise ops become ``loop.map`` with the op's scalar counterpart as body (a splat
constant operand becomes a scalar constant in the body), ``sym.dimshuffle`` a
``loop.map`` copy whose ``dims`` map holds the permutation (so fusion can fold it
into its consumer), ``sym.reduce``/``sym.arg_reduce`` ``loop.reduce``, and
``sym.dot`` on ranks 1 and 2 ``loop.dot``. The other sym ops (shapes, indexing,
constants, shared variables) are left for ``loop-bufferize``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import IntegerType, ModuleOp, UnitAttr
from xdsl.ir import SSAValue
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from symopt.dialects import loop, sym
from symopt.dialects.scalar import ScalarBuilder, signless
from symopt.dialects.types import dtype_of, static_shape

_REDUCE_KIND = {
    "sum": "add", "prod": "mul", "max": "max", "min": "min",
    "mean": "mean", "all": "and", "any": "or",
}  # fmt: skip


def _splat(value: SSAValue) -> np.generic | None:
    owner = value.owner
    if not isinstance(owner, sym.ConstantOp):
        return None
    data = owner.to_numpy()
    if data.size == 0 or not np.all(data == data.reshape(-1)[0]):
        return None
    return data.reshape(-1)[0]


class ElementwiseToMap(RewritePattern):
    """``sym.<elementwise>`` -> ``loop.map`` computing the op's scalar counterpart."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(op, sym.ElementwiseOp):
            return
        inputs: list[SSAValue] = []
        for v in op.operands:
            if _splat(v) is None and v not in inputs:
                inputs.append(v)
        elements = [signless(v.type.element_type) for v in inputs]  # type: ignore[attr-defined]
        region, block = loop.new_body(elements)
        b = ScalarBuilder()
        args: list[SSAValue] = []
        for v in op.operands:
            value = _splat(v)
            if value is None:
                args.append(block.args[inputs.index(v)])
            else:
                args.append(b.const(value.item(), signless(v.type.element_type)))  # type: ignore[attr-defined]
        result = op.scalar_body(b, args)
        block.add_ops(b.ops)
        block.add_op(loop.YieldOp(result))
        rewriter.replace(op, loop.MapOp(inputs, region, [op.results[0].type]))


class DimShuffleToMap(RewritePattern):
    """``sym.dimshuffle`` -> a ``loop.map`` copy reading its input through the
    permutation (dropped size-1 dimensions read index 0)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.DimShuffleOp, rewriter: PatternRewriter) -> None:
        pattern = op.pattern_tuple()
        rank = len(static_shape(op.x.type))
        dims = [pattern.index(k) if k in pattern else -1 for k in range(rank)]
        region, block = loop.new_body([signless(op.x.type.element_type)])  # type: ignore[attr-defined]
        block.add_op(loop.YieldOp(block.args[0]))
        rewriter.replace(op, loop.MapOp([op.x], region, [op.result.type], dims=[dims]))


class ReduceToLoop(RewritePattern):
    """``sym.reduce`` -> ``loop.reduce``; the prologue converts to the result dtype."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.ReduceOp, rewriter: PatternRewriter) -> None:
        source = op.x.type.element_type  # type: ignore[attr-defined]
        target = op.result.type.element_type  # type: ignore[attr-defined]
        region, block = loop.new_body([signless(source)])
        b = ScalarBuilder()
        value = b.convert(block.args[0], target, source)
        block.add_ops(b.ops)
        block.add_op(loop.YieldOp(value))
        new = loop.ReduceOp(
            _REDUCE_KIND[op.kind.data], [op.x], op.axis_tuple(), op.keepdims is not None,
            region, op.result.type,
        )  # fmt: skip
        if dtype_of(op.result.type).startswith("uint"):
            new.attributes["unsigned"] = UnitAttr()
        rewriter.replace(op, new)


class ArgReduceToLoop(RewritePattern):
    """``sym.arg_reduce`` -> ``loop.reduce "argmax"`` (or argmin)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.ArgReduceOp, rewriter: PatternRewriter) -> None:
        region, block = loop.new_body([signless(op.x.type.element_type)])  # type: ignore[attr-defined]
        block.add_op(loop.YieldOp(block.args[0]))
        new = loop.ReduceOp(
            op.kind.data, [op.x], op.axis_tuple(), op.keepdims is not None, region,
            op.result.type,
        )  # fmt: skip
        if dtype_of(op.x.type).startswith("uint"):
            new.attributes["unsigned"] = UnitAttr()
        rewriter.replace(op, new)


class DotToLoop(RewritePattern):
    """``sym.dot`` on ranks 1 and 2 -> ``loop.dot``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.DotOp, rewriter: PatternRewriter) -> None:
        ra, rb = len(static_shape(op.lhs.type)), len(static_shape(op.rhs.type))
        if max(ra, rb) <= 2:
            rewriter.replace(op, loop.DotOp(op.lhs, op.rhs, op.result.type))
            return
        # higher ranks: out[I..., J..., m] = sum_k a[I..., k] * b[J..., k, m] as a
        # reduction over the last dimension of the space (I..., J..., m, k)
        k = ra + rb - 2
        a_dims = list(range(ra - 1)) + [k]
        if rb == 1:
            b_dims = [k]
        else:
            b_dims = list(range(ra - 1, ra + rb - 3)) + [k, ra + rb - 3]
        elem = signless(op.lhs.type.element_type)  # type: ignore[attr-defined]
        region, block = loop.new_body([elem, elem])
        b = ScalarBuilder()
        floating = not isinstance(elem, IntegerType)
        product = b.named("arith.mulf" if floating else "arith.muli", *block.args)
        block.add_ops(b.ops)
        block.add_op(loop.YieldOp(product))
        rewriter.replace(
            op,
            loop.ReduceOp(
                "add", [op.lhs, op.rhs], [k], False, region, op.result.type,
                dims=[a_dims, b_dims],
            ),  # fmt: skip
        )


@dataclass(frozen=True)
class ConvertSymToLoopPass(ModulePass):
    """Lower sym's computing ops to the loop dialect.

    Input: sym IR (tensors, value semantics).
    Output: elementwise ops, dimshuffles, reductions and dots as ``loop.map``/
    ``loop.reduce``/``loop.dot`` on tensors (dots of higher rank as reductions), one loop op per sym op
    (``loop-fuse`` merges them); other sym ops unchanged.
    Invariants: types and values unchanged; splat constants used only by
    elementwise ops become dead (run ``dce``).
    """

    name = "convert-sym-to-loop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(
            GreedyRewritePatternApplier(
                [ElementwiseToMap(), DimShuffleToMap(), ReduceToLoop(), ArgReduceToLoop(), DotToLoop()]
            ),
            apply_recursively=False,
        ).rewrite_module(op)
