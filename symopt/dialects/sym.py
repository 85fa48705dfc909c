"""The ``sym`` dialect: Theano's tensor operations with value semantics.

Every op class here is the single definition of what the op is: its operands,
attributes and result type rule (``__init__`` infers the result type, which is how the
frontend types a new node), its verifier, and its NumPy reference semantics
(``evaluate``, used by the reference executor and by constant folding). Elementwise
ops also name their scalar counterpart (``scalar``): the arith/math op that a fused
``loop.map`` body computes for one element.

Tensors are builtin ``tensor<...>`` types. Elementwise operands have the same rank; a
static size of 1 broadcasts (Theano's *broadcastable* dimension), every other size
must agree, statically where both are known and at run time otherwise.

Shared variables are module symbols::

    sym.global @w : tensor<?xf64>
    %w = sym.read @w : tensor<?xf64>
    sym.write @w, %new : tensor<?xf64>
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import (
    DenseArrayBase,
    DenseIntOrFPElementsAttr,
    I64,
    IntegerAttr,
    IntegerType,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.ir import (
    Attribute,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SSAValue,
    TypeAttribute,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    ParamAttrConstraint,
    VarConstraint,
    base,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import (
    ConstantLike,
    HasCanonicalizationPatternsTrait,
    IsTerminator,
    MemoryReadEffect,
    MemoryWriteEffect,
    Pure,
    RecursiveMemoryEffect,
    SymbolOpInterface,
    SymbolTable,
    SymbolUserOpInterface,
)
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.scalar import ScalarBuilder
from symopt.dialects.types import (
    dense_from_numpy,
    dtype_of,
    format_shape,
    is_bool,
    is_float,
    numpy_from_dense,
    static_shape,
    tensor_type,
    with_dtype,
    with_shape,
)

AnyTensor = base(TensorType)


class SymCanonicalization(HasCanonicalizationPatternsTrait):
    """The canonicalization patterns of a sym op (symopt.dialects.sym_canonicalization):
    its algebraic rules and constant folding through its NumPy semantics."""

    def get_patterns(self, op: type[Operation]):  # type: ignore[no-untyped-def]
        from symopt.dialects.sym_canonicalization import patterns_for

        return patterns_for(op)

    @classmethod
    def get_canonicalization_patterns(cls):  # type: ignore[no-untyped-def]
        return ()

# ---------------------------------------------------------------------------
# shape rules shared by several ops


def broadcast_shapes(
    op_name: str, types: Sequence[Attribute]
) -> tuple[int | None, ...]:
    """Static result shape of an elementwise op, or VerifyException.

    Operands must have the same rank. In each dimension a static 1 broadcasts; the
    other sizes must agree where they are known. The result size is the known size,
    ``?`` when only unknown sizes take part, and 1 when every operand has 1.
    """
    shapes = [static_shape(t) for t in types]
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        listed = ", ".join(str(t) for t in types)
        raise VerifyException(f"'{op_name}' op operands differ in rank: {listed}")
    out: list[int | None] = []
    for dim, sizes in enumerate(zip(*shapes)):
        others = [s for s in sizes if s != 1]
        known = {s for s in others if s is not None}
        if len(known) > 1:
            listed = " vs ".join(str(t) for t in types)
            raise VerifyException(
                f"'{op_name}' op operand shapes differ in dimension {dim}: {listed}"
            )
        if known:
            out.append(known.pop())
        elif others:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def runtime_broadcast(op: Operation, args: Sequence[np.ndarray]) -> tuple[int, ...]:
    """Result shape of an elementwise op on concrete arrays, or ValueError.

    Only statically broadcastable dimensions (size 1 in the type) broadcast; a run-time
    size of 1 in a ``?`` dimension is not stretched, as in Theano.
    """
    out: list[int] = []
    statics = [static_shape(v.type) for v in op.operands]
    for dim in range(len(statics[0])):
        sized = [(v, a) for v, a, s in zip(op.operands, args, statics) if s[dim] != 1]
        sizes = {a.shape[dim] for _, a in sized}
        if len(sizes) > 1:
            (v0, a0) = sized[0]
            (v1, a1) = next((v, a) for v, a in sized if a.shape[dim] != a0.shape[dim])
            raise ValueError(
                f"shape mismatch in '{op.name}': dimension {dim} of {_describe(v1)} has "
                f"size {a1.shape[dim]}, but {_describe(v0)} has size {a0.shape[dim]} "
                f"there (shapes {tuple(a1.shape)} and {tuple(a0.shape)}; only dimensions "
                "of static size 1 broadcast)"
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def _describe(value: SSAValue) -> str:
    return f"%{value.name_hint}" if value.name_hint else "an operand"


def _check_result_type(op: Operation, expected: Attribute) -> None:
    got = op.results[0].type
    if got != expected:
        raise VerifyException(
            f"'{op.name}' op result type {got} does not match the inferred {expected}"
        )


def _result_compatible(op: Operation, expected: TensorType) -> None:
    """The result type must have the inferred dtype and rank, and may only know
    more sizes than inferred (a refinement), never contradict them."""
    got = op.results[0].type
    if not isinstance(got, TensorType) or dtype_of(got) != dtype_of(expected):
        raise VerifyException(
            f"'{op.name}' op result type {got} does not match the inferred {expected}"
        )
    gs, es = static_shape(got), static_shape(expected)
    if len(gs) != len(es) or any(
        e is not None and g != e for g, e in zip(gs, es)
    ):
        raise VerifyException(
            f"'{op.name}' op result type {got} does not match the inferred {expected}"
        )


# ---------------------------------------------------------------------------
# elementwise ops


class ElementwiseOp(IRDLOperation, abc.ABC):
    """Base of elementwise ops: same-rank operands, Theano broadcasting."""

    SCALAR: ClassVar[tuple[str | None, str | None]] = (None, None)
    """The arith/math ops computing one element: (for floats, for integers).
    ``None`` where the op is a short composite the lowering expands."""

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
            out = self.np_fn(*args)  # type: ignore[operator]
        out = np.asarray(out).astype(self.result_dtype(), copy=False)
        if out.shape != shape:
            out = np.broadcast_to(out, shape).copy()
        return (out,)


class UnaryOp(ElementwiseOp, abc.ABC):
    """``%r = sym.<op> %x : tensor<...>`` (result type = operand type)."""

    T: ClassVar = VarConstraint("T", AnyTensor)
    x = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x attr-dict `:` type($x)"

    FLOAT_ONLY: ClassVar[bool] = False

    def __init__(self, x: SSAValue):
        super().__init__(operands=[x], result_types=[x.type])

    def verify_(self) -> None:
        _check_result_type(self, self.x.type)
        if self.FLOAT_ONLY and not is_float(self.x.type):
            raise VerifyException(
                f"'{self.name}' op expects a floating-point tensor, got {self.x.type}"
            )

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        with np.errstate(all="ignore"):
            out = self.np_fn(args[0])  # type: ignore[operator]
        return (np.asarray(out).astype(self.result_dtype(), copy=False),)


class FloatUnaryOp(UnaryOp, abc.ABC):
    FLOAT_ONLY: ClassVar[bool] = True


def _sigmoid(x: np.ndarray) -> np.ndarray:
    from scipy.special import expit

    return expit(x)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(np.zeros((), dtype=x.dtype), x)


def _round_half_even(x: np.ndarray) -> np.ndarray:
    return np.round(x)


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
        if dtype_of(self.x.type).startswith(("uint", "bool")):
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
        if dtype_of(self.x.type).startswith(("uint", "bool")):
            return b.select(b.cmp("ne", x, zero), one, zero)
        minus = b.const(-1, x.type)
        rest = x if is_float(self.x.type) else zero  # keeps NaN
        return b.select(b.cmp("gt", x, zero), one, b.select(b.cmp("lt", x, zero), minus, rest))


@irdl_op_definition
class InvertOp(UnaryOp):
    """``%r = sym.invert %x : tensor<?xi32>``: bitwise not (logical not on i1)."""

    name = "sym.invert"
    np_fn = staticmethod(np.invert)

    def verify_(self) -> None:
        super().verify_()
        if is_float(self.x.type):
            raise VerifyException(
                f"'{self.name}' op expects an integer or bool tensor, got {self.x.type}"
            )

    def scalar_body(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:
        (x,) = args
        return b.named("arith.xori", x, b.const(-1, x.type))


def _float_unary(op_name: str, fn: object, scalar_op: str | None, doc: str):
    cls = type(
        op_name.split(".")[1].title().replace("_", "") + "Op",
        (FloatUnaryOp,),
        {
            "name": op_name,
            "np_fn": staticmethod(fn),  # type: ignore[arg-type]
            "SCALAR": (scalar_op, None),
            "__annotations__": {"SCALAR": ClassVar[tuple[str | None, str | None]]},
            "__doc__": f"``%r = {op_name} %x : tensor<?xf64>``: {doc}.",
            "__module__": __name__,
        },
    )
    return irdl_op_definition(cls)


ExpOp = _float_unary("sym.exp", np.exp, "math.exp", "e**x")
LogOp = _float_unary("sym.log", np.log, "math.log", "natural logarithm")
Log1pOp = _float_unary("sym.log1p", np.log1p, "math.log1p", "log(1 + x)")
Expm1Op = _float_unary("sym.expm1", np.expm1, "math.expm1", "exp(x) - 1")
Log2Op = _float_unary("sym.log2", np.log2, "math.log2", "base-2 logarithm")
Log10Op = _float_unary("sym.log10", np.log10, "math.log10", "base-10 logarithm")
SqrtOp = _float_unary("sym.sqrt", np.sqrt, "math.sqrt", "square root")
TanhOp = _float_unary("sym.tanh", np.tanh, "math.tanh", "hyperbolic tangent")
SinhOp = _float_unary("sym.sinh", np.sinh, "math.sinh", "hyperbolic sine")
CoshOp = _float_unary("sym.cosh", np.cosh, "math.cosh", "hyperbolic cosine")
SinOp = _float_unary("sym.sin", np.sin, "math.sin", "sine")
CosOp = _float_unary("sym.cos", np.cos, "math.cos", "cosine")
TanOp = _float_unary("sym.tan", np.tan, "math.tan", "tangent")
AsinOp = _float_unary("sym.asin", np.arcsin, "math.asin", "inverse sine")
AcosOp = _float_unary("sym.acos", np.arccos, "math.acos", "inverse cosine")
AtanOp = _float_unary("sym.atan", np.arctan, "math.atan", "inverse tangent")
FloorOp = _float_unary("sym.floor", np.floor, "math.floor", "round down")
CeilOp = _float_unary("sym.ceil", np.ceil, "math.ceil", "round up")
RoundEvenOp = _float_unary(
    "sym.round_even", _round_half_even, "math.roundeven", "round half to even"
)
SigmoidOp = _float_unary("sym.sigmoid", _sigmoid, None, "1 / (1 + exp(-x))")
SoftplusOp = _float_unary("sym.softplus", _softplus, None, "log(1 + exp(x))")


def _sigmoid_scalar(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:  # type: ignore[no-untyped-def]
    """1 / (1 + exp(-x)): exp overflows to inf for very negative x, giving 0."""
    (x,) = args
    one = b.const(1.0, x.type)
    e = b.named("math.exp", b.named("arith.negf", x))
    return b.named("arith.divf", one, b.named("arith.addf", one, e))


def _softplus_scalar(self, b: ScalarBuilder, args: list[SSAValue]) -> SSAValue:  # type: ignore[no-untyped-def]
    """max(x, 0) + log1p(exp(-|x|)): never overflows."""
    (x,) = args
    zero = b.const(0.0, x.type)
    tail = b.named("math.log1p", b.named("math.exp", b.named("arith.negf", b.named("math.absf", x))))
    return b.named("arith.addf", b.named("arith.maximumf", x, zero), tail)


SigmoidOp.scalar_body = _sigmoid_scalar  # type: ignore[method-assign]
SoftplusOp.scalar_body = _softplus_scalar  # type: ignore[method-assign]


class BinaryOp(ElementwiseOp, abc.ABC):
    """``%r = sym.<op> %a, %b : (tensor<?x3xf64>, tensor<1x3xf64>) -> tensor<?x3xf64>``."""

    lhs = operand_def(AnyTensor)
    rhs = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"
    )

    ALLOWED: ClassVar[str] = "any"
    """'any', 'float' or 'int' (integers and bool)."""

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
        dtype = dtype_of(self.lhs.type)
        if is_float(self.lhs.type):
            return self._float_scalar(b, x, y)
        return self._int_scalar(b, x, y, dtype.startswith("uint"), dtype == "bool")

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
        if self.ALLOWED == "float" and not is_float(lt):
            raise VerifyException(
                f"'{self.name}' op expects floating-point tensors, got {lt}"
            )
        if self.ALLOWED == "int" and is_float(lt):
            raise VerifyException(
                f"'{self.name}' op expects integer or bool tensors, got {lt}"
            )
        if self.ALLOWED == "numeric" and is_bool(lt):
            raise VerifyException(f"'{self.name}' op does not accept bool tensors")
        shape = broadcast_shapes(self.name, [lt, rt])
        _result_compatible(
            self, tensor_type(dtype_of(self.result_element_type()), shape)
        )


def _binary(
    op_name: str,
    fn: object,
    scalar: tuple[str | None, str | None],
    doc: str,
    allowed: str = "numeric",
    extra_traits: tuple = (),
):
    cls = type(
        op_name.split(".")[1].title().replace("_", "") + "Op",
        (BinaryOp,),
        {
            "name": op_name,
            "np_fn": staticmethod(fn),  # type: ignore[arg-type]
            "SCALAR": scalar,
            "ALLOWED": allowed,
            "__annotations__": {
                "SCALAR": ClassVar[tuple[str | None, str | None]],
                "ALLOWED": ClassVar[str],
            },
            "__doc__": f"``%r = {op_name} %a, %b : (...) -> ...``: {doc}.",
            "__module__": __name__,
        },
    )
    return irdl_op_definition(cls)


def _pow(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.dtype.kind in "iu" and (b < 0).any():
        raise ValueError("integers to negative integer powers are not allowed")
    return np.power(a, b)


AddOp = _binary("sym.add", np.add, ("arith.addf", "arith.addi"), "a + b")
SubOp = _binary("sym.sub", np.subtract, ("arith.subf", "arith.subi"), "a - b")
MulOp = _binary("sym.mul", np.multiply, ("arith.mulf", "arith.muli"), "a * b")
DivOp = _binary("sym.div", np.true_divide, ("arith.divf", None), "a / b", "float")
FloorDivOp = _binary(
    "sym.floordiv", np.floor_divide, (None, "arith.floordivsi"), "floor(a / b)"
)
ModOp = _binary("sym.mod", np.mod, (None, None), "a - floor(a / b) * b (sign of b)")
PowOp = _binary("sym.pow", _pow, ("math.powf", "math.ipowi"), "a ** b")
MaximumOp = _binary(
    "sym.maximum", np.maximum, ("arith.maximumf", "arith.maxsi"), "max(a, b), NaN wins"
)
MinimumOp = _binary(
    "sym.minimum", np.minimum, ("arith.minimumf", "arith.minsi"), "min(a, b), NaN wins"
)
Atan2Op = _binary("sym.atan2", np.arctan2, ("math.atan2", None), "atan(a / b)", "float")
AndOp = _binary("sym.and", np.bitwise_and, (None, "arith.andi"), "bitwise and", "int")
OrOp = _binary("sym.or", np.bitwise_or, (None, "arith.ori"), "bitwise or", "int")
XorOp = _binary("sym.xor", np.bitwise_xor, (None, "arith.xori"), "bitwise xor", "int")

def _floordiv_float(self, b: ScalarBuilder, x: SSAValue, y: SSAValue) -> SSAValue:  # type: ignore[no-untyped-def]
    return b.named("math.floor", b.named("arith.divf", x, y))


def _mod_float(self, b: ScalarBuilder, x: SSAValue, y: SSAValue) -> SSAValue:  # type: ignore[no-untyped-def]
    """x - floor(x / y) * y, the sign of y (NumPy's mod)."""
    q = b.named("math.floor", b.named("arith.divf", x, y))
    return b.named("arith.subf", x, b.named("arith.mulf", q, y))


def _mod_int(self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool):  # type: ignore[no-untyped-def]
    """remainder with the sign of y: r = x rem y; r + y where r != 0 and the signs
    of r and y differ. Division by zero gives 0, as in NumPy."""
    zero = b.const(0, x.type)
    safe = b.select(b.cmp("eq", y, zero), b.const(1, x.type), y)
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


def _floordiv_int(self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool):  # type: ignore[no-untyped-def]
    """floor division; division by zero gives 0, as in NumPy."""
    zero = b.const(0, x.type)
    safe = b.select(b.cmp("eq", y, zero), b.const(1, x.type), y)
    q = b.named("arith.divui" if unsigned else "arith.floordivsi", x, safe)
    return b.select(b.cmp("eq", y, zero), zero, q)


def _pow_int(self, b: ScalarBuilder, x: SSAValue, y: SSAValue, unsigned: bool, boolean: bool):  # type: ignore[no-untyped-def]
    return b.named("math.ipowi", x, y)


FloorDivOp._float_scalar = _floordiv_float  # type: ignore[method-assign]
FloorDivOp._int_scalar = _floordiv_int  # type: ignore[method-assign]
ModOp._float_scalar = _mod_float  # type: ignore[method-assign]
ModOp._int_scalar = _mod_int  # type: ignore[method-assign]
PowOp._int_scalar = _pow_int  # type: ignore[method-assign]

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
    ALLOWED: ClassVar[str] = "any"
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
        unsigned = dtype_of(self.lhs.type).startswith("uint")
        return b.cmp(self.predicate.data, *args, unsigned=unsigned)

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = runtime_broadcast(self, args)
        with np.errstate(all="ignore"):
            out = CMP_PREDICATES[self.predicate.data](*args)  # type: ignore[operator]
        return (np.broadcast_to(np.asarray(out, dtype=bool), shape).copy(),)


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
        _result_compatible(self, with_shape(self.b.type, shape))  # type: ignore


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
        unsigned = dtype_of(self.a.type).startswith(("uint", "bool"))
        mx, mn = ("arith.maxui", "arith.minui") if unsigned else ("arith.maxsi", "arith.minsi")
        return b.named(mn, b.named(mx, x, lo), hi)

    def verify_(self) -> None:
        types = [self.a.type, self.b.type, self.c.type]
        if len({dtype_of(t) for t in types}) != 1:
            listed = ", ".join(str(t) for t in types)
            raise VerifyException(f"'{self.name}' op operand element types differ: {listed}")
        shape = broadcast_shapes(self.name, types)
        _result_compatible(self, with_shape(self.a.type, shape))  # type: ignore


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
                    f"'{self.name}': {_describe(self.x)} has shape {x.shape}, "
                    f"{self.result.type} expected (dimension {dim})"
                )
        with np.errstate(all="ignore"):
            return (x.astype(self.result_dtype()),)


