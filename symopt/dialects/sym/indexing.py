"""Advanced indexing: ``sym.advanced_subtensor`` (NumPy's integer-array indexing),
its updates ``sym.advanced_inc_subtensor``/``sym.advanced_set_subtensor``, and
``sym.nonzero`` (what boolean masks become).

An advanced index names, for each leading dimension of ``x``, either an integer
index tensor (``spec`` entry 1) or the whole dimension (entry 0, a ``:``);
dimensions past the spec are whole. The index tensors broadcast together (a static
size 1 broadcasts, other sizes must agree) into the shape ``B``. As in NumPy, the
result has ``B`` in place of the indexed dimensions when they are adjacent, and in
front of the others otherwise. Negative indices count from the end; an index out
of range raises IndexError.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import DenseArrayBase, TensorType, i64
from xdsl.ir import Attribute, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import (
    AnyTensor,
    SymCanonicalization,
    broadcast_shapes,
    check_compatible_result,
    check_value_fits,
    describe,
)
from symopt.dialects.types import (
    INT_DTYPES,
    dtype_of,
    static_shape,
    tensor_type,
    with_shape,
)


def advanced_shape(
    x_shape: Sequence[int | None], spec: Sequence[int], index_shape: Sequence[int | None]
) -> tuple[int | None, ...]:
    """The static shape of ``x[spec]`` with index tensors of broadcast shape
    ``index_shape``."""
    spec = list(spec) + [0] * (len(x_shape) - len(spec))
    positions = [d for d, s in enumerate(spec) if s == 1]
    rest = [x_shape[d] for d, s in enumerate(spec) if s == 0]
    if not positions:
        return tuple(x_shape)
    adjacent = positions == list(range(positions[0], positions[-1] + 1))
    if adjacent:
        first = positions[0]
        before = [x_shape[d] for d in range(first)]
        after = [x_shape[d] for d in range(positions[-1] + 1, len(x_shape))]
        return (*before, *index_shape, *after)
    return (*index_shape, *rest)


def _index_shape(op_name: str, indices: Sequence[SSAValue]) -> tuple[int | None, ...]:
    types = [v.type for v in indices]
    rank = max((len(static_shape(t)) for t in types), default=0)
    # NumPy broadcasting pads on the left; the frontend pads, the op requires it
    if any(len(static_shape(t)) != rank for t in types):
        listed = ", ".join(str(t) for t in types)
        raise VerifyException(f"'{op_name}' op index tensors differ in rank: {listed}")
    return broadcast_shapes(op_name, types) if types else ()


def runtime_indices(
    op: IRDLOperation, x: np.ndarray, indices: Sequence[np.ndarray], what: str
) -> tuple[object, ...]:
    """The NumPy index for ``x`` (IndexError for an out-of-range index, ValueError
    for index tensors whose sizes do not agree)."""
    spec = [int(v) for v in op.spec.get_values()]  # type: ignore[attr-defined]
    values = list(indices)
    statics = [static_shape(v.type) for v in op.indices]  # type: ignore[attr-defined]
    for dim in range(len(statics[0]) if statics else 0):
        sizes = {a.shape[dim] for a, s in zip(values, statics) if s[dim] != 1}
        if len(sizes) > 1:
            raise ValueError(
                f"shape mismatch in '{op.name}': the index tensors have sizes "
                f"{sorted(sizes)} in dimension {dim} (only dimensions of static size 1 "
                "broadcast)"
            )
    key: list[object] = []
    it = iter(values)
    for d, s in enumerate(spec):
        if s == 0:
            key.append(slice(None))
            continue
        idx = next(it).astype(np.int64)
        size = x.shape[d]
        bad = (idx < -size) | (idx >= size)
        if bad.any():
            raise IndexError(
                f"{what}: index {int(idx[bad].reshape(-1)[0])} is out of bounds for "
                f"dimension {d} with size {size}"
            )
        key.append(idx)
    return tuple(key)


class _AdvancedOp(IRDLOperation):
    spec = prop_def(DenseArrayBase)

    def spec_list(self) -> list[int]:
        return [int(v) for v in self.spec.get_values()]

    def _verify_indexing(self, x: SSAValue, indices: Sequence[SSAValue]) -> tuple[int | None, ...]:
        spec = self.spec_list()
        rank = len(static_shape(x.type))
        if len(spec) > rank or any(s not in (0, 1) for s in spec):
            raise VerifyException(f"'{self.name}' op invalid spec {spec} for {x.type}")
        if sum(spec) != len(indices) or not indices:
            raise VerifyException(
                f"'{self.name}' op spec names {sum(spec)} index tensors but "
                f"{len(indices)} are given"
            )
        for v in indices:
            if not isinstance(v.type, TensorType) or dtype_of(v.type) not in INT_DTYPES:
                raise VerifyException(f"'{self.name}' op index tensors must be integers, got {v.type}")
        return advanced_shape(static_shape(x.type), spec, _index_shape(self.name, indices))


@irdl_op_definition
class AdvancedSubtensorOp(_AdvancedOp):
    """``%r = sym.advanced_subtensor %x[%i, %j] spec = array<i64: 1, 0, 1> : (tensor<?x?x?xf64>, tensor<?xi64>, tensor<?xi64>) -> tensor<?x?xf64>``.

    ``x[i, :, j]`` with integer index tensors (see the module docstring)."""

    name = "sym.advanced_subtensor"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0,)
    x = operand_def(AnyTensor)
    indices = var_operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$x `[` $indices `]` `spec` `=` qualified($spec) attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, x: SSAValue, indices: Sequence[SSAValue], spec: Sequence[int]):
        shape = advanced_shape(static_shape(x.type), spec, _index_shape(self.name, indices))
        super().__init__(
            operands=[x, list(indices)],
            result_types=[with_shape(x.type, shape)],  # type: ignore[arg-type]
            properties={"spec": DenseArrayBase.from_list(i64, list(spec))},
        )

    def verify_(self) -> None:
        shape = self._verify_indexing(self.x, self.indices)
        check_compatible_result(self, with_shape(self.x.type, shape))  # type: ignore[arg-type]

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        x, indices = args[0], args[1:]
        key = runtime_indices(self, x, indices, f"'{self.name}' of {describe(self.x)}")
        return (np.ascontiguousarray(x[key]),)


class _AdvancedUpdateOp(_AdvancedOp):
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = (0, 1)
    x = operand_def(AnyTensor)
    y = operand_def(AnyTensor)
    indices = var_operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = (
        "$x `[` $indices `]` `,` $y `spec` `=` qualified($spec) attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, x: SSAValue, y: SSAValue, indices: Sequence[SSAValue], spec: Sequence[int]):
        super().__init__(
            operands=[x, y, list(indices)], result_types=[x.type],
            properties={"spec": DenseArrayBase.from_list(i64, list(spec))},
        )  # fmt: skip

    def verify_(self) -> None:
        region = self._verify_indexing(self.x, self.indices)
        if self.result.type != self.x.type:
            raise VerifyException(f"'{self.name}' op result type must be {self.x.type}")
        check_value_fits(self, self.y, self.x, region)

    def _prepare(self, args: Sequence[np.ndarray]) -> tuple[np.ndarray, tuple[object, ...], np.ndarray]:
        x, y, indices = args[0], args[1], args[2:]
        key = runtime_indices(self, x, indices, f"'{self.name}' of {describe(self.x)}")
        target = x[key].shape
        statics = static_shape(self.y.type)
        if any(a != b and s != 1 for a, b, s in zip(y.shape, target, statics)):
            raise ValueError(
                f"shape mismatch in '{self.name}': a value of shape {y.shape} does not fit "
                f"the indexed region {target} of {describe(self.x)} {x.shape}"
            )
        return x.copy(), key, np.broadcast_to(y, target)


@irdl_op_definition
class AdvancedIncSubtensorOp(_AdvancedUpdateOp):
    """``%r = sym.advanced_inc_subtensor %x[%i], %y spec = array<i64: 1> : (...) -> ...``:
    a copy of ``x`` with ``y`` added at the indexed elements; an element indexed
    several times gets every addition (``np.add.at``)."""

    name = "sym.advanced_inc_subtensor"

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        out, key, y = self._prepare(args)
        np.add.at(out, key, y)
        return (out,)


@irdl_op_definition
class AdvancedSetSubtensorOp(_AdvancedUpdateOp):
    """``%r = sym.advanced_set_subtensor %x[%i], %y spec = array<i64: 1> : (...) -> ...``:
    a copy of ``x`` with the indexed elements set to ``y`` (the last write wins
    where an element is indexed several times)."""

    name = "sym.advanced_set_subtensor"

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        out, key, y = self._prepare(args)
        out[key] = y
        return (out,)


@irdl_op_definition
class NonzeroOp(IRDLOperation):
    """``%r = sym.nonzero %x : tensor<?x?xi1> -> tensor<2x?xi64>``: the indices of
    the nonzero elements, one row per dimension of ``x``, in C order
    (``np.array(np.nonzero(x))``)."""

    name = "sym.nonzero"
    VALUE_OPERANDS: ClassVar[tuple[int, ...]] = ()
    x = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure(), SymCanonicalization())
    assembly_format = "$x attr-dict `:` type($x) `->` type($result)"

    def __init__(self, x: SSAValue):
        super().__init__(operands=[x], result_types=[self.result_type(x.type)])

    @staticmethod
    def result_type(t: Attribute) -> TensorType:
        return tensor_type("int64", (len(static_shape(t)), None))

    def verify_(self) -> None:
        if not static_shape(self.x.type):
            raise VerifyException(f"'{self.name}' op needs at least one dimension, got {self.x.type}")
        check_compatible_result(self, self.result_type(self.x.type))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.array(np.nonzero(args[0]), dtype=np.int64).reshape(args[0].ndim, -1),)
