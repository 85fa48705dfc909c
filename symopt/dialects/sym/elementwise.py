"""Elementwise sym ops: unary and binary math, comparisons, select, clip, cast.

Operands have the same rank and broadcast where a static size is 1. Each op names
its scalar counterpart (``SCALAR``, or a ``scalar_body`` for short composites): the
arith/math ops a fused ``loop.map`` body computes for one element.
"""

from __future__ import annotations

import abc
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import IntegerType, StringAttr, TensorType
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.scalar import ScalarBuilder
from symopt.dialects.sym.base import (
    AnyTensor,
    SymCanonicalization,
    broadcast_shapes,
    check_compatible_result,
    check_result_type,
    describe,
    replace_by,
    runtime_broadcast,
    splat,
)
from symopt.dialects.types import (
    FLOAT_DTYPES,
    dtype_of,
    is_bool,
    is_float,
    is_unsigned,
    static_shape,
    tensor_type,
    upgrade_to_float,
    with_dtype,
    with_shape,
)

_EXPECTED = {
    "float": ("a floating-point tensor", "floating-point tensors"),
    "int": ("an integer or bool tensor", "integer or bool tensors"),
}


class ElementwiseOp(IRDLOperation, abc.ABC):
    """Base of elementwise ops: same-rank operands, Theano broadcasting."""

    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, None)
    """The arith/math ops computing one element: (for floats, for integers).
    ``None`` where the op is a short composite the lowering expands."""

    ALLOWED: ClassVar[str] = "any"
    """The operand dtypes the op accepts: ``'any'``, ``'numeric'`` (all but bool),
    ``'float'`` or ``'int'`` (integers and bool)."""

    @classmethod
    def accepts(cls, dtype: str) -> bool:
        """Whether the op takes operands of ``dtype`` (see ``ALLOWED``)."""
        if cls.ALLOWED == "float":
            return dtype in FLOAT_DTYPES
        if cls.ALLOWED == "int":
            return dtype not in FLOAT_DTYPES
        if cls.ALLOWED == "numeric":
            return dtype != "bool"
        return True

    @classmethod
    def operand_dtype(cls, dtype: str) -> str:
        """The dtype to compute the op in for operands promoted to ``dtype``: a
        float-only op computes integers and bools in Theano's float dtype for them
        (``upgrade_to_float``), the other ops in ``dtype`` itself."""
        return upgrade_to_float(dtype) if cls.ALLOWED == "float" else dtype

    def result_dtype(self) -> str:
        return dtype_of(self.results[0].type)

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        """Build the scalar computation of one element from the operands' scalars
        (signless), returning the result's scalar. The default uses ``SCALAR``."""
        operand_type = self.operands[0].type
        name = self.SCALAR[0] if is_float(operand_type) else self.SCALAR[1]
        if name is None:
            raise NotImplementedError(
                f"'{self.name}' has no scalar counterpart for {operand_type}"
            )
        return b.named(name, *args)

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = runtime_broadcast(self, args)
        with np.errstate(all="ignore"):
            out = self.np_fn(*args)  # type: ignore[attr-defined]
        out = np.asarray(out).astype(self.result_dtype(), copy=False)
        if out.shape != shape:
            out = np.broadcast_to(out, shape).copy()
        return (out,)

    def verify_operand_dtype(self, t: Attribute, single: bool) -> None:
        """VerifyException unless the op accepts the element type of ``t`` (the type
        of its only operand if ``single``, of all its operands otherwise)."""
        if self.accepts(dtype_of(t)):
            return
        if self.ALLOWED == "numeric":
            raise VerifyException(f"'{self.name}' op does not accept bool tensors")
        expected = _EXPECTED[self.ALLOWED][0 if single else 1]
        raise VerifyException(f"'{self.name}' op expects {expected}, got {t}")


# ---------------------------------------------------------------------------
# unary ops


class UnaryOp(ElementwiseOp, abc.ABC):
    """``%r = sym.<op> %x : tensor<...>`` (result type = operand type)."""

    T: ClassVar = VarConstraint("T", AnyTensor)
    x = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x attr-dict `:` type($x)"

    def __init__(self, x: SSAValue):
        super().__init__(operands=[x], result_types=[x.type])

    def verify_(self) -> None:
        check_result_type(self, self.x.type)
        self.verify_operand_dtype(self.x.type, single=True)

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        with np.errstate(all="ignore"):
            out = self.np_fn(args[0])  # type: ignore[attr-defined]
        return (np.asarray(out).astype(self.result_dtype(), copy=False),)


