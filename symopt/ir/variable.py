"""``Variable``, the user's handle on one SSA value of a detached ``sym`` op, and
its type (``TensorType``, Theano's dtype and static shape).

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

import numbers
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from xdsl.dialects.builtin import TensorType as MLIRTensorType
from xdsl.ir import Operation, SSAValue

from symopt.configparser import config
from symopt.dialects.location import mark
from symopt.dialects.sym import PlaceholderOp
from symopt.dialects.sym import RandomStateType as MLIRRandomState
from symopt.dialects.types import (
    canonical_dtype,
    dtype_of,
    format_shape,
    static_shape,
    tensor_type,
)
from symopt.ir.operators import TensorOperators, tensor_functions


def detach_uses(op: Operation) -> Operation:
    """Remove ``op`` from its operands' use lists (see the module docstring)."""
    for operand, use in zip(op.operands, op._operand_uses):  # pyright: ignore[reportPrivateUsage]
        operand.remove_use(use)
    return op


# ---------------------------------------------------------------------------
# types


_KIND_NAMES = {0: "scalar", 1: "vector", 2: "matrix", 3: "tensor3", 4: "tensor4"}


class TensorType:
    """The type of a symbolic tensor: ``dtype`` and ``shape``.

    ``shape`` has one entry per dimension: a static size, or ``None`` where the size
    is known only at call time. A static size of 1 is a *broadcastable* dimension;
    Theano's spelling ``TensorType('float64', broadcastable=(True, False))`` is
    accepted, and so is ``TensorType('float64', (False, False))``.

    >>> t = TensorType('float64', (None, 784))
    >>> t.ndim, t.broadcastable
    (2, (False, False))
    >>> x = t('x')
    >>> x.type == t
    True
    """

    __slots__ = ("dtype", "shape")

    dtype: str
    shape: tuple[int | None, ...]

    def __init__(
        self,
        dtype: object,
        shape: Sequence[int | bool | None] | None = None,
        broadcastable: Sequence[bool] | None = None,
    ):
        if shape is not None and broadcastable is not None:
            raise TypeError("TensorType: give either shape or broadcastable, not both")
        if shape is not None and all(isinstance(s, (bool, np.bool_)) for s in shape) and shape:
            broadcastable, shape = shape, None  # type: ignore[assignment]
        if broadcastable is not None:
            dims: tuple[int | None, ...] = tuple(1 if b else None for b in broadcastable)
        elif shape is None:
            raise TypeError("TensorType needs a shape (or Theano's broadcastable=)")
        else:
            checked: list[int | None] = []
            for s in shape:
                if s is None:
                    checked.append(None)
                elif isinstance(s, numbers.Integral) and not isinstance(s, bool) and s >= 0:
                    checked.append(int(s))
                else:
                    raise TypeError(
                        f"TensorType shape entries must be sizes >= 0 or None, got {s!r}"
                    )
            dims = tuple(checked)
        object.__setattr__(self, "dtype", canonical_dtype(dtype))
        object.__setattr__(self, "shape", dims)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("TensorType is immutable")

    def __reduce__(self) -> tuple[object, ...]:
        return (TensorType, (self.dtype, self.shape))

    # -- conversions ---------------------------------------------------------

    @classmethod
    def from_mlir(cls, t: MLIRTensorType) -> TensorType:
        if cls is TensorType:  # immutable: one per MLIR type (a variable's type is asked for often)
            return _from_mlir(t)
        return cls(dtype_of(t), static_shape(t))

    def to_mlir(self) -> MLIRTensorType:
        return tensor_type(self.dtype, self.shape)

    # -- Theano's attributes -------------------------------------------------

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def broadcastable(self) -> tuple[bool, ...]:
        return tuple(s == 1 for s in self.shape)

    def __call__(self, name: str | None = None) -> Variable:
        """A new symbolic input of this type."""
        return input_variable(self, name)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TensorType)
            and self.dtype == other.dtype
            and self.shape == other.shape
        )

    def __hash__(self) -> int:
        return hash((self.dtype, self.shape))

    def __repr__(self) -> str:
        kind = _KIND_NAMES.get(self.ndim, f"{self.ndim}d")
        if all(s is None for s in self.shape) or self.ndim == 0:
            return f"TensorType({self.dtype}, {kind})"
        return f"TensorType({self.dtype}, shape={format_shape(self.shape)})"

    def is_compatible(self, other: TensorType) -> bool:
        """Same dtype and rank, and no static size contradicts the other's."""
        return (
            self.dtype == other.dtype
            and self.ndim == other.ndim
            and all(a is None or b is None or a == b for a, b in zip(self.shape, other.shape))
        )

    # -- values --------------------------------------------------------------

    def filter(
        self,
        data: object,
        strict: bool = False,
        allow_downcast: bool | None = None,
        what: str = "value",
    ) -> np.ndarray:
        """Convert ``data`` to an ndarray of this type, or raise TypeError.

        Without ``allow_downcast``, a conversion must not lose information: NumPy
        arrays are cast only to a dtype that holds all their values (``can_cast``
        'safe'), Python numbers and lists only when the converted values compare
        equal. ``strict`` accepts only an
        ndarray of exactly this dtype.

        Python data (numbers, lists, NumPy scalars) is accepted when its values
        convert exactly; a Python float also goes into ``config.floatX``.
        """
        value = _to_array(data, self, strict, allow_downcast, what)
        if value.ndim != self.ndim:
            raise TypeError(
                f"{what}: wrong number of dimensions for {self!r}: expected "
                f"{self.ndim}, got {value.ndim} with shape {value.shape}"
            )
        for dim, (want, got) in enumerate(zip(self.shape, value.shape)):
            if want is not None and want != got:
                kind = "broadcastable (size 1)" if want == 1 else f"of static size {want}"
                raise TypeError(
                    f"{what}: dimension {dim} of {self!r} is {kind}, but the value "
                    f"has shape {value.shape}"
                )
        return value


