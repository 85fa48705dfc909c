"""``convert-sym-to-loop``: every sym op becomes a loop-level op on tensors.

Elementwise ops become ``loop.map`` with the op's scalar counterpart as body (a splat
constant operand becomes a scalar constant in the body), ``sym.reduce``/
``sym.arg_reduce`` ``loop.reduce``, and ``sym.dot`` on ranks 1 and 2 ``loop.dot``
(higher ranks a ``loop.reduce``). The structural ops become their loop-level
counterparts: ``sym.dimshuffle`` ``loop.dimshuffle`` (a layout change that
``loop-fuse`` folds into the loops reading it), ``sym.subtensor`` ``loop.slice``,
``sym.inc_subtensor``/``sym.set_subtensor`` ``loop.update``, advanced indexing
``loop.gather``/``loop.scatter``/``loop.nonzero``, ``sym.reshape``,
``sym.shape``, ``sym.concatenate``, ``sym.alloc`` (``loop.broadcast``),
``sym.arange`` (``loop.range``), ``sym.map_index`` (``loop.generate``),
``sym.scan`` (``loop.scan``), ``sym.if`` (``loop.if``), ``sym.cumulative``,
``sym.sort``/``sym.argsort`` (``loop.sort``), the MRG ops,
``sym.constant`` a builtin ``arith.constant`` of tensor type, ``sym.stop_gradient``
its operand, and shared variables
``loop.global``/``loop.read``/``loop.write``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func
from xdsl.dialects.builtin import FloatAttr, IntegerAttr, IntegerType, ModuleOp, UnitAttr
from xdsl.ir import Operation, SSAValue
from xdsl.utils.exceptions import DiagnosticException
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriterListener,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from symopt.dialects import loop, sym
from symopt.dialects.scalar import ScalarBuilder, signless
from symopt.dialects.types import check_tensor_signature, dtype_of, numpy_from_dense, static_shape



def _splat(value: SSAValue) -> np.generic | None:
    owner = value.owner
    if isinstance(owner, sym.ConstantOp):
        data = owner.to_numpy()
    elif isinstance(owner, arith.ConstantOp) and not isinstance(owner.value, (IntegerAttr, FloatAttr)):
        data = numpy_from_dense(owner.value)  # type: ignore[arg-type]
    else:
        return None
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


class StructuralToLoop(RewritePattern):
    """The shape, indexing, constant and random sym ops -> their loop counterparts."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if isinstance(op, sym.StopGradientOp):  # the identity, past the gradients
            rewriter.replace(op, [], [op.x])
            return
        new = _structural(op)
        if new is not None:
            rewriter.replace(op, new)