class FloatUnaryOp(UnaryOp, abc.ABC):
    """A unary op on floating-point tensors."""

    ALLOWED: ClassVar[str] = "float"


@irdl_op_definition
class NegOp(UnaryOp):
    """``%r = sym.neg %x : tensor<?xf64>``: ``-x``."""

    name = "sym.neg"
    np_fn = staticmethod(np.negative)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.negf", None)

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        (x,) = args
        if is_float(self.x.type):
            return b.named("arith.negf", x)
        return b.named("arith.subi", b.const(0, x.type), x)

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (DoubleNegation(),)


@irdl_op_definition
class AbsOp(UnaryOp):
    """``%r = sym.abs %x : tensor<?xf64>``: ``|x|``."""

    name = "sym.abs"
    np_fn = staticmethod(np.abs)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.absf", "math.absi")

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        (x,) = args
        if is_float(self.x.type):
            return b.named("math.absf", x)
        if is_unsigned(self.x.type) or is_bool(self.x.type):
            return x
        return b.named("math.absi", x)


@irdl_op_definition
class SignOp(UnaryOp):
    """``%r = sym.sign %x : tensor<?xf64>``: -1, 0 or 1 (NaN stays NaN)."""

    name = "sym.sign"
    np_fn = staticmethod(np.sign)

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        (x,) = args
        zero, one = b.const(0, x.type), b.const(1, x.type)
        if is_unsigned(self.x.type) or is_bool(self.x.type):
            return b.select(b.cmp("ne", x, zero), one, zero)
        minus = b.const(-1, x.type)
        # x + 0 keeps NaN and makes -0 into +0, as np.sign does
        rest = b.named("arith.addf", x, zero) if is_float(self.x.type) else zero
        return b.select(b.cmp("gt", x, zero), one, b.select(b.cmp("lt", x, zero), minus, rest))


@irdl_op_definition
class InvertOp(UnaryOp):
    """``%r = sym.invert %x : tensor<?xi32>``: bitwise not (logical not on i1)."""

    name = "sym.invert"
    np_fn = staticmethod(np.invert)
    ALLOWED: ClassVar[str] = "int"

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        (x,) = args
        return b.named("arith.xori", x, b.const(-1, x.type))


@irdl_op_definition
class ExpOp(FloatUnaryOp):
    """``%r = sym.exp %x : tensor<?xf64>``: e**x."""

    name = "sym.exp"
    np_fn = staticmethod(np.exp)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.exp", None)


@irdl_op_definition
class LogOp(FloatUnaryOp):
    """``%r = sym.log %x : tensor<?xf64>``: natural logarithm."""

    name = "sym.log"
    np_fn = staticmethod(np.log)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.log", None)


@irdl_op_definition
class Log1pOp(FloatUnaryOp):
    """``%r = sym.log1p %x : tensor<?xf64>``: log(1 + x)."""

    name = "sym.log1p"
    np_fn = staticmethod(np.log1p)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.log1p", None)


@irdl_op_definition
class Expm1Op(FloatUnaryOp):
    """``%r = sym.expm1 %x : tensor<?xf64>``: exp(x) - 1."""

    name = "sym.expm1"
    np_fn = staticmethod(np.expm1)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.expm1", None)


@irdl_op_definition
class Log2Op(FloatUnaryOp):
    """``%r = sym.log2 %x : tensor<?xf64>``: base-2 logarithm."""

    name = "sym.log2"
    np_fn = staticmethod(np.log2)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.log2", None)


@irdl_op_definition
class Log10Op(FloatUnaryOp):
    """``%r = sym.log10 %x : tensor<?xf64>``: base-10 logarithm."""

    name = "sym.log10"
    np_fn = staticmethod(np.log10)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.log10", None)


@irdl_op_definition
class SqrtOp(FloatUnaryOp):
    """``%r = sym.sqrt %x : tensor<?xf64>``: square root."""

    name = "sym.sqrt"
    np_fn = staticmethod(np.sqrt)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.sqrt", None)


