"""The ``loop`` dialect: structured loops with scalar bodies.

``loop.map`` and ``loop.reduce`` describe a whole loop nest over an iteration space
with a region that computes one element with ``arith``/``math`` ops on scalars. They
work on tensors (value semantics, before ``loop-bufferize``) and on memrefs (after:
inputs are read, ``outs`` buffers are written, and the op has no results).

Each input reads the iteration space through its ``dims`` map: input dimension
``k`` is indexed by iteration dimension ``dims[k]`` (``-1``: by 0, the dimension
has size 1); iteration dimensions an input does not name are broadcast, and an
input dimension of static size 1 is read at index 0 (Theano's broadcastable
dimension). This is how transposes and broadcasts
fold into a loop instead of being materialized.

    %r = loop.map ins(%x, %b : tensor<?x784xf64>, tensor<f64>) dims [[0, 1], []]
           -> tensor<?x784xf64> {
    ^bb0(%xi: f64, %bi: f64):
      %s = arith.addf %xi, %bi : f64
      loop.yield %s : f64
    }
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    I64,
    IndexType,
    IntegerAttr,
    IntegerType,
    MemRefType,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Block, Dialect, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import Parser
from xdsl.printer import Printer
from xdsl.traits import (
    IsolatedFromAbove,
    IsTerminator,
    MemoryReadEffect,
    MemoryWriteEffect,
    Pure,
    RecursiveMemoryEffect,
    SymbolOpInterface,
)
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.scalar import signless
from symopt.dialects.types import static_shape

REDUCE_KINDS = ("add", "mul", "max", "min", "and", "or", "mean", "argmax", "argmin")

PARALLEL = "symopt.parallel"
"""A unit attribute on an ``scf.for`` whose iterations are independent: each writes
elements no other reads or writes. The native code splits such a loop over
threads, the GPU mapping over GPU threads."""

WORK = "symopt.work"
"""An integer attribute on a parallel ``scf.for``: about how many innermost
iterations one of its iterations does, where that is not known from bounds
computed before the loop (the native code's thread count follows the work)."""


def shaped(t: Attribute) -> bool:
    return isinstance(t, (TensorType, MemRefType))


def element_type(t: Attribute) -> Attribute:
    assert isinstance(t, (TensorType, MemRefType)), t
    return t.element_type


_shape = static_shape


def identity_dims(rank: int) -> list[int]:
    return list(range(rank))


def _dims_attr(dims: Sequence[Sequence[int]]) -> ArrayAttr:
    return ArrayAttr([DenseArrayBase.from_list(i64, list(d)) for d in dims])


def _dims_of(attr: ArrayAttr) -> list[tuple[int, ...]]:
    return [tuple(int(v) for v in a.get_values()) for a in attr.data]  # type: ignore[attr-defined]


def _print_dims(printer: Printer, dims: list[tuple[int, ...]], ranks: list[int]) -> None:
    if all(list(d) == identity_dims(r) for d, r in zip(dims, ranks)):
        return
    printer.print_string(" dims [")
    printer.print_list(dims, lambda d: printer.print_string("[" + ", ".join(map(str, d)) + "]"))
    printer.print_string("]")


def _parse_dims(parser: Parser) -> list[tuple[int, ...]] | None:
    if parser.parse_optional_keyword("dims") is None:
        return None

    def one() -> tuple[int, ...]:
        return tuple(
            parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)
        )

    return parser.parse_comma_separated_list(parser.Delimiter.SQUARE, one)


def _print_operands(printer: Printer, keyword: str, values: Sequence[SSAValue]) -> None:
    if not values:
        return
    printer.print_string(f" {keyword}(")
    printer.print_list(values, printer.print_operand)
    printer.print_string(" : ")
    printer.print_list([v.type for v in values], printer.print_attribute)
    printer.print_string(")")


def _parse_operands(parser: Parser, keyword: str) -> list[SSAValue]:
    if parser.parse_optional_keyword(keyword) is None:
        return []
    parser.parse_punctuation("(")
    names = parser.parse_comma_separated_list(
        parser.Delimiter.NONE, parser.parse_unresolved_operand
    )
    parser.parse_punctuation(":")
    types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
    parser.parse_punctuation(")")
    if len(names) != len(types):
        parser.raise_error(f"{keyword}: {len(names)} operands but {len(types)} types")
    return [parser.resolve_operand(n, t) for n, t in zip(names, types)]


