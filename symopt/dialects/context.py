"""An xDSL context with the dialects symopt's IR uses."""

from __future__ import annotations

from xdsl.context import Context


def sym_context() -> Context:
    from xdsl.dialects.arith import Arith
    from xdsl.dialects.builtin import Builtin
    from xdsl.dialects.func import Func
    from xdsl.dialects.math import Math

    from symopt.dialects.sym import Sym

    ctx = Context()
    for dialect in (Builtin, Func, Arith, Math, Sym):
        ctx.load_dialect(dialect)
    return ctx
