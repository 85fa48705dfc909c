"""symopt: Theano's programming model on an MLIR-style multi-level compiler.

>>> import symopt as theano
>>> import symopt.tensor as T
>>> x, y = T.dscalars('x', 'y')
>>> f = theano.function([x, y], x + y)
>>> f(1, 2)
array(3.)
"""

from __future__ import annotations

from symopt import printing
from symopt.config import config
from symopt.ir.build import MissingInputError
from symopt.ir.variable import Variable
from symopt.runtime.function import Function, In, Param, UnusedInputError, function
from symopt.runtime.shared import SharedVariable, shared

__version__ = "0.1.0"

__all__ = [
    "Function",
    "In",
    "MissingInputError",
    "Param",
    "SharedVariable",
    "UnusedInputError",
    "Variable",
    "config",
    "printing",
    "function",
    "shared",
]
