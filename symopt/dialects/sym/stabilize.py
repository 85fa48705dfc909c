"""The stabilizing rewrites of sym ops (``sym-stabilize``, and ``grad`` on a cost).

In floating point, ``1 / (1 + exp(-x))`` rounds to exactly 1.0 once ``x`` exceeds
about 37 (float64), so ``log(1 - p)`` becomes ``log(0) = -inf`` and its gradient
``1 / (1 - p)`` infinite, although the exact values are finite. These patterns
replace such formulas by ``sym.sigmoid`` and ``sym.softplus``, whose NumPy and
compiled implementations never overflow, and whose gradients are stable too.

They live beside the dialect, not in the pass (``symopt.passes.sym_stabilize``):
``grad`` applies them in every process that takes a gradient, which then needs
none of xDSL's pass machinery.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, SSAValue
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.traits import HasCanonicalizationPatternsTrait

from symopt.dialects import sym


def _is_constant(value: SSAValue, number: float) -> bool:
    """Whether ``value`` is a ``sym.constant`` whose elements all equal ``number``."""
    owner = value.owner
    if not isinstance(owner, sym.ConstantOp):
        return False
    data = owner.to_numpy()
    return data.size > 0 and bool(np.all(data == number))


def _negated(value: SSAValue, new_ops: list[Operation]) -> SSAValue:
    """``-value``, reusing ``x`` when ``value`` is ``-x``."""
    owner = value.owner
    if isinstance(owner, sym.NegOp):
        return owner.x
    neg = sym.NegOp(value)
    new_ops.append(neg)
    return neg.result


def _one_plus(value: SSAValue) -> SSAValue | None:
    """``x`` if ``value`` is ``1 + x`` or ``x + 1``, else None."""
    owner = value.owner
    if not isinstance(owner, sym.AddOp):
        return None
    if _is_constant(owner.lhs, 1.0):
        return owner.rhs
    if _is_constant(owner.rhs, 1.0):
        return owner.lhs
    return None


def _same_type(op: Operation, source: SSAValue) -> bool:
    """Whether a replacement computed elementwise from ``source`` has exactly the type
    of ``op``'s result (constants of a larger static shape can broaden it). Checked
    before any new op is created, so a rejected match leaves no stray uses."""
    return source.type == op.results[0].type


class SigmoidFromReciprocal(RewritePattern):
    """``1 / (1 + exp(u)) -> sigmoid(-u)`` (and ``1 / (exp(u) + 1)``).

    Exact: ``sigmoid(t) = 1 / (1 + exp(-t))`` with ``t = -u``; ``--x`` folds to ``x``.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.DivOp, rewriter: PatternRewriter) -> None:
        if not _is_constant(op.lhs, 1.0):
            return
        inner = _one_plus(op.rhs)
        if inner is None or not isinstance(inner.owner, sym.ExpOp):
            return
        if not _same_type(op, inner.owner.x):
            return
        new_ops: list[Operation] = []
        t = _negated(inner.owner.x, new_ops)
        sig = sym.SigmoidOp(t)
        rewriter.replace(op, [*new_ops, sig], [sig.result])


class OneMinusSigmoid(RewritePattern):
    """``1 - sigmoid(x) -> sigmoid(-x)``.

    Exact: ``1 - 1/(1+e^-x) = e^-x/(1+e^-x) = 1/(e^x+1) = sigmoid(-x)``; the left side
    loses all precision (and hits 0) where ``sigmoid(x)`` rounds to 1.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.SubOp, rewriter: PatternRewriter) -> None:
        if not _is_constant(op.lhs, 1.0) or not isinstance(op.rhs.owner, sym.SigmoidOp):
            return
        if not _same_type(op, op.rhs):
            return
        new_ops: list[Operation] = []
        t = _negated(op.rhs.owner.x, new_ops)
        sig = sym.SigmoidOp(t)
        rewriter.replace(op, [*new_ops, sig], [sig.result])


class LogSigmoid(RewritePattern):
    """``log(sigmoid(x)) -> -softplus(-x)``.

    Exact: ``log(1/(1+e^-x)) = -log(1+e^-x) = -softplus(-x)``; softplus never
    overflows, where ``log`` of a sigmoid that underflowed to 0 gives ``-inf``.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.LogOp, rewriter: PatternRewriter) -> None:
        if not isinstance(op.x.owner, sym.SigmoidOp):
            return
        new_ops: list[Operation] = []
        t = _negated(op.x.owner.x, new_ops)
        sp = sym.SoftplusOp(t)
        neg = sym.NegOp(sp.result)
        rewriter.replace(op, [*new_ops, sp, neg], [neg.result])


