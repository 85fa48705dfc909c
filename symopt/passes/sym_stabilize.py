"""``sym-stabilize``: rewrite numerically unstable formulas into stable ops (the
patterns: ``symopt.dialects.sym.stabilize``)."""

from __future__ import annotations

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from symopt.dialects.sym.stabilize import stabilize


class SymStabilizePass(ModulePass):  # no options, so no dataclass of its own (0.5 ms at import)
    """Rewrite unstable sigmoid/softplus/log-softmax formulas into stable ones.

    Input: any module with ``sym`` ops.
    Output: the same module where ``1/(1+exp(u))``, ``1 - sigmoid(x)``,
    ``log(sigmoid(x))``, ``log(1 - sigmoid(x))``, ``log(1 + exp(x))``,
    ``log1p(exp(x))`` and ``log`` of a softmax are replaced by their stable forms
    (see each pattern).
    Invariants: values and types are unchanged (up to rounding, which only improves);
    ops the walk finds dead (without uses or effects) are erased.
    """

    name = "sym-stabilize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        stabilize(op)