class _StructuredOp(IRDLOperation):
    """Shared part of ``loop.map`` and ``loop.reduce``."""

    inputs = var_operand_def()
    outputs = var_operand_def()
    dims = prop_def(ArrayAttr)
    body = region_def("single_block")
    irdl_options = (AttrSizedOperandSegments(as_property=True),)

    def input_dims(self) -> list[tuple[int, ...]]:
        return _dims_of(self.dims)

    @property
    def bufferized(self) -> bool:
        return bool(self.outputs)

    def _verify_common(self, space_rank: int) -> None:
        dims = self.input_dims()
        if len(dims) != len(self.inputs):
            raise VerifyException(
                f"'{self.name}' op has {len(dims)} dims maps for {len(self.inputs)} inputs"
            )
        for i, (v, d) in enumerate(zip(self.inputs, dims)):
            if not shaped(v.type):
                raise VerifyException(f"'{self.name}' op input {i} is not a tensor or memref")
            rank = len(_shape(v.type))
            mapped = [x for x in d if x != -1]
            if (
                len(d) != rank
                or len(set(mapped)) != len(mapped)
                or any(not -1 <= x < space_rank for x in d)
            ):
                raise VerifyException(
                    f"'{self.name}' op dims map {list(d)} of input {i} does not map its "
                    f"{rank} dimensions into a {space_rank}-d iteration space"
                )
        kinds = {type(v.type) for v in self.inputs} | {type(v.type) for v in self.outputs}
        if self.outputs and self.results:
            raise VerifyException(f"'{self.name}' op has both outs and results")
        if self.outputs and TensorType in kinds:
            raise VerifyException(f"'{self.name}' op mixes tensors with memref outs")
        block = self.body.block
        if len(block.args) != len(self.inputs):
            raise VerifyException(
                f"'{self.name}' op body takes {len(block.args)} arguments for "
                f"{len(self.inputs)} inputs"
            )
        for i, (arg, v) in enumerate(zip(block.args, self.inputs)):
            if arg.type != signless(element_type(v.type)):
                raise VerifyException(
                    f"'{self.name}' op body argument {i} has type {arg.type}, the element "
                    f"type of input {i} is {element_type(v.type)}"
                )
        last = block.last_op
        if not isinstance(last, YieldOp):
            raise VerifyException(f"'{self.name}' op body must end with loop.yield")

    def _print_body(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_region(self.body, print_entry_block_args=True, print_block_terminators=True)


@irdl_op_definition
class MapOp(_StructuredOp):
    """``loop.map``: an elementwise loop nest over the shape of its results (or outs).

    The body gets one scalar per input and yields one scalar per result; all
    results have the same shape, the iteration space. ``loop.index`` in the body
    gives the current index along an iteration dimension.
    """

    name = "loop.map"
    res = var_result_def()
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        inputs: Sequence[SSAValue],
        body: Region,
        result_types: Sequence[Attribute] = (),
        outputs: Sequence[SSAValue] = (),
        dims: Sequence[Sequence[int]] | None = None,
    ):
        if dims is None:
            dims = [identity_dims(len(_shape(v.type))) for v in inputs]
        super().__init__(
            operands=[list(inputs), list(outputs)],
            result_types=[list(result_types)],
            properties={"dims": _dims_attr(dims)},
            regions=[body],
        )

    def space_types(self) -> list[Attribute]:
        return [r.type for r in self.res] or [o.type for o in self.outputs]

    def space_shape(self) -> tuple[int | None, ...]:
        return _shape(self.space_types()[0])

    def verify_(self) -> None:
        types = self.space_types()
        if not types:
            raise VerifyException(f"'{self.name}' op needs at least one result or out")
        shapes = {_shape(t) for t in types}
        if len(shapes) != 1:
            raise VerifyException(f"'{self.name}' op results have different shapes")
        space = shapes.pop()
        self._verify_common(len(space))
        last = self.body.block.last_op
        assert isinstance(last, YieldOp)
        if len(last.values) != len(types):
            raise VerifyException(
                f"'{self.name}' op body yields {len(last.values)} values for {len(types)} results"
            )
        for i, (v, t) in enumerate(zip(last.values, types)):
            if v.type != signless(element_type(t)):
                raise VerifyException(
                    f"'{self.name}' op body yields {v.type} for result {i} of element type "
                    f"{element_type(t)}"
                )
        for i, (v, d) in enumerate(zip(self.inputs, self.input_dims())):
            for k, s in zip(d, _shape(v.type)):
                if k == -1:
                    continue
                if s is not None and s != 1 and space[k] is not None and space[k] != s:
                    raise VerifyException(
                        f"'{self.name}' op input {i} of type {v.type} does not fit the "
                        f"iteration space {list(space)} in dimension {k}"
                    )

    def print(self, printer: Printer) -> None:
        _print_operands(printer, "ins", self.inputs)
        _print_dims(printer, self.input_dims(), [len(_shape(v.type)) for v in self.inputs])
        _print_operands(printer, "outs", self.outputs)
        if self.res:
            printer.print_string(" -> ")
            printer.print_list([r.type for r in self.res], printer.print_attribute)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        self._print_body(printer)

    @classmethod
    def parse(cls, parser: Parser) -> MapOp:
        inputs = _parse_operands(parser, "ins")
        dims = _parse_dims(parser)
        outputs = _parse_operands(parser, "outs")
        result_types: list[Attribute] = []
        if parser.parse_optional_punctuation("->") is not None:
            result_types = parser.parse_comma_separated_list(
                parser.Delimiter.NONE, parser.parse_type
            )
        attributes = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region()
        op = cls(inputs, body, result_types, outputs, dims)
        if attributes is not None:
            op.attributes |= attributes.data
        return op