# ---------------------------------------------------------------------------
# constants


@irdl_op_definition
class ConstantOp(IRDLOperation):
    """``%c = sym.constant dense<1.0> : tensor<f64>``."""

    name = "sym.constant"
    T: ClassVar = VarConstraint("T", AnyTensor)
    value = prop_def(ParamAttrConstraint(DenseIntOrFPElementsAttr, (T, AnyAttr())))
    result = result_def(T)
    traits = traits_def(Pure(), ConstantLike())
    assembly_format = "$value attr-dict"

    def __init__(self, value: np.ndarray | DenseIntOrFPElementsAttr):
        if not isinstance(value, DenseIntOrFPElementsAttr):
            value = dense_from_numpy(np.asarray(value))
        super().__init__(result_types=[value.type], properties={"value": value})

    def verify_(self) -> None:
        if not isinstance(self.value.type, TensorType):
            raise VerifyException(f"'{self.name}' op value must be a tensor, got {self.value.type}")
        _check_result_type(self, self.value.type)

    def to_numpy(self) -> np.ndarray:
        return numpy_from_dense(self.value)

    def evaluate(self) -> tuple[np.ndarray, ...]:
        return (self.to_numpy(),)


# ---------------------------------------------------------------------------
# reductions

REDUCE_KINDS: dict[str, object] = {
    "sum": np.sum,
    "prod": np.prod,
    "max": np.max,
    "min": np.min,
    "mean": np.mean,
    "all": np.all,
    "any": np.any,
}


