"""Theano's ``MRG_RandomStreams``: MRG31k3p streams computed in compiled code.

The generator's state is an ``n_streams x 6`` int32 shared variable; a draw is the
``sym.mrg_uniform`` op (pure integer arithmetic, lowered through the loop dialect
to native code like any op) returning the advanced state and the sample. Seeds,
stream separation (the 2^72- and 2^134-step jump matrices), the default number of
streams, the float mapping, Box-Muller ``normal`` and ``binomial`` follow Theano 1.0.

>>> import symopt
>>> srng = MRG_RandomStreams(seed=12345)
>>> u = srng.uniform((2, 3))
>>> symopt.function([], u)().shape
(2, 3)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from symopt.configparser import config
from symopt.dialects import sym
from symopt.dialects.types import FLOAT_DTYPES, canonical_dtype, tensor_type
from symopt.ir.shared import SharedVariable, shared
from symopt.ir.variable import Variable
from symopt.tensor import basic

M1 = sym.MRG_M1
M2 = sym.MRG_M2

# jump matrices: A1pK / A2pK advance the two components by 2^K steps
A1P72 = np.array(
    [[1516919229, 758510237, 499121365],
     [1884998244, 1516919229, 335398200],
     [601897748, 1884998244, 358115744]], dtype=np.int64)  # fmt: skip
A2P72 = np.array(
    [[1228857673, 1496414766, 954677935],
     [1133297478, 1407477216, 1496414766],
     [2002613992, 1639496704, 1407477216]], dtype=np.int64)  # fmt: skip
A1P134 = np.array(
    [[1702500920, 1849582496, 1656874625],
     [828554832, 1702500920, 1512419905],
     [1143731069, 828554832, 102237247]], dtype=np.int64)  # fmt: skip
A2P134 = np.array(
    [[796789021, 1464208080, 607337906],
     [1241679051, 1431130166, 1464208080],
     [1401213391, 1178684362, 1431130166]], dtype=np.int64)  # fmt: skip


def _jump(state: np.ndarray, a1: np.ndarray, a2: np.ndarray) -> np.ndarray:
    """The state after the jump ``(a1, a2)``: each component ``A s mod m``."""
    s = state.astype(np.int64)
    out = np.empty(6, dtype=np.int32)
    out[:3] = np.sum((a1 * s[:3]) % M1, axis=1) % M1
    out[3:] = np.sum((a2 * s[3:]) % M2, axis=1) % M2
    return out


def guess_n_streams(size: object) -> int:
    """Theano's default number of streams: the number of elements (divided by 6
    above 6), at most 60 * 256; 60 * 256 when the size is symbolic."""
    if isinstance(size, (tuple, list)) and all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size
    ):
        n = int(np.prod([int(s) for s in size], dtype=np.int64))
        if n > 6:
            n //= 6
        return min(n, 60 * 256)
    return 60 * 256


class MRG_RandomStreams:  # noqa: N801 - Theano's name
    """Random variables from MRG31k3p streams, seeded from ``seed`` (an int, or six
    ints: three below M1 not all 0, three below M2 not all 0)."""

    def __init__(self, seed: int | Sequence[int] = 12345):
        self.state_updates: list[tuple[SharedVariable, Variable, object, int | None]] = []
        self.default_instance_seed = seed
        self.set_rstate(seed)

    def updates(self) -> list[tuple[SharedVariable, Variable, object, int | None]]:
        return list(self.state_updates)

    def set_rstate(self, seed: int | Sequence[int]) -> None:
        if isinstance(seed, numbers.Integral) and not isinstance(seed, bool):
            if seed == 0:
                raise ValueError("seed should not be 0")
            if seed < 0 or seed >= M2:
                raise ValueError(f"seed should be between 1 and {M2 - 1}, got {seed}")
            self.rstate = np.array([seed] * 6, dtype=np.int32)
            return
        if not isinstance(seed, (list, tuple, np.ndarray)) or len(seed) != 6:
            raise TypeError(f"seed should be 1 integer or 6 integers, got {seed!r}")
        values = [int(v) for v in seed]
        if values[:3] == [0, 0, 0]:
            raise ValueError("The first 3 values of seed should not be all 0")
        if values[3:] == [0, 0, 0]:
            raise ValueError("The last 3 values of seed should not be all 0")
        if any(not 0 <= v < M1 for v in values[:3]):
            raise ValueError(f"The first 3 values of seed should be in [0, {M1})")
        if any(not 0 <= v < M2 for v in values[3:]):
            raise ValueError(f"The last 3 values of seed should be in [0, {M2})")
        self.rstate = np.array(values, dtype=np.int32)

    def inc_rstate(self) -> None:
        """Move ``rstate`` 2^134 steps forward, to the start of the next stream group."""
        self.rstate = _jump(self.rstate, A1P134, A2P134)

    def get_substream_rstates(self, n_streams: int, dtype: str, inc_rstate: bool = True) -> np.ndarray:
        """``n_streams`` states spaced by 2^72 steps, starting at ``rstate``."""
        if n_streams <= 0:
            raise ValueError(f"nstreams must be positive, got {n_streams}")
        out = np.zeros((n_streams, 6), dtype=np.int32)
        out[0] = self.rstate
        for i in range(1, n_streams):
            out[i] = _jump(out[i - 1], A1P72, A2P72)
        if inc_rstate:
            self.inc_rstate()
        return out

    def n_streams(self, size: object) -> int:
        return guess_n_streams(size)

    def seed(self, seed: int | Sequence[int] | None = None) -> None:
        """Re-seed: new ``rstate``, then every stream group in creation order."""
        if seed is None:
            seed = self.default_instance_seed
        self.set_rstate(seed)
        for old, _new, size, nstreams in self.state_updates:
            n = nstreams if nstreams is not None else self.n_streams(size)
            old.set_value(self.get_substream_rstates(n, "float64"), borrow=True)

    def _uniform01(self, size: object, ndim: int | None, dtype: str, nstreams: int | None) -> Variable:
        size_var, static = _size(size, ndim)
        n = nstreams if nstreams is not None else self.n_streams(size)
        rstate = shared(self.get_substream_rstates(n, dtype))
        sample_type = tensor_type(dtype, static)
        op = sym.MrgUniformOp(rstate.value, size_var.value, sample_type)
        basic.apply(op)
        new_state = Variable(op.new_state)
        u = Variable(op.sample)
        rstate.default_update = new_state
        self.state_updates.append((rstate, new_state, size, nstreams))
        return u

    def uniform(self, size, low=0.0, high=1.0, ndim=None, dtype=None, nstreams=None) -> Variable:  # type: ignore[no-untyped-def]
        """Uniform draws in (low, high): ``u * (high - low) + low``."""
        low_v, high_v = basic.as_tensor_variable(low), basic.as_tensor_variable(high)
        dtype = _dtype(dtype, low, high)
        if isinstance(size, tuple):
            if any(isinstance(s, numbers.Integral) and s <= 0 for s in size):
                raise ValueError(f"The specified size contains a dimension with value <= 0: {size}")
        elif not (isinstance(size, Variable) and size.ndim == 1):
            raise TypeError(
                f"size must be a tuple of ints or a 1-d symbolic variable, got {size!r}"
            )
        u = self._uniform01(size, ndim, dtype, nstreams)
        low_v, high_v = basic.cast(low_v, dtype), basic.cast(high_v, dtype)
        r = u * (high_v - low_v) + low_v
        if r.broadcastable != u.broadcastable:
            raise NotImplementedError(
                "Increase the size to match the broadcasting pattern of `low` and `high`"
            )
        return r

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", nstreams=None) -> Variable:  # type: ignore[no-untyped-def]
        """``uniform < p`` (only ``n == 1``, as in Theano)."""
        if n != 1:
            raise NotImplementedError("MRG_RandomStreams.binomial with n > 1")
        x = self.uniform(size=size, nstreams=nstreams)
        return basic.cast(x < basic.as_tensor_variable(p), dtype)

    def multinomial(self, size=None, n=1, pvals=None, ndim=None, dtype="int64", nstreams=None) -> Variable:  # type: ignore[no-untyped-def]
        """Counts of ``n`` draws from each row of the matrix ``pvals`` (rows x
        outcomes), from ``rows * n`` uniforms."""
        if pvals is None:
            raise TypeError("You have to specify pvals")
        if size is not None:
            raise ValueError("MRG_RandomStreams.multinomial does not use the size argument")
        if ndim is not None:
            raise ValueError("MRG_RandomStreams.multinomial does not use the ndim argument")
        p = basic.as_tensor_variable(pvals)
        if p.ndim != 2:
            raise NotImplementedError("MRG_RandomStreams.multinomial only implemented for pvals.ndim = 2")
        count = basic.cast(basic.as_tensor_variable(n), "int64")
        rows = basic.shape(p)[0]
        unis = self.uniform(basic.stack([rows * count]), ndim=1, nstreams=nstreams)
        op = sym.MultinomialFromUniformOp(p.value, unis.value, count.value, canonical_dtype(dtype))
        return basic.apply(op)

    def normal(self, size, avg=0.0, std=1.0, ndim=None, dtype=None, nstreams=None) -> Variable:  # type: ignore[no-untyped-def]
        """Gaussian draws by Box-Muller on an even number of uniforms: the first half
        gives the radii, the second the angles; ``r cos`` then ``r sin``."""
        size_var = _size_vector(size)
        dtype = _dtype(dtype, avg, std)
        n_odd = basic.prod(size_var, dtype="int64")
        n_even = n_odd + n_odd % 2
        uniform = self.uniform((n_even,), low=0.0, high=1.0, ndim=1, dtype=dtype, nstreams=nstreams)
        half = n_even // 2
        u1, u2 = uniform[:half], uniform[half:]
        r = basic.sqrt(-2.0 * basic.log(u1))
        theta = basic.constant(np.array(2.0 * np.pi, dtype=dtype)) * u2
        z = basic.concatenate([r * basic.cos(theta), r * basic.sin(theta)])
        samples = basic.reshape(z[:n_odd], size_var, ndim=size_var.static_shape[0] if ndim is None else ndim)
        samples = samples * basic.cast(basic.as_tensor_variable(std), dtype)
        return samples + basic.cast(basic.as_tensor_variable(avg), dtype)


def _dtype(dtype: object, *params: object) -> str:
    if dtype is not None:
        return canonical_dtype(dtype)
    found = [basic.as_tensor_variable(p).dtype if isinstance(p, Variable) else None for p in params]
    wide = np.result_type(config.floatX, *[f for f in found if f is not None]).name
    return wide if wide in FLOAT_DTYPES else "float64"


def _size(size: object, ndim: int | None) -> tuple[Variable, list[int | None]]:
    if isinstance(size, Variable):
        n = size.static_shape[0] if ndim is None else ndim
        if n is None:
            raise ValueError("size has no static length; give ndim=")
        return basic.cast(size, "int64"), [None] * n
    if isinstance(size, numbers.Integral):
        size = (size,)
    vec, static = basic._shape_vector(list(size), "size")  # type: ignore[arg-type]
    return vec, list(static)


def _size_vector(size: object) -> Variable:
    if isinstance(size, Variable):
        if size.ndim == 0:
            return basic.stack([basic.cast(size, "int64")])
        if size.ndim == 1:
            return basic.cast(size, "int64")
        raise ValueError("a symbolic size must have 1 dimension")
    if isinstance(size, numbers.Integral):
        size = (size,)
    if not isinstance(size, (tuple, list)):
        raise ValueError(f"size must be an int, a tuple, a list or a symbolic vector, got {size!r}")
    return basic._shape_vector(list(size), "size")[0]