@irdl_op_definition
class ReduceOp(_StructuredOp):
    """``loop.reduce "add" ins(...) axes [0] -> tensor<3xf64> { prologue }``.

    Iterates over the shape of the (first) input; the body computes the value to
    combine from the inputs' elements, and the combination over ``axes`` gives the
    result. Kinds: add, mul, max, min (NaN propagates), and, or, mean, and argmax /
    argmin (the int64 position over ``axes`` taken in C order, first one on ties).
    ``keepdims`` keeps the reduced dimensions with size 1.
    """

    name = "loop.reduce"
    kind = prop_def(StringAttr)
    axes = prop_def(DenseArrayBase)
    keepdims = prop_def(IntegerAttr)
    res = var_result_def()
    traits = traits_def(RecursiveMemoryEffect())

    def __init__(
        self,
        kind: str,
        inputs: Sequence[SSAValue],
        axes: Sequence[int],
        keepdims: bool,
        body: Region,
        result_type: Attribute | None = None,
        output: SSAValue | None = None,
        dims: Sequence[Sequence[int]] | None = None,
    ):
        if dims is None:
            dims = [identity_dims(len(_shape(v.type))) for v in inputs]
        super().__init__(
            operands=[list(inputs), [output] if output is not None else []],
            result_types=[[result_type] if result_type is not None else []],
            properties={
                "kind": StringAttr(kind),
                "axes": DenseArrayBase.from_list(i64, list(axes)),
                "keepdims": IntegerAttr(int(keepdims), 1),
                "dims": _dims_attr(dims),
            },
            regions=[body],
        )

    def axis_tuple(self) -> tuple[int, ...]:
        return tuple(int(a) for a in self.axes.get_values())

    def space_rank_of_memrefs(self) -> int:
        """Rank of the iteration space (the kept and the reduced dimensions)."""
        out_rank = len(_shape(self.out_type()))
        return out_rank if self.keepdims.value.data else out_rank + len(self.axis_tuple())

    def out_type(self) -> Attribute:
        return (self.res[0] if self.res else self.outputs[0]).type

    def verify_(self) -> None:
        if self.kind.data not in REDUCE_KINDS:
            raise VerifyException(
                f"'{self.name}' op unknown kind \"{self.kind.data}\", expected one of "
                + ", ".join(REDUCE_KINDS)
            )
        if len(self.res) + len(self.outputs) != 1:
            raise VerifyException(f"'{self.name}' op has exactly one result or out")
        out_rank = len(_shape(self.out_type()))
        axes = self.axis_tuple()
        keep = bool(self.keepdims.value.data)
        space_rank = out_rank if keep else out_rank + len(axes)
        if len(set(axes)) != len(axes) or any(not 0 <= a < space_rank for a in axes):
            raise VerifyException(
                f"'{self.name}' op axes {list(axes)} are invalid for a {space_rank}-d space"
            )
        self._verify_common(space_rank)
        last = self.body.block.last_op
        assert isinstance(last, YieldOp)
        if len(last.values) != 1:
            raise VerifyException(f"'{self.name}' op body must yield one value")
        result = signless(element_type(self.out_type()))
        yielded = last.values[0].type
        if self.kind.data in ("argmax", "argmin"):
            if result != IntegerType(64):
                raise VerifyException(
                    f"'{self.name}' op \"{self.kind.data}\" must produce i64, not {result}"
                )
        elif yielded != result:
            raise VerifyException(
                f"'{self.name}' op body yields {yielded} for a result of element type {result}"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_attribute(self.kind)
        _print_operands(printer, "ins", self.inputs)
        _print_dims(printer, self.input_dims(), [len(_shape(v.type)) for v in self.inputs])
        _print_operands(printer, "outs", self.outputs)
        printer.print_string(" axes [" + ", ".join(map(str, self.axis_tuple())) + "]")
        if self.keepdims.value.data:
            printer.print_string(" keepdims")
        if self.res:
            printer.print_string(" -> ")
            printer.print_attribute(self.res[0].type)
        printer.print_op_attributes(self.attributes, print_keyword=True)
        self._print_body(printer)

    @classmethod
    def parse(cls, parser: Parser) -> ReduceOp:
        kind = parser.parse_str_literal()
        inputs = _parse_operands(parser, "ins")
        dims = _parse_dims(parser)
        outputs = _parse_operands(parser, "outs")
        parser.parse_keyword("axes")
        axes = parser.parse_comma_separated_list(parser.Delimiter.SQUARE, parser.parse_integer)
        keepdims = parser.parse_optional_keyword("keepdims") is not None
        result_type = None
        if parser.parse_optional_punctuation("->") is not None:
            result_type = parser.parse_type()
        attributes = parser.parse_optional_attr_dict_with_keyword()
        body = parser.parse_region()
        op = cls(
            kind, inputs, axes, keepdims, body, result_type,
            outputs[0] if outputs else None, dims,
        )  # fmt: skip
        if attributes is not None:
            op.attributes |= attributes.data
        return op


@irdl_op_definition
class YieldOp(IRDLOperation):
    """``loop.yield %a, %b : f64, f64``: the scalars one iteration of a map or reduce
    produces (or the tensor one iteration of a ``loop.generate`` produces)."""

    name = "loop.yield"
    values = var_operand_def()
    traits = traits_def(IsTerminator(), Pure())
    assembly_format = "($values^ `:` type($values))? attr-dict"

    def __init__(self, *values: SSAValue):
        super().__init__(operands=[list(values)])

    def verify_(self) -> None:
        if not isinstance(self.parent_op(), (MapOp, ReduceOp, GenerateOp, ScanOp, IfOp)):
            raise VerifyException(
                f"'{self.name}' expects parent op to be one of 'loop.map', 'loop.reduce', "
                "'loop.generate', 'loop.scan', 'loop.if'"
            )


@irdl_op_definition
class IndexOp(IRDLOperation):
    """``%i = loop.index 0 : index``: the current index along an iteration dimension."""

    name = "loop.index"
    dim = prop_def(IntegerAttr)
    result = result_def(IndexType)
    traits = traits_def(Pure())

    def print(self, printer: Printer) -> None:
        printer.print_string(f" {self.dim.value.data}")
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : index")

    @classmethod
    def parse(cls, parser: Parser) -> IndexOp:
        dim = parser.parse_integer(allow_boolean=False, allow_negative=False)
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        parser.parse_keyword("index")
        op = cls(dim)
        op.attributes |= attributes
        return op

    def __init__(self, dim: int):
        super().__init__(
            result_types=[IndexType()], properties={"dim": IntegerAttr(dim, i64)}
        )

    def verify_(self) -> None:
        parent = self.parent_op()
        while parent is not None and not isinstance(parent, (MapOp, ReduceOp)):
            parent = parent.parent_op()
        if parent is None:
            raise VerifyException(f"'{self.name}' op must be inside a loop.map or loop.reduce")
        rank = (
            len(parent.space_shape())
            if isinstance(parent, MapOp)
            else parent.space_rank_of_memrefs()
        )
        if self.dim.value.data >= rank:
            raise VerifyException(
                f"'{self.name}' op dimension {self.dim.value.data} is outside the "
                f"{rank}-d iteration space"
            )


@irdl_op_definition
class DotOp(IRDLOperation):
    """``%r = loop.dot %a, %b : (tensor<?x?xf64>, tensor<?xf64>) -> tensor<?xf64>``,
    or ``loop.dot %a, %b, %out : memref..., memref..., memref...`` after
    bufferization: NumPy's ``dot`` for ranks 1 and 2, computed by BLAS for floats."""

    name = "loop.dot"
    lhs = operand_def()
    rhs = operand_def()
    outputs = var_operand_def()
    res = var_result_def()
    traits = traits_def(MemoryReadEffect(), MemoryWriteEffect())

    def __init__(
        self,
        lhs: SSAValue,
        rhs: SSAValue,
        result_type: Attribute | None = None,
        output: SSAValue | None = None,
    ):
        super().__init__(
            operands=[lhs, rhs, [output] if output is not None else []],
            result_types=[[result_type] if result_type is not None else []],
        )

    def verify_(self) -> None:
        ranks = (len(_shape(self.lhs.type)), len(_shape(self.rhs.type)))
        if ranks not in ((1, 1), (2, 1), (1, 2), (2, 2)):
            raise VerifyException(f"'{self.name}' op supports ranks 1 and 2, got {ranks}")
        if len(self.res) + len(self.outputs) != 1:
            raise VerifyException(f"'{self.name}' op has exactly one result or out")
        out = (self.res[0] if self.res else self.outputs[0]).type
        elements = {element_type(self.lhs.type), element_type(self.rhs.type), element_type(out)}
        expected_rank = ranks[0] + ranks[1] - 2
        if len(elements) != 1 or len(_shape(out)) != expected_rank:
            raise VerifyException(
                f"'{self.name}' op result {out} does not match the product of "
                f"{self.lhs.type} and {self.rhs.type}"
            )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        operands = [self.lhs, self.rhs, *self.outputs]
        printer.print_list(operands, printer.print_operand)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        if self.res:
            printer.print_string("(")
            printer.print_list([self.lhs.type, self.rhs.type], printer.print_attribute)
            printer.print_string(") -> ")
            printer.print_attribute(self.res[0].type)
        else:
            printer.print_list([v.type for v in operands], printer.print_attribute)

    @classmethod
    def parse(cls, parser: Parser) -> DotOp:
        names = parser.parse_comma_separated_list(
            parser.Delimiter.NONE, parser.parse_unresolved_operand
        )
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        if len(names) == 2:
            parser.parse_punctuation("(")
            types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
            parser.parse_punctuation(")")
            parser.parse_punctuation("->")
            result = parser.parse_type()
            op = cls(*(parser.resolve_operand(n, t) for n, t in zip(names, types)), result)
        else:
            types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
            lhs, rhs, out = (parser.resolve_operand(n, t) for n, t in zip(names, types))
            op = cls(lhs, rhs, output=out)
        op.attributes |= attributes
        return op


@irdl_op_definition
class CheckOp(IRDLOperation):
    """``loop.check %ok, "message {0} vs {1}" (%a, %b : index, index)``: a run-time check.

    If ``%ok`` is false the function stops and reports the message, formatted with the
    values, as a ValueError (or an IndexError when ``kind`` is ``"index"``); nothing
    after the check runs.
    """

    name = "loop.check"
    condition = operand_def(IntegerType(1))
    args = var_operand_def()
    message = prop_def(StringAttr)
    kind = prop_def(StringAttr)
    traits = traits_def(MemoryWriteEffect())

    def __init__(
        self, condition: SSAValue, message: str, args: Sequence[SSAValue] = (), kind: str = "value"
    ):
        super().__init__(
            operands=[condition, list(args)],
            properties={"message": StringAttr(message), "kind": StringAttr(kind)},
        )

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.condition)
        printer.print_string(", ")
        printer.print_attribute(self.message)
        if self.kind.data != "value":
            printer.print_string(f" kind {self.kind.data}")
        if self.args:
            printer.print_string(" (")
            printer.print_list(self.args, printer.print_operand)
            printer.print_string(" : ")
            printer.print_list([a.type for a in self.args], printer.print_attribute)
            printer.print_string(")")
        printer.print_op_attributes(self.attributes)

    @classmethod
    def parse(cls, parser: Parser) -> CheckOp:
        cond = parser.parse_operand(IntegerType(1))
        parser.parse_punctuation(",")
        message = parser.parse_str_literal()
        kind = "value"
        if parser.parse_optional_keyword("kind") is not None:
            kind = parser.parse_identifier()
        args: list[SSAValue] = []
        if parser.parse_optional_punctuation("(") is not None:
            names = parser.parse_comma_separated_list(
                parser.Delimiter.NONE, parser.parse_unresolved_operand
            )
            parser.parse_punctuation(":")
            types = parser.parse_comma_separated_list(parser.Delimiter.NONE, parser.parse_type)
            parser.parse_punctuation(")")
            args = [parser.resolve_operand(n, t) for n, t in zip(names, types)]
        attributes = parser.parse_optional_attr_dict()
        op = cls(cond, message, args, kind)
        op.attributes |= attributes
        return op