def reduced_shape(
    shape: Sequence[int | None], axes: Sequence[int], keepdims: bool
) -> tuple[int | None, ...]:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _check_axes(op: Operation, axes: Sequence[int], ndim: int) -> None:
    if len(set(axes)) != len(axes) or any(a < 0 or a >= ndim for a in axes):
        raise VerifyException(
            f"'{op.name}' op axes {list(axes)} are invalid for a rank-{ndim} operand"
        )


class _AxesOp(IRDLOperation, abc.ABC):
    x = operand_def(AnyTensor)
    axes = prop_def(DenseArrayBase)
    keepdims = opt_prop_def(UnitAttr)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())

    def axis_tuple(self) -> tuple[int, ...]:
        return tuple(int(a) for a in self.axes.get_values())


@irdl_op_definition
class ReduceOp(_AxesOp):
    """``%r = sym.reduce "sum" %x axes = array<i64: 0> : tensor<?x3xf64> -> tensor<3xf64>``.

    Kinds: sum, prod, max, min, mean, all, any. ``keepdims`` keeps the reduced
    dimensions with size 1. The result dtype is part of the type (sum of int32 is
    int64, as in NumPy).
    """

    name = "sym.reduce"
    kind = prop_def(StringAttr)
    assembly_format = (
        "$kind $x `axes` `=` qualified($axes) (`keepdims` $keepdims^)? attr-dict "
        "`:` type($x) `->` type($result)"
    )

    def __init__(
        self, kind: str, x: SSAValue, axes: Sequence[int], keepdims: bool, dtype: str
    ):
        shape = reduced_shape(static_shape(x.type), axes, keepdims)
        props: dict[str, Attribute] = {
            "kind": StringAttr(kind),
            "axes": DenseArrayBase.from_list(i64, list(axes)),
        }
        if keepdims:
            props["keepdims"] = UnitAttr()
        super().__init__(
            operands=[x], result_types=[tensor_type(dtype, shape)], properties=props
        )

    def verify_(self) -> None:
        kind = self.kind.data
        if kind not in REDUCE_KINDS:
            raise VerifyException(
                f"'{self.name}' op unknown kind \"{kind}\", expected one of "
                + ", ".join(REDUCE_KINDS)
            )
        axes = self.axis_tuple()
        _check_axes(self, axes, len(static_shape(self.x.type)))
        shape = reduced_shape(static_shape(self.x.type), axes, self.keepdims is not None)
        if kind in ("all", "any") and not is_bool(self.result.type):
            raise VerifyException(f"'{self.name}' op \"{kind}\" must produce i1")
        _result_compatible(self, tensor_type(dtype_of(self.result.type), shape))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        fn = REDUCE_KINDS[self.kind.data]
        kwargs: dict[str, object] = {
            "axis": self.axis_tuple(),
            "keepdims": self.keepdims is not None,
        }
        if self.kind.data in ("sum", "prod", "mean"):
            kwargs["dtype"] = dtype_of(self.result.type)
        if self.kind.data in ("max", "min") and any(
            args[0].shape[a] == 0 for a in self.axis_tuple()
        ):
            raise ValueError(
                f"'{self.name}' \"{self.kind.data}\" of an empty dimension "
                f"(shape {args[0].shape})"
            )
        with np.errstate(all="ignore"):
            out = fn(args[0], **kwargs)  # type: ignore[operator]
        return (np.asarray(out).astype(dtype_of(self.result.type), copy=False),)


@irdl_op_definition
class ArgReduceOp(_AxesOp):
    """``%i = sym.arg_reduce "argmax" %x axes = array<i64: 1> : tensor<?x?xf64> -> tensor<?xi64>``.

    The index (int64) of the first maximum / minimum over ``axes``; several axes are
    taken together, as if flattened in C order.
    """

    name = "sym.arg_reduce"
    kind = prop_def(StringAttr)
    assembly_format = (
        "$kind $x `axes` `=` qualified($axes) (`keepdims` $keepdims^)? attr-dict "
        "`:` type($x) `->` type($result)"
    )

    def __init__(self, kind: str, x: SSAValue, axes: Sequence[int], keepdims: bool):
        shape = reduced_shape(static_shape(x.type), axes, keepdims)
        props: dict[str, Attribute] = {
            "kind": StringAttr(kind),
            "axes": DenseArrayBase.from_list(i64, list(axes)),
        }
        if keepdims:
            props["keepdims"] = UnitAttr()
        super().__init__(
            operands=[x], result_types=[tensor_type("int64", shape)], properties=props
        )

    def verify_(self) -> None:
        if self.kind.data not in ("argmax", "argmin"):
            raise VerifyException(
                f"'{self.name}' op unknown kind \"{self.kind.data}\", "
                "expected argmax or argmin"
            )
        axes = self.axis_tuple()
        _check_axes(self, axes, len(static_shape(self.x.type)))
        shape = reduced_shape(static_shape(self.x.type), axes, self.keepdims is not None)
        _result_compatible(self, tensor_type("int64", shape))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x = args[0]
        axes = self.axis_tuple()
        if any(x.shape[a] == 0 for a in axes):
            raise ValueError(f"'{self.name}' of an empty dimension (shape {x.shape})")
        keep = [i for i in range(x.ndim) if i not in axes]
        moved = np.transpose(x, keep + list(axes))
        flat = moved.reshape([x.shape[i] for i in keep] + [-1])
        fn = np.argmax if self.kind.data == "argmax" else np.argmin
        out = fn(flat, axis=-1)
        if self.keepdims is not None:
            out = out.reshape([1 if i in axes else x.shape[i] for i in range(x.ndim)])
        return (np.asarray(out, dtype=np.int64),)


# ---------------------------------------------------------------------------
# linear algebra and shape manipulation


def dot_shape(
    a: Sequence[int | None], b: Sequence[int | None]
) -> tuple[tuple[int | None, ...], int | None, int | None]:
    """Result shape of numpy.dot on ranks >= 1, with the two contracted sizes."""
    ka = a[-1]
    kb = b[0] if len(b) == 1 else b[-2]
    out = tuple(a[:-1]) + (tuple(b[:-2]) + tuple(b[-1:]) if len(b) > 1 else ())
    return out, ka, kb


@irdl_op_definition
class DotOp(IRDLOperation):
    """``%r = sym.dot %a, %b : (tensor<?x784xf64>, tensor<784xf64>) -> tensor<?xf64>``.

    NumPy's ``dot`` for operands of rank >= 1: the last axis of ``a`` against the
    only (vector) or second-to-last axis of ``b``.
    """

    name = "sym.dot"
    lhs = operand_def(AnyTensor)
    rhs = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)"

    def __init__(self, lhs: SSAValue, rhs: SSAValue):
        shape, ka, kb = dot_shape(static_shape(lhs.type), static_shape(rhs.type))
        if ka is not None and kb is not None and ka != kb:
            raise VerifyException(
                f"'{self.name}' op inner dimensions differ: {lhs.type} vs {rhs.type}"
            )
        super().__init__(
            operands=[lhs, rhs], result_types=[with_shape(lhs.type, shape)]  # type: ignore
        )

    def verify_(self) -> None:
        lt, rt = self.lhs.type, self.rhs.type
        if dtype_of(lt) != dtype_of(rt):
            raise VerifyException(f"'{self.name}' op operand element types differ: {lt} vs {rt}")
        sa, sb = static_shape(lt), static_shape(rt)
        if not sa or not sb:
            raise VerifyException(f"'{self.name}' op operands must have rank >= 1")
        shape, ka, kb = dot_shape(sa, sb)
        if ka is not None and kb is not None and ka != kb:
            raise VerifyException(f"'{self.name}' op inner dimensions differ: {lt} vs {rt}")
        _result_compatible(self, with_shape(lt, shape))  # type: ignore

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        a, b = args
        ka = a.shape[-1]
        kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if ka != kb:
            raise ValueError(
                f"shape mismatch in '{self.name}': {_describe(self.lhs)} {a.shape} and "
                f"{_describe(self.rhs)} {b.shape} are not aligned "
                f"({ka} (dim {a.ndim - 1}) != {kb})"
            )
        return (np.asarray(np.dot(a, b)).astype(a.dtype, copy=False),)