@irdl_op_definition
class TanhOp(FloatUnaryOp):
    """``%r = sym.tanh %x : tensor<?xf64>``: hyperbolic tangent."""

    name = "sym.tanh"
    np_fn = staticmethod(np.tanh)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.tanh", None)


@irdl_op_definition
class SinhOp(FloatUnaryOp):
    """``%r = sym.sinh %x : tensor<?xf64>``: hyperbolic sine."""

    name = "sym.sinh"
    np_fn = staticmethod(np.sinh)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.sinh", None)


@irdl_op_definition
class CoshOp(FloatUnaryOp):
    """``%r = sym.cosh %x : tensor<?xf64>``: hyperbolic cosine."""

    name = "sym.cosh"
    np_fn = staticmethod(np.cosh)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.cosh", None)


@irdl_op_definition
class SinOp(FloatUnaryOp):
    """``%r = sym.sin %x : tensor<?xf64>``: sine."""

    name = "sym.sin"
    np_fn = staticmethod(np.sin)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.sin", None)


@irdl_op_definition
class CosOp(FloatUnaryOp):
    """``%r = sym.cos %x : tensor<?xf64>``: cosine."""

    name = "sym.cos"
    np_fn = staticmethod(np.cos)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.cos", None)


@irdl_op_definition
class TanOp(FloatUnaryOp):
    """``%r = sym.tan %x : tensor<?xf64>``: tangent."""

    name = "sym.tan"
    np_fn = staticmethod(np.tan)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.tan", None)


@irdl_op_definition
class AsinOp(FloatUnaryOp):
    """``%r = sym.asin %x : tensor<?xf64>``: inverse sine."""

    name = "sym.asin"
    np_fn = staticmethod(np.arcsin)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.asin", None)


@irdl_op_definition
class AcosOp(FloatUnaryOp):
    """``%r = sym.acos %x : tensor<?xf64>``: inverse cosine."""

    name = "sym.acos"
    np_fn = staticmethod(np.arccos)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.acos", None)


@irdl_op_definition
class AtanOp(FloatUnaryOp):
    """``%r = sym.atan %x : tensor<?xf64>``: inverse tangent."""

    name = "sym.atan"
    np_fn = staticmethod(np.arctan)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.atan", None)


@irdl_op_definition
class FloorOp(FloatUnaryOp):
    """``%r = sym.floor %x : tensor<?xf64>``: round down."""

    name = "sym.floor"
    np_fn = staticmethod(np.floor)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.floor", None)


@irdl_op_definition
class CeilOp(FloatUnaryOp):
    """``%r = sym.ceil %x : tensor<?xf64>``: round up."""

    name = "sym.ceil"
    np_fn = staticmethod(np.ceil)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.ceil", None)


@irdl_op_definition
class RoundEvenOp(FloatUnaryOp):
    """``%r = sym.round_even %x : tensor<?xf64>``: round half to even."""

    name = "sym.round_even"
    np_fn = staticmethod(np.round)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.roundeven", None)


@irdl_op_definition
class SigmoidOp(FloatUnaryOp):
    """``%r = sym.sigmoid %x : tensor<?xf64>``: 1 / (1 + exp(-x))."""

    name = "sym.sigmoid"

    @staticmethod
    def np_fn(x: np.ndarray) -> np.ndarray:
        from scipy.special import expit

        return expit(x)

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        """1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving 0."""
        (x,) = args
        one = b.const(1.0, x.type)
        e = b.named("math.exp", b.named("arith.negf", x))
        return b.named("arith.divf", one, b.named("arith.addf", one, e))


@irdl_op_definition
class SoftplusOp(FloatUnaryOp):
    """``%r = sym.softplus %x : tensor<?xf64>``: log(1 + exp(x))."""

    name = "sym.softplus"

    @staticmethod
    def np_fn(x: np.ndarray) -> np.ndarray:
        return np.logaddexp(np.zeros((), dtype=x.dtype), x)

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        """max(x, 0) + log1p(exp(-|x|)): never overflows."""
        (x,) = args
        zero = b.const(0.0, x.type)
        tail = b.named("math.log1p", b.named("math.exp", b.named("arith.negf", b.named("math.absf", x))))
        return b.named("arith.addf", b.named("arith.maximumf", x, zero), tail)


# ---------------------------------------------------------------------------
# binary ops


