"""The Python operators and methods of a ``Variable`` (Theano's
``_tensor_py_operators``): ``x + y``, ``x[i]``, ``x.sum()``, ``x.T``, ...

Each builds sym ops with one of Theano's tensor functions. Those live in
``symopt.tensor``, above this package (they create variables, so they import it);
``symopt.tensor`` installs them here with ``install_tensor_functions`` when it is
imported, and the names that make variables from the ``symopt`` package import it
first. Without it, an operation on a variable raises RuntimeError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symopt.ir.variable import Variable

_FUNCTIONS: Any = None


def install_tensor_functions(functions: Any) -> None:
    """Make ``functions`` (a namespace with Theano's tensor functions, ``getitem``
    and ``function``) what every variable's operators and methods call."""
    global _FUNCTIONS
    _FUNCTIONS = functions


def tensor_functions() -> Any:
    """The installed tensor functions (see ``install_tensor_functions``)."""
    if _FUNCTIONS is None:
        raise RuntimeError(
            "operations on symbolic variables need the tensor functions; "
            "import symopt.tensor first"
        )
    return _FUNCTIONS


class TensorOperators:
    """Theano's operators and methods of a symbolic tensor, for ``Variable``."""

    __slots__ = ()

    # -- arithmetic and bitwise operators --------------------------------------

    def __add__(self, other: object) -> Variable:
        return tensor_functions().add(self, other)

    def __radd__(self, other: object) -> Variable:
        return tensor_functions().add(other, self)

    def __sub__(self, other: object) -> Variable:
        return tensor_functions().sub(self, other)

    def __rsub__(self, other: object) -> Variable:
        return tensor_functions().sub(other, self)

    def __mul__(self, other: object) -> Variable:
        return tensor_functions().mul(self, other)

    def __rmul__(self, other: object) -> Variable:
        return tensor_functions().mul(other, self)

    def __truediv__(self, other: object) -> Variable:
        return tensor_functions().true_div(self, other)

    def __rtruediv__(self, other: object) -> Variable:
        return tensor_functions().true_div(other, self)

    def __floordiv__(self, other: object) -> Variable:
        return tensor_functions().floor_div(self, other)

    def __rfloordiv__(self, other: object) -> Variable:
        return tensor_functions().floor_div(other, self)

    def __mod__(self, other: object) -> Variable:
        return tensor_functions().mod(self, other)

    def __rmod__(self, other: object) -> Variable:
        return tensor_functions().mod(other, self)

    def __pow__(self, other: object) -> Variable:
        return tensor_functions().pow(self, other)

    def __rpow__(self, other: object) -> Variable:
        return tensor_functions().pow(other, self)

    def __neg__(self) -> Variable:
        return tensor_functions().neg(self)

    def __pos__(self) -> Variable:
        return self  # type: ignore[return-value]

    def __abs__(self) -> Variable:
        return tensor_functions().abs_(self)

    def __invert__(self) -> Variable:
        return tensor_functions().invert(self)

    def __and__(self, other: object) -> Variable:
        return tensor_functions().and_(self, other)

    def __rand__(self, other: object) -> Variable:
        return tensor_functions().and_(other, self)

    def __or__(self, other: object) -> Variable:
        return tensor_functions().or_(self, other)

    def __ror__(self, other: object) -> Variable:
        return tensor_functions().or_(other, self)

    def __xor__(self, other: object) -> Variable:
        return tensor_functions().xor(self, other)

    def __rxor__(self, other: object) -> Variable:
        return tensor_functions().xor(other, self)

    def __matmul__(self, other: object) -> Variable:
        return tensor_functions().dot(self, other)

    def __rmatmul__(self, other: object) -> Variable:
        return tensor_functions().dot(other, self)

    # -- comparisons (== and != are identity: variables are dict keys) ----------

    def __lt__(self, other: object) -> Variable:
        return tensor_functions().lt(self, other)

    def __le__(self, other: object) -> Variable:
        return tensor_functions().le(self, other)

    def __gt__(self, other: object) -> Variable:
        return tensor_functions().gt(self, other)

    def __ge__(self, other: object) -> Variable:
        return tensor_functions().ge(self, other)

    # -- indexing and shape ------------------------------------------------------

    def __getitem__(self, key: object) -> Variable:
        return tensor_functions().getitem(self, key)

    @property
    def T(self) -> Variable:
        return self.transpose()

    @property
    def shape(self) -> Variable:
        """The sizes of this tensor as a symbolic int64 vector."""
        return tensor_functions().shape(self)

    @property
    def size(self) -> Variable:
        t = tensor_functions()
        return t.prod(t.shape(self))

    def reshape(self, shape, ndim=None) -> Variable:
        return tensor_functions().reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1) -> Variable:
        return tensor_functions().flatten(self, ndim)

    def dimshuffle(self, *pattern) -> Variable:
        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = tuple(pattern[0])
        return tensor_functions().dimshuffle(self, pattern)

    def transpose(self, *axes) -> Variable:
        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = tuple(axes[0])
        return tensor_functions().transpose(self, axes or None)

    # -- reductions ----------------------------------------------------------------

    def sum(self, axis=None, dtype=None, keepdims=False) -> Variable:
        return tensor_functions().sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False) -> Variable:
        return tensor_functions().prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False) -> Variable:
        return tensor_functions().mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().argmin(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False) -> Variable:
        return tensor_functions().var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False) -> Variable:
        return tensor_functions().std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def all(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False) -> Variable:
        return tensor_functions().any(self, axis=axis, keepdims=keepdims)

    # -- other methods -------------------------------------------------------------

    def dot(self, other: object) -> Variable:
        return tensor_functions().dot(self, other)

    def astype(self, dtype) -> Variable:
        return tensor_functions().cast(self, dtype)

    def clip(self, a_min, a_max) -> Variable:
        return tensor_functions().clip(self, a_min, a_max)
