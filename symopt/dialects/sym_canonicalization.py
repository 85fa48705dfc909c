"""Canonicalization patterns of the sym ops (run by xDSL's ``canonicalize``).

Each pattern is one algebraic rule, stated in its docstring; a rule only fires when
the replacement has exactly the type of the value it replaces (broadcasting by a
constant can make a result's static shape larger than its operand's).
"""

from __future__ import annotations

import numpy as np
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.traits import Pure

from symopt.dialects import sym

FOLD_LIMIT = 1 << 16
"""Constant folding does not create constants with more elements than this."""


def _splat(value: SSAValue) -> float | int | bool | None:
    owner = value.owner
    if not isinstance(owner, sym.ConstantOp):
        return None
    data = owner.to_numpy()
    if data.size == 0:
        return None
    first = data.reshape(-1)[0]
    if not np.all(data == first):
        return None
    return first.item()


def _replace_by(rewriter: PatternRewriter, op: Operation, value: SSAValue) -> bool:
    if value.type != op.results[0].type:
        return False
    rewriter.replace(op, [], [value])
    return True


class FoldConstants(RewritePattern):
    """``op(constants...) -> constant``: evaluate a pure op whose operands are all
    constants with its NumPy semantics (the reference executor's), when the result
    is small (at most ``FOLD_LIMIT`` elements) and the evaluation succeeds."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not hasattr(op, "evaluate") or op.regions or len(op.results) != 1:
            return
        if isinstance(op, sym.ConstantOp) or not op.has_trait(Pure):
            return
        if not all(isinstance(v.owner, sym.ConstantOp) for v in op.operands):
            return
        shape = sym.static_shape(op.results[0].type)
        if None in shape or int(np.prod(shape, dtype=np.int64)) > FOLD_LIMIT:
            return
        args = [v.owner.to_numpy() for v in op.operands]  # type: ignore[union-attr]
        try:
            with np.errstate(all="ignore"):
                (value,) = op.evaluate(*args)  # type: ignore[attr-defined]
        except (ValueError, IndexError, ArithmeticError):
            return  # the error is the program's; it happens at run time
        rewriter.replace(op, sym.ConstantOp(np.asarray(value)))


class StaticShape(RewritePattern):
    """``shape(x) -> constant`` when every size of ``x`` is static."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.ShapeOp, rewriter: PatternRewriter) -> None:
        shape = sym.static_shape(op.x.type)
        if None in shape:
            return
        rewriter.replace(op, sym.ConstantOp(np.array(shape, dtype=np.int64)))


class MulByOne(RewritePattern):
    """``x * 1 -> x`` and ``1 * x -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.MulOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) == 1 and _replace_by(rewriter, op, op.lhs):
            return
        if _splat(op.lhs) == 1:
            _replace_by(rewriter, op, op.rhs)


class AddZero(RewritePattern):
    """``x + 0 -> x`` and ``0 + x -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.AddOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) == 0 and _replace_by(rewriter, op, op.lhs):
            return
        if _splat(op.lhs) == 0:
            _replace_by(rewriter, op, op.rhs)


class SubZero(RewritePattern):
    """``x - 0 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.SubOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) == 0:
            _replace_by(rewriter, op, op.lhs)


class DivByOne(RewritePattern):
    """``x / 1 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.DivOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) == 1:
            _replace_by(rewriter, op, op.lhs)


class DoubleNegation(RewritePattern):
    """``-(-x) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.NegOp, rewriter: PatternRewriter) -> None:
        inner = op.x.owner
        if isinstance(inner, sym.NegOp):
            _replace_by(rewriter, op, inner.x)


class PowOne(RewritePattern):
    """``x ** 1 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.PowOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) == 1:
            _replace_by(rewriter, op, op.lhs)


class PowTwo(RewritePattern):
    """``x ** 2 -> x * x``: a multiplication instead of ``pow``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.PowOp, rewriter: PatternRewriter) -> None:
        if _splat(op.rhs) != 2 or op.lhs.type != op.result.type:
            return
        rewriter.replace(op, sym.MulOp(op.lhs, op.lhs))


class CastToSameType(RewritePattern):
    """``cast(x : T) to T -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.CastOp, rewriter: PatternRewriter) -> None:
        _replace_by(rewriter, op, op.x)


class DimShuffleOfDimShuffle(RewritePattern):
    """``dimshuffle(dimshuffle(x, p), q) -> dimshuffle(x, p[q])`` (entries -1 stay
    -1), and an identity dimshuffle ``-> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.DimShuffleOp, rewriter: PatternRewriter) -> None:
        pattern = op.pattern_tuple()
        if list(pattern) == list(range(len(sym.static_shape(op.x.type)))):
            if _replace_by(rewriter, op, op.x):
                return
        inner = op.x.owner
        if not isinstance(inner, sym.DimShuffleOp):
            return
        first = inner.pattern_tuple()
        composed = [-1 if q == -1 else first[q] for q in pattern]
        kept = {c for c in composed if c != -1}
        source_shape = sym.static_shape(inner.x.type)
        if any(i not in kept and s != 1 for i, s in enumerate(source_shape)):
            return
        new = sym.DimShuffleOp(inner.x, composed)
        if new.result.type != op.result.type:
            return
        rewriter.replace(op, new)


class AllocOfSameShape(RewritePattern):
    """``alloc(v, shape) -> v`` when the result has exactly ``v``'s static type (all
    sizes static): filling a tensor with a value of its own shape copies it."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.AllocOp, rewriter: PatternRewriter) -> None:
        if None not in sym.static_shape(op.result.type):
            _replace_by(rewriter, op, op.value)


def patterns_for(op_class: type[Operation]) -> tuple[RewritePattern, ...]:
    """The canonicalization patterns rooted at ``op_class``."""
    specific: dict[type[Operation], tuple[RewritePattern, ...]] = {
        sym.MulOp: (MulByOne(),),
        sym.AddOp: (AddZero(),),
        sym.SubOp: (SubZero(),),
        sym.DivOp: (DivByOne(),),
        sym.NegOp: (DoubleNegation(),),
        sym.PowOp: (PowOne(), PowTwo()),
        sym.CastOp: (CastToSameType(),),
        sym.DimShuffleOp: (DimShuffleOfDimShuffle(),),
        sym.ShapeOp: (StaticShape(),),
        sym.AllocOp: (AllocOfSameShape(),),
    }
    return (*specific.get(op_class, ()), FoldConstants())
