"""``loop-abi``: the calling convention, made explicit and recorded in the IR.

Shared variables become arguments and results: each variable the function reads
(``loop.read``) becomes an argument after the inputs, each write (``loop.write``) a
result after the outputs. Every result is a buffer the caller takes over: a result
that is not a fresh contiguous allocation of its own (an argument, a view, a
constant, a buffer returned twice) is copied into one, except a shared variable's
new value that ``loop-inplace`` wrote into the variable's own buffer, which is
returned as that buffer.

The convention is recorded on the function as ``symopt.abi``, a dictionary that the
LLVM translation and the runtimes read, and nothing else:

* ``args`` and ``results``: one dictionary each, in order, with ``role`` (``input``,
  ``sample`` for a host draw, ``shared`` for a variable's current value; ``output``,
  ``shared`` for a variable's new value in a new buffer, ``inplace`` for one
  written into the variable's buffer), ``name`` (the variable's symbol, or the
  input's name), ``dtype`` (NumPy's name) and ``shape`` (static sizes, -1 where
  dynamic: the rank is its length);
* ``errors``: the run-time checks, numbered from 1 in program order (each
  ``loop.check`` gets its ``code``): ``message``, ``kind`` (``value`` or ``index``)
  and ``nargs``;
* ``err_words``: the length of the error buffer (the failing code, then the
  check's values).

The entry point is ``i32 @f(i64* io, i64* err)``: ``io`` holds, for each argument
then each result, the data pointer followed by the sizes (arguments are read,
results written); a failed check stores its code and values in ``err``, frees what
the function allocated and returns the code; success returns 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import func, memref, scf
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FunctionType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    StringAttr,
    TensorType,
    i64,
)
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.utils.exceptions import DiagnosticException

from symopt.dialects import loop
from symopt.dialects.types import dtype_of, static_shape
from symopt.passes.loop_bufferize import (
    DTYPE_ATTR,
    _Bufferizer,
    _Emitter,
    buffer_base,
    is_contiguous,
)

ABI_ATTR = "symopt.abi"
SAMPLES_ATTR = "symopt.samples"


def entry(role: str, name: str, dtype: str, shape: tuple[int | None, ...]) -> DictionaryAttr:
    return DictionaryAttr(
        {
            "role": StringAttr(role),
            "name": StringAttr(name),
            "dtype": StringAttr(dtype),
            "shape": DenseArrayBase.from_list(i64, [-1 if s is None else s for s in shape]),
        }
    )


def _dtype(attrs: ArrayAttr | None, k: int, t: Attribute) -> str:
    if attrs is not None and DTYPE_ATTR in attrs.data[k].data:
        return attrs.data[k].data[DTYPE_ATTR].data  # type: ignore[attr-defined]
    return dtype_of(t)


def _owned(v: SSAValue) -> bool:
    """A fresh contiguous buffer of its own: an allocation, or the buffer an
    ``scf.if`` yields from allocations in both branches."""
    owner = v.owner
    if isinstance(owner, memref.AllocOp):
        return True
    if isinstance(owner, scf.IfOp):
        k = list(owner.results).index(v)
        return all(
            region.blocks and _owned(region.block.last_op.operands[k])  # type: ignore[union-attr]
            for region in (owner.true_region, owner.false_region)
        )
    return False


def _abi_function(module: ModuleOp, f: func.FuncOp, globals_: dict[str, Attribute]) -> None:
    block = f.body.block
    n_inputs = len(block.args)
    samples_attr = f.attributes.pop(SAMPLES_ATTR, None)
    samples = samples_attr.value.data if isinstance(samples_attr, IntegerAttr) else 0
    args: list[DictionaryAttr] = []
    for k, a in enumerate(block.args):
        if not isinstance(a.type, MemRefType):
            raise DiagnosticException(
                f"loop-abi: argument {k} of @{f.sym_name.data} is {a.type}, not a buffer; "
                "run loop-bufferize first"
            )
        role = "sample" if k >= n_inputs - samples else "input"
        name = a.name_hint or f"arg{k}"
        args.append(entry(role, name, _dtype(f.arg_attrs, k, a.type), static_shape(a.type)))

    # shared variables read: arguments after the inputs
    shared_args: dict[str, SSAValue] = {}
    writes: list[tuple[str, SSAValue]] = []
    for op in list(block.ops):
        if isinstance(op, loop.ReadOp):
            name = op.global_name.string_value()
            if name not in shared_args:
                arg = block.insert_arg(op.result.type, len(block.args))
                arg.name_hint = name
                shared_args[name] = arg
                t = globals_.get(name, op.result.type)
                args.append(entry("shared", name, dtype_of(t), static_shape(op.result.type)))
            op.result.replace_all_uses_with(shared_args[name])
            block.erase_op(op)
        elif isinstance(op, loop.WriteOp):
            writes.append((op.global_name.string_value(), op.value))
            block.erase_op(op, safe_erase=False)
    ret = block.last_op
    if not isinstance(ret, func.ReturnOp):
        raise DiagnosticException(f"loop-abi: @{f.sym_name.data} does not end with func.return")

    # results: fresh buffers the caller takes over
    e = _Emitter(_Bufferizer(module))
    results: list[SSAValue] = []
    records: list[DictionaryAttr] = []
    taken: set[SSAValue] = set()
    for k, v in enumerate(ret.arguments):
        t = v.type
        if not isinstance(t, MemRefType):
            raise DiagnosticException("loop-abi: results must be buffers; run loop-bufferize first")
        dtype = _dtype(f.res_attrs, k, t)
        if not _owned(v) or v in taken or not is_contiguous(t):
            v = e.fresh_copy(v, t)
        taken.add(v)
        results.append(v)
        records.append(entry("output", f"out{k}", dtype, static_shape(t)))
    for name, v in writes:
        t = globals_.get(name, v.type)
        if shared_args.get(name) is v:
            role = "inplace"
        else:
            role = "shared"
            if not _owned(v) or v in taken or not is_contiguous(v.type):
                v = e.fresh_copy(v, v.type)
        taken.add(v)
        results.append(v)
        records.append(entry(role, name, dtype_of(t), static_shape(v.type)))
    Rewriter.insert_op(e.ops, InsertPoint.before(ret))
    new_ret = func.ReturnOp(*results)
    Rewriter.replace_op(ret, new_ret)
    f.function_type = FunctionType.from_lists(
        [a.type for a in block.args], [v.type for v in results]
    )
    f.arg_attrs = None
    f.res_attrs = None

    errors: list[DictionaryAttr] = []
    for op in f.body.walk():
        if isinstance(op, loop.CheckOp):
            errors.append(
                DictionaryAttr(
                    {
                        "message": op.message,
                        "kind": op.kind,
                        "nargs": IntegerAttr(len(op.args), i64),
                    }
                )
            )
            op.attributes["code"] = IntegerAttr(len(errors), i64)
    err_words = 1 + max((len(op.args) for op in f.body.walk() if isinstance(op, loop.CheckOp)), default=0)
    f.attributes[ABI_ATTR] = DictionaryAttr(
        {
            "args": ArrayAttr(args),
            "results": ArrayAttr(records),
            "errors": ArrayAttr(errors),
            "err_words": IntegerAttr(err_words, i64),
        }
    )


@dataclass(frozen=True)
class LoopAbiPass(ModulePass):
    """Globals become arguments and results; the calling convention is recorded.

    Input: bufferized loop IR (after ``loop-bufferize`` and ``loop-inplace``).
    Output: functions without ``loop.read``/``loop.write`` whose results are all
    buffers the caller owns (or a variable's buffer updated in place), each with its
    ``symopt.abi`` record (see the module docstring); checks carry their ``code``;
    ``loop.global``s are gone.
    Invariants: the same values are computed; nothing runs after the copies of the
    results but the return.
    """

    name = "loop-abi"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        globals_: dict[str, Attribute] = {}
        for g in list(op.ops):
            if isinstance(g, loop.GlobalOp):
                t = g.type
                globals_[g.sym_name.data] = t if isinstance(t, TensorType) else t
                op.body.block.erase_op(g)
        for f in op.ops:
            if isinstance(f, func.FuncOp) and f.body.blocks:
                _abi_function(op, f, globals_)


def read_abi(f: Operation) -> DictionaryAttr:
    """The ``symopt.abi`` record of a function (ValueError if it has none)."""
    record = f.attributes.get(ABI_ATTR)
    if not isinstance(record, DictionaryAttr):
        raise ValueError(
            f"@{getattr(f, 'sym_name').data} has no calling-convention record; run loop-abi"
        )
    return record