@irdl_op_definition
class DimShuffleOp(IRDLOperation):
    """``%r = sym.dimshuffle %x pattern = array<i64: 1, -1, 0> : tensor<?x?xf64> -> tensor<?x1x?xf64>``.

    Theano's dimshuffle: entry ``i >= 0`` takes input dimension ``i``, ``-1`` (Theano's
    ``'x'``) inserts a broadcastable dimension; input dimensions left out must have
    static size 1 and are dropped.
    """

    name = "sym.dimshuffle"
    x = operand_def(AnyTensor)
    pattern = prop_def(DenseArrayBase)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$x `pattern` `=` qualified($pattern) attr-dict `:` type($x) `->` type($result)"
    )

    def __init__(self, x: SSAValue, pattern: Sequence[int]):
        in_shape = static_shape(x.type)
        shape = tuple(1 if p == -1 else in_shape[p] for p in pattern)
        super().__init__(
            operands=[x],
            result_types=[with_shape(x.type, shape)],  # type: ignore
            properties={"pattern": DenseArrayBase.from_list(i64, list(pattern))},
        )

    def pattern_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.pattern.get_values())

    def verify_(self) -> None:
        in_shape = static_shape(self.x.type)
        pattern = self.pattern_tuple()
        kept = [p for p in pattern if p != -1]
        if len(set(kept)) != len(kept) or any(p < -1 or p >= len(in_shape) for p in pattern):
            raise VerifyException(
                f"'{self.name}' op invalid pattern {list(pattern)} for {self.x.type}"
            )
        for i, d in enumerate(in_shape):
            if i not in kept and d != 1:
                raise VerifyException(
                    f"'{self.name}' op drops dimension {i} of {self.x.type}, "
                    "which is not of static size 1"
                )
        shape = tuple(1 if p == -1 else in_shape[p] for p in pattern)
        _check_result_type(self, with_shape(self.x.type, shape))  # type: ignore

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x = args[0]
        pattern = self.pattern_tuple()
        kept = [p for p in pattern if p != -1]
        dropped = tuple(i for i in range(x.ndim) if i not in kept)
        y = np.squeeze(x, axis=dropped) if dropped else x
        order = sorted(kept)
        y = np.transpose(y, [order.index(p) for p in kept])
        shape = tuple(1 if p == -1 else x.shape[p] for p in pattern)
        return (y.reshape(shape),)


@irdl_op_definition
class ShapeOp(IRDLOperation):
    """``%s = sym.shape %x : tensor<?x?xf64> -> tensor<2xi64>``: the sizes of ``x``."""

    name = "sym.shape"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = ()
    """Operands whose elements the result depends on (for gradients' connection
    patterns): none, a shape only reads sizes."""
    x = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x attr-dict `:` type($x) `->` type($result)"

    def __init__(self, x: SSAValue):
        super().__init__(
            operands=[x], result_types=[tensor_type("int64", (len(static_shape(x.type)),))]
        )

    def verify_(self) -> None:
        _check_result_type(self, tensor_type("int64", (len(static_shape(self.x.type)),)))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.array(args[0].shape, dtype=np.int64),)


def _check_int_vector(op: Operation, value: SSAValue, what: str) -> int | None:
    shape = static_shape(value.type)
    if dtype_of(value.type) not in ("int64", "int32", "int16", "int8") or len(shape) != 1:
        raise VerifyException(
            f"'{op.name}' op {what} must be a 1-d integer tensor, got {value.type}"
        )
    return shape[0]


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """``%r = sym.reshape %x, %shape : (tensor<?xf64>, tensor<2xi64>) -> tensor<?x4xf64>``.

    NumPy's C-order reshape; one entry of ``shape`` may be -1 (inferred).
    """

    name = "sym.reshape"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0,)
    x = operand_def(AnyTensor)
    shape = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x `,` $shape attr-dict `:` functional-type(operands, results)"

    def __init__(self, x: SSAValue, shape: SSAValue, result_type: TensorType):
        super().__init__(operands=[x, shape], result_types=[result_type])

    def verify_(self) -> None:
        n = _check_int_vector(self, self.shape, "shape")
        if n is None or n != len(static_shape(self.result.type)):
            raise VerifyException(
                f"'{self.name}' op shape operand {self.shape.type} does not give the "
                f"rank of the result {self.result.type}"
            )
        if dtype_of(self.x.type) != dtype_of(self.result.type):
            raise VerifyException(
                f"'{self.name}' op changes the element type: {self.x.type} to "
                f"{self.result.type}"
            )
        sx, sr = static_shape(self.x.type), static_shape(self.result.type)
        if None not in sx and None not in sr and np.prod(sx) != np.prod(sr):
            raise VerifyException(
                f"'{self.name}' op cannot reshape {self.x.type} into {self.result.type}"
            )

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x, shape = args
        target = tuple(int(s) for s in shape)
        try:
            out = x.reshape(target)
        except ValueError:
            raise ValueError(
                f"'{self.name}': cannot reshape {_describe(self.x)} of shape "
                f"{x.shape} into shape {target}"
            ) from None
        for got, want in zip(out.shape, static_shape(self.result.type)):
            if want is not None and got != want:
                raise ValueError(
                    f"'{self.name}': result shape {out.shape} does not match "
                    f"{self.result.type}"
                )
        return (out,)


def _spec_entries(values: Sequence[int]) -> list[tuple[int, int, int, int]]:
    return [tuple(values[i : i + 4]) for i in range(0, len(values), 4)]  # type: ignore


SUBTENSOR_NONE = -(2**63)
"""In a subtensor spec: the slice bound is absent (``x[:5]`` has no start)."""
SUBTENSOR_DYNAMIC = -(2**63) + 1
"""In a subtensor spec: the value is the next dynamic index operand."""


def _print_index_list(printer: Printer, entries, dynamic) -> None:  # type: ignore[no-untyped-def]
    """Print ``[%i, 1:, ::2]`` for a subtensor spec."""

    def part(v: int) -> None:
        if v == SUBTENSOR_NONE:
            return
        if v == SUBTENSOR_DYNAMIC:
            printer.print_operand(next(dynamic))
            return
        printer.print_string(str(v))

    printer.print_string("[")
    for n, (kind, start, stop, step) in enumerate(entries):
        if n:
            printer.print_string(", ")
        part(start)
        if kind == 0:
            continue
        printer.print_string(":")
        part(stop)
        if step != SUBTENSOR_NONE:
            printer.print_string(":")
            part(step)
    printer.print_string("]")


def _parse_index_list(parser: Parser, indices: list[SSAValue]) -> list[int]:
    """Parse ``[%i, 1:, ::2]`` into a spec, appending the index operands."""
    index_type = tensor_type("int64", ())
    spec: list[int] = []

    def part() -> int:
        value = parser.parse_optional_integer(allow_boolean=False)
        if value is not None:
            return value
        operand = parser.parse_optional_unresolved_operand()
        if operand is not None:
            indices.append(parser.resolve_operand(operand, index_type))
            return SUBTENSOR_DYNAMIC
        return SUBTENSOR_NONE

    parser.parse_punctuation("[")
    if parser.parse_optional_punctuation("]") is not None:
        return spec
    while True:
        start = part()
        if parser.parse_optional_punctuation(":") is not None:
            stop = part()
            step = SUBTENSOR_NONE
            if parser.parse_optional_punctuation(":") is not None:
                step = part()
            spec += [1, start, stop, step]
        elif start == SUBTENSOR_NONE:
            parser.raise_error("expected an index or a slice")
        else:
            spec += [0, start, SUBTENSOR_NONE, SUBTENSOR_NONE]
        if parser.parse_optional_punctuation(",") is None:
            break
    parser.parse_punctuation("]")
    return spec


def indexed_shape(
    shape: Sequence[int | None], entries: Sequence[tuple[int, int, int, int]]
) -> tuple[int | None, ...]:
    """Static sizes of ``x[spec]``: a slice of a known size with literal bounds has a
    known size, everything else is ``?``; single indices remove their dimension."""
    out: list[int | None] = []
    for dim, (kind, start, stop, step) in enumerate(entries):
        if kind == 0:
            continue
        size = shape[dim]
        parts = (start, stop, step)
        if size is None or SUBTENSOR_DYNAMIC in parts:
            out.append(None)
            continue
        bounds = [None if p == SUBTENSOR_NONE else p for p in parts]
        out.append(len(range(*slice(*bounds).indices(size))))
    return tuple(out) + tuple(shape[len(entries) :])


