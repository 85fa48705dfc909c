"""Building scalar ``arith``/``math`` ops for the sym ops' scalar counterparts.

``ScalarBuilder`` collects the ops it creates, so an elementwise op's
``scalar_body`` can return the list to insert into a loop body.
"""

from __future__ import annotations

from functools import lru_cache
from types import ModuleType

from xdsl.dialects.builtin import (
    AnyFloat,
    FloatAttr,
    IntegerAttr,
    IntegerType,
    Signedness,
)
from xdsl.ir import Attribute, Operation, SSAValue


@lru_cache(maxsize=1)
def _arith() -> ModuleType:
    """xDSL's arith dialect, imported when first needed: only code that lowers
    ops builds scalar ops, and importing arith and math costs some 20 ms (and
    makes the isinstance checks against ``Operation`` slower for the rest of
    the process: a type seen for the first time is compared with every
    operation class loaded)."""
    from xdsl.dialects import arith

    return arith


@lru_cache(maxsize=1)
def _by_name() -> dict[str, type[Operation]]:
    """The arith and math ops by name."""
    from xdsl.dialects import math

    return {op.name: op for op in (*_arith().Arith.operations, *math.Math.operations)}


def is_float_type(t: Attribute) -> bool:
    return isinstance(t, AnyFloat)


def is_unsigned(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.signedness.data == Signedness.UNSIGNED


def is_bool_type(t: Attribute) -> bool:
    return isinstance(t, IntegerType) and t.width.data == 1


def signless(t: Attribute) -> Attribute:
    """arith works on signless integers: ``ui8`` computes as ``i8``."""
    if isinstance(t, IntegerType) and t.signedness.data != Signedness.SIGNLESS:
        return IntegerType(t.width.data)
    return t


class ScalarBuilder:
    """Appends scalar ops to ``ops`` and returns their results."""

    def __init__(self) -> None:
        self.ops: list[Operation] = []

    def add(self, op: Operation) -> SSAValue:
        self.ops.append(op)
        return op.results[0]

    def named(self, name: str, *args: SSAValue) -> SSAValue:
        cls = _by_name()[name]
        return self.add(cls(*args))  # type: ignore[call-arg]

    def const(self, value: float | int | bool, t: Attribute) -> SSAValue:
        arith = _arith()
        if is_float_type(t):
            return self.add(arith.ConstantOp(FloatAttr(float(value), t)))  # type: ignore[arg-type]
        t = signless(t)
        assert isinstance(t, IntegerType)
        v = int(value)
        if t.width.data == 1:
            v = -1 if v else 0  # i1 true is -1 in two's complement
        return self.add(arith.ConstantOp(IntegerAttr(v, t, truncate_bits=True)))

    def cmp(
        self, predicate: str, a: SSAValue, b: SSAValue, unsigned: bool = False
    ) -> SSAValue:
        """Compare with a NumPy predicate (eq ne lt le gt ge); ``unsigned`` for the
        (signless) scalars of an unsigned dtype."""
        arith = _arith()
        t = a.type
        if is_float_type(t):
            code = {"eq": "oeq", "ne": "une", "lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge"}
            return self.add(arith.CmpfOp(a, b, code[predicate]))
        unsigned = unsigned or is_unsigned(t) or is_bool_type(t)
        prefix = "u" if unsigned else "s"
        code = {"eq": "eq", "ne": "ne", "lt": prefix + "lt", "le": prefix + "le",
                "gt": prefix + "gt", "ge": prefix + "ge"}  # fmt: skip
        return self.add(arith.CmpiOp(a, b, code[predicate]))

    def select(self, c: SSAValue, a: SSAValue, b: SSAValue) -> SSAValue:
        return self.add(_arith().SelectOp(c, a, b))

    def convert(self, x: SSAValue, to: Attribute, src: Attribute | None = None) -> SSAValue:
        """NumPy's astype for scalars (to bool: x != 0, NaN is true). ``src`` is the
        value's dtype when it is unsigned (``x`` itself is signless)."""
        arith = _arith()
        src = src if src is not None else x.type
        if signless(src) == signless(to) and is_unsigned(src) == is_unsigned(to):
            return x
        if is_bool_type(to):
            return self.cmp("ne", x, self.const(0, x.type))
        if is_float_type(src) and is_float_type(to):
            wider = to.bitwidth > src.bitwidth  # type: ignore[attr-defined]
            return self.add((arith.ExtFOp if wider else arith.TruncFOp)(x, to))
        if is_float_type(src):
            op = arith.FPToUIOp if is_unsigned(to) else arith.FPToSIOp
            return self.add(op(x, signless(to)))
        if is_float_type(to):
            op = arith.UIToFPOp if (is_unsigned(src) or is_bool_type(src)) else arith.SIToFPOp
            return self.add(op(x, to))
        sw, tw = src.width.data, to.width.data  # type: ignore[attr-defined]
        if sw == tw:
            return x
        if tw < sw:
            return self.add(arith.TruncIOp(x, signless(to)))
        op = arith.ExtUIOp if (is_unsigned(src) or is_bool_type(src)) else arith.ExtSIOp
        return self.add(op(x, signless(to)))
