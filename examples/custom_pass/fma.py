"""A symopt plugin: a fused multiply-add op and the pass that forms it.

    symopt --load examples/custom_pass/fma.py f.mlir -p fuse-mul-add
    symopt.function(..., pipeline="sym-opt,fuse-mul-add,cpu")  # after importing this

``x * a + b`` rounds twice (after the product and after the sum); ``fma.fma`` rounds
once, which is both faster (one instruction) and more accurate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Dialect, SSAValue
from xdsl.irdl import irdl_op_definition
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

import symopt
from symopt.dialects import sym
from symopt.dialects.scalar import ScalarBuilder


@irdl_op_definition
class FmaOp(sym.TernaryOp):
    """``%r = fma.fma %x, %a, %b : (...) -> ...``: ``x * a + b`` rounded once.

    A sym elementwise op like the built-in ones: the frontend types it, the
    reference executor runs ``np_fn``, and ``convert-sym-to-loop`` puts its scalar
    counterpart (``math.fma``) into a fused loop body.
    """

    name = "fma.fma"
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.fma", None)

    @staticmethod
    def np_fn(x: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        # NumPy has no fused multiply-add; exact in float128 where available
        wide = np.longdouble
        return (x.astype(wide) * a.astype(wide) + b.astype(wide)).astype(x.dtype)

    @staticmethod
    def value_type(a: SSAValue, b: SSAValue):  # type: ignore[no-untyped-def]
        return a.type

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        return b.named("math.fma", *args)


Fma = Dialect("fma", [FmaOp], [])


class MulAddToFma(RewritePattern):
    """``add(mul(x, a), b) -> fma(x, a, b)`` (and ``add(b, mul(x, a))``) for floats,
    when the product is used only by the sum and all types agree."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: sym.AddOp, rewriter: PatternRewriter) -> None:
        for product, addend in ((op.lhs, op.rhs), (op.rhs, op.lhs)):
            mul = product.owner
            if not isinstance(mul, sym.MulOp) or not product.has_one_use():
                continue
            types = {mul.lhs.type, mul.rhs.type, addend.type, op.result.type}
            if len(types) != 1 or not sym.is_float(op.result.type):
                continue
            rewriter.replace(op, FmaOp(mul.lhs, mul.rhs, addend))
            rewriter.erase(mul)  # its only use was the sum
            return


@symopt.register_pass
@dataclass(frozen=True)
class FuseMulAddPass(ModulePass):
    """Fuse ``x * a + b`` into ``fma.fma``.

    Input: sym IR. Output: the same IR with every float multiply-add whose product
    has no other use as one ``fma.fma``. Invariants: types unchanged; values equal
    up to the rounding the fused op saves.
    """

    name = "fuse-mul-add"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        PatternRewriteWalker(MulAddToFma()).rewrite_module(op)


symopt.register_dialect(Fma)
