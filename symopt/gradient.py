"""Theano's ``theano.gradient``: ``grad``, ``jacobian``, ``hessian``, ``verify_grad``
and the gradient-rule registry.

They are defined in ``symopt.tensor.gradient`` (``T.grad`` is the same function);
this module keeps Theano's import path.
"""

from __future__ import annotations

from symopt.tensor.gradient import (
    GRAD_RULES,
    DisconnectedInputError,
    GradientError,
    GradRule,
    Lop,
    NullTypeGradError,
    Rop,
    disconnected_grad,
    grad,
    grad_rule,
    hessian,
    jacobian,
    verify_grad,
    zero_grad,
)

__all__ = [
    "GRAD_RULES", "DisconnectedInputError", "GradRule", "GradientError", "Lop",
    "NullTypeGradError", "Rop", "disconnected_grad", "grad", "grad_rule", "hessian",
    "jacobian", "verify_grad", "zero_grad",
]  # fmt: skip