class BinaryOp(ElementwiseOp, abc.ABC):
    """``%r = sym.<op> %a, %b : (tensor<?x3xf64>, tensor<1x3xf64>) -> tensor<?x3xf64>``."""

    lhs = operand_def(AnyTensor)
    rhs = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        shape = broadcast_shapes(self.name, [lhs.type, rhs.type])
        super().__init__(
            operands=[lhs, rhs],
            result_types=[with_shape(lhs.type, shape)],  # type: ignore[arg-type]
        )

    def result_element_type(self) -> Attribute:
        return self.lhs.type.element_type  # type: ignore[attr-defined]

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        x, y = args
        if is_float(self.lhs.type):
            return self._float_scalar(b, x, y)
        return self._int_scalar(b, x, y, is_unsigned(self.lhs.type), is_bool(self.lhs.type))

    def _float_scalar(self, b: ScalarBuilder, x: SSAValue, y: SSAValue) -> SSAValue:
        name = self.SCALAR[0]
        if name is None:
            raise NotImplementedError(f"'{self.name}' has no float scalar counterpart")
        return b.named(name, x, y)

    def _int_scalar(
        self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool
    ) -> SSAValue:
        name = self.SCALAR[1]
        if name is None:
            raise NotImplementedError(f"'{self.name}' has no integer scalar counterpart")
        if boolean and name in ("arith.addi", "arith.maxsi"):
            name = "arith.ori"
        elif boolean and name in ("arith.muli", "arith.minsi"):
            name = "arith.andi"
        elif unsigned:
            name = {"arith.maxsi": "arith.maxui", "arith.minsi": "arith.minui",
                    "arith.floordivsi": "arith.divui"}.get(name, name)  # fmt: skip
        return b.named(name, x, y)

    def verify_(self) -> None:
        lt, rt = self.lhs.type, self.rhs.type
        if dtype_of(lt) != dtype_of(rt):
            raise VerifyException(
                f"'{self.name}' op operand element types differ: {lt} vs {rt}"
            )
        self.verify_operand_dtype(lt, single=False)
        shape = broadcast_shapes(self.name, [lt, rt])
        check_compatible_result(
            self, tensor_type(dtype_of(self.result_element_type()), shape)
        )


@irdl_op_definition
class AddOp(BinaryOp):
    """``%r = sym.add %a, %b : (...) -> ...``: a + b."""

    name = "sym.add"
    np_fn = staticmethod(np.add)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.addf", "arith.addi")
    ALLOWED: ClassVar[str] = "numeric"

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (AddZero(),)


@irdl_op_definition
class SubOp(BinaryOp):
    """``%r = sym.sub %a, %b : (...) -> ...``: a - b."""

    name = "sym.sub"
    np_fn = staticmethod(np.subtract)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.subf", "arith.subi")
    ALLOWED: ClassVar[str] = "numeric"

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (SubZero(),)


@irdl_op_definition
class MulOp(BinaryOp):
    """``%r = sym.mul %a, %b : (...) -> ...``: a * b."""

    name = "sym.mul"
    np_fn = staticmethod(np.multiply)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.mulf", "arith.muli")
    ALLOWED: ClassVar[str] = "numeric"

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (MulByOne(),)


@irdl_op_definition
class DivOp(BinaryOp):
    """``%r = sym.div %a, %b : (...) -> ...``: a / b."""

    name = "sym.div"
    np_fn = staticmethod(np.true_divide)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.divf", None)
    ALLOWED: ClassVar[str] = "float"

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (DivByOne(),)


@irdl_op_definition
class FloorDivOp(BinaryOp):
    """``%r = sym.floordiv %a, %b : (...) -> ...``: floor(a / b)."""

    name = "sym.floordiv"
    np_fn = staticmethod(np.floor_divide)
    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, "arith.floordivsi")
    ALLOWED: ClassVar[str] = "numeric"

    def _float_scalar(self, b: ScalarBuilder, x: SSAValue, y: SSAValue) -> SSAValue:
        return b.named("math.floor", b.named("arith.divf", x, y))

    def _int_scalar(
        self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool
    ) -> SSAValue:
        """floor division; division by zero gives 0 and the smallest integer
        divided by -1 gives itself, as in NumPy (the machine's division would
        trap on both)."""
        zero = b.const(0, x.type)
        if unsigned:
            safe = b.select(b.cmp("eq", y, zero), b.const(1, x.type), y)
            q = b.named("arith.divui", x, safe)
            return b.select(b.cmp("eq", y, zero), zero, q)
        minus_one = b.const(-1, x.type)
        by_minus_one = b.cmp("eq", y, minus_one)
        awkward = b.named("arith.ori", b.cmp("eq", y, zero), by_minus_one)
        safe = b.select(awkward, b.const(1, x.type), y)
        q = b.named("arith.floordivsi", x, safe)
        q = b.select(by_minus_one, b.named("arith.subi", zero, x), q)  # wraps, as NumPy
        return b.select(b.cmp("eq", y, zero), zero, q)