def _structural(op: Operation) -> Operation | None:
    if isinstance(op, sym.DimShuffleOp):
        return loop.DimShuffleOp(op.x, op.pattern_tuple(), op.result.type)
    if isinstance(op, sym.SubtensorOp):
        return loop.SliceOp(op.x, op.indices, _spec(op), op.result.type)
    if isinstance(op, (sym.IncSubtensorOp, sym.SetSubtensorOp)):
        kind = "inc" if isinstance(op, sym.IncSubtensorOp) else "set"
        return loop.UpdateOp(kind, op.x, op.y, op.indices, _spec(op))
    if isinstance(op, sym.AdvancedSubtensorOp):
        return loop.GatherOp(op.x, op.indices, op.spec, op.result.type)
    if isinstance(op, (sym.AdvancedIncSubtensorOp, sym.AdvancedSetSubtensorOp)):
        kind = "inc" if isinstance(op, sym.AdvancedIncSubtensorOp) else "set"
        return loop.ScatterOp(kind, op.x, op.y, op.indices, op.spec)
    if isinstance(op, sym.CumulativeOp):
        return loop.CumulativeOp(op.kind.data, op.x, op.axis.value.data)
    if isinstance(op, (sym.SortOp, sym.ArgSortOp)):
        kind = "values" if isinstance(op, sym.SortOp) else "indices"
        return loop.SortOp(kind, op.x, op.axis.value.data, op.result.type)
    if isinstance(op, sym.NonzeroOp):
        return loop.NonzeroOp(op.x, op.result.type)
    if isinstance(op, sym.ShapeOp):
        return loop.ShapeOp(op.x, op.result.type)
    if isinstance(op, sym.ReshapeOp):
        return loop.ReshapeOp(op.x, op.shape, op.result.type)
    if isinstance(op, sym.ConcatenateOp):
        return loop.ConcatOp(op.inputs, op.axis.value.data, op.result.type)
    if isinstance(op, sym.AllocOp):
        return loop.BroadcastOp(op.value, op.shape, op.result.type)
    if isinstance(op, sym.ArangeOp):
        return loop.RangeOp(op.start, op.stop, op.step, op.result.type)
    if isinstance(op, sym.ConstantOp):
        return arith.ConstantOp(op.value, op.result.type)
    if isinstance(op, sym.MrgUniformOp):
        new = loop.MrgUniformOp(op.state, op.size, op.sample.type)
        new.attributes |= op.attributes
        return new
    if isinstance(op, sym.MultinomialFromUniformOp):
        return loop.MultinomialOp(op.pvals, op.unis, op.n, op.result.type)
    if isinstance(op, sym.MapIndexOp):
        body = op.detach_region(op.body)
        return loop.GenerateOp(op.n, body, op.result.type)
    if isinstance(op, sym.ScanOp):
        new = loop.ScanOp(
            op.n, op.seqs, op.inits, op.params, op.taps, op.last, op.detach_region(op.body),
            [r.type for r in op.outs],
        )  # fmt: skip
        new.attributes |= op.attributes
        return new
    if isinstance(op, sym.IfOp):
        then_region, else_region = op.then_region, op.else_region
        op.detach_region(then_region)
        op.detach_region(else_region)
        return loop.IfOp(op.cond, then_region, else_region, [r.type for r in op.outs])
    if isinstance(op, sym.YieldOp):
        return loop.YieldOp(*op.values)
    if isinstance(op, sym.ReadOp):
        return loop.ReadOp(op.global_name.string_value(), op.result.type)
    if isinstance(op, sym.WriteOp):
        return loop.WriteOp(op.global_name.string_value(), op.value)
    return None


def _spec(op: sym.SubtensorOp | sym.IncSubtensorOp | sym.SetSubtensorOp) -> list[int]:
    values = [int(v) for v in op.spec.get_values()]
    # sym's markers for absent and dynamic bounds are loop's
    assert sym.SUBTENSOR_NONE == loop.SLICE_NONE and sym.SUBTENSOR_DYNAMIC == loop.SLICE_DYNAMIC
    return values


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
            op.loop_kind(), [op.x], op.axis_tuple(), op.keepdims is not None,
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
    """Lower every sym op to the loop dialect, on tensors.

    Input: sym IR (tensors, value semantics), host draws split off (``sym-split-host``;
    a nested host module is left alone).
    Output: no sym op in the module's functions: ``loop.map``/``loop.reduce``/
    ``loop.dot`` (one loop op per computing sym op; ``loop-fuse`` merges them), the
    structural loop ops, ``arith.constant`` tensors, and ``loop.global``/``loop.read``/
    ``loop.write`` for shared variables.
    Invariants: types and values unchanged; splat constants used only by
    elementwise ops become dead (run ``dce``).
    """

    name = "convert-sym-to-loop"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        walker = PatternRewriteWalker(
            GreedyRewritePatternApplier(
                [ElementwiseToMap(), ReduceToLoop(), ArgReduceToLoop(), DotToLoop(), StructuralToLoop()]
            ),
            apply_recursively=False,
            # each loop op takes the location of the sym op it replaces
            listener=PatternRewriterListener(operation_replacement_handler=[_hand_on_location]),
        )
        for top in list(op.ops):
            if isinstance(top, sym.GlobalOp):
                Rewriter.replace_op(top, loop.GlobalOp(top.sym_name.data, top.type))
            elif isinstance(top, func.FuncOp):
                if top.body.blocks:
                    check_tensor_signature(top, self.name)
                for inner in top.walk():
                    if inner.has_trait(sym.RunsOnHost):
                        raise DiagnosticException(
                            f"convert-sym-to-loop: '{inner.name}' draws on the host; run "
                            "sym-split-host first (the cpu pipeline does)"
                        )
                walker.rewrite_region(top.body)


def _hand_on_location(old: Operation, new_results: Sequence[SSAValue | None]) -> None:
    from symopt.dialects.location import inherit

    for r in new_results:
        if r is not None and isinstance(r.owner, Operation):
            inherit(old, r.owner)
