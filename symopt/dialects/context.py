"""An xDSL context with the dialects symopt's IR uses."""

from __future__ import annotations

from xdsl.context import Context


def sym_context() -> Context:
    from xdsl.dialects.arith import Arith
    from xdsl.dialects.builtin import Builtin
    from xdsl.dialects.func import Func
    from xdsl.dialects.math import Math

    from xdsl.dialects.memref import MemRef
    from xdsl.dialects.scf import Scf

    from symopt.dialects.loop import Loop
    from symopt.dialects.sym import Sym

    ctx = Context()
    for dialect in (Builtin, Func, Arith, Math, Scf, MemRef, Sym, Loop):
        ctx.load_dialect(dialect)
    return ctx