class _IndexedOp(IRDLOperation, abc.ABC):
    """Shared part of the ops that take a basic-indexing spec (see SubtensorOp)."""

    spec = prop_def(DenseArrayBase)

    def entries(self) -> list[tuple[int, int, int, int]]:
        return _spec_entries([int(v) for v in self.spec.get_values()])

    def _verify_spec(self, x_type: Attribute, indices: Sequence[SSAValue]) -> None:
        values = [int(v) for v in self.spec.get_values()]
        if len(values) % 4:
            raise VerifyException(f"'{self.name}' op spec length must be a multiple of 4")
        entries = self.entries()
        ndim = len(static_shape(x_type))
        if len(entries) > ndim:
            raise VerifyException(
                f"'{self.name}' op has {len(entries)} indices for a rank-{ndim} operand"
            )
        dynamic = sum(v == SUBTENSOR_DYNAMIC for v in values)
        if dynamic != len(indices):
            raise VerifyException(
                f"'{self.name}' op spec names {dynamic} dynamic indices but "
                f"{len(indices)} are given"
            )
        for v in indices:
            if v.type != tensor_type("int64", ()):
                raise VerifyException(
                    f"'{self.name}' op indices must be tensor<i64>, got {v.type}"
                )
        for kind, start, _stop, step in entries:
            if kind not in (0, 1) or (kind == 0 and start == SUBTENSOR_NONE):
                raise VerifyException(f"'{self.name}' op invalid spec entry")
            if step == 0:
                raise VerifyException(f"'{self.name}' op slice step cannot be zero")

    def index_tuple(self, dynamic: Sequence[np.ndarray]) -> tuple[object, ...]:
        it = iter(int(d) for d in dynamic)

        def get(v: int) -> int | None:
            if v == SUBTENSOR_NONE:
                return None
            if v == SUBTENSOR_DYNAMIC:
                return next(it)
            return v

        out: list[object] = []
        for kind, start, stop, step in self.entries():
            if kind == 0:
                out.append(get(start))
            else:
                out.append(slice(get(start), get(stop), get(step)))
        return tuple(out)

    def _region(self, x: np.ndarray, dynamic: Sequence[np.ndarray]) -> tuple[object, ...]:
        index = self.index_tuple(dynamic)
        for i, part in enumerate(index):
            if isinstance(part, int) and not -x.shape[i] <= part < x.shape[i]:
                raise IndexError(
                    f"'{self.name}': index {part} is out of bounds for dimension {i} "
                    f"with size {x.shape[i]} (shape {x.shape})"
                )
        return index


@irdl_op_definition
class SubtensorOp(_IndexedOp):
    """``%r = sym.subtensor %x[%i, 1:, ::2, :-1] : tensor<?x?x?x?xf64> -> tensor<?x?x?xf64>``.

    Basic indexing of the leading dimensions: a single index (an integer or a 0-d
    ``tensor<i64>`` operand) removes its dimension, a slice ``start:stop:step``
    (each part optional, an integer or an operand) keeps it. Negative values count
    from the end, as in NumPy; an out-of-range single index raises IndexError.

    The ``spec`` property stores four entries per indexed dimension: ``kind``
    (0 = index, 1 = slice), start, stop and step, each a literal,
    ``SUBTENSOR_NONE`` (absent) or ``SUBTENSOR_DYNAMIC`` (the next operand).
    """

    name = "sym.subtensor"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0,)
    x = operand_def(AnyTensor)
    indices = var_operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())

    def __init__(
        self,
        x: SSAValue,
        indices: Sequence[SSAValue],
        spec: Sequence[int],
        result_type: TensorType | None = None,
    ):
        """Without ``result_type``, the result type is inferred from ``x``'s."""
        if result_type is None:
            shape = indexed_shape(static_shape(x.type), _spec_entries(spec))
            result_type = with_shape(x.type, shape)  # type: ignore[arg-type]
        super().__init__(
            operands=[x, list(indices)],
            result_types=[result_type],
            properties={"spec": DenseArrayBase.from_list(i64, list(spec))},
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.x)
        _print_index_list(printer, self.entries(), iter(self.indices))
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.x.type)
        printer.print_string(" -> ")
        printer.print_attribute(self.result.type)

    @classmethod
    def parse(cls, parser: Parser) -> SubtensorOp:
        x = parser.parse_unresolved_operand()
        indices: list[SSAValue] = []
        spec = _parse_index_list(parser, indices)
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        x_type = parser.parse_type()
        parser.parse_punctuation("->")
        result_type = parser.parse_type()
        op = cls(parser.resolve_operand(x, x_type), indices, spec, result_type)  # type: ignore[arg-type]
        op.attributes |= attributes
        return op

    def verify_(self) -> None:
        self._verify_spec(self.x.type, self.indices)
        expected = indexed_shape(static_shape(self.x.type), self.entries())
        got = static_shape(self.result.type)
        if (
            len(got) != len(expected)
            or dtype_of(self.result.type) != dtype_of(self.x.type)
            or any(e is not None and g is not None and g != e for g, e in zip(got, expected))
        ):
            raise VerifyException(
                f"'{self.name}' op result type {self.result.type} does not match "
                f"indexing {self.x.type}"
            )

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x, dynamic = args[0], args[1:]
        return (np.asarray(x[self._region(x, dynamic)]),)


class _UpdateSubtensorOp(_IndexedOp, abc.ABC):
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0, 1)
    x = operand_def(AnyTensor)
    y = operand_def(AnyTensor)
    indices = var_operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())

    def __init__(
        self, x: SSAValue, y: SSAValue, indices: Sequence[SSAValue], spec: Sequence[int]
    ):
        super().__init__(
            operands=[x, y, list(indices)],
            result_types=[x.type],
            properties={"spec": DenseArrayBase.from_list(i64, list(spec))},
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.x)
        _print_index_list(printer, self.entries(), iter(self.indices))
        printer.print_string(", ")
        printer.print_operand(self.y)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.x.type)
        printer.print_string(", ")
        printer.print_attribute(self.y.type)

    @classmethod
    def parse(cls, parser: Parser):  # type: ignore[no-untyped-def]
        x = parser.parse_unresolved_operand()
        indices: list[SSAValue] = []
        spec = _parse_index_list(parser, indices)
        parser.parse_punctuation(",")
        y = parser.parse_unresolved_operand()
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        x_type = parser.parse_type()
        parser.parse_punctuation(",")
        y_type = parser.parse_type()
        op = cls(
            parser.resolve_operand(x, x_type), parser.resolve_operand(y, y_type), indices, spec
        )
        op.attributes |= attributes
        return op

    def verify_(self) -> None:
        self._verify_spec(self.x.type, self.indices)
        _check_result_type(self, self.x.type)
        region = indexed_shape(static_shape(self.x.type), self.entries())
        ys = static_shape(self.y.type)
        if dtype_of(self.y.type) != dtype_of(self.x.type) or len(ys) != len(region) or any(
            y is not None and r is not None and y != 1 and y != r for y, r in zip(ys, region)
        ):
            raise VerifyException(
                f"'{self.name}' op value {self.y.type} does not fit the indexed region "
                f"of {self.x.type}"
            )

    def _values(self, args: Sequence[np.ndarray]) -> tuple[np.ndarray, object, np.ndarray]:
        x, y, dynamic = args[0], args[1], args[2:]
        index = self._region(x, dynamic)
        target = x[index].shape
        ys = static_shape(self.y.type)
        if len(target) == y.ndim and any(
            a != b and not (s == 1 and a == 1) for a, b, s in zip(y.shape, target, ys)
        ):
            raise ValueError(
                f"shape mismatch in '{self.name}': a value of shape {y.shape} does not fit "
                f"the region {target} of {_describe(self.x)} {x.shape}"
            )
        return x.copy(), index, y


@irdl_op_definition
class IncSubtensorOp(_UpdateSubtensorOp):
    """``%r = sym.inc_subtensor %x[%i, 1:], %y : tensor<?x?xf64>, tensor<?xf64>``.

    A copy of ``x`` with ``y`` added to the indexed region (Theano's
    ``inc_subtensor``); ``y`` has the region's rank and broadcasts where it has a
    static size 1.
    """

    name = "sym.inc_subtensor"

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        out, index, y = self._values(args)
        out[index] += y
        return (out,)


@irdl_op_definition
class SetSubtensorOp(_UpdateSubtensorOp):
    """``%r = sym.set_subtensor %x[%i, 1:], %y : tensor<?x?xf64>, tensor<?xf64>``.

    A copy of ``x`` with the indexed region replaced by ``y`` (Theano's
    ``set_subtensor``).
    """

    name = "sym.set_subtensor"

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        out, index, y = self._values(args)
        out[index] = y
        return (out,)


