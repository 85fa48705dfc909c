"""Control flow with regions: ``sym.scan`` (a loop with carried state, Theano's
``scan``) and ``sym.if`` (a lazy two-way branch, Theano's ``ifelse``).

A ``sym.scan`` body is isolated: everything it reads arrives as a block argument
(the step index, the current rows of the sequences, the fed-back taps of the
recurrent outputs, the non-sequences), so that the body can be cloned,
differentiated and lowered on its own. A ``sym.if`` branch reads outer values
directly; ``control-flow-sink`` moves into a branch the ops that only it uses, which
is what makes the branch lazy.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import ArrayAttr, DenseArrayBase, TensorType, i64
from xdsl.ir import Attribute, Region, SSAValue
from xdsl.irdl import (
    AttrSizedOperandSegments,
    IRDLOperation,
    irdl_op_definition,
    operand_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import IsolatedFromAbove, RecursiveMemoryEffect
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.sym.base import AnyTensor
from symopt.dialects.sym.shape import YieldOp
from symopt.dialects.types import dtype_of, static_shape, tensor_type, with_shape


def _row(t: Attribute) -> TensorType:
    """The type of one row (leading dimension dropped) of a tensor type."""
    return with_shape(t, static_shape(t)[1:])  # type: ignore[arg-type]


def _fits(got: Attribute, want: Attribute) -> bool:
    """Same dtype and rank, and no static size contradicts."""
    if not isinstance(got, TensorType) or not isinstance(want, TensorType):
        return False
    gs, ws = static_shape(got), static_shape(want)
    return dtype_of(got) == dtype_of(want) and len(gs) == len(ws) and all(
        a is None or b is None or a == b for a, b in zip(gs, ws)
    )


@irdl_op_definition
class ScanOp(IRDLOperation):
    """``%h, %y = sym.scan %n seqs(%x : tensor<?x3xf64>) inits(%h0 : tensor<1x3xf64>) params(%w : tensor<3x3xf64>) taps = [array<i64: -1>] last = array<i64: 0> : tensor<i64> -> (tensor<?x3xf64>, tensor<?xf64>) { ... }``.

    Theano's scan: runs the body for ``i = 0 .. n-1``. The body's arguments are
    the step index ``i`` (``tensor<i64>``), row ``i`` of each sequence (each must
    have at least ``n`` rows), the fed-back values of each recurrent output (one
    argument per tap, in the order of its ``taps``), then the non-sequences
    (``params``), unchanged at every step. It yields the new row of each recurrent
    output, then one item for each output that is not fed back.

    Recurrent output ``j`` has the taps ``taps[j]`` (negative, increasing, e.g.
    ``[-2, -1]``); with ``k = -taps[j][0]`` its initial value ``inits[j]`` holds
    ``k`` rows (static leading size ``k``), and at step ``i`` the tap ``t`` reads
    row ``k + i + t`` of its storage, whose first ``k`` rows are the initial
    value and whose row ``k + i`` is the value yielded at step ``i``. The result is
    the whole storage (``k + n`` rows), or, where ``last[j]`` is 1 (only for the
    single tap -1), the final row alone. Every yielded row has the initial rows'
    shape. The other outputs stack their items (``n`` rows, all of one shape).
    """

    name = "sym.scan"
    n = operand_def(AnyTensor)
    seqs = var_operand_def(AnyTensor)
    inits = var_operand_def(AnyTensor)
    params = var_operand_def(AnyTensor)
    taps = prop_def(ArrayAttr)
    last = prop_def(DenseArrayBase)
    outs = var_result_def(AnyTensor)
    body = region_def("single_block")
    irdl_options = (AttrSizedOperandSegments(as_property=True),)
    traits = traits_def(RecursiveMemoryEffect(), IsolatedFromAbove())
    assembly_format = (
        "$n (`seqs` `(` $seqs^ `:` type($seqs) `)`)? (`inits` `(` $inits^ `:` type($inits) `)`)?"
        " (`params` `(` $params^ `:` type($params) `)`)? `taps` `=` $taps"
        " `last` `=` qualified($last) attr-dict `:` type($n) `->` `(` type($outs) `)` $body"
    )

    def __init__(
        self,
        n: SSAValue,
        seqs: Sequence[SSAValue],
        inits: Sequence[SSAValue],
        params: Sequence[SSAValue],
        taps: Sequence[Sequence[int]],
        last: Sequence[bool],
        body: Region,
        result_types: Sequence[Attribute],
    ):
        super().__init__(
            operands=[n, list(seqs), list(inits), list(params)],
            result_types=[list(result_types)],
            regions=[body],
            properties={
                "taps": ArrayAttr([DenseArrayBase.from_list(i64, list(t)) for t in taps]),
                "last": DenseArrayBase.from_list(i64, [int(bool(x)) for x in last]),
            },
        )

    # -- the structure, as Python values --------------------------------------------

    def tap_lists(self) -> list[tuple[int, ...]]:
        return [tuple(int(v) for v in t.get_values()) for t in self.taps.data]  # type: ignore[attr-defined]

    def last_flags(self) -> list[bool]:
        return [bool(v) for v in self.last.get_values()]

    def yielded(self) -> list[SSAValue]:
        last = self.body.block.last_op
        assert isinstance(last, YieldOp)
        return list(last.values)

    def tap_args(self) -> list[list[SSAValue]]:
        """The body's arguments for the taps, per recurrent output."""
        args = list(self.body.block.args)[1 + len(self.seqs) :]
        out = []
        for taps in self.tap_lists():
            out.append(args[: len(taps)])
            args = args[len(taps) :]
        return out

    def param_args(self) -> list[SSAValue]:
        block = self.body.block
        return list(block.args)[len(block.args) - len(self.params) :]

    def seq_args(self) -> list[SSAValue]:
        return list(self.body.block.args)[1 : 1 + len(self.seqs)]

    @staticmethod
    def body_arg_types(
        seqs: Sequence[Attribute],
        inits: Sequence[Attribute],
        taps: Sequence[Sequence[int]],
        params: Sequence[Attribute],
    ) -> list[Attribute]:
        types: list[Attribute] = [tensor_type("int64", ())]
        types += [_row(t) for t in seqs]
        for t, tl in zip(inits, taps):
            types += [_row(t)] * len(tl)
        types += list(params)
        return types

    @staticmethod
    def result_type(init: Attribute, last: bool, steps: int | None, k: int) -> TensorType:
        """The type of a recurrent output's result."""
        if last:
            return _row(init)
        return with_shape(init, (None if steps is None else k + steps, *static_shape(init)[1:]))  # type: ignore[arg-type]

    def verify_(self) -> None:
        def fail(msg: str) -> None:
            raise VerifyException(f"'{self.name}' op {msg}")

        if self.n.type != tensor_type("int64", ()):
            fail(f"step count must be tensor<i64>, got {self.n.type}")
        taps, last = self.tap_lists(), self.last_flags()
        if len(taps) != len(self.inits) or len(last) != len(self.inits):
            fail("needs one taps list and one last flag per initial value")
        for j, (tl, init) in enumerate(zip(taps, self.inits)):
            if not tl or any(t >= 0 for t in tl) or list(tl) != sorted(set(tl)):
                fail(f"taps of output {j} must be negative and increasing, got {list(tl)}")
            shape = static_shape(init.type)
            if not shape or shape[0] != -tl[0]:
                fail(
                    f"initial value {j} must have a static leading size {-tl[0]} (its "
                    f"deepest tap), got {init.type}"
                )
            if last[j] and tuple(tl) != (-1,):
                fail(f"output {j} keeps only its last row, which needs the single tap -1")
        for v in self.seqs:
            if not static_shape(v.type):
                fail(f"sequence {v.type} must have at least one dimension")
        block = self.body.block
        want = self.body_arg_types(
            [v.type for v in self.seqs], [v.type for v in self.inits], taps,
            [v.type for v in self.params],
        )  # fmt: skip
        if [a.type for a in block.args] != want:
            got = ", ".join(str(a.type) for a in block.args)
            fail(f"body arguments ({got}) do not match the expected ({', '.join(map(str, want))})")
        terminator = block.last_op
        if not isinstance(terminator, YieldOp):
            fail("body must end with sym.yield")
        ys = self.yielded()
        if len(ys) != len(self.outs) or len(ys) < len(self.inits):
            fail(f"body yields {len(ys)} values for {len(self.outs)} results")
        for j, init in enumerate(self.inits):
            if not _fits(ys[j].type, _row(init.type)):
                fail(f"body yields {ys[j].type} for the recurrent output {j} of rows {_row(init.type)}")
            expected = self.result_type(init.type, last[j], None, -taps[j][0])
            if not _fits(self.outs[j].type, expected):
                fail(f"result {j} has type {self.outs[j].type}, expected {expected}")
        for m in range(len(self.inits), len(ys)):
            item, out = ys[m].type, self.outs[m].type
            if not static_shape(out) or not _fits(_row(out), item):
                fail(f"result {m} of type {out} does not stack the yielded {item}")

    # -- NumPy semantics ---------------------------------------------------------------

    def evaluate_region(self, run, n: np.ndarray, *args: np.ndarray) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
        """``run(block, args)`` interprets a block and returns its yielded values."""
        count = int(n)
        if count < 0:
            raise ValueError(f"'{self.name}': negative number of steps {count}")
        ns, ni = len(self.seqs), len(self.inits)
        seqs, inits, params = args[:ns], args[ns : ns + ni], list(args[ns + ni :])
        for k, s in enumerate(seqs):
            if s.shape[0] < count:
                raise ValueError(
                    f"'{self.name}': sequence {k} has {s.shape[0]} rows, fewer than the "
                    f"{count} steps"
                )
        taps = self.tap_lists()
        stores = [[init[r, ...] for r in range(init.shape[0])] for init in inits]
        items: list[list[np.ndarray]] = [[] for _ in range(len(self.outs) - ni)]
        block = self.body.block
        for i in range(count):
            bargs = [np.array(i, dtype=np.int64)] + [s[i, ...] for s in seqs]
            for j, tl in enumerate(taps):
                k = -tl[0]
                bargs += [stores[j][k + i + t] for t in tl]
            ys = run(block, bargs + params)
            for j in range(ni):
                row = inits[j].shape[1:]
                if ys[j].shape != row:
                    raise ValueError(
                        f"'{self.name}': step {i} yields shape {ys[j].shape} for the "
                        f"recurrent output {j}, whose initial rows have shape {row}"
                    )
                stores[j].append(ys[j])
            for m, item in enumerate(ys[ni:]):
                if items[m] and item.shape != items[m][0].shape:
                    raise ValueError(
                        f"'{self.name}': step {i} yields shape {item.shape} for output "
                        f"{ni + m}, step 0 yielded {items[m][0].shape}"
                    )
                items[m].append(item)
        out: list[np.ndarray] = []
        for j, flag in enumerate(self.last_flags()):
            dtype = dtype_of(self.outs[j].type)
            if flag:
                out.append(np.array(stores[j][-1], dtype=dtype))
            else:
                out.append(np.array(np.stack(stores[j]), dtype=dtype))
        for m, stacked in enumerate(items):
            t = self.outs[ni + m].type
            if stacked:
                out.append(np.array(np.stack(stacked), dtype=dtype_of(t)))
            else:
                shape = tuple(0 if s is None else s for s in static_shape(t)[1:])
                out.append(np.zeros((0, *shape), dtype=dtype_of(t)))
        return tuple(out)


