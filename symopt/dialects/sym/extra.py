"""Scans along an axis and sorting (``sym.cumulative``, ``sym.sort``,
``sym.argsort``), and ``sym.stop_gradient``, the identity that cuts gradients
(Theano's ``zero_grad`` and ``disconnected_grad``)."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import I64, IntegerAttr, StringAttr, i64
from xdsl.ir import SSAValue
from xdsl.irdl import (
    IRDLOperation,
    VarConstraint,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import AnyTensor, SymCanonicalization, check_result_type
from symopt.dialects.types import static_shape, with_dtype


def _check_axis(op: IRDLOperation, x: SSAValue, axis: int) -> None:
    rank = len(static_shape(x.type))
    if not 0 <= axis < rank:
        raise VerifyException(f"'{op.name}' op axis {axis} out of range for {x.type}")


@irdl_op_definition
class CumulativeOp(IRDLOperation):
    """``%r = sym.cumulative "add" %x axis = 0 : tensor<?x3xf64>``: the running sums
    (``"add"``, ``np.cumsum``) or products (``"mul"``, ``np.cumprod``) along
    ``axis``, of ``x``'s type."""

    name = "sym.cumulative"
    T: ClassVar = VarConstraint("T", AnyTensor)
    kind = prop_def(StringAttr)
    x = operand_def(T)
    axis = prop_def(IntegerAttr[I64])
    result = result_def(T)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$kind $x `axis` `=` $axis attr-dict `:` type($x)"

    def __init__(self, kind: str, x: SSAValue, axis: int):
        super().__init__(
            operands=[x], result_types=[x.type],
            properties={"kind": StringAttr(kind), "axis": IntegerAttr(axis, i64)},
        )  # fmt: skip

    def verify_(self) -> None:
        if self.kind.data not in ("add", "mul"):
            raise VerifyException(f"'{self.name}' op kind must be \"add\" or \"mul\", got \"{self.kind.data}\"")
        _check_axis(self, self.x, self.axis.value.data)
        check_result_type(self, self.x.type)

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x = args[0]
        fn = np.cumsum if self.kind.data == "add" else np.cumprod
        return (fn(x, axis=self.axis.value.data).astype(x.dtype),)


class _SortBase(IRDLOperation):
    x = operand_def(AnyTensor)
    axis = prop_def(IntegerAttr[I64])
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x `axis` `=` $axis attr-dict `:` type($x) `->` type($result)"

    def _result(self, x: SSAValue):  # type: ignore[no-untyped-def]
        return x.type

    def __init__(self, x: SSAValue, axis: int):
        super().__init__(
            operands=[x], result_types=[self._result(x)],
            properties={"axis": IntegerAttr(axis, i64)},
        )  # fmt: skip

    def verify_(self) -> None:
        _check_axis(self, self.x, self.axis.value.data)
        check_result_type(self, self._result(self.x))


@irdl_op_definition
class SortOp(_SortBase):
    """``%r = sym.sort %x axis = 1 : tensor<?x?xf64> -> tensor<?x?xf64>``: ``x``
    sorted along ``axis`` (ascending, NaN last, stable: ``np.sort`` with
    ``kind='stable'``)."""

    name = "sym.sort"

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.sort(args[0], axis=self.axis.value.data, kind="stable"),)


@irdl_op_definition
class ArgSortOp(_SortBase):
    """``%r = sym.argsort %x axis = 0 : tensor<?xf64> -> tensor<?xi64>``: the
    indices that sort ``x`` along ``axis`` (stable, NaN last)."""

    name = "sym.argsort"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = ()

    def _result(self, x: SSAValue):  # type: ignore[no-untyped-def]
        return with_dtype(x.type, "int64")  # type: ignore[arg-type]

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.argsort(args[0], axis=self.axis.value.data, kind="stable").astype(np.int64),)


@irdl_op_definition
class StopGradientOp(IRDLOperation):
    """``%r = sym.stop_gradient "zero" %x : tensor<?xf64>``: ``x`` itself, but no
    gradient flows back through it: a zero gradient (``"zero"``, Theano's
    ``zero_grad``) or none at all (``"disconnected"``, ``disconnected_grad``).
    ``convert-sym-to-loop`` removes it."""

    name = "sym.stop_gradient"
    T: ClassVar = VarConstraint("T", AnyTensor)
    kind = prop_def(StringAttr)
    x = operand_def(T)
    result = result_def(T)
    traits = traits_def(Pure())
    assembly_format = "$kind $x attr-dict `:` type($x)"

    def __init__(self, kind: str, x: SSAValue):
        super().__init__(operands=[x], result_types=[x.type], properties={"kind": StringAttr(kind)})

    @property
    def VALUE_OPERANDS(self) -> tuple[int, ...]:  # noqa: N802 - the attribute the gradient reads
        """A disconnected gradient also disconnects what ``x`` depends on."""
        return () if self.kind.data == "disconnected" else (0,)

    def verify_(self) -> None:
        if self.kind.data not in ("zero", "disconnected"):
            raise VerifyException(
                f"'{self.name}' op kind must be \"zero\" or \"disconnected\", got \"{self.kind.data}\""
            )
        check_result_type(self, self.x.type)

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (args[0],)