@irdl_op_definition
class ViewOp(IRDLOperation):
    """``%v = loop.view %m offset(%o) sizes(%s0, %s1) strides(%t0, %t1) : memref<...> -> memref<...>``.

    A view of the buffer of ``%m``: the element at index ``(i, j)`` is at
    ``offset + i * t0 + j * t1`` elements from the buffer's start (the offset and
    strides are absolute, not relative to ``%m``'s). Reshapes, slices, transposes and
    broadcasts (stride 0) of existing buffers are views.
    """

    name = "loop.view"
    source = operand_def(MemRefType)
    offset = operand_def(IndexType)
    sizes = var_operand_def(IndexType)
    strides = var_operand_def(IndexType)
    result = result_def(MemRefType)
    traits = traits_def(Pure())
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    assembly_format = (
        "$source `offset` `(` $offset `)` `sizes` `(` $sizes `)` `strides` `(` $strides `)` "
        "attr-dict `:` type($source) `->` type($result)"
    )

    def __init__(
        self,
        source: SSAValue,
        offset: SSAValue,
        sizes: Sequence[SSAValue],
        strides: Sequence[SSAValue],
        result_type: Attribute,
    ):
        super().__init__(
            operands=[source, offset, list(sizes), list(strides)], result_types=[result_type]
        )

    def verify_(self) -> None:
        rank = len(_shape(self.result.type))
        if len(self.sizes) != rank or len(self.strides) != rank:
            raise VerifyException(
                f"'{self.name}' op needs {rank} sizes and strides for {self.result.type}"
            )
        if element_type(self.source.type) != element_type(self.result.type):
            raise VerifyException(f"'{self.name}' op changes the element type")


