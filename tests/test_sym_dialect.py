"""The sym dialect from Python: op definitions, round trips, reference semantics."""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.context import Context
from xdsl.dialects import arith, func, math
from xdsl.dialects.builtin import Builtin
from xdsl.parser import Parser

import symopt
import symopt.tensor as T
from symopt.dialects import sym
from symopt.dialects.types import dense_from_numpy, numpy_from_dense


def _context() -> Context:
    ctx = Context()
    for d in (Builtin, func.Func, sym.Sym):
        ctx.load_dialect(d)
    return ctx


def test_every_op_belongs_to_the_dialect():
    names = {op.name for op in sym.Sym.operations}
    assert len(names) == len(list(sym.Sym.operations))
    assert all(n.startswith("sym.") for n in names)


def test_scalar_counterparts_name_real_ops():
    """Elementwise ops name the arith/math op that computes one element."""
    known = {op.name for op in (*arith.Arith.operations, *math.Math.operations)}
    elementwise = [op for op in sym.Sym.operations if issubclass(op, sym.ElementwiseOp)]
    assert len(elementwise) > 30
    for op in elementwise:
        for name in op.SCALAR:
            assert name is None or name in known, (op.name, name)


def test_op_classes_are_exported_under_their_names():
    for op in sym.Sym.operations:
        assert getattr(sym, op.__name__) is op, op.name


def test_reduce_kinds_name_their_loop_kinds():
    from symopt.dialects import loop

    assert set(sym.ReduceOp.LOOP_KINDS) == set(sym.ReduceOp.NUMPY_KINDS)
    assert set(sym.ReduceOp.LOOP_KINDS.values()) <= set(loop.REDUCE_KINDS)
    x = T.dmatrix("x").sum(axis=0)
    assert x.owner.loop_kind() == "add"


def test_only_numpy_draws_run_on_the_host():
    from symopt.dialects.random_reference import DRAWS

    host = [op.name for op in sym.Sym.operations if op.has_trait(sym.RunsOnHost)]
    assert host == ["sym.random"]
    assert set(DRAWS) == set(sym.RANDOM_DISTRIBUTIONS)


@pytest.mark.parametrize(
    "op, dtype, accepted, computed",
    [
        (sym.ExpOp, "int16", False, "float32"),
        (sym.ExpOp, "int64", False, "float64"),
        (sym.DivOp, "float32", True, "float32"),
        (sym.AndOp, "bool", True, "bool"),
        (sym.AndOp, "float64", False, "float64"),
        (sym.AddOp, "bool", False, "bool"),
        (sym.CmpOp, "bool", True, "bool"),
    ],
)
def test_elementwise_ops_state_their_dtypes(op, dtype, accepted, computed):
    assert op.accepts(dtype) is accepted
    assert op.operand_dtype(dtype) == computed


def test_function_modules_round_trip():
    """The module of every compiled function prints, parses and prints the same."""
    x, y = T.dmatrices("x", "y")
    i = T.iscalar("i")
    w = symopt.shared(np.zeros(3), name="w")
    exprs = [
        1 / (1 + T.exp(-x)),
        (x[i, 1:] * 2).sum(),
        T.dot(x, w) + w.mean(),
        T.concatenate([x, y], axis=1).max(axis=0),
        T.switch(x > y, x, y).argmax(axis=1),
        x.reshape((-1,)),
        T.arange(i),
    ]
    f = symopt.function([x, y, i], exprs, updates={w: w * 2}, on_unused_input="ignore")
    text = str(f.module)
    again = Parser(_context(), text).parse_module()
    again.verify()
    assert str(again) == text


def test_dense_constants_round_trip_every_dtype():
    for dtype in ("float64", "float32", "int8", "int16", "int32", "int64", "uint8", "bool"):
        value = (np.arange(6).reshape(2, 3) % 2).astype(dtype)
        back = numpy_from_dense(dense_from_numpy(value))
        assert back.dtype == value.dtype
        np.testing.assert_array_equal(back, value)
    nan = numpy_from_dense(dense_from_numpy(np.array([np.nan, np.nan])))
    assert np.isnan(nan).all() and nan.shape == (2,)
    splat = dense_from_numpy(np.full((4, 5), 2.5))
    assert splat.is_splat()
    np.testing.assert_array_equal(numpy_from_dense(splat), np.full((4, 5), 2.5))


def test_reference_semantics_check_runtime_sizes():
    """A `?` dimension does not broadcast at run time; the error names the values."""
    x, y = T.dvectors("x", "y")
    f = symopt.function([x, y], x * y)
    with pytest.raises(ValueError, match=r"shape mismatch.*dimension 0 of %. has size .*, but %. has size"):
        f(np.ones(3), np.ones(1))


def test_verifier_errors_are_value_errors_in_the_frontend():
    a = T.constant(np.ones((2, 3)))
    with pytest.raises(ValueError, match="'sym.add' op operand shapes differ"):
        a + T.constant(np.ones((2, 4)))


def test_a_verified_signature_hides_no_error():
    """``apply`` skips verifying an op of the same signature (class, types,
    properties) as one that verified; an op that differs in a property alone
    is verified, and one that failed is verified again."""
    from xdsl.dialects.builtin import DenseArrayBase, StringAttr, i64

    from symopt.ir.nodes import apply

    m = T.dmatrix("m")
    good = sym.ReduceOp("sum", m.value, [0], False, "float64")

    def with_axes(axes):  # type: ignore[no-untyped-def]
        return sym.ReduceOp.create(
            operands=[m.value], result_types=[good.results[0].type],
            properties={"kind": StringAttr("sum"), "axes": DenseArrayBase.from_list(i64, axes)},
        )  # fmt: skip

    assert apply(good).ndim == 1
    assert apply(sym.ReduceOp("sum", m.value, [0], False, "float64")).ndim == 1  # seen: skipped
    for _ in range(2):
        with pytest.raises(ValueError, match="axis|axes"):
            apply(with_axes([5]))
