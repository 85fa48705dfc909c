"""Reductions and contractions: ``sym.reduce``, ``sym.arg_reduce``, ``sym.dot``."""

from __future__ import annotations

import abc
from collections.abc import Callable, Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import DenseArrayBase, StringAttr, UnitAttr, i64
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import (
    AnyTensor,
    SymCanonicalization,
    check_compatible_result,
    describe,
)
from symopt.dialects.types import (
    FLOAT_DTYPES,
    dtype_of,
    is_bool,
    static_shape,
    tensor_type,
    with_shape,
)


def reduced_shape(
    shape: Sequence[int | None], axes: Sequence[int], keepdims: bool
) -> tuple[int | None, ...]:
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def check_axes(op: Operation, axes: Sequence[int], ndim: int) -> None:
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

    NUMPY_KINDS: ClassVar[dict[str, Callable[..., object]]] = {
        "sum": np.sum,
        "prod": np.prod,
        "max": np.max,
        "min": np.min,
        "mean": np.mean,
        "all": np.all,
        "any": np.any,
    }
    """Each kind's NumPy reduction (the reference semantics)."""

    LOOP_KINDS: ClassVar[dict[str, str]] = {
        "sum": "add", "prod": "mul", "max": "max", "min": "min",
        "mean": "mean", "all": "and", "any": "or",
    }  # fmt: skip
    """Each kind's ``loop.reduce`` kind, the combining operation that computes it."""

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

    @staticmethod
    def default_dtype(kind: str, dtype: str) -> str:
        """The result dtype of reducing ``dtype`` by ``kind`` when none is asked for,
        as in NumPy: sum and prod accumulate bool and small integers in int64 and
        small unsigned integers in uint64, the mean of integers is float64, all and
        any give bool, max and min keep the dtype."""
        if kind in ("all", "any"):
            return "bool"
        if kind == "mean":
            return dtype if dtype in FLOAT_DTYPES else "float64"
        if kind in ("sum", "prod"):
            if dtype in ("bool", "int8", "int16", "int32"):
                return "int64"
            if dtype in ("uint8", "uint16", "uint32"):
                return "uint64"
        return dtype

    def loop_kind(self) -> str:
        """The ``loop.reduce`` kind computing this reduction (see ``LOOP_KINDS``)."""
        return self.LOOP_KINDS[self.kind.data]

    def verify_(self) -> None:
        kind = self.kind.data
        if kind not in self.NUMPY_KINDS:
            raise VerifyException(
                f"'{self.name}' op unknown kind \"{kind}\", expected one of "
                + ", ".join(self.NUMPY_KINDS)
            )
        axes = self.axis_tuple()
        check_axes(self, axes, len(static_shape(self.x.type)))
        shape = reduced_shape(static_shape(self.x.type), axes, self.keepdims is not None)
        if kind in ("all", "any") and not is_bool(self.result.type):
            raise VerifyException(f"'{self.name}' op \"{kind}\" must produce i1")
        check_compatible_result(self, tensor_type(dtype_of(self.result.type), shape))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        fn = self.NUMPY_KINDS[self.kind.data]
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
        check_axes(self, axes, len(static_shape(self.x.type)))
        shape = reduced_shape(static_shape(self.x.type), axes, self.keepdims is not None)
        check_compatible_result(self, tensor_type("int64", shape))

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
        check_compatible_result(self, with_shape(lt, shape))  # type: ignore

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        a, b = args
        ka = a.shape[-1]
        kb = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if ka != kb:
            raise ValueError(
                f"shape mismatch in '{self.name}': {describe(self.lhs)} {a.shape} and "
                f"{describe(self.rhs)} {b.shape} are not aligned "
                f"({ka} (dim {a.ndim - 1}) != {kb})"
            )
        return (np.asarray(np.dot(a, b)).astype(a.dtype, copy=False),)
