"""Theano's ``theano.tensor.nnet``: the neural-network nonlinearities."""

from __future__ import annotations

from symopt.ir.variable import Variable
from symopt.tensor import basic
from symopt.tensor.basic import sigmoid, softplus

__all__ = ["relu", "sigmoid", "softmax", "softplus"]


def relu(x: object, alpha: float = 0.0) -> Variable:
    """Rectified linear unit: ``max(x, 0)``, or ``x`` scaled by ``alpha`` below 0."""
    v = basic.as_tensor_variable(x)
    if alpha == 0:
        return basic.maximum(v, 0)
    return basic.switch(basic.gt(v, 0), v, basic.mul(v, alpha))


def softmax(x: object, axis: int = -1) -> Variable:
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last by default), computed with
    the maximum subtracted first so that it never overflows."""
    v = basic.as_tensor_variable(x)
    if v.ndim == 0:
        raise ValueError("softmax needs a tensor of rank >= 1")
    v = basic.cast(v, basic.upgrade_to_float(v.dtype))
    shifted = v - basic.max(v, axis=axis, keepdims=True)
    e = basic.exp(shifted)
    return e / basic.sum(e, axis=axis, keepdims=True)
