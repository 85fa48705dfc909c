"""Shape ops: dimshuffle, shape, reshape, basic indexing and its updates,
concatenate, alloc, arange, and the index loop ``sym.map_index``."""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import ClassVar

import numpy as np
from xdsl.dialects.builtin import I64, DenseArrayBase, IntegerAttr, TensorType, i64
from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.parser import Parser
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.printer import Printer
from xdsl.traits import IsTerminator, Pure, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import (
    AnyTensor,
    ConstantOp,
    SymCanonicalization,
    check_compatible_result,
    check_int_vector,
    check_result_type,
    check_value_fits,
    describe,
    replace_by,
)
from symopt.dialects.types import dtype_of, static_shape, tensor_type, with_shape


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
        check_result_type(self, with_shape(self.x.type, shape))  # type: ignore

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (DimShuffleOfDimShuffle(),)

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
        check_result_type(self, tensor_type("int64", (len(static_shape(self.x.type)),)))

    def evaluate(self, *args: np.ndarray) -> tuple[np.ndarray, ...]:
        return (np.array(args[0].shape, dtype=np.int64),)

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (StaticShape(),)


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
        n = check_int_vector(self, self.shape, "shape")
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
                f"'{self.name}': cannot reshape {describe(self.x)} of shape "
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
        check_result_type(self, self.x.type)
        region = indexed_shape(static_shape(self.x.type), self.entries())
        check_value_fits(self, self.y, self.x, region)

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
                f"the region {target} of {describe(self.x)} {x.shape}"
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
        check_compatible_result(self, with_shape(types[0], shape))  # type: ignore

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
        n = check_int_vector(self, self.shape, "shape")
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

    @classmethod
    def canonicalization_patterns(cls) -> tuple[RewritePattern, ...]:
        return (AllocOfSameShape(),)

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
    """``sym.yield %a, %b : tensor<?xf64>, tensor<f64>``: the values one iteration of a
    loop body (or one branch of ``sym.if``) produces."""

    name = "sym.yield"
    values = var_operand_def(AnyTensor)
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "$values attr-dict `:` type($values)"

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[list(values)])


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
        if not isinstance(last, YieldOp) or len(last.values) != 1:
            raise VerifyException(f"'{self.name}' op body must end with a sym.yield of one value")
        item = static_shape(last.values[0].type)
        out = static_shape(self.result.type)
        if len(out) != len(item) + 1 or dtype_of(self.result.type) != dtype_of(last.values[0].type) or any(
            a is not None and b is not None and a != b for a, b in zip(out[1:], item)
        ):
            raise VerifyException(
                f"'{self.name}' op result type {self.result.type} does not stack the "
                f"yielded {last.values[0].type}"
            )

    def evaluate_region(self, run, n: np.ndarray) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
        """``run(block, args)`` interprets a block and returns its yielded values."""
        count = int(n)
        if count < 0:
            raise ValueError(f"'{self.name}': negative trip count {count}")
        block = self.body.block
        items = [run(block, [np.array(i, dtype=np.int64)])[0] for i in range(count)]
        item_type = block.last_op.values[0].type  # type: ignore[union-attr]
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
# canonicalization patterns (each one algebraic rule, stated in its docstring)


class StaticShape(RewritePattern):
    """``shape(x) -> constant`` when every size of ``x`` is static."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ShapeOp, rewriter: PatternRewriter) -> None:
        shape = static_shape(op.x.type)
        if None in shape:
            return
        rewriter.replace(op, ConstantOp(np.array(shape, dtype=np.int64)))


class DimShuffleOfDimShuffle(RewritePattern):
    """``dimshuffle(dimshuffle(x, p), q) -> dimshuffle(x, p[q])`` (entries -1 stay
    -1), and an identity dimshuffle ``-> x``."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: DimShuffleOp, rewriter: PatternRewriter) -> None:
        pattern = op.pattern_tuple()
        if list(pattern) == list(range(len(static_shape(op.x.type)))):
            if replace_by(rewriter, op, op.x):
                return
        inner = op.x.owner
        if not isinstance(inner, DimShuffleOp):
            return
        first = inner.pattern_tuple()
        composed = [-1 if q == -1 else first[q] for q in pattern]
        kept = {c for c in composed if c != -1}
        source_shape = static_shape(inner.x.type)
        if any(i not in kept and s != 1 for i, s in enumerate(source_shape)):
            return
        new = DimShuffleOp(inner.x, composed)
        if new.result.type != op.result.type:
            return
        rewriter.replace(op, new)


class AllocOfSameShape(RewritePattern):
    """``alloc(v, shape) -> v`` when the result has exactly ``v``'s static type (all
    sizes static): filling a tensor with a value of its own shape copies it."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: AllocOp, rewriter: PatternRewriter) -> None:
        if None not in static_shape(op.result.type):
            replace_by(rewriter, op, op.value)
