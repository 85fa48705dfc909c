"""Random numbers: ``sym.random`` (NumPy ``RandomState`` draws, on the host) and
the MRG31k3p ops ``sym.mrg_uniform`` and ``sym.multinomial_from_uniform`` (pure
integer arithmetic, compiled like any other op).

The NumPy computations live in ``symopt.dialects.random_reference``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from xdsl.dialects.builtin import StringAttr, TensorType
from xdsl.ir import ParametrizedAttribute, SSAValue, TypeAttribute
from xdsl.irdl import (
    IRDLOperation,
    irdl_attr_definition,
    irdl_op_definition,
    operand_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
)
from xdsl.traits import OpTrait, Pure
from xdsl.utils.exceptions import VerifyException

from symopt.dialects.random_reference import (
    MRG_M1,
    MRG_M2,
    MRG_NORM32,
    MRG_NORM64,
    copy_state,
    draw,
    mrg_uniform,
    multinomial_from_uniform,
)
from symopt.dialects.scalar import ScalarBuilder
from symopt.dialects.sym.base import AnyTensor, check_int_vector
from symopt.dialects.types import dtype_of, is_float, static_shape, tensor_type


class RunsOnHost(OpTrait):
    """The op runs on the host, in NumPy, before the compiled code: its values
    (a ``RandomState``) have no representation in compiled code. The runtime
    computes such ops and what their operands need outside the compiled function and
    passes their results in."""


@irdl_attr_definition
class RandomStateType(ParametrizedAttribute, TypeAttribute):
    """``!sym.random_state``: a NumPy ``RandomState`` (the state of a
    ``RandomStreams`` stream), a value the host holds and the draws thread through."""

    name = "sym.random_state"


RANDOM_DISTRIBUTIONS = (
    "uniform", "normal", "binomial", "random_integers", "choice", "poisson",
    "permutation", "multinomial", "shuffle_row_elements",
)  # fmt: skip


@irdl_op_definition
class RandomOp(IRDLOperation):
    """``%s1, %x = sym.random "uniform" %s0, %size (%low, %high) : (...) -> ...``.

    A draw from a NumPy ``RandomState``, as Theano's ``RandomStreams`` does it:
    explicit state in, the advanced state and the sample out (the state operand is
    never changed). ``size`` is a 1-d int64 tensor; the parameters are tensors that
    broadcast to it. The runtime draws on the host, before the compiled code runs.
    """

    name = "sym.random"
    distribution = prop_def(StringAttr)
    state = operand_def(RandomStateType)
    size = operand_def(AnyTensor)
    params = var_operand_def(AnyTensor)
    new_state = result_def(RandomStateType)
    sample = result_def(AnyTensor)
    traits = traits_def(Pure(), RunsOnHost())
    assembly_format = (
        "$distribution $state `,` $size `(` $params `)` attr-dict `:` "
        "functional-type(operands, results)"
    )

    def __init__(
        self,
        distribution: str,
        state: SSAValue,
        size: SSAValue,
        params: Sequence[SSAValue],
        sample_type: TensorType,
    ):
        super().__init__(
            operands=[state, size, list(params)],
            result_types=[RandomStateType(), sample_type],
            properties={"distribution": StringAttr(distribution)},
        )

    def verify_(self) -> None:
        if self.distribution.data not in RANDOM_DISTRIBUTIONS:
            raise VerifyException(
                f"'{self.name}' op unknown distribution \"{self.distribution.data}\", "
                f"expected one of {', '.join(RANDOM_DISTRIBUTIONS)}"
            )
        check_int_vector(self, self.size, "size")

    def evaluate(self, state, size, *params):  # type: ignore[no-untyped-def]
        rng = copy_state(state)
        shape = tuple(int(s) for s in size)
        dtype = dtype_of(self.sample.type)
        try:
            value = draw(self.distribution.data, rng, shape, *params)
        except (ValueError, TypeError) as e:
            raise ValueError(f"'{self.name}' \"{self.distribution.data}\": {e}") from None
        value = np.asarray(value).astype(dtype, copy=False)
        want = static_shape(self.sample.type)
        if value.ndim != len(want) or any(w is not None and w != v for w, v in zip(want, value.shape)):
            raise ValueError(
                f"'{self.name}' \"{self.distribution.data}\" produced shape {value.shape}, "
                f"{self.sample.type} expected"
            )
        return (rng, value)


@irdl_op_definition
class MrgUniformOp(IRDLOperation):
    """``%s1, %u = sym.mrg_uniform %s0, %size : (tensor<?x6xi32>, tensor<2xi64>) -> (tensor<?x6xi32>, tensor<?x?xf64>)``.

    Uniform draws in (0, 1) from MRG31k3p streams (L'Ecuyer), as Theano's
    ``mrg_uniform``: one stream per row of the state, element ``i`` (in C order)
    comes from stream ``i % n_streams``, each stream advancing once per element it
    gives. Explicit state in, the advanced state and the sample out; float64 maps
    ``x`` to ``x / 2^31``, float32 to ``float(x) * 4.6566126e-10``.
    """

    name = "sym.mrg_uniform"
    state = operand_def(AnyTensor)
    size = operand_def(AnyTensor)
    new_state = result_def(AnyTensor)
    sample = result_def(AnyTensor)
    traits = traits_def(Pure())
    assembly_format = "$state `,` $size attr-dict `:` functional-type(operands, results)"

    def __init__(self, state: SSAValue, size: SSAValue, sample_type: TensorType):
        super().__init__(operands=[state, size], result_types=[state.type, sample_type])

    def verify_(self) -> None:
        st = static_shape(self.state.type)
        if dtype_of(self.state.type) != "int32" or len(st) != 2 or st[1] not in (6, None):
            raise VerifyException(
                f"'{self.name}' op state must be an n x 6 int32 tensor, got {self.state.type}"
            )
        if self.new_state.type != self.state.type:
            raise VerifyException(f"'{self.name}' op new state type differs from the state's")
        if check_int_vector(self, self.size, "size") != len(static_shape(self.sample.type)):
            raise VerifyException(
                f"'{self.name}' op size {self.size.type} does not give the sample's rank"
            )
        if dtype_of(self.sample.type) not in ("float32", "float64"):
            raise VerifyException(f"'{self.name}' op samples float32 or float64, not {self.sample.type}")

    @staticmethod
    def scalar_step(
        b: ScalarBuilder, x: Sequence[SSAValue]
    ) -> tuple[list[SSAValue], SSAValue]:
        """The same step as ``random_reference.mrg_step`` on six i32 scalars, as arith ops: the new
        state and the raw output in (0, M1]."""
        i32 = x[0].type
        c = lambda v: b.const(v, i32)  # noqa: E731

        def wrap(y: SSAValue, m: int) -> SSAValue:
            bad = b.named(
                "arith.ori", b.cmp("lt", y, c(0)), b.cmp("ge", y, c(m))
            )
            return b.select(bad, b.named("arith.subi", y, c(m)), y)

        x11, x12, x13, x21, x22, x23 = x
        t1 = b.named("arith.shli", b.named("arith.andi", x12, c(511)), c(22))
        t2 = b.named("arith.shrsi", x12, c(9))
        t3 = b.named("arith.shli", b.named("arith.andi", x13, c(16777215)), c(7))
        t4 = b.named("arith.shrsi", x13, c(24))
        y1 = b.named("arith.addi", b.named("arith.addi", t1, t2), b.named("arith.addi", t3, t4))
        y1 = wrap(y1, MRG_M1)
        y1 = wrap(b.named("arith.addi", y1, x13), MRG_M1)

        def half(v: SSAValue) -> SSAValue:
            low = b.named("arith.shli", b.named("arith.andi", v, c(65535)), c(15))
            high = b.named("arith.muli", c(21069), b.named("arith.shrsi", v, c(16)))
            return wrap(b.named("arith.addi", low, high), MRG_M2)

        z1 = half(x21)
        z2 = half(x23)
        z2 = wrap(b.named("arith.addi", z2, x23), MRG_M2)
        z2 = wrap(b.named("arith.addi", z2, z1), MRG_M2)
        new = [y1, x11, x12, z2, x21, x22]
        diff = b.named("arith.subi", y1, z2)
        raw = b.select(b.cmp("le", y1, z2), b.named("arith.addi", diff, c(MRG_M1)), diff)
        return new, raw

    def scalar_sample(self, b: ScalarBuilder, raw: SSAValue) -> SSAValue:
        """The float of a raw output, as ``evaluate`` computes it."""
        t = self.sample.type.element_type  # type: ignore[attr-defined]
        value = b.convert(raw, t)
        norm = float(MRG_NORM32) if dtype_of(self.sample.type) == "float32" else MRG_NORM64
        return b.named("arith.mulf", value, b.const(norm, t))

    def evaluate(self, state: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, ...]:
        shape = tuple(int(s) for s in size)
        n = int(np.prod(shape, dtype=np.int64))
        if any(s < 0 for s in shape):
            raise ValueError(f"'{self.name}': negative size in {shape}")
        if n > MRG_M1:
            raise ValueError(f"'{self.name}' does not support more than 2**31 - 1 samples")
        if state.ndim != 2 or state.shape[1] != 6 or state.shape[0] == 0:
            raise ValueError(f"'{self.name}': the state must be n x 6 with n > 0, got {state.shape}")
        new, sample = mrg_uniform(state, n, dtype_of(self.sample.type))
        return (new, sample.reshape(shape))


@irdl_op_definition
class MultinomialFromUniformOp(IRDLOperation):
    """``%z = sym.multinomial_from_uniform %pvals, %unis, %n : (...) -> tensor<?x?xi64>``.

    Counts of ``n`` draws per row of ``pvals`` (rows x outcomes), draw ``c`` of row
    ``r`` using ``unis[c * rows + r]``: it falls in the first outcome whose cumulative
    probability (summed in float64) exceeds it (Theano's ``MultinomialFromUniform``).
    """

    name = "sym.multinomial_from_uniform"
    pvals = operand_def(AnyTensor)
    unis = operand_def(AnyTensor)
    n = operand_def(AnyTensor)
    result = result_def(AnyTensor)
    traits = traits_def(Pure())
    assembly_format = "$pvals `,` $unis `,` $n attr-dict `:` functional-type(operands, results)"

    def __init__(self, pvals: SSAValue, unis: SSAValue, n: SSAValue, dtype: str):
        shape = static_shape(pvals.type)
        super().__init__(operands=[pvals, unis, n], result_types=[tensor_type(dtype, shape)])

    def verify_(self) -> None:
        if len(static_shape(self.pvals.type)) != 2 or not is_float(self.pvals.type):
            raise VerifyException(f"'{self.name}' op pvals must be a float matrix, got {self.pvals.type}")
        if len(static_shape(self.unis.type)) != 1 or not is_float(self.unis.type):
            raise VerifyException(f"'{self.name}' op unis must be a float vector, got {self.unis.type}")
        if self.n.type != tensor_type("int64", ()):
            raise VerifyException(f"'{self.name}' op n must be tensor<i64>, got {self.n.type}")

    def evaluate(self, pvals: np.ndarray, unis: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
        rows = pvals.shape[0]
        count = int(n)
        if unis.shape[0] != rows * count:
            raise ValueError(
                f"'{self.name}': {unis.shape[0]} uniforms for {rows} rows x {count} draws"
            )
        return (multinomial_from_uniform(pvals, unis, count, dtype_of(self.result.type)),)