@irdl_op_definition
class LayoutOp(IRDLOperation):
    """``%offset, %strides:2 = loop.layout %m : memref<?x?xf64>``: where a buffer's
    elements are (offset and strides in elements)."""

    name = "loop.layout"
    source = operand_def(MemRefType)
    offset = result_def(IndexType)
    strides = var_result_def(IndexType)
    traits = traits_def(Pure())

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_operand(self.source)
        printer.print_op_attributes(self.attributes)
        printer.print_string(" : ")
        printer.print_attribute(self.source.type)

    @classmethod
    def parse(cls, parser: Parser) -> LayoutOp:
        name = parser.parse_unresolved_operand()
        attributes = parser.parse_optional_attr_dict()
        parser.parse_punctuation(":")
        t = parser.parse_type()
        op = cls(parser.resolve_operand(name, t))
        op.attributes |= attributes
        return op

    def verify_(self) -> None:
        rank = len(_shape(self.source.type))
        if len(self.strides) != rank:
            raise VerifyException(
                f"'{self.name}' op has {len(self.strides)} strides for a rank-{rank} buffer"
            )

    def __init__(self, source: SSAValue):
        rank = len(_shape(source.type))
        super().__init__(operands=[source], result_types=[IndexType(), [IndexType()] * rank])


# ---------------------------------------------------------------------------
# Structural ops on tensors: what ``convert-sym-to-loop`` makes of sym's shape,
# indexing, constant-building and random ops. ``loop-bufferize`` turns each into
# views of existing buffers (dimshuffle, slice, reshape of a contiguous buffer) or
# into allocations written by loops.

SLICE_NONE = -(2**63)
"""In a slice spec: the bound is absent (``x[:5]`` has no start)."""
SLICE_DYNAMIC = -(2**63) + 1
"""In a slice spec: the value is the next dynamic index operand."""

def _ranked(v: SSAValue, what: str, op: IRDLOperation) -> tuple[int | None, ...]:
    if not shaped(v.type):
        raise VerifyException(f"'{op.name}' op {what} must be a tensor or memref, got {v.type}")
    return _shape(v.type)


class _SpecOp(IRDLOperation):
    """Shared part of ``loop.slice`` and ``loop.update``: a basic-indexing spec.

    ``spec`` holds four integers per indexed leading dimension, ``(kind, start,
    stop, step)``: kind 0 is a single index (``start``), kind 1 a slice.
    ``SLICE_NONE`` marks an absent bound, ``SLICE_DYNAMIC`` the next ``indices``
    operand (a 0-d i64 tensor before bufferization, a memref after)."""

    spec = prop_def(DenseArrayBase)

    def entries(self) -> list[tuple[int, int, int, int]]:
        values = [int(v) for v in self.spec.get_values()]
        return [tuple(values[i : i + 4]) for i in range(0, len(values), 4)]  # type: ignore[misc]

    def _verify_spec(self, rank: int, n_indices: int) -> None:
        values = [int(v) for v in self.spec.get_values()]
        if len(values) % 4 or len(values) // 4 > rank:
            raise VerifyException(f"'{self.name}' op spec does not fit a rank-{rank} operand")
        if sum(v == SLICE_DYNAMIC for v in values) != n_indices:
            raise VerifyException(
                f"'{self.name}' op spec names {sum(v == SLICE_DYNAMIC for v in values)} "
                f"dynamic indices but {n_indices} are given"
            )

    def region_rank(self, rank: int) -> int:
        return rank - sum(1 for e in self.entries() if e[0] == 0)


