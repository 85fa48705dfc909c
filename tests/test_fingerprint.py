"""Module fingerprints (the disk cache's key): equal for modules that print the
same, different for any change that prints differently."""

from __future__ import annotations

import pytest

from symopt.dialects.context import parse_module
from symopt.runtime.fingerprint import fingerprint

BASE = """
func.func @main(%a: tensor<?xf64>, %b: tensor<?xf64>) -> tensor<?xf64> {
  %0 = sym.sub %a, %b : (tensor<?xf64>, tensor<?xf64>) -> tensor<?xf64>
  %1 = sym.exp %0 : tensor<?xf64>
  %2 = sym.constant dense<2.5> : tensor<f64>
  %3 = sym.mul %1, %2 : (tensor<?xf64>, tensor<f64>) -> tensor<?xf64>
  func.return %3 : tensor<?xf64>
}
"""


def _fp(text: str) -> str:
    return fingerprint(parse_module(text))


def test_same_text_same_fingerprint() -> None:
    module = parse_module(BASE)
    digest = fingerprint(module)
    assert fingerprint(module.clone()) == digest
    assert _fp(str(module)) == digest
    assert len(digest) == 64


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("sym.sub %a, %b", "sym.sub %b, %a"),  # operand order
        ("dense<2.5>", "dense<2.25>"),  # an attribute
        ("dense<2.5>", "dense<-2.5>"),
        ("sym.exp %0", "sym.log %0"),  # an operation
        ("@main", "@other"),  # a symbol
        ("%3 = sym.mul %1, %2", "%3 = sym.mul %0, %2"),  # which value is used
        ("%a", "%x"),  # a name (the messages of checks quote names)
    ],
)
def test_any_change_changes_the_fingerprint(old: str, new: str) -> None:
    assert old in BASE
    changed = BASE.replace(old, new)
    if old == "%3 = sym.mul %1, %2":
        changed = changed.replace("  %1 = sym.exp %0 : tensor<?xf64>\n", "")
    assert _fp(changed) != _fp(BASE)


def test_types_count() -> None:
    f32 = BASE.replace("f64", "f32")
    assert _fp(f32) != _fp(BASE)
    static = BASE.replace("tensor<?xf64>", "tensor<3xf64>")
    assert _fp(static) != _fp(BASE)


def _forward_use(returned: int) -> str:
    """``func.return`` in the first block of a region of a value that the second
    block defines: the ``returned``-th of its two (anonymous) results."""
    from xdsl.dialects import arith, cf
    from xdsl.dialects import func as func_d
    from xdsl.dialects.builtin import IntegerAttr, ModuleOp, i64
    from xdsl.ir import Block, Region

    first, second = Block(), Block()
    one = arith.ConstantOp(IntegerAttr(1, i64))
    add = arith.AddiOp(one.result, one.result)
    mul = arith.MuliOp(one.result, one.result)
    first.add_op(func_d.ReturnOp((add, mul)[returned].result))
    second.add_ops([one, add, mul, cf.BranchOp(first)])
    fn = func_d.FuncOp("main", ((), (i64,)), Region([Block([cf.BranchOp(second)]), first, second]))
    return fingerprint(ModuleOp([fn]))


def test_which_definition_a_forward_use_meets_counts() -> None:
    """A value used before its definition (a later block) is told apart by the
    operation that defines it, not only by its name and type."""
    assert _forward_use(0) != _forward_use(1)
    assert _forward_use(0) == _forward_use(0)


def test_zeros_of_both_signs_differ() -> None:
    assert _fp(BASE.replace("dense<2.5>", "dense<0.0>")) != _fp(BASE.replace("dense<2.5>", "dense<-0.0>"))


def test_array_and_string_properties_count() -> None:
    """Properties the digest takes by their values (a reduction's axes, an array
    attribute; its kind, a string) tell functions apart."""
    import symopt
    import symopt.tensor as T
    from symopt.ir.build import build_module

    m = T.dmatrix("m")

    def digest(out) -> str:  # type: ignore[no-untyped-def]
        return fingerprint(build_module("f", [m], ["m"], [out], [], {}).module)

    assert digest(m.sum(axis=0)) != digest(m.sum(axis=1))
    assert digest(m.sum(axis=0)) != digest(m.prod(axis=0))
    assert digest(m.sum(axis=0)) == digest(m.sum(axis=0))
    assert symopt.function([m], m.sum(axis=1))([[1.0, 2.0]]).tolist() == [3.0]
