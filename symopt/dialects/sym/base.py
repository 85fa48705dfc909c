"""What every family of sym ops uses: the tensor constraint, shape and verification
helpers, ``sym.constant`` and the canonicalization trait.

A sym op's canonicalization patterns are its own rewrite rules (the patterns its
class returns from ``canonicalization_patterns()``, defined next to it) followed by
constant folding (``FoldConstants``), which evaluates an op whose operands are all
constants with the op's NumPy semantics.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import DenseIntOrFPElementsAttr, TensorType
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    AnyAttr,
    IRDLOperation,
    ParamAttrConstraint,
    VarConstraint,
    base,
    irdl_op_definition,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern
from xdsl.traits import ConstantLike, HasCanonicalizationPatternsTrait, Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.types import (
    dense_from_numpy,
    dtype_of,
    numpy_from_dense,
    static_shape,
    tensor_type,
)

AnyTensor = base(TensorType)

FOLD_LIMIT = 1 << 16
"""Constant folding does not create constants with more elements than this."""


_PATTERNS: dict[type[Operation], tuple[RewritePattern, ...]] = {}
"""The canonicalization patterns of each sym op class (they hold no state)."""


class SymCanonicalization(HasCanonicalizationPatternsTrait):
    """The canonicalization patterns of a sym op: the algebraic rules its class
    returns from ``canonicalization_patterns()`` (none if it has no such method),
    then constant folding through its NumPy semantics."""

    def get_patterns(self, op: type[Operation]) -> tuple[RewritePattern, ...]:
        patterns = _PATTERNS.get(op)
        if patterns is None:  # made once per class (canonicalize asks at every op)
            own = getattr(op, "canonicalization_patterns", None)
            patterns = _PATTERNS[op] = (*(own() if own is not None else ()), FoldConstants())
        return patterns

    @classmethod
    def get_canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
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
                f"shape mismatch in '{op.name}': dimension {dim} of {describe(v1)} has "
                f"size {a1.shape[dim]}, but {describe(v0)} has size {a0.shape[dim]} "
                f"there (shapes {tuple(a1.shape)} and {tuple(a0.shape)}; only dimensions "
                "of static size 1 broadcast)"
            )
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


# ---------------------------------------------------------------------------
# verification helpers


def describe(value: SSAValue) -> str:
    """``%name`` of a value in an error message, or "an operand"."""
    return f"%{value.name_hint}" if value.name_hint else "an operand"


def check_result_type(op: Operation, expected: Attribute) -> None:
    """The (single) result must have exactly the type ``expected``."""
    got = op.results[0].type
    if got != expected:
        raise VerifyException(
            f"'{op.name}' op result type {got} does not match the inferred {expected}"
        )


def check_compatible_result(op: Operation, expected: TensorType) -> None:
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


def check_value_fits(op: Operation, value: SSAValue, x: SSAValue, region: Sequence[int | None]) -> None:
    """The value of an update of ``x`` must have ``x``'s dtype and the indexed
    region's rank, its static sizes 1 (broadcast) or the region's."""
    vs = static_shape(value.type)
    if dtype_of(value.type) != dtype_of(x.type) or len(vs) != len(region) or any(
        v is not None and r is not None and v != 1 and v != r for v, r in zip(vs, region)
    ):
        raise VerifyException(
            f"'{op.name}' op value {value.type} does not fit the indexed region "
            f"{tensor_type(dtype_of(x.type), region)} of {x.type}"
        )


SHAPE_DTYPES = ("int64", "int32", "int16", "int8")
"""The dtypes of a shape or size operand (signed integers)."""


def check_int_vector(op: Operation, value: SSAValue, what: str) -> int | None:
    """``value`` must be a 1-d signed integer tensor; its static length."""
    shape = static_shape(value.type)
    if dtype_of(value.type) not in SHAPE_DTYPES or len(shape) != 1:
        raise VerifyException(
            f"'{op.name}' op {what} must be a 1-d integer tensor, got {value.type}"
        )
    return shape[0]


# ---------------------------------------------------------------------------
# constants and constant folding


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
        check_result_type(self, self.value.type)

    def to_numpy(self) -> np.ndarray:
        return numpy_from_dense(self.value)

    def evaluate(self) -> tuple[np.ndarray, ...]:
        return (self.to_numpy(),)


def splat(value: SSAValue) -> float | int | bool | None:
    """The single element of a ``sym.constant`` whose elements are all equal."""
    owner = value.owner
    if not isinstance(owner, ConstantOp):
        return None
    data = owner.to_numpy()
    if data.size == 0:
        return None
    first = data.reshape(-1)[0]
    if not np.all(data == first):
        return None
    return first.item()


def replace_by(rewriter: PatternRewriter, op: Operation, value: SSAValue) -> bool:
    """Replace ``op``'s result by ``value`` if it has exactly the result's type (a
    rule must not change a type: broadcasting by a constant can make a result's
    static shape larger than its operand's)."""
    if value.type != op.results[0].type:
        return False
    rewriter.replace(op, [], [value])
    return True


class FoldConstants(RewritePattern):
    """``op(constants...) -> constant``: evaluate a pure op whose operands are all
    constants with its NumPy semantics (the reference executor's), when the result
    is small (at most ``FOLD_LIMIT`` elements) and the evaluation succeeds."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if not hasattr(op, "evaluate") or op.regions or len(op.results) != 1:
            return
        if isinstance(op, ConstantOp) or not op.has_trait(Pure):
            return
        if not all(isinstance(v.owner, ConstantOp) for v in op.operands):
            return
        shape = static_shape(op.results[0].type)
        if None in shape or int(np.prod(shape, dtype=np.int64)) > FOLD_LIMIT:
            return
        args = [v.owner.to_numpy() for v in op.operands]  # type: ignore[union-attr]
        try:
            with np.errstate(all="ignore"):
                (value,) = op.evaluate(*args)  # type: ignore[attr-defined]
        except (ValueError, IndexError, ArithmeticError):
            return  # the error is the program's; it happens at run time
        rewriter.replace(op, ConstantOp(np.asarray(value)))