@irdl_op_definition
class ConcatenateOp(IRDLOperation):
    """``%r = sym.concatenate %a, %b axis = 0 : (...) -> ...``: join along ``axis``.

    All operands have the result's rank and dtype and agree outside ``axis``.
    """

    name = "sym.concatenate"
    inputs = var_operand_def(AnyTensor)
    axis = prop_def(IntegerAttr[I64])
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$inputs `axis` `=` $axis attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, inputs: Sequence[SSAValue], axis: int):
        shapes = [static_shape(v.type) for v in inputs]
        shape = _concat_shape(self.name, shapes, axis, [v.type for v in inputs])
        super().__init__(
            operands=[list(inputs)],
            result_types=[with_shape(inputs[0].type, shape)],  # type: ignore
            properties={"axis": IntegerAttr(axis, i64)},
        )

    def verify_(self) -> None:
        if not self.inputs:
            raise VerifyException(f"'{self.name}' op needs at least one operand")
        types = [v.type for v in self.inputs]
        if len({dtype_of(t) for t in types}) != 1:
            listed = ", ".join(str(t) for t in types)
            raise VerifyException(f"'{self.name}' op operand element types differ: {listed}")
        shape = _concat_shape(
            self.name, [static_shape(t) for t in types], self.axis.value.data, types
        )
        _result_compatible(self, with_shape(types[0], shape))  # type: ignore

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = self.axis.value.data
        for i, a in enumerate(args[1:], 1):
            for d in range(a.ndim):
                if d != axis and a.shape[d] != args[0].shape[d]:
                    raise ValueError(
                        f"shape mismatch in '{self.name}': operand 0 has shape "
                        f"{args[0].shape}, operand {i} has shape {a.shape} "
                        f"(they must agree outside axis {axis})"
                    )
        return (np.concatenate(args, axis=axis),)


def _concat_shape(
    op_name: str,
    shapes: Sequence[tuple[int | None, ...]],
    axis: int,
    types: Sequence[Attribute],
) -> tuple[int | None, ...]:
    ranks = {len(s) for s in shapes}
    if len(ranks) != 1:
        listed = ", ".join(str(t) for t in types)
        raise VerifyException(f"'{op_name}' op operands differ in rank: {listed}")
    ndim = ranks.pop()
    if not 0 <= axis < ndim:
        raise VerifyException(f"'{op_name}' op axis {axis} out of range for rank {ndim}")
    out: list[int | None] = []
    for d in range(ndim):
        sizes = [s[d] for s in shapes]
        if d == axis:
            out.append(None if None in sizes else sum(sizes))  # type: ignore[arg-type]
            continue
        known = {s for s in sizes if s is not None}
        if len(known) > 1:
            listed = ", ".join(str(t) for t in types)
            raise VerifyException(
                f"'{op_name}' op operand shapes differ in dimension {d}: {listed}"
            )
        out.append(known.pop() if known else None)
    return tuple(out)


@irdl_op_definition
class AllocOp(IRDLOperation):
    """``%r = sym.alloc %v, %shape : (tensor<1x1xf64>, tensor<2xi64>) -> tensor<?x?xf64>``.

    A tensor of the given shape filled by broadcasting ``v`` (same rank as the
    result; its dimensions are 1 or the result's sizes).
    """

    name = "sym.alloc"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0,)
    value = operand_def(AnyTensor)
    shape = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$value `,` $shape attr-dict `:` functional-type(operands, results)"

    def __init__(self, value: SSAValue, shape: SSAValue, result_type: TensorType):
        super().__init__(operands=[value, shape], result_types=[result_type])

    def verify_(self) -> None:
        n = _check_int_vector(self, self.shape, "shape")
        rs, vs = static_shape(self.result.type), static_shape(self.value.type)
        if n != len(rs) or len(vs) != len(rs):
            raise VerifyException(
                f"'{self.name}' op value {self.value.type} and shape {self.shape.type} "
                f"must have the rank of the result {self.result.type}"
            )
        if dtype_of(self.value.type) != dtype_of(self.result.type):
            raise VerifyException(
                f"'{self.name}' op element types differ: {self.value.type} vs "
                f"{self.result.type}"
            )

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        value, shape = args
        target = tuple(int(s) for s in shape)
        if any(s < 0 for s in target):
            raise ValueError(f"'{self.name}': negative size in shape {target}")
        for got, want in zip(target, static_shape(self.result.type)):
            if want is not None and got != want:
                raise ValueError(
                    f"'{self.name}': shape {target} does not match {self.result.type}"
                )
        try:
            out = np.broadcast_to(value, target)
        except ValueError:
            raise ValueError(
                f"'{self.name}': cannot broadcast a value of shape {value.shape} "
                f"to shape {target}"
            ) from None
        return (out,)


@irdl_op_definition
class ArangeOp(IRDLOperation):
    """``%r = sym.arange %start, %stop, %step : (...) -> tensor<?xi64>``: NumPy's arange."""

    name = "sym.arange"
    start = operand_def(AnyTensor)
    stop = operand_def(AnyTensor)
    step = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$start `,` $stop `,` $step attr-dict `:` functional-type(operands, results)"
    )

    def __init__(
        self, start: SSAValue, stop: SSAValue, step: SSAValue, result_type: TensorType
    ):
        super().__init__(operands=[start, stop, step], result_types=[result_type])

    def verify_(self) -> None:
        for v in (self.start, self.stop, self.step):
            if static_shape(v.type) != ():
                raise VerifyException(f"'{self.name}' op bounds must be 0-d, got {v.type}")
        if len(static_shape(self.result.type)) != 1:
            raise VerifyException(f"'{self.name}' op result must be 1-d")

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        start, stop, step = (a.item() for a in args)
        if step == 0:
            raise ValueError(f"'{self.name}': step must not be zero")
        out = np.arange(start, stop, step, dtype=dtype_of(self.result.type))
        want = static_shape(self.result.type)[0]
        if want is not None and out.shape[0] != want:
            raise ValueError(f"'{self.name}': {out.shape[0]} values, {self.result.type} expected")
        return (out,)


# ---------------------------------------------------------------------------
# loops


@irdl_op_definition
class YieldOp(IRDLOperation):
    """``sym.yield %v : tensor<?xf64>``: the value of one iteration of a loop body."""

    name = "sym.yield"
    value = operand_def(AnyTensor)
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "$value attr-dict `:` type($value)"

    def __init__(self, value: SSAValue):
        super().__init__(operands=[value])


@irdl_op_definition
class MapIndexOp(IRDLOperation):
    """``%r = sym.map_index %n : tensor<i64> -> tensor<?x3xf64> { ^bb0(%i: tensor<i64>): ... sym.yield %v : tensor<3xf64> }``.

    Runs the body for ``i = 0 .. n-1`` and stacks the yielded values along a new
    leading axis (a loop whose iterations are independent, as ``T.jacobian`` needs).
    The body may use values defined outside it.
    """

    name = "sym.map_index"
    n = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    body = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())
    assembly_format = "$n attr-dict `:` type($n) `->` type($result) $body"

    def __init__(self, n: SSAValue, body: Region, result_type: TensorType):
        super().__init__(operands=[n], result_types=[result_type], regions=[body])

    def verify_(self) -> None:
        if self.n.type != tensor_type("int64", ()):
            raise VerifyException(f"'{self.name}' op trip count must be tensor<i64>, got {self.n.type}")
        block = self.body.block
        if len(block.args) != 1 or block.args[0].type != tensor_type("int64", ()):
            raise VerifyException(
                f"'{self.name}' op body must take one tensor<i64> argument (the index)"
            )
        last = block.last_op
        if not isinstance(last, YieldOp):
            raise VerifyException(f"'{self.name}' op body must end with sym.yield")
        item = static_shape(last.value.type)
        out = static_shape(self.result.type)
        if len(out) != len(item) + 1 or dtype_of(self.result.type) != dtype_of(last.value.type) or any(
            a is not None and b is not None and a != b for a, b in zip(out[1:], item)
        ):
            raise VerifyException(
                f"'{self.name}' op result type {self.result.type} does not stack the "
                f"yielded {last.value.type}"
            )

    def evaluate_region(self, run, n: np.ndarray) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
        """``run(block, args)`` interprets a block and returns its yielded values."""
        count = int(n)
        if count < 0:
            raise ValueError(f"'{self.name}': negative trip count {count}")
        block = self.body.block
        items = [run(block, [np.array(i, dtype=np.int64)])[0] for i in range(count)]
        item_type = block.last_op.value.type  # type: ignore[union-attr]
        if not items:
            shape = tuple(0 if s is None else s for s in static_shape(item_type))
            return (np.zeros((0, *shape), dtype=dtype_of(item_type)),)
        first = items[0].shape
        for i, item in enumerate(items):
            if item.shape != first:
                raise ValueError(
                    f"'{self.name}': iteration {i} yields shape {item.shape}, "
                    f"iteration 0 yielded {first}"
                )
        return (np.stack(items),)


# ---------------------------------------------------------------------------
# random numbers drawn on the host


@irdl_attr_definition
class RandomStateType(ParametrizedAttribute, TypeAttribute):
    """``!sym.random_state``: a NumPy ``RandomState`` (the state of a
    ``RandomStreams`` stream), a value the host holds and the draws thread through."""

    name = "sym.random_state"


RANDOM_DISTRIBUTIONS = (
    "uniform", "normal", "binomial", "random_integers", "choice", "poisson",
    "permutation", "multinomial", "shuffle_row_elements",
)  # fmt: skip


def _copy_state(state: np.random.RandomState) -> np.random.RandomState:
    new = np.random.RandomState()
    new.set_state(state.get_state())
    return new


