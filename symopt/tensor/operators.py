"""What a ``Variable``'s operators and methods call (see ``symopt.ir.operators``):
Theano's tensor functions, ``getitem`` for indexing and ``function`` for ``eval``.
``symopt.tensor`` installs this module when it is imported."""

from __future__ import annotations

from symopt.tensor.basic import (
    abs_,
    add,
    all,
    and_,
    any,
    argmax,
    argmin,
    cast,
    clip,
    dimshuffle,
    dot,
    flatten,
    floor_div,
    ge,
    gt,
    invert,
    le,
    lt,
    max,
    mean,
    min,
    mod,
    mul,
    neg,
    or_,
    pow,
    prod,
    reshape,
    shape,
    std,
    sub,
    sum,
    transpose,
    true_div,
    var,
    xor,
)
from symopt.tensor.compile import function
from symopt.tensor.subtensor import getitem

__all__ = [
    "abs_", "add", "all", "and_", "any", "argmax", "argmin", "cast", "clip",
    "dimshuffle", "dot", "flatten", "floor_div", "function", "ge", "getitem", "gt",
    "invert", "le", "lt", "max", "mean", "min", "mod", "mul", "neg", "or_", "pow",
    "prod", "reshape", "shape", "std", "sub", "sum", "transpose", "true_div", "var",
    "xor",
]  # fmt: skip
