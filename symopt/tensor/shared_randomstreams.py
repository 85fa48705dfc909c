"""Theano's ``RandomStreams``: random variables drawn from NumPy ``RandomState``s.

Every random variable has its own ``RandomState``, held by a shared variable
(``rv.rng``) whose default update is the state after the draw, so each call of a
function advances the streams it uses by one draw. Seeds follow Theano 1.0 exactly:
``RandomStreams(seed)`` keeps ``RandomState(seed)`` as a seed generator and gives
each new variable ``RandomState(int(seedgen.randint(2**30)))``.

>>> srng = RandomStreams(seed=234)
>>> rv_u = srng.uniform((2, 2))
>>> import symopt
>>> f = symopt.function([], rv_u)
>>> f().shape
(2, 2)
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from symopt.configparser import config
from symopt.dialects import sym
from symopt.dialects.types import canonical_dtype
from symopt.ir.shared import RandomStateSharedVariable, shared
from symopt.ir.variable import Variable
from symopt.tensor import basic


class RandomVariable(Variable):
    """A random variable: ``rng`` is the shared ``RandomState`` it draws from, and
    ``update`` the pair ``(rng, state after the draw)``."""

    __slots__ = ("rng", "update")


class RandomStreams:
    """Random variables from NumPy ``RandomState``s, seeded from ``seed``."""

    def __init__(self, seed: int | None = None):
        self.state_updates: list[tuple[RandomStateSharedVariable, Variable]] = []
        self.default_instance_seed = seed
        self.gen_seedgen = np.random.RandomState(seed)

    def seed(self, seed: int | None = None) -> None:
        """Re-seed every stream: a new ``RandomState(seed)`` gives each, in order,
        ``RandomState(int(randint(2**30)))``."""
        if seed is None:
            seed = self.default_instance_seed
        seedgen = np.random.RandomState(seed)
        for rng, _ in self.state_updates:
            rng.set_value(np.random.RandomState(int(seedgen.randint(2**30))), borrow=True)

    def gen(self, distribution: str, size: object, params: Sequence[object], dtype: str,
            ndim: int | None, item_shape: tuple[object, ...] = ()) -> Variable:  # fmt: skip
        seed = int(self.gen_seedgen.randint(2**30))
        rng = shared(np.random.RandomState(seed), borrow=True)
        assert isinstance(rng, RandomStateSharedVariable)
        elementwise = distribution in _ELEMENTWISE
        size_var, static = _size(size, ndim, params if elementwise else ())
        values = [basic.as_tensor_variable(p) for p in params]
        sample_type = sym.tensor_type(dtype, tuple(static) + tuple(item_shape))
        op = sym.RandomOp(distribution, rng.value, size_var.value, [v.value for v in values], sample_type)
        basic.apply(op)
        new_state = Variable(op.new_state)
        sample = RandomVariable(op.sample)
        sample.rng = rng
        sample.update = (rng, new_state)
        rng.default_update = new_state
        self.state_updates.append((rng, new_state))
        return sample

    def uniform(self, size=None, low=0.0, high=1.0, ndim=None, dtype=None) -> Variable:  # type: ignore[no-untyped-def]
        """Uniform draws in [low, high) (``RandomState.uniform``)."""
        return self.gen("uniform", size, [_f64(low), _f64(high)], _float(low, high, dtype), ndim)

    def normal(self, size=None, avg=0.0, std=1.0, ndim=None, dtype=None) -> Variable:  # type: ignore[no-untyped-def]
        """Gaussian draws (``RandomState.normal``)."""
        return self.gen("normal", size, [_f64(avg), _f64(std)], _float(avg, std, dtype), ndim)

    def binomial(self, size=None, n=1, p=0.5, ndim=None, dtype="int64", prob=None) -> Variable:  # type: ignore[no-untyped-def]
        """Binomial draws (``RandomState.binomial``)."""
        if prob is not None:
            p = prob
        return self.gen("binomial", size, [_i64(n), _f64(p)], dtype, ndim)

    def random_integers(self, size=None, low=0, high=1, ndim=None, dtype="int64") -> Variable:  # type: ignore[no-untyped-def]
        """Integers in [low, high], both included."""
        return self.gen("random_integers", size, [_i64(low), _i64(high)], dtype, ndim)

    def poisson(self, size=None, lam=1.0, ndim=None, dtype="int64") -> Variable:  # type: ignore[no-untyped-def]
        """Poisson draws (``RandomState.poisson``)."""
        return self.gen("poisson", size, [_f64(lam)], dtype, ndim)

    def choice(self, size=(), a=2, replace=True, p=None, ndim=None, dtype="int64") -> Variable:  # type: ignore[no-untyped-def]
        """Draws from ``range(a)`` (or the elements of ``a``)."""
        params: list[object] = [a, np.bool_(replace)]
        if p is not None:
            params.append(_f64(p))
        return self.gen("choice", size, params, dtype, ndim)

    def permutation(self, size=(), n=1, ndim=None, dtype="int64") -> Variable:  # type: ignore[no-untyped-def]
        """A random permutation of ``range(n)`` for each element of ``size``."""
        n_static = int(n) if isinstance(n, numbers.Integral) else None
        return self.gen("permutation", size, [_i64(n)], dtype, ndim, (n_static,))

    def multinomial(self, size=(), n=1, pvals=(0.5, 0.5), ndim=None, dtype="int64") -> Variable:  # type: ignore[no-untyped-def]
        """Multinomial draws: counts over ``len(pvals)`` outcomes."""
        pv = basic.as_tensor_variable(_f64(pvals))
        k = pv.static_shape[-1] if pv.ndim else None
        return self.gen("multinomial", size, [_i64(n), pv], dtype, ndim, (k,))

    def shuffle_row_elements(self, input: Variable) -> Variable:  # noqa: A002 - Theano's name
        """``input`` with the elements of each row (along the last axis) permuted,
        one ``permutation`` per row, drawn in C order (Theano's draws)."""
        x = basic.as_tensor_variable(input)
        if x.ndim == 0:
            raise TypeError("shuffle_row_elements needs a tensor of rank >= 1")
        return self.gen(
            "shuffle_row_elements", (), [x], x.dtype, None, tuple(x.static_shape)
        )


_ELEMENTWISE = {"uniform", "normal", "binomial", "random_integers", "poisson"}
"""Distributions whose parameters broadcast against each other and the size."""


def _is_var(*xs: object) -> bool:
    return any(isinstance(x, Variable) for x in xs)


def _float(a: object, b: object, dtype: object) -> str:
    if dtype is not None:
        return canonical_dtype(dtype)
    if _is_var(a, b):
        return basic.upgrade_to_float(basic.result_dtype(a, b))
    return config.floatX


def _f64(x: object) -> object:
    return basic.cast(x, "float64") if isinstance(x, Variable) else np.asarray(x, dtype=np.float64)


def _i64(x: object) -> object:
    return basic.cast(x, "int64") if isinstance(x, Variable) else np.asarray(x, dtype=np.int64)


def _size(size: object, ndim: int | None, params: Sequence[object]) -> tuple[Variable, list[int | None]]:
    if isinstance(size, Variable):
        if size.ndim != 1:
            raise TypeError(f"size must be a tuple or an integer vector, got {size!r}")
        n = size.static_shape[0]
        if n is None:
            if ndim is None:
                raise ValueError("size has no static length; give ndim=")
            n = ndim
        return basic.cast(size, "int64"), [None] * n
    if size is None:
        # the parameters' broadcast shape (Theano's and NumPy's rule)
        return _broadcast_shape(params, ndim)
    if isinstance(size, numbers.Integral):
        size = (size,)
    if not isinstance(size, (tuple, list)):
        raise TypeError(f"size must be a tuple of ints or symbolic scalars, got {size!r}")
    if ndim is not None and ndim != len(size):
        raise ValueError(f"ndim={ndim} does not match size {tuple(size)}")
    for s in size:
        if isinstance(s, numbers.Integral) and not isinstance(s, bool) and s < 0:
            raise ValueError(f"negative size {s} in {tuple(size)}")
    vec, static = basic._shape_vector(list(size), "size")
    return vec, list(static)


def _broadcast_shape(params: Sequence[object], ndim: int | None) -> tuple[Variable, list[int | None]]:
    """The broadcast shape of the parameters, as an int64 vector and static sizes."""
    tensors = [basic.as_tensor_variable(p) for p in params]
    rank = max([t.ndim for t in tensors], default=0)
    if ndim is not None and ndim != rank:
        raise ValueError(f"ndim={ndim} does not match the parameters' rank {rank}")
    dims: list[object] = []
    static: list[int | None] = []
    for axis in range(rank):
        sizes: list[Variable] = []
        known: set[int] = set()
        unknown = False
        for t in tensors:
            k = axis - (rank - t.ndim)
            if k < 0:
                continue
            s = t.static_shape[k]
            if s is None:
                unknown = True
            else:
                known.add(s)
            if s != 1:
                sizes.append(basic.shape(t)[k])
        not_one = known - {1}
        if len(not_one) > 1:
            raise ValueError(f"the parameters' shapes do not broadcast in dimension {axis}: sizes {sorted(known)}")
        if not_one and not unknown:
            dims.append(int(next(iter(not_one))))
        elif not sizes:
            dims.append(1)
        else:
            size = sizes[0]
            for other in sizes[1:]:
                size = basic.maximum(size, other)
            dims.append(size)
    vec, st = basic._shape_vector(dims, "size")
    static = list(st)
    return vec, static