class LogOneMinusSigmoid(RewritePattern):
    """``log(1 - sigmoid(x)) -> -softplus(x)``.

    Exact: ``1 - sigmoid(x) = sigmoid(-x)`` and ``log(sigmoid(-x)) = -softplus(x)``.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.LogOp, rewriter: PatternRewriter) -> None:
        sub = op.x.owner
        if not isinstance(sub, sym.SubOp) or not _is_constant(sub.lhs, 1.0):
            return
        if not isinstance(sub.rhs.owner, sym.SigmoidOp) or not _same_type(op, sub.rhs):
            return
        sp = sym.SoftplusOp(sub.rhs.owner.x)
        neg = sym.NegOp(sp.result)
        rewriter.replace(op, [sp, neg], [neg.result])


class SoftplusFromLog(RewritePattern):
    """``log(1 + exp(x)) -> softplus(x)`` (and ``log(exp(x) + 1)``).

    Exact by definition; ``exp(x)`` overflows to ``inf`` for x > 709 (float64) where
    ``softplus(x) = x + log1p(exp(-x))`` is finite.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.LogOp, rewriter: PatternRewriter) -> None:
        inner = _one_plus(op.x)
        if inner is None or not isinstance(inner.owner, sym.ExpOp):
            return
        if not _same_type(op, inner.owner.x):
            return
        sp = sym.SoftplusOp(inner.owner.x)
        rewriter.replace(op, [sp], [sp.result])


class SoftplusFromLog1p(RewritePattern):
    """``log1p(exp(x)) -> softplus(x)``: the same function, without the overflow."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.Log1pOp, rewriter: PatternRewriter) -> None:
        if not isinstance(op.x.owner, sym.ExpOp):
            return
        sp = sym.SoftplusOp(op.x.owner.x)
        rewriter.replace(op, [sp], [sp.result])


class LogSoftmax(RewritePattern):
    """``log(exp(a) / sum(exp(a), axis, keepdims)) -> a - log(sum(exp(a), axis, keepdims))``.

    Exact; the left side is ``log`` of a softmax, which underflows to ``log(0) =
    -inf`` for entries far below the maximum, while ``a`` minus the log of the sum
    (at least 1 when ``a`` is shifted by its maximum, as ``softmax`` does) is the
    finite log-probability. This is what makes ``categorical_crossentropy`` of a
    ``softmax`` stable.
    """

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.LogOp, rewriter: PatternRewriter) -> None:
        div = op.x.owner
        if not isinstance(div, sym.DivOp) or not isinstance(div.lhs.owner, sym.ExpOp):
            return
        total = div.rhs.owner
        if isinstance(total, sym.DimShuffleOp):
            total = total.x.owner
        if not isinstance(total, sym.ReduceOp) or total.kind.data != "sum" or total.x != div.lhs:
            return
        a = div.lhs.owner.x
        if not _same_type(op, a):
            return
        log_total = sym.LogOp(div.rhs)
        sub = sym.SubOp(a, log_total.result)
        if sub.result.type != op.result.type:
            return
        rewriter.replace(op, [log_total, sub], [sub.result])


class _StabilizeAndCanonicalize(RewritePattern):
    """The first pattern that rewrites an op, of the stabilizing patterns and
    then the op's own canonicalization patterns (those its
    ``HasCanonicalizationPatternsTrait`` gives, as ``canonicalize`` applies them;
    looked up once per op class). xDSL's greedy applier would do the same with
    a list, but it also imports xDSL's dead-code pass (a millisecond, in every
    process that takes a gradient) and erases dead ops, which this leaves."""

    def __init__(self, patterns: list[RewritePattern]) -> None:
        self.stabilizing = patterns
        self.patterns: dict[type[Operation], tuple[RewritePattern, ...]] = {}

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        patterns = self.patterns.get(type(op))
        if patterns is None:
            traits = op.get_traits_of_type(HasCanonicalizationPatternsTrait)
            own = tuple(p for t in traits for p in t.get_patterns(type(op)))
            patterns = self.patterns[type(op)] = (*self.stabilizing, *own)
        for pattern in patterns:
            pattern.match_and_rewrite(op, rewriter)
            if rewriter.has_done_action:
                return


def stabilize(module: ModuleOp, canonicalize: bool = False) -> None:
    """Apply the stabilizing patterns to ``module`` until none applies, erasing
    the ops the walk finds dead. With ``canonicalize``, the ops' canonicalization
    patterns too, in the same walk, and ops left dead stay: ``grad``
    differentiates the stable form of a cost made so, where they do no harm (it
    takes back only what the cost uses), while ``sym-stabilize,canonicalize``
    would cost two walks and xDSL's pass machinery. Sym ops fold constants by a
    canonicalization pattern (``FoldConstants``), not by folders."""
    patterns: list[RewritePattern] = [
        SigmoidFromReciprocal(),
        OneMinusSigmoid(),
        LogSigmoid(),
        LogOneMinusSigmoid(),
        SoftplusFromLog(),
        SoftplusFromLog1p(),
        LogSoftmax(),
    ]
    if canonicalize:
        applier: RewritePattern = _StabilizeAndCanonicalize(patterns)
    else:
        applier = GreedyRewritePatternApplier(patterns)
    PatternRewriteWalker(applier, apply_recursively=True).rewrite_module(module)
