"""``Variable``: the user's handle on one SSA value of a detached ``sym`` op.

The graph the user builds is ``sym`` IR: every operation on variables creates a
detached op (in no block) whose operands are the SSA values of its inputs, and the
new ``Variable`` wraps its result. Symbolic inputs and shared variables are
``sym.placeholder`` ops. Variables hash and compare by identity, as Theano's do, so
they can be keys of ``givens``, ``updates`` and ``swap``.

Detached ops take themselves out of their operands' use lists again: the frontend
only ever walks from results to operands, and a long-lived value (a shared
variable's) must not keep every graph ever built from it alive. ``function`` clones
the graph into a ``func.func``, where use lists are complete.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from xdsl.ir import Operation, SSAValue

from symopt.ir.tensor_type import TensorType

if TYPE_CHECKING:
    import numpy as np

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.]*$")


def detach_uses(op: Operation) -> Operation:
    """Remove ``op`` from its operands' use lists (see the module docstring)."""
    for operand, use in zip(op.operands, op._operand_uses):  # pyright: ignore[reportPrivateUsage]
        operand.remove_use(use)
    return op


class Variable:
    """A symbolic tensor: one SSA value of the user's ``sym`` graph."""

    __slots__ = ("value", "_name", "_eval_cache", "__weakref__")

    def __init__(self, value: SSAValue, name: str | None = None):
        self.value = value
        self._name: str | None = None
        self._eval_cache: dict[tuple[int, ...], Any] | None = None
        self.name = name

    # -- identity and naming ---------------------------------------------------

    @property
    def name(self) -> str | None:
        return self._name

    @name.setter
    def name(self, name: str | None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"a variable's name must be a str or None, got {name!r}")
        self._name = name
        if name is not None and _IDENT.match(name) and not name[0].isdigit():
            self.value.name_hint = name

    @property
    def owner(self) -> Operation:
        owner = self.value.owner
        assert isinstance(owner, Operation)
        return owner

    @property
    def type(self) -> TensorType:
        from xdsl.dialects.builtin import TensorType as MLIRTensorType

        if not isinstance(self.value.type, MLIRTensorType):
            from symopt.ir.tensor_type import RandomStateType

            return RandomStateType()  # type: ignore[return-value]
        return TensorType.from_mlir(self.value.type)

    @property
    def dtype(self) -> str:
        return self.type.dtype

    @property
    def ndim(self) -> int:
        return self.type.ndim

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return self.type.broadcastable

    @property
    def static_shape(self) -> tuple[int | None, ...]:
        return self.type.shape

    def __repr__(self) -> str:
        if self._name is not None:
            return self._name
        owner = self.value.owner
        op_name = owner.name if isinstance(owner, Operation) else "value"
        return f"{op_name}.{self.value.index if hasattr(self.value, 'index') else 0}"

    __str__ = __repr__

    def __bool__(self) -> bool:
        raise TypeError(
            f"the truth value of the symbolic variable {self!r} is not known until it "
            "is computed; use T.switch for a symbolic condition"
        )

    def __iter__(self):
        raise TypeError(f"symbolic variable {self!r} is not iterable")

    def __len__(self) -> int:
        raise TypeError(
            f"len() of symbolic variable {self!r} is not known; use {self!r}.shape[0]"
        )

    # -- evaluation ------------------------------------------------------------

    def eval(self, inputs_to_values: dict[Variable, object] | None = None) -> np.ndarray:
        """Compile (once per set of inputs) and compute this variable.

        >>> import symopt.tensor as T
        >>> x = T.dscalar('x')
        >>> (x + 1).eval({x: 2})
        array(3.)
        """
        from symopt.runtime.function import function

        inputs_to_values = dict(inputs_to_values or {})
        for key in inputs_to_values:
            if not isinstance(key, Variable):
                raise TypeError(
                    f"eval: the keys of inputs_to_values must be symbolic variables, "
                    f"got {key!r}"
                )
        inputs = list(inputs_to_values)
        key = tuple(id(v) for v in inputs)
        if self._eval_cache is None:
            self._eval_cache = {}
        if key not in self._eval_cache:
            self._eval_cache[key] = (inputs, function(inputs, self))
        _, fn = self._eval_cache[key]
        return fn(*[inputs_to_values[v] for v in inputs])

    # -- Python operators (Theano's _tensor_py_operators) -----------------------

    def __add__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.add(self, other)

    def __radd__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.add(other, self)

    def __sub__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.sub(self, other)

    def __rsub__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.sub(other, self)

    def __mul__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.mul(self, other)

    def __rmul__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.mul(other, self)

    def __truediv__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.true_div(self, other)

    def __rtruediv__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.true_div(other, self)

    def __floordiv__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.floor_div(self, other)

    def __rfloordiv__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.floor_div(other, self)

    def __mod__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.mod(self, other)

    def __rmod__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.mod(other, self)

    def __pow__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.pow(self, other)

    def __rpow__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.pow(other, self)

    def __neg__(self) -> Variable:
        from symopt.tensor import basic

        return basic.neg(self)

    def __pos__(self) -> Variable:
        return self

    def __abs__(self) -> Variable:
        from symopt.tensor import basic

        return basic.abs_(self)

    def __invert__(self) -> Variable:
        from symopt.tensor import basic

        return basic.invert(self)

    def __and__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.and_(self, other)

    def __rand__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.and_(other, self)

    def __or__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.or_(self, other)

    def __ror__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.or_(other, self)

    def __xor__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.xor(self, other)

    def __rxor__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.xor(other, self)

    def __lt__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.lt(self, other)

    def __le__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.le(self, other)

    def __gt__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.gt(self, other)

    def __ge__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.ge(self, other)

    # identity semantics, as in Theano: variables are dict keys
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other

    def __getitem__(self, key: object) -> Variable:
        from symopt.tensor import subtensor

        return subtensor.getitem(self, key)

    # -- methods ---------------------------------------------------------------

    @property
    def T(self) -> Variable:
        return self.transpose()

    @property
    def shape(self) -> Variable:
        """The sizes of this tensor as a symbolic int64 vector."""
        from symopt.tensor import basic

        return basic.shape(self)

    @property
    def size(self) -> Variable:
        from symopt.tensor import basic

        return basic.prod(basic.shape(self))

    def sum(self, axis=None, dtype=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.sum(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def prod(self, axis=None, dtype=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.prod(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def mean(self, axis=None, dtype=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.mean(self, axis=axis, dtype=dtype, keepdims=keepdims)

    def max(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.max(self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.min(self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.argmax(self, axis=axis, keepdims=keepdims)

    def argmin(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.argmin(self, axis=axis, keepdims=keepdims)

    def var(self, axis=None, ddof=0, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, ddof=0, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def all(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.all(self, axis=axis, keepdims=keepdims)

    def any(self, axis=None, keepdims=False) -> Variable:
        from symopt.tensor import basic

        return basic.any(self, axis=axis, keepdims=keepdims)

    def dot(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.dot(self, other)

    def __matmul__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.dot(self, other)

    def __rmatmul__(self, other: object) -> Variable:
        from symopt.tensor import basic

        return basic.dot(other, self)

    def reshape(self, shape, ndim=None) -> Variable:
        from symopt.tensor import basic

        return basic.reshape(self, shape, ndim=ndim)

    def flatten(self, ndim=1) -> Variable:
        from symopt.tensor import basic

        return basic.flatten(self, ndim)

    def dimshuffle(self, *pattern) -> Variable:
        from symopt.tensor import basic

        if len(pattern) == 1 and isinstance(pattern[0], (list, tuple)):
            pattern = tuple(pattern[0])
        return basic.dimshuffle(self, pattern)

    def transpose(self, *axes) -> Variable:
        from symopt.tensor import basic

        if len(axes) == 1 and isinstance(axes[0], (list, tuple)):
            axes = tuple(axes[0])
        return basic.transpose(self, axes or None)

    def astype(self, dtype) -> Variable:
        from symopt.tensor import basic

        return basic.cast(self, dtype)

    def clip(self, a_min, a_max) -> Variable:
        from symopt.tensor import basic

        return basic.clip(self, a_min, a_max)


def input_variable(t: TensorType, name: str | None) -> Variable:
    """A new symbolic input (a ``sym.placeholder``) of type ``t``."""
    from symopt.dialects.sym import PlaceholderOp

    op = PlaceholderOp(name or "", t.to_mlir())
    return Variable(op.results[0], name)