@irdl_op_definition
class RandomOp(IRDLOperation):
    """``%s1, %x = sym.random "uniform" %s0, %size (%low, %high) : (...) -> ...``.

    A draw from a NumPy ``RandomState``, as Theano's ``RandomStreams`` does it:
    explicit state in, the advanced state and the sample out (the state operand is
    never changed). ``size`` is a 1-d int64 tensor; the parameters are tensors that
    broadcast to it. The runtime draws on the host, before the compiled code runs.
    """

    name = "sym.random"
    distribution = prop_def(StringAttr)
    state = operand_def(RandomStateType)
    size = operand_def(AnyTensor)
    params = var_operand_def(AnyTensor)
    new_state = result_def(RandomStateType)
    sample = result_def(AnyTensor)
    traits = traits_def(Pure())
    assembly_format = (
        "$distribution $state `,` $size `(` $params `)` attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self,
        distribution: str,
        state: SSAValue,
        size: SSAValue,
        params: Sequence[SSAValue],
        sample_type: TensorType,
    ):
        super().__init__(
            operands=[state, size, list(params)],
            result_types=[RandomStateType(), sample_type],
            properties={"distribution": StringAttr(distribution)},
        )

    def verify_(self) -> None:
        if self.distribution.data not in RANDOM_DISTRIBUTIONS:
            raise VerifyException(
                f"'{self.name}' op unknown distribution \"{self.distribution.data}\", "
                f"expected one of {', '.join(RANDOM_DISTRIBUTIONS)}"
            )
        _check_int_vector(self, self.size, "size")

    def evaluate(self, state, size, *params):  # type: ignore[no-untyped-def]
        rng = _copy_state(state)
        shape = tuple(int(s) for s in size)
        dtype = dtype_of(self.sample.type)
        draw = _DRAW[self.distribution.data]
        try:
            value = draw(rng, shape, *params)
        except (ValueError, TypeError) as e:
            raise ValueError(f"'{self.name}' \"{self.distribution.data}\": {e}") from None
        value = np.asarray(value).astype(dtype, copy=False)
        want = static_shape(self.sample.type)
        if value.ndim != len(want) or any(w is not None and w != v for w, v in zip(want, value.shape)):
            raise ValueError(
                f"'{self.name}' \"{self.distribution.data}\" produced shape {value.shape}, "
                f"{self.sample.type} expected"
            )
        return (rng, value)


def _ndindex_draw(rng, shape, one):  # type: ignore[no-untyped-def]
    out = None
    for index in np.ndindex(*shape):
        item = np.asarray(one())
        if out is None:
            out = np.zeros(shape + item.shape, dtype=item.dtype)
        out[index] = item
    return out


def _permutation(rng, shape, n):  # type: ignore[no-untyped-def]
    n = int(n)
    if not shape:
        return rng.permutation(n)
    out = np.zeros(shape + (n,), dtype=np.int64)
    for index in np.ndindex(*shape):
        out[index] = rng.permutation(n)
    return out


def _multinomial(rng, shape, n, pvals):  # type: ignore[no-untyped-def]
    n = np.asarray(n)
    pvals = np.asarray(pvals)
    out = np.zeros(shape + pvals.shape[-1:], dtype=np.int64)
    for index in np.ndindex(*shape):
        nn = n[index] if n.ndim else n
        pp = pvals[index] if pvals.ndim > 1 else pvals
        out[index] = rng.multinomial(int(nn), pp)
    return out


_DRAW = {
    "uniform": lambda rng, shape, low, high: rng.uniform(low, high, shape),
    "normal": lambda rng, shape, avg, std: rng.normal(avg, std, shape),
    "binomial": lambda rng, shape, n, p: rng.binomial(n, p, shape),
    "random_integers": lambda rng, shape, low, high: rng.randint(low, high + 1, shape),
    "choice": lambda rng, shape, a, replace, *p: rng.choice(
        a if a.ndim else int(a), shape, bool(replace), p[0] if p else None
    ),
    "poisson": lambda rng, shape, lam: rng.poisson(lam, shape),
    "permutation": _permutation,
    "multinomial": _multinomial,
    "shuffle_row_elements": lambda rng, shape, x: _shuffle_rows(rng, x),
}


def _shuffle_rows(rng, x):  # type: ignore[no-untyped-def]
    out = np.array(x)
    n = x.shape[-1]
    for index in np.ndindex(*x.shape[:-1]):
        out[index] = x[index][rng.permutation(n)]
    return out


# ---------------------------------------------------------------------------
# MRG31k3p: a counter-free generator in pure integer arithmetic

MRG_M1 = 2147483647  # 2^31 - 1
MRG_M2 = 2147462579  # 2^31 - 21069
MRG_NORM64 = 4.656612873077392578125e-10  # 1 / 2^31
MRG_NORM32 = np.float32(4.6566126e-10)  # the largest such that float32(x * M1) < 1


def mrg_step(state: np.ndarray) -> np.ndarray:
    """Advance MRG31k3p states (rows of 6 int32, updated in place); the raw outputs
    ``x11 - x21 (mod M1)`` in (0, M1], as int64."""
    x11, x12, x13, x21, x22, x23 = (state[:, k].astype(np.int32) for k in range(6))
    with np.errstate(over="ignore"):
        m1, m2 = np.int32(MRG_M1), np.int32(MRG_M2)
        y1 = ((x12 & 511) << 22) + (x12 >> 9) + ((x13 & 16777215) << 7) + (x13 >> 24)
        y1 = np.where((y1 < 0) | (y1 >= m1), y1 - m1, y1).astype(np.int32)
        y1 = (y1 + x13).astype(np.int32)
        y1 = np.where((y1 < 0) | (y1 >= m1), y1 - m1, y1).astype(np.int32)
        x13, x12, x11 = x12, x11, y1
        z1 = ((x21 & 65535) << 15) + np.int32(21069) * (x21 >> 16)
        z1 = np.where((z1 < 0) | (z1 >= m2), z1 - m2, z1).astype(np.int32)
        z2 = ((x23 & 65535) << 15) + np.int32(21069) * (x23 >> 16)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        z2 = (z2 + x23).astype(np.int32)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        z2 = (z2 + z1).astype(np.int32)
        z2 = np.where((z2 < 0) | (z2 >= m2), z2 - m2, z2).astype(np.int32)
        x23, x22, x21 = x22, x21, z2
    for k, v in enumerate((x11, x12, x13, x21, x22, x23)):
        state[:, k] = v
    diff = x11.astype(np.int64) - x21.astype(np.int64)
    return np.where(x11 <= x21, diff + MRG_M1, diff)