@irdl_op_definition
class ModOp(BinaryOp):
    """``%r = sym.mod %a, %b : (...) -> ...``: a - floor(a / b) * b (sign of b)."""

    name = "sym.mod"
    np_fn = staticmethod(np.mod)
    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, None)
    ALLOWED: ClassVar[str] = "numeric"

    def _float_scalar(self, b: ScalarBuilder, x: SSAValue, y: SSAValue) -> SSAValue:
        """x - floor(x / y) * y, the sign of y (NumPy's mod)."""
        q = b.named("math.floor", b.named("arith.divf", x, y))
        return b.named("arith.subf", x, b.named("arith.mulf", q, y))

    def _int_scalar(
        self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool
    ) -> SSAValue:
        """remainder with the sign of y: r = x rem y; r + y where r != 0 and the signs
        of r and y differ. Division by zero gives 0, as in NumPy, and so does
        division by -1 (computed as by 1: the smallest integer rem -1 traps)."""
        zero = b.const(0, x.type)
        awkward = b.cmp("eq", y, zero)
        if not unsigned:
            awkward = b.named("arith.ori", awkward, b.cmp("eq", y, b.const(-1, x.type)))
        safe = b.select(awkward, b.const(1, x.type), y)
        if unsigned:
            r = b.named("arith.remui", x, safe)
        else:
            r = b.named("arith.remsi", x, safe)
            differ = b.named(
                "arith.xori", b.cmp("lt", r, zero), b.cmp("lt", safe, zero)
            )
            fix = b.named("arith.andi", b.cmp("ne", r, zero), differ)
            r = b.select(fix, b.named("arith.addi", r, safe), r)
        return b.select(b.cmp("eq", y, zero), zero, r)


@irdl_op_definition
class PowOp(BinaryOp):
    """``%r = sym.pow %a, %b : (...) -> ...``: a ** b."""

    name = "sym.pow"
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.powf", "math.ipowi")
    ALLOWED: ClassVar[str] = "numeric"

    @staticmethod
    def np_fn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        if a.dtype.kind in "iu" and (b < 0).any():
            raise ValueError("integers to negative integer powers are not allowed")
        return np.power(a, b)

    def _int_scalar(
        self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool
    ) -> SSAValue:
        return b.named("math.ipowi", x, y)

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (PowOne(), PowTwo())


@irdl_op_definition
class MaximumOp(BinaryOp):
    """``%r = sym.maximum %a, %b : (...) -> ...``: max(a, b), NaN wins."""

    name = "sym.maximum"
    np_fn = staticmethod(np.maximum)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.maximumf", "arith.maxsi")
    ALLOWED: ClassVar[str] = "numeric"


@irdl_op_definition
class MinimumOp(BinaryOp):
    """``%r = sym.minimum %a, %b : (...) -> ...``: min(a, b), NaN wins."""

    name = "sym.minimum"
    np_fn = staticmethod(np.minimum)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.minimumf", "arith.minsi")
    ALLOWED: ClassVar[str] = "numeric"


@irdl_op_definition
class Atan2Op(BinaryOp):
    """``%r = sym.atan2 %a, %b : (...) -> ...``: atan(a / b)."""

    name = "sym.atan2"
    np_fn = staticmethod(np.arctan2)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("math.atan2", None)
    ALLOWED: ClassVar[str] = "float"


@irdl_op_definition
class AndOp(BinaryOp):
    """``%r = sym.and %a, %b : (...) -> ...``: bitwise and."""

    name = "sym.and"
    np_fn = staticmethod(np.bitwise_and)
    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, "arith.andi")
    ALLOWED: ClassVar[str] = "int"