_FROM_MLIR: dict[int, tuple[MLIRTensorType, TensorType]] = {}
"""id(MLIR type) -> (that type, kept alive so that the id stays its own; its
TensorType). Looked up by identity: hashing an MLIR type hashes all its
parameters, and a graph asks for its variables' types many times per op."""


def _from_mlir(t: MLIRTensorType) -> TensorType:
    known = _FROM_MLIR.get(id(t))
    if known is not None and known[0] is t:
        return known[1]
    if len(_FROM_MLIR) >= 4096:
        _FROM_MLIR.clear()
    converted = TensorType(dtype_of(t), static_shape(t))
    _FROM_MLIR[id(t)] = (t, converted)
    return converted


def _to_array(
    data: object,
    t: TensorType,
    strict: bool,
    allow_downcast: bool | None,
    what: str,
) -> np.ndarray:
    if isinstance(data, Variable):
        raise TypeError(
            f"{what}: expected a value for {t!r}, got the symbolic variable {data!r}; "
            "symbolic values belong in `givens`, not in a call"
        )
    target = np.dtype(t.dtype)
    if strict:
        if not isinstance(data, np.ndarray) or data.dtype != target:
            got = data.dtype if isinstance(data, np.ndarray) else type(data).__name__
            raise TypeError(
                f"{what}: strict {t!r} needs a numpy.ndarray of dtype {t.dtype}, got {got}"
            )
        return data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"{what}: expected a number or an array for {t!r}, got {data!r}")
    if isinstance(data, np.ndarray):
        arr = data
        if arr.dtype == target:
            return arr
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{what}: cannot convert an array of dtype {arr.dtype} to {t!r}")
        if allow_downcast or np.can_cast(arr.dtype, target, "safe"):
            return arr.astype(target)
        raise TypeError(
            f"{what}: {t!r} cannot hold a value of dtype {arr.dtype} without risking "
            f"loss of precision; cast the value to {t.dtype} yourself "
            "(numpy.asarray(value, dtype=...)) or pass allow_input_downcast=True "
            "to function"
        )
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError) as e:
        raise TypeError(f"{what}: cannot convert {data!r} to {t!r}: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{what}: cannot convert {data!r} to {t!r}")
    if allow_downcast or arr.dtype == target:
        return arr.astype(target)
    if allow_downcast is None and isinstance(data, float) and t.dtype == config.floatX:
        return arr.astype(target)  # a Python float goes into floatX, as in Theano
    with np.errstate(all="ignore"):
        converted = arr.astype(target)
        same = converted.shape == arr.shape and bool(np.all(converted == arr))
    if same:
        return converted
    raise TypeError(
        f"{what}: {data!r} cannot be stored in {t!r} without loss "
        f"(it would become {converted!r}); pass a value of dtype {t.dtype} "
        "or allow_input_downcast=True to function"
    )


class RandomStateType:
    """The type of a shared NumPy ``RandomState`` (``!sym.random_state`` in the IR)."""

    ndim = 0
    dtype = "random_state"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomStateType)

    def __hash__(self) -> int:
        return hash("RandomStateType")

    def __repr__(self) -> str:
        return "RandomStateType"

    def to_mlir(self) -> MLIRRandomState:
        return MLIRRandomState()

    def is_compatible(self, other: object) -> bool:
        return self == other

    def filter(self, data: object, strict: bool = False, allow_downcast=None, what: str = "value"):  # type: ignore[no-untyped-def]
        if not isinstance(data, np.random.RandomState):
            raise TypeError(
                f"{what}: expected a numpy.random.RandomState, got {type(data).__name__}"
            )
        return data


# ---------------------------------------------------------------------------
# variables


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.]*$")


class Variable(TensorOperators):
    """A symbolic tensor: one SSA value of the user's ``sym`` graph."""

    __slots__ = ("value", "_name", "_eval_cache", "__weakref__")

    def __init__(self, value: SSAValue, name: str | None = None):
        self.value = value
        self._name: str | None = None
        self._eval_cache: dict[tuple[int, ...], Any] | None = None
        self.name = name
        owner = value.owner
        if isinstance(owner, Operation):
            mark(owner)  # the user's line that made it (symopt.dialects.location)

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
        if not isinstance(self.value.type, MLIRTensorType):
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
            self._eval_cache[key] = (inputs, tensor_functions().function(inputs, self))
        _, fn = self._eval_cache[key]
        return fn(*[inputs_to_values[v] for v in inputs])

    # identity semantics, as in Theano: variables are dict keys
    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other

    def __ne__(self, other: object) -> bool:
        return self is not other


def input_variable(t: TensorType, name: str | None) -> Variable:
    """A new symbolic input (a ``sym.placeholder``) of type ``t``."""
    op = PlaceholderOp(name or "", t.to_mlir())
    return Variable(op.results[0], name)