@irdl_op_definition
class MrgUniformOp(IRDLOperation):
    """``%s1, %u = sym.mrg_uniform %s0, %size : (tensor<?x6xi32>, tensor<2xi64>) -> (tensor<?x6xi32>, tensor<?x?xf64>)``.

    Uniform draws in (0, 1) from MRG31k3p streams (L'Ecuyer), as Theano's
    ``mrg_uniform``: one stream per row of the state, element ``i`` (in C order)
    comes from stream ``i % n_streams``, each stream advancing once per element it
    gives. Explicit state in, the advanced state and the sample out; float64 maps
    ``x`` to ``x / 2^31``, float32 to ``float(x) * 4.6566126e-10``.
    """

    name = "sym.mrg_uniform"
    state = operand_def(AnyTensor)
    size = operand_def(AnyTensor)
    new_state = result_def(AnyTensor)
    sample = result_def(AnyTensor)
    traits = traits_def(Pure())
    assembly_format = "$state `,` $size attr-dict `:` functional-type(operands, results)"

    def __init__(self, state: SSAValue, size: SSAValue, sample_type: TensorType):
        super().__init__(operands=[state, size], result_types=[state.type, sample_type])

    def verify_(self) -> None:
        st = static_shape(self.state.type)
        if dtype_of(self.state.type) != "int32" or len(st) != 2 or st[1] not in (6, None):
            raise VerifyException(
                f"'{self.name}' op state must be an n x 6 int32 tensor, got {self.state.type}"
            )
        if self.new_state.type != self.state.type:
            raise VerifyException(f"'{self.name}' op new state type differs from the state's")
        if _check_int_vector(self, self.size, "size") != len(static_shape(self.sample.type)):
            raise VerifyException(
                f"'{self.name}' op size {self.size.type} does not give the sample's rank"
            )
        if dtype_of(self.sample.type) not in ("float32", "float64"):
            raise VerifyException(f"'{self.name}' op samples float32 or float64, not {self.sample.type}")

    @staticmethod
    def scalar_step(
        b: ScalarBuilder, x: Sequence[SSAValue]
    ) -> tuple[list[SSAValue], SSAValue]:
        """The same step as ``mrg_step`` on six i32 scalars, as arith ops: the new
        state and the raw output in (0, M1]."""
        i32 = x[0].type
        c = lambda v: b.const(v, i32)  # noqa: E731

        def wrap(y: SSAValue, m: int) -> SSAValue:
            bad = b.named(
                "arith.ori", b.cmp("lt", y, c(0)), b.cmp("ge", y, c(m))
            )
            return b.select(bad, b.named("arith.subi", y, c(m)), y)

        x11, x12, x13, x21, x22, x23 = x
        t1 = b.named("arith.shli", b.named("arith.andi", x12, c(511)), c(22))
        t2 = b.named("arith.shrsi", x12, c(9))
        t3 = b.named("arith.shli", b.named("arith.andi", x13, c(16777215)), c(7))
        t4 = b.named("arith.shrsi", x13, c(24))
        y1 = b.named("arith.addi", b.named("arith.addi", t1, t2), b.named("arith.addi", t3, t4))
        y1 = wrap(y1, MRG_M1)
        y1 = wrap(b.named("arith.addi", y1, x13), MRG_M1)

        def half(v: SSAValue) -> SSAValue:
            low = b.named("arith.shli", b.named("arith.andi", v, c(65535)), c(15))
            high = b.named("arith.muli", c(21069), b.named("arith.shrsi", v, c(16)))
            return wrap(b.named("arith.addi", low, high), MRG_M2)

        z1 = half(x21)
        z2 = half(x23)
        z2 = wrap(b.named("arith.addi", z2, x23), MRG_M2)
        z2 = wrap(b.named("arith.addi", z2, z1), MRG_M2)
        new = [y1, x11, x12, z2, x21, x22]
        diff = b.named("arith.subi", y1, z2)
        raw = b.select(b.cmp("le", y1, z2), b.named("arith.addi", diff, c(MRG_M1)), diff)
        return new, raw

    def scalar_sample(self, b: ScalarBuilder, raw: SSAValue) -> SSAValue:
        """The float of a raw output, as ``evaluate`` computes it."""
        t = self.sample.type.element_type  # type: ignore[attr-defined]
        value = b.convert(raw, t)
        norm = float(MRG_NORM32) if dtype_of(self.sample.type) == "float32" else MRG_NORM64
        return b.named("arith.mulf", value, b.const(norm, t))

    def evaluate(self, state: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = tuple(int(s) for s in size)
        n = int(np.prod(shape, dtype=np.int64))
        if any(s < 0 for s in shape):
            raise ValueError(f"'{self.name}': negative size in {shape}")
        if n > MRG_M1:
            raise ValueError(f"'{self.name}' does not support more than 2**31 - 1 samples")
        if state.ndim != 2 or state.shape[1] != 6 or state.shape[0] == 0:
            raise ValueError(f"'{self.name}': the state must be n x 6 with n > 0, got {state.shape}")
        new = state.astype(np.int32, copy=True)
        ns = new.shape[0]
        raw = np.zeros(n, dtype=np.int64)
        for start in range(0, n, ns):
            count = min(ns, n - start)
            rows = new[:count].copy()
            raw[start : start + count] = mrg_step(rows)
            new[:count] = rows
        if dtype_of(self.sample.type) == "float32":
            sample = raw.astype(np.float32) * MRG_NORM32
        else:
            sample = raw * MRG_NORM64
        return (new, sample.reshape(shape).astype(dtype_of(self.sample.type)))


@irdl_op_definition
class MultinomialFromUniformOp(IRDLOperation):
    """``%z = sym.multinomial_from_uniform %pvals, %unis, %n : (...) -> tensor<?x?xi64>``.

    Counts of ``n`` draws per row of ``pvals`` (rows x outcomes), draw ``c`` of row
    ``r`` using ``unis[c * rows + r]``: it falls in the first outcome whose cumulative
    probability (summed in float64) exceeds it (Theano's ``MultinomialFromUniform``).
    """

    name = "sym.multinomial_from_uniform"
    pvals = operand_def(AnyTensor)
    unis = operand_def(AnyTensor)
    n = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure())
    assembly_format = "$pvals `,` $unis `,` $n attr-dict `:` functional-type(operands, results)"

    def __init__(self, pvals: SSAValue, unis: SSAValue, n: SSAValue, dtype: str):
        shape = static_shape(pvals.type)
        super().__init__(operands=[pvals, unis, n], result_types=[tensor_type(dtype, shape)])

    def verify_(self) -> None:
        if len(static_shape(self.pvals.type)) != 2 or not is_float(self.pvals.type):
            raise VerifyException(f"'{self.name}' op pvals must be a float matrix, got {self.pvals.type}")
        if len(static_shape(self.unis.type)) != 1 or not is_float(self.unis.type):
            raise VerifyException(f"'{self.name}' op unis must be a float vector, got {self.unis.type}")
        if self.n.type != tensor_type("int64", ()):
            raise VerifyException(f"'{self.name}' op n must be tensor<i64>, got {self.n.type}")

    def evaluate(self, pvals: np.ndarray, unis: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
        rows, outcomes = pvals.shape
        count = int(n)
        if unis.shape[0] != rows * count:
            raise ValueError(
                f"'{self.name}': {unis.shape[0]} uniforms for {rows} rows x {count} draws"
            )
        out = np.zeros(pvals.shape, dtype=dtype_of(self.result.type))
        cumsum = np.cumsum(pvals.astype(np.float64), axis=1)
        for c in range(count):
            u = unis[c * rows : (c + 1) * rows].astype(np.float64)
            above = cumsum > u[:, None]
            hit = above.any(axis=1)
            first = np.argmax(above, axis=1)
            out[np.nonzero(hit)[0], first[hit]] += 1
        return (out,)


# ---------------------------------------------------------------------------
# shared variables: module symbols


@irdl_op_definition
class GlobalOp(IRDLOperation):
    """``sym.global @w : tensor<?xf64>``: a shared variable's storage, bound by the
    runtime."""

    name = "sym.global"
    sym_name = prop_def(SymbolNameConstraint())
    type = prop_def(AnyTensor | base(RandomStateType))
    traits = traits_def(SymbolOpInterface())
    assembly_format = "$sym_name `:` $type attr-dict"

    def __init__(self, sym_name: str, type: Attribute):
        super().__init__(properties={"sym_name": StringAttr(sym_name), "type": type})


class _GlobalUser(SymbolUserOpInterface):
    def verify(self, op: Operation) -> None:
        ref = op.global_name  # type: ignore[attr-defined]
        found = SymbolTable.lookup_symbol(op, ref)
        if not isinstance(found, GlobalOp):
            raise VerifyException(
                f"'{op.name}' op '@{ref.string_value()}' does not reference a valid "
                "sym.global"
            )
        value = op.results[0] if op.results else op.operands[0]
        if found.type != value.type:
            raise VerifyException(
                f"'{op.name}' op type {value.type} differs from the type "
                f"{found.type} of global '@{ref.string_value()}'"
            )


@irdl_op_definition
class ReadOp(IRDLOperation):
    """``%w = sym.read @w : tensor<?xf64>``: the value of a shared variable at the start
    of the call."""

    name = "sym.read"
    global_name = prop_def(SymbolRefAttr)
    result = result_def(AnyTensor | base(RandomStateType))
    traits = traits_def(MemoryReadEffect(), _GlobalUser())
    assembly_format = "$global_name attr-dict `:` type($result)"

    def __init__(self, global_name: str, type: TensorType):
        super().__init__(
            result_types=[type], properties={"global_name": SymbolRefAttr(global_name)}
        )


@irdl_op_definition
class WriteOp(IRDLOperation):
    """``sym.write @w, %v : tensor<?xf64>``: the new value of a shared variable,
    committed after the call succeeds."""

    name = "sym.write"
    global_name = prop_def(SymbolRefAttr)
    value = operand_def(AnyTensor | base(RandomStateType))
    traits = traits_def(MemoryWriteEffect(), _GlobalUser())
    assembly_format = "$global_name `,` $value attr-dict `:` type($value)"

    def __init__(self, global_name: str, value: SSAValue):
        super().__init__(
            operands=[value], properties={"global_name": SymbolRefAttr(global_name)}
        )


@irdl_op_definition
class PlaceholderOp(IRDLOperation):
    """``%x = sym.placeholder "x" : tensor<?x?xf64>``: a graph input of the frontend.

    The frontend's symbolic inputs and shared variables are placeholders; ``function``
    replaces them by block arguments and ``sym.read``s, so they never reach a compiled
    module. Not pure: two placeholders of one type are different variables.
    """

    name = "sym.placeholder"
    label = prop_def(StringAttr)
    result = result_def(AnyTensor | base(RandomStateType))
    traits = traits_def(MemoryReadEffect())
    assembly_format = "$label attr-dict `:` type($result)"

    def __init__(self, label: str, type: TensorType):
        super().__init__(result_types=[type], properties={"label": StringAttr(label)})


Sym = Dialect(
    "sym",
    [
        NegOp, AbsOp, SignOp, InvertOp,
        ExpOp, LogOp, Log1pOp, Expm1Op, Log2Op, Log10Op, SqrtOp,
        TanhOp, SinhOp, CoshOp, SinOp, CosOp, TanOp, AsinOp, AcosOp, AtanOp,
        FloorOp, CeilOp, RoundEvenOp, SigmoidOp, SoftplusOp,
        AddOp, SubOp, MulOp, DivOp, FloorDivOp, ModOp, PowOp,
        MaximumOp, MinimumOp, Atan2Op, AndOp, OrOp, XorOp, CmpOp,
        SelectOp, ClipOp, CastOp, ConstantOp,
        ReduceOp, ArgReduceOp, DotOp, DimShuffleOp, ShapeOp, ReshapeOp,
        SubtensorOp, IncSubtensorOp, SetSubtensorOp, ConcatenateOp, AllocOp, ArangeOp,
        YieldOp, MapIndexOp, RandomOp, MrgUniformOp, MultinomialFromUniformOp,
        GlobalOp, ReadOp, WriteOp, PlaceholderOp,
    ],  # fmt: skip
    [RandomStateType],
)