@irdl_op_definition
class SliceOp(_SpecOp):
    """``%r = loop.slice %x[%i] {spec = array<i64: ...>} : (...) -> tensor<?xf64>``:
    NumPy basic indexing of the leading dimensions (a view after bufferization)."""

    name = "loop.slice"
    x = operand_def()
    indices = var_operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = (
        "$x `[` $indices `]` `spec` qualified($spec) attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, x: SSAValue, indices: Sequence[SSAValue], spec: Sequence[int], result_type: Attribute):
        super().__init__(
            operands=[x, list(indices)], result_types=[result_type],
            properties={"spec": DenseArrayBase.from_list(i64, list(spec))},
        )  # fmt: skip

    def verify_(self) -> None:
        rank = len(_ranked(self.x, "the operand", self))
        self._verify_spec(rank, len(self.indices))
        if len(_ranked(self.result, "the result", self)) != self.region_rank(rank):
            raise VerifyException(f"'{self.name}' op result rank does not match the spec")


@irdl_op_definition
class UpdateOp(_SpecOp):
    """``%r = loop.update "inc" %x[%i], %y {spec = ...} : (...) -> tensor<...>``: a
    copy of ``x`` whose indexed region is set to (``"set"``) or incremented by
    (``"inc"``) ``y``, which broadcasts where it has a static size 1."""

    name = "loop.update"
    kind = prop_def(StringAttr)
    x = operand_def()
    y = operand_def()
    indices = var_operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = (
        "$kind $x `[` $indices `]` `,` $y `spec` qualified($spec) attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self, kind: str, x: SSAValue, y: SSAValue, indices: Sequence[SSAValue],
        spec: Sequence[int],
    ):  # fmt: skip
        super().__init__(
            operands=[x, y, list(indices)], result_types=[x.type],
            properties={"kind": StringAttr(kind), "spec": DenseArrayBase.from_list(i64, list(spec))},
        )  # fmt: skip

    def verify_(self) -> None:
        if self.kind.data not in ("inc", "set"):
            raise VerifyException(f"'{self.name}' op kind must be \"inc\" or \"set\"")
        rank = len(_ranked(self.x, "the operand", self))
        self._verify_spec(rank, len(self.indices))
        if len(_ranked(self.y, "the value", self)) != self.region_rank(rank):
            raise VerifyException(f"'{self.name}' op value rank does not match the region")


@irdl_op_definition
class GatherOp(IRDLOperation):
    """``%r = loop.gather %x[%i, %j] spec = array<i64: 1, 0, 1> : (...) -> tensor<...>``:
    ``sym.advanced_subtensor`` on tensors (NumPy's integer-array indexing; see
    there). Bufferized into explicit loops that check every index."""

    name = "loop.gather"
    x = operand_def()
    indices = var_operand_def()
    spec = prop_def(DenseArrayBase)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = (
        "$x `[` $indices `]` `spec` `=` qualified($spec) attr-dict `:` functional-type(operands, results)"
    )

    def __init__(self, x: SSAValue, indices: Sequence[SSAValue], spec: DenseArrayBase, result_type: Attribute):
        super().__init__(
            operands=[x, list(indices)], result_types=[result_type], properties={"spec": spec}
        )

    def spec_list(self) -> list[int]:
        return [int(v) for v in self.spec.get_values()]

    def verify_(self) -> None:
        if sum(self.spec_list()) != len(self.indices):
            raise VerifyException(f"'{self.name}' op spec does not match the index operands")


@irdl_op_definition
class ScatterOp(IRDLOperation):
    """``%r = loop.scatter "inc" %x[%i], %y spec = array<i64: 1> : (...) -> tensor<...>``:
    ``sym.advanced_inc_subtensor`` (``"inc"``, repeated indices accumulate) or
    ``sym.advanced_set_subtensor`` (``"set"``) on tensors: a copy of ``x`` updated
    at the indexed elements, after every index was checked."""

    name = "loop.scatter"
    kind = prop_def(StringAttr)
    x = operand_def()
    y = operand_def()
    indices = var_operand_def()
    spec = prop_def(DenseArrayBase)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = (
        "$kind $x `[` $indices `]` `,` $y `spec` `=` qualified($spec) attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self, kind: str, x: SSAValue, y: SSAValue, indices: Sequence[SSAValue], spec: DenseArrayBase,
    ):  # fmt: skip
        super().__init__(
            operands=[x, y, list(indices)], result_types=[x.type],
            properties={"kind": StringAttr(kind), "spec": spec},
        )  # fmt: skip

    def spec_list(self) -> list[int]:
        return [int(v) for v in self.spec.get_values()]

    def verify_(self) -> None:
        if self.kind.data not in ("inc", "set"):
            raise VerifyException(f"'{self.name}' op kind must be \"inc\" or \"set\"")
        if sum(self.spec_list()) != len(self.indices):
            raise VerifyException(f"'{self.name}' op spec does not match the index operands")


@irdl_op_definition
class NonzeroOp(IRDLOperation):
    """``%r = loop.nonzero %x : tensor<?x?xi1> -> tensor<2x?xi64>``: ``sym.nonzero``
    on tensors (the indices of the nonzero elements, one row per dimension)."""

    name = "loop.nonzero"
    x = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$x attr-dict `:` type($x) `->` type($result)"

    def __init__(self, x: SSAValue, result_type: Attribute):
        super().__init__(operands=[x], result_types=[result_type])


@irdl_op_definition
class CumulativeOp(IRDLOperation):
    """``%r = loop.cumulative "add" %x axis = 0 : (tensor<?xf64>) -> tensor<?xf64>``:
    ``sym.cumulative`` on tensors (running sums or products along ``axis``)."""

    name = "loop.cumulative"
    kind = prop_def(StringAttr)
    x = operand_def()
    axis = prop_def(IntegerAttr[I64])
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$kind $x `axis` `=` $axis attr-dict `:` functional-type(operands, results)"

    def __init__(self, kind: str, x: SSAValue, axis: int):
        super().__init__(
            operands=[x], result_types=[x.type],
            properties={"kind": StringAttr(kind), "axis": IntegerAttr(axis, i64)},
        )  # fmt: skip


@irdl_op_definition
class SortOp(IRDLOperation):
    """``%r = loop.sort "values" %x axis = 0 : (tensor<?xf64>) -> tensor<?xf64>``:
    ``sym.sort`` (``"values"``) or ``sym.argsort`` (``"indices"``) on tensors; a
    stable merge sort of each line along ``axis``."""

    name = "loop.sort"
    kind = prop_def(StringAttr)
    x = operand_def()
    axis = prop_def(IntegerAttr[I64])
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$kind $x `axis` `=` $axis attr-dict `:` functional-type(operands, results)"

    def __init__(self, kind: str, x: SSAValue, axis: int, result_type: Attribute):
        super().__init__(
            operands=[x], result_types=[result_type],
            properties={"kind": StringAttr(kind), "axis": IntegerAttr(axis, i64)},
        )  # fmt: skip

    def verify_(self) -> None:
        if self.kind.data not in ("values", "indices"):
            raise VerifyException(f"'{self.name}' op kind must be \"values\" or \"indices\"")


@irdl_op_definition
class DimShuffleOp(IRDLOperation):
    """``%r = loop.dimshuffle %x [1, -1, 0] : tensor<?x?xf64> -> tensor<?x1x?xf64>``:
    Theano's dimshuffle (``-1`` inserts a size-1 dimension; dimensions left out have
    size 1). A layout change only: fused into the loops that read it, a strided view
    of the buffer otherwise."""

    name = "loop.dimshuffle"
    x = operand_def()
    pattern = prop_def(DenseArrayBase)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$x qualified($pattern) attr-dict `:` type($x) `->` type($result)"

    def __init__(self, x: SSAValue, pattern: Sequence[int], result_type: Attribute):
        super().__init__(
            operands=[x], result_types=[result_type],
            properties={"pattern": DenseArrayBase.from_list(i64, list(pattern))},
        )  # fmt: skip

    def pattern_tuple(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.pattern.get_values())

    def dims(self) -> list[int]:
        """The ``dims`` map of the operand in the result's space (see loop.map)."""
        pattern = self.pattern_tuple()
        return [pattern.index(k) if k in pattern else -1 for k in range(len(_shape(self.x.type)))]

    def verify_(self) -> None:
        rank = len(_ranked(self.x, "the operand", self))
        pattern = self.pattern_tuple()
        kept = [p for p in pattern if p != -1]
        if len(set(kept)) != len(kept) or any(not -1 <= p < rank for p in pattern):
            raise VerifyException(f"'{self.name}' op invalid pattern {list(pattern)}")
        if len(_ranked(self.result, "the result", self)) != len(pattern):
            raise VerifyException(f"'{self.name}' op result rank differs from the pattern's")


@irdl_op_definition
class ShapeOp(IRDLOperation):
    """``%s = loop.shape %x : tensor<?x?xf64> -> tensor<2xi64>``: the sizes of ``x``."""

    name = "loop.shape"
    x = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$x attr-dict `:` type($x) `->` type($result)"

    def __init__(self, x: SSAValue, result_type: Attribute):
        super().__init__(operands=[x], result_types=[result_type])


@irdl_op_definition
class ReshapeOp(IRDLOperation):
    """``%r = loop.reshape %x, %shape : (...) -> tensor<?x4xf64>``: C-order reshape
    (one entry of ``shape`` may be -1); a view of a contiguous buffer."""

    name = "loop.reshape"
    x = operand_def()
    shape = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$x `,` $shape attr-dict `:` functional-type(operands, results)"

    def __init__(self, x: SSAValue, shape: SSAValue, result_type: Attribute):
        super().__init__(operands=[x, shape], result_types=[result_type])


@irdl_op_definition
class ConcatOp(IRDLOperation):
    """``%r = loop.concat %a, %b axis 0 : (...) -> tensor<?xf64>``: join along ``axis``."""

    name = "loop.concat"
    inputs = var_operand_def()
    axis = prop_def(IntegerAttr)
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$inputs `axis` $axis attr-dict `:` functional-type(operands, results)"

    def __init__(self, inputs: Sequence[SSAValue], axis: int, result_type: Attribute):
        super().__init__(
            operands=[list(inputs)], result_types=[result_type],
            properties={"axis": IntegerAttr(axis, i64)},
        )  # fmt: skip


@irdl_op_definition
class BroadcastOp(IRDLOperation):
    """``%r = loop.broadcast %v, %shape : (tensor<1xf64>, tensor<1xi64>) -> tensor<?xf64>``:
    a new tensor of the given shape filled by broadcasting ``v`` (Theano's alloc)."""

    name = "loop.broadcast"
    value = operand_def()
    shape = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$value `,` $shape attr-dict `:` functional-type(operands, results)"

    def __init__(self, value: SSAValue, shape: SSAValue, result_type: Attribute):
        super().__init__(operands=[value, shape], result_types=[result_type])


@irdl_op_definition
class RangeOp(IRDLOperation):
    """``%r = loop.range %start, %stop, %step : (...) -> tensor<?xi64>``: NumPy's arange."""

    name = "loop.range"
    start = operand_def()
    stop = operand_def()
    step = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$start `,` $stop `,` $step attr-dict `:` functional-type(operands, results)"

    def __init__(self, start: SSAValue, stop: SSAValue, step: SSAValue, result_type: Attribute):
        super().__init__(operands=[start, stop, step], result_types=[result_type])


@irdl_op_definition
class GenerateOp(IRDLOperation):
    """``%r = loop.generate %n : tensor<i64> -> tensor<?x3xf64> { ^bb0(%i: tensor<i64>): ... loop.yield %v : tensor<3xf64> }``.

    Runs the body for ``i = 0 .. n-1`` and stacks the yielded tensors along a new
    leading dimension (iteration 0 runs first; its item's sizes are the rows')."""

    name = "loop.generate"
    n = operand_def()
    result = result_def()
    body = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())
    assembly_format = "$n attr-dict `:` type($n) `->` type($result) $body"

    def __init__(self, n: SSAValue, body: Region, result_type: Attribute):
        super().__init__(operands=[n], result_types=[result_type], regions=[body])

    def verify_(self) -> None:
        last = self.body.block.last_op
        if not isinstance(last, YieldOp) or len(last.values) != 1:
            raise VerifyException(f"'{self.name}' op body must end with a loop.yield of one tensor")