@irdl_op_definition
class IfOp(IRDLOperation):
    """``%r:2 = sym.if %c : tensor<i1> -> (tensor<?xf64>, tensor<f64>) { ... sym.yield } else { ... sym.yield }``.

    Theano's lazy ``ifelse``: only the chosen branch runs. Both branches yield one
    value per result, of the result's dtype and rank (their sizes may differ; a
    result's static size is one both branches agree on).
    """

    name = "sym.if"
    cond = operand_def(AnyTensor)
    outs = var_result_def(AnyTensor)
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

    @staticmethod
    def joined_type(a: Attribute, b: Attribute) -> TensorType | None:
        """The result type for branch values of types ``a`` and ``b`` (None if their
        dtypes or ranks differ): sizes known and equal in both stay known."""
        if not isinstance(a, TensorType) or not isinstance(b, TensorType):
            return None
        sa, sb = static_shape(a), static_shape(b)
        if dtype_of(a) != dtype_of(b) or len(sa) != len(sb):
            return None
        return with_shape(a, tuple(x if x == y else None for x, y in zip(sa, sb)))  # type: ignore[arg-type]

    def verify_(self) -> None:
        if self.cond.type != tensor_type("bool", ()):
            raise VerifyException(f"'{self.name}' op condition must be tensor<i1>, got {self.cond.type}")
        branches = []
        for region, what in ((self.then_region, "then"), (self.else_region, "else")):
            block = region.block
            if block.args:
                raise VerifyException(f"'{self.name}' op {what} branch takes no arguments")
            last = block.last_op
            if not isinstance(last, YieldOp) or len(last.values) != len(self.outs):
                raise VerifyException(
                    f"'{self.name}' op {what} branch must end with a sym.yield of "
                    f"{len(self.outs)} values"
                )
            branches.append(last.values)
        for k, (a, b, r) in enumerate(zip(*branches, self.outs)):
            joined = self.joined_type(a.type, b.type)
            if joined is None or not _fits(r.type, joined):
                raise VerifyException(
                    f"'{self.name}' op result {k} of type {r.type} does not match the "
                    f"branches' {a.type} and {b.type}"
                )

    def evaluate_region(self, run, cond: np.ndarray) -> tuple[np.ndarray, ...]:  # type: ignore[no-untyped-def]
        region = self.then_region if bool(cond) else self.else_region
        return tuple(run(region.block, []))

