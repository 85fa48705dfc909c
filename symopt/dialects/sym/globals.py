"""Shared variables as module symbols (``sym.global``, ``sym.read``,
``sym.write``) and the frontend's graph inputs (``sym.placeholder``)."""

from __future__ import annotations

from xdsl.dialects.builtin import (
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    TensorType,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.irdl import (
    IRDLOperation,
    base,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
)
from xdsl.traits import (
    MemoryReadEffect,
    MemoryWriteEffect,
    SymbolOpInterface,
    SymbolTable,
    SymbolUserOpInterface,
)
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import AnyTensor
from symopt.dialects.sym.random import RandomStateType


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