@irdl_op_definition
class ScanOp(IRDLOperation):
    """``%h, %y = loop.scan %n seqs(...) inits(...) params(...) taps = [...] last = array<i64: ...> : tensor<i64> -> (...) { ... loop.yield ... }``.

    ``sym.scan`` on tensors (the same operands, taps, storage layout and body
    arguments; see there), its body made of loop ops. ``loop-bufferize`` turns it
    into an ``scf.for`` over preallocated storage."""

    name = "loop.scan"
    n = operand_def()
    seqs = var_operand_def()
    inits = var_operand_def()
    params = var_operand_def()
    taps = prop_def(ArrayAttr)
    last = prop_def(DenseArrayBase)
    outs = var_result_def()
    body = region_def("single_block")
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    traits = traits_def(RecursiveMemoryEffect(), IsolatedFromAbove())
    assembly_format = (
        "$n (`seqs` `(` $seqs^ `:` type($seqs) `)`)? (`inits` `(` $inits^ `:` type($inits) `)`)?"
        " (`params` `(` $params^ `:` type($params) `)`)? `taps` `=` $taps"
        " `last` `=` qualified($last) attr-dict `:` type($n) `->` `(` type($outs) `)` $body"
    )

    def __init__(
        self, n: SSAValue, seqs: Sequence[SSAValue], inits: Sequence[SSAValue],
        params: Sequence[SSAValue], taps: ArrayAttr, last: DenseArrayBase, body: Region,
        result_types: Sequence[Attribute],
    ):  # fmt: skip
        super().__init__(
            operands=[n, list(seqs), list(inits), list(params)],
            result_types=[list(result_types)], regions=[body],
            properties={"taps": taps, "last": last},
        )  # fmt: skip

    def tap_lists(self) -> list[tuple[int, ...]]:
        return [tuple(int(v) for v in t.get_values()) for t in self.taps.data]  # type: ignore[attr-defined]

    def last_flags(self) -> list[bool]:
        return [bool(v) for v in self.last.get_values()]

    def verify_(self) -> None:
        block = self.body.block
        last = block.last_op
        if not isinstance(last, YieldOp) or len(last.values) != len(self.outs):
            raise VerifyException(
                f"'{self.name}' op body must end with a loop.yield of {len(self.outs)} values"
            )
        taps = self.tap_lists()
        n_args = 1 + len(self.seqs) + sum(len(t) for t in taps) + len(self.params)
        if len(taps) != len(self.inits) or len(block.args) != n_args:
            raise VerifyException(
                f"'{self.name}' op body takes {len(block.args)} arguments, expected {n_args}"
            )


