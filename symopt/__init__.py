"""symopt: Theano's programming model on an MLIR-style multi-level compiler.

>>> import symopt as theano
>>> import symopt.tensor as T
>>> x, y = T.dscalars('x', 'y')
>>> f = theano.function([x, y], x + y)
>>> f(1, 2)
array(3.)

The public names are imported on first use, so the ``symopt`` command-line tool,
which lives in this package, starts without loading the frontend or the runtime.
The names that make or take variables load ``symopt.tensor`` first: it provides the
variables' operators and methods (see ``symopt.ir.operators``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Function": "symopt.runtime.function",
    "In": "symopt.runtime.function",
    "Out": "symopt.runtime.function",
    "clone": "symopt.ir.clone",
    "compile_mlir": "symopt.runtime.mlir_function",
    "Param": "symopt.runtime.function",
    "UnusedInputError": "symopt.runtime.function",
    "function": "symopt.runtime.function",
    "SharedVariable": "symopt.ir.shared",
    "shared": "symopt.ir.shared",
    "MissingInputError": "symopt.ir.build",
    "Variable": "symopt.ir.variable",
    "config": "symopt.configparser",
    "grad": "symopt.gradient",
    "scan": "symopt.tensor.scan",
    "Mode": "symopt.runtime.mode",
    "register_pass": "symopt.passes",
    "register_dialect": "symopt.dialects.context",
}
_SUBMODULES = ("printing", "tensor", "gradient", "ifelse")
_WITHOUT_FRONTEND = frozenset({"config", "Mode", "register_pass", "register_dialect"})

__all__ = sorted([*_LAZY, *_SUBMODULES])

if TYPE_CHECKING:
    from symopt import gradient, printing, tensor
    from symopt.gradient import grad
    from symopt.tensor.scan import scan
    from symopt.dialects.context import register_dialect
    from symopt.passes import register_pass
    from symopt.runtime.mode import Mode
    from symopt.configparser import config
    from symopt.ir.build import MissingInputError
    from symopt.ir.variable import Variable
    from symopt.runtime.function import Function, In, Out, Param, UnusedInputError, function
    from symopt.ir.clone import clone
    from symopt.runtime.mlir_function import compile_mlir
    from symopt.ir.shared import SharedVariable, shared


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        if name not in _WITHOUT_FRONTEND:
            importlib.import_module("symopt.tensor")
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"symopt.{name}")
    else:
        raise AttributeError(f"module 'symopt' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
