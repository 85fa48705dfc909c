"""Text forms of graphs and compiled functions."""

from __future__ import annotations

from symopt.runtime.function import Function


def to_mlir(f: Function) -> str:
    """The module ``function`` built for ``f``, before any pass ran, as MLIR text.

    Save it and replay the pipeline with ``symopt saved.mlir -p ...``.

    >>> import symopt, symopt.tensor as T
    >>> x = T.dvector('x')
    >>> print(to_mlir(symopt.function([x], T.exp(x))))
    builtin.module {
      func.func @main(%x: tensor<?xf64>) -> tensor<?xf64> {
        %0 = sym.exp %x : tensor<?xf64>
        func.return %0 : tensor<?xf64>
      }
    }
    """
    if not isinstance(f, Function):
        raise TypeError(f"to_mlir expects a compiled symopt Function, got {type(f).__name__}")
    return f._compiled.source