@irdl_op_definition
class OrOp(BinaryOp):
    """``%r = sym.or %a, %b : (...) -> ...``: bitwise or."""

    name = "sym.or"
    np_fn = staticmethod(np.bitwise_or)
    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, "arith.ori")
    ALLOWED: ClassVar[str] = "int"


@irdl_op_definition
class XorOp(BinaryOp):
    """``%r = sym.xor %a, %b : (...) -> ...``: bitwise xor."""

    name = "sym.xor"
    np_fn = staticmethod(np.bitwise_xor)
    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, "arith.xori")
    ALLOWED: ClassVar[str] = "int"


CMP_PREDICATES: dict[str, object] = {
    "eq": np.equal,
    "ne": np.not_equal,
    "lt": np.less,
    "le": np.less_equal,
    "gt": np.greater,
    "ge": np.greater_equal,
}


@irdl_op_definition
class CmpOp(BinaryOp):
    """``%r = sym.cmp "lt", %a, %b : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xi1>``."""

    name = "sym.cmp"
    predicate = prop_def(StringAttr)
    assembly_format = (
        "$predicate `,` $lhs `,` $rhs attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, predicate: str, lhs: SSAValue, rhs: SSAValue):
        shape = broadcast_shapes(self.name, [lhs.type, rhs.type])
        IRDLOperation.__init__(
            self,
            operands=[lhs, rhs],
            result_types=[tensor_type("bool", shape)],
            properties={"predicate": StringAttr(predicate)},
        )

    def result_element_type(self) -> Attribute:
        return IntegerType(1)

    def verify_(self) -> None:
        if self.predicate.data not in CMP_PREDICATES:
            raise VerifyException(
                f"'{self.name}' op unknown predicate \"{self.predicate.data}\", "
                f"expected one of {', '.join(CMP_PREDICATES)}"
            )
        super().verify_()

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        return b.cmp(self.predicate.data, *args, unsigned=is_unsigned(self.lhs.type))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = runtime_broadcast(self, args)
        with np.errstate(all="ignore"):
            out = CMP_PREDICATES[self.predicate.data](*args)  # type: ignore[operator]
        return (np.broadcast_to(np.asarray(out, dtype=bool), shape).copy(),)


# ---------------------------------------------------------------------------
# ternary ops and cast


class TernaryOp(ElementwiseOp, abc.ABC):
    a = operand_def(AnyTensor)
    b = operand_def(AnyTensor)
    c = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$a `,` $b `,` $c attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, a: SSAValue, b: SSAValue, c: SSAValue):
        shape = broadcast_shapes(self.name, [a.type, b.type, c.type])
        super().__init__(
            operands=[a, b, c],
            result_types=[with_shape(self.value_type(a, b), shape)],  # type: ignore
        )

    @staticmethod
    @abc.abstractmethod
    def value_type(a: SSAValue, b: SSAValue) -> Attribute: ...


@irdl_op_definition
class SelectOp(TernaryOp):
    """``%r = sym.select %cond, %a, %b : (...) -> ...``: ``a`` where ``cond`` else ``b``."""

    name = "sym.select"
    np_fn = staticmethod(np.where)
    SCALAR: ClassVar[tuple[str | None, str | None]] = ("arith.select", "arith.select")

    @staticmethod
    def value_type(a: SSAValue, b: SSAValue) -> Attribute:
        return b.type

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        return b.select(*args)

    def verify_(self) -> None:
        if not is_bool(self.a.type):
            raise VerifyException(
                f"'{self.name}' op condition must be a bool (i1) tensor, got {self.a.type}"
            )
        if dtype_of(self.b.type) != dtype_of(self.c.type):
            raise VerifyException(
                f"'{self.name}' op operand element types differ: "
                f"{self.b.type} vs {self.c.type}"
            )
        shape = broadcast_shapes(self.name, [self.a.type, self.b.type, self.c.type])
        check_compatible_result(self, with_shape(self.b.type, shape))  # type: ignore