@irdl_op_definition
class IfOp(IRDLOperation):
    """``%r = loop.if %c : tensor<i1> -> (tensor<?xf64>) { ... loop.yield } else { ... }``:
    ``sym.if`` on tensors; only the chosen branch runs."""

    name = "loop.if"
    cond = operand_def()
    outs = var_result_def()
    then_region = region_def("single_block")
    else_region = region_def("single_block")
    traits = traits_def(RecursiveMemoryEffect())
    assembly_format = (
        "$cond attr-dict `:` type($cond) `->` `(` type($outs) `)` $then_region `else` $else_region"
    )

    def __init__(
        self, cond: SSAValue, then_region: Region, else_region: Region,
        result_types: Sequence[Attribute],
    ):  # fmt: skip
        super().__init__(
            operands=[cond], result_types=[list(result_types)],
            regions=[then_region, else_region],
        )  # fmt: skip

    def verify_(self) -> None:
        for region in (self.then_region, self.else_region):
            last = region.block.last_op
            if not isinstance(last, YieldOp) or len(last.values) != len(self.outs):
                raise VerifyException(
                    f"'{self.name}' op branches must end with a loop.yield of "
                    f"{len(self.outs)} values"
                )


@irdl_op_definition
class MrgUniformOp(IRDLOperation):
    """``%s1, %u = loop.mrg_uniform %s0, %size : (...) -> (...)``: MRG31k3p draws (see
    ``sym.mrg_uniform``), one loop per stream carrying its six state words."""

    name = "loop.mrg_uniform"
    state = operand_def()
    size = operand_def()
    new_state = result_def()
    sample = result_def()
    traits = traits_def(Pure())
    assembly_format = "$state `,` $size attr-dict `:` functional-type(operands, results)"

    def __init__(self, state: SSAValue, size: SSAValue, sample_type: Attribute):
        super().__init__(operands=[state, size], result_types=[state.type, sample_type])


@irdl_op_definition
class MultinomialOp(IRDLOperation):
    """``%r = loop.multinomial %pvals, %unis, %n : (...) -> tensor<?x?xf64>``: counts of
    ``n`` draws per row of ``pvals`` from the uniforms (see
    ``sym.multinomial_from_uniform``)."""

    name = "loop.multinomial"
    pvals = operand_def()
    unis = operand_def()
    n = operand_def()
    result = result_def()
    traits = traits_def(Pure())
    assembly_format = "$pvals `,` $unis `,` $n attr-dict `:` functional-type(operands, results)"

    def __init__(self, pvals: SSAValue, unis: SSAValue, n: SSAValue, result_type: Attribute):
        super().__init__(operands=[pvals, unis, n], result_types=[result_type])


# ---------------------------------------------------------------------------
# Shared variables


@irdl_op_definition
class GlobalOp(IRDLOperation):
    """``loop.global @w : tensor<?xf64>``: a shared variable the function reads or
    writes; ``loop-abi`` turns its reads and writes into arguments and results."""

    name = "loop.global"
    sym_name = prop_def(SymbolNameConstraint())
    type = prop_def(Attribute)
    traits = traits_def(SymbolOpInterface())
    assembly_format = "$sym_name `:` $type attr-dict"

    def __init__(self, sym_name: str, type: Attribute):
        super().__init__(properties={"sym_name": StringAttr(sym_name), "type": type})


@irdl_op_definition
class ReadOp(IRDLOperation):
    """``%w = loop.read @w : tensor<?xf64>`` (or a memref: the variable's own buffer):
    a shared variable's value at the start of the call."""

    name = "loop.read"
    global_name = prop_def(SymbolRefAttr)
    result = result_def()
    traits = traits_def(MemoryReadEffect())
    assembly_format = "$global_name attr-dict `:` type($result)"

    def __init__(self, global_name: str, type: Attribute):
        super().__init__(
            result_types=[type], properties={"global_name": SymbolRefAttr(global_name)}
        )


@irdl_op_definition
class WriteOp(IRDLOperation):
    """``loop.write @w, %v : tensor<?xf64>``: a shared variable's new value, committed
    by the caller after the call succeeds. After bufferization ``%v`` is a buffer the
    caller takes over, or the variable's own buffer updated in place."""

    name = "loop.write"
    global_name = prop_def(SymbolRefAttr)
    value = operand_def()
    traits = traits_def(MemoryWriteEffect())
    assembly_format = "$global_name `,` $value attr-dict `:` type($value)"

    def __init__(self, global_name: str, value: SSAValue):
        super().__init__(
            operands=[value], properties={"global_name": SymbolRefAttr(global_name)}
        )


Loop = Dialect(
    "loop",
    [
        MapOp, ReduceOp, YieldOp, IndexOp, DotOp, CheckOp, ViewOp, LayoutOp,
        SliceOp, UpdateOp, GatherOp, ScatterOp, NonzeroOp, CumulativeOp, SortOp, DimShuffleOp, ShapeOp, ReshapeOp, ConcatOp, BroadcastOp,
        RangeOp, GenerateOp, ScanOp, IfOp, MrgUniformOp, MultinomialOp, GlobalOp, ReadOp, WriteOp,
    ],  # fmt: skip
    [],
)


def new_body(arg_types: Sequence[Attribute]) -> tuple[Region, Block]:
    block = Block(arg_types=list(arg_types))
    return Region(block), block


__all__ = [
    "BroadcastOp", "CheckOp", "ConcatOp", "CumulativeOp", "DimShuffleOp", "DotOp", "GatherOp", "GenerateOp",
    "GlobalOp", "IfOp", "IndexOp", "LayoutOp", "Loop", "MapOp", "MrgUniformOp", "MultinomialOp", "NonzeroOp",
    "REDUCE_KINDS", "RangeOp", "ReadOp", "ReduceOp", "ReshapeOp", "SLICE_DYNAMIC",
    "SLICE_NONE", "ScanOp", "ScatterOp", "ShapeOp", "SliceOp", "SortOp", "UpdateOp", "ViewOp", "WriteOp", "YieldOp",
    "new_body",
]  # fmt: skip