@irdl_op_definition
class ClipOp(TernaryOp):
    """``%r = sym.clip %x, %lo, %hi : (...) -> ...``: ``min(max(x, lo), hi)``."""

    name = "sym.clip"

    @staticmethod
    def np_fn(x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        return np.minimum(np.maximum(x, lo), hi)

    @staticmethod
    def value_type(a: SSAValue, b: SSAValue) -> Attribute:
        return a.type

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        x, lo, hi = args
        if is_float(self.a.type):
            return b.named("arith.minimumf", b.named("arith.maximumf", x, lo), hi)
        unsigned = is_unsigned(self.a.type) or is_bool(self.a.type)
        mx, mn = ("arith.maxui", "arith.minui") if unsigned else ("arith.maxsi", "arith.minsi")
        return b.named(mn, b.named(mx, x, lo), hi)

    def verify_(self) -> None:
        types = [self.a.type, self.b.type, self.c.type]
        if len({dtype_of(t) for t in types}) != 1:
            listed = ", ".join(str(t) for t in types)
            raise VerifyException(f"'{self.name}' op operand element types differ: {listed}")
        shape = broadcast_shapes(self.name, types)
        check_compatible_result(self, with_shape(self.a.type, shape))  # type: ignore


@irdl_op_definition
class CastOp(ElementwiseOp):
    """``%r = sym.cast %x : tensor<?xi32> to tensor<?xf64>``: convert the dtype.

    The static shapes must be compatible, not equal: a cast may also forget or
    assert static sizes (``tensor<3xf64> to tensor<?xf64>``), checked at run time.
    """

    name = "sym.cast"
    x = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x attr-dict `:` type($x) `to` type($result)"

    def __init__(self, x: SSAValue, to: str | TensorType):
        """``to`` is a dtype (the shape is kept) or the whole result type."""
        result = with_dtype(x.type, to) if isinstance(to, str) else to  # type: ignore
        super().__init__(operands=[x], result_types=[result])

    def verify_(self) -> None:
        src, dst = static_shape(self.x.type), static_shape(self.result.type)
        if len(src) != len(dst) or any(
            a is not None and b is not None and a != b for a, b in zip(src, dst)
        ):
            raise VerifyException(
                f"'{self.name}' op changes the shape: {self.x.type} to {self.result.type}"
            )

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        target = self.result.type.element_type  # type: ignore[attr-defined]
        return b.convert(args[0], target, self.x.type.element_type)  # type: ignore[attr-defined]

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x = args[0]
        for dim, (got, want) in enumerate(zip(x.shape, static_shape(self.result.type))):
            if want is not None and got != want:
                raise ValueError(
                    f"'{self.name}': {describe(self.x)} has shape {x.shape}, "
                    f"{self.result.type} expected (dimension {dim})"
                )
        with np.errstate(all="ignore"):
            return (x.astype(self.result_dtype()),)

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (CastToSameType(),)


# ---------------------------------------------------------------------------
# canonicalization patterns (each one algebraic rule, stated in its docstring)


class MulByOne(RewritePattern):
    """``x * 1 -> x`` and ``1 * x -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: MulOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) == 1 and replace_by(rewriter, op, op.lhs):
            return
        if splat(op.lhs) == 1:
            replace_by(rewriter, op, op.rhs)


class AddZero(RewritePattern):
    """``x + 0 -> x`` and ``0 + x -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AddOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) == 0 and replace_by(rewriter, op, op.lhs):
            return
        if splat(op.lhs) == 0:
            replace_by(rewriter, op, op.rhs)


class SubZero(RewritePattern):
    """``x - 0 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SubOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) == 0:
            replace_by(rewriter, op, op.lhs)


class DivByOne(RewritePattern):
    """``x / 1 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: DivOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) == 1:
            replace_by(rewriter, op, op.lhs)


class DoubleNegation(RewritePattern):
    """``-(-x) -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: NegOp, rewriter: PatternRewriter) -> None:
        inner = op.x.owner
        if isinstance(inner, NegOp):
            replace_by(rewriter, op, inner.x)


class PowOne(RewritePattern):
    """``x ** 1 -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PowOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) == 1:
            replace_by(rewriter, op, op.lhs)


class PowTwo(RewritePattern):
    """``x ** 2 -> x * x``: a multiplication instead of ``pow``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: PowOp, rewriter: PatternRewriter) -> None:
        if splat(op.rhs) != 2 or op.lhs.type != op.result.type:
            return
        rewriter.replace(op, MulOp(op.lhs, op.lhs))


class CastToSameType(RewritePattern):
    """``cast(x : T) to T -> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: CastOp, rewriter: PatternRewriter) -> None:
        replace_by(rewriter, op, op.x)
