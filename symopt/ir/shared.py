"""Shared variables: symbolic variables with a value that outlives calls."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np

from symopt.dialects.random_reference import copy_state
from symopt.dialects.sym import PlaceholderOp
from symopt.dialects.types import canonical_dtype
from symopt.ir.variable import RandomStateType, TensorType, Variable


class SharedVariable(Variable):
    """A variable with a value shared by every function that uses it.

    Its type fixes the dtype and the rank, not the sizes (``set_value`` may change
    them), except for dimensions declared broadcastable, which stay 1.

    >>> import symopt
    >>> state = symopt.shared(0)
    >>> state.get_value()
    array(0)
    >>> state.set_value(5)
    >>> print(state.get_value())
    5
    """

    __slots__ = ("_storage", "strict", "allow_downcast", "_declared", "_default_update")

    def __init__(
        self,
        value: np.ndarray,
        type: TensorType,
        name: str | None = None,
        strict: bool = False,
        allow_downcast: bool | None = None,
    ):
        op = PlaceholderOp(name or "", type.to_mlir())
        super().__init__(op.results[0], name)
        op.shared_variable = self  # type: ignore[attr-defined]
        self._declared = type
        self._default_update: Variable | None = None
        self.strict = strict
        self.allow_downcast = allow_downcast
        self._storage = type.filter(value, strict=False, allow_downcast=True, what=self._what())

    @property
    def default_update(self) -> Variable | None:
        """An update ``function`` applies when no explicit update of this variable is
        given (unless ``no_default_updates``), as random streams' states use."""
        return self._default_update

    @default_update.setter
    def default_update(self, update: Variable | None) -> None:
        self._default_update = update
        if update is not None:
            for watcher in _WATCHERS:
                watcher.append(self)

    def _what(self) -> str:
        return f"shared variable {self.name!r}" if self.name else "shared variable"

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its value, type, name and flags; unpickled as a new shared
        variable (each pickle keeps the identity of the variables in it, so a
        model and the functions over it stay connected)."""
        if self.default_update is not None:
            warnings.warn(
                f"pickling {self._what()}: its default update (a symbolic expression) "
                "is not pickled, so functions compiled after loading will not advance it "
                "(pickled functions keep theirs)",
                stacklevel=2,
            )
        return (_rebuild_shared, (type(self), self.get_value(borrow=True), self._declared, self.name, self.strict, self.allow_downcast))

    def get_value(self, borrow: bool = False, return_internal_type: bool = False) -> np.ndarray:
        """The current value; a copy unless ``borrow=True``. A value that a CUDA
        function left on the device is copied to the host (and stays on the
        device), unless ``return_internal_type=True``: then the device array itself."""
        storage = self._storage
        if not isinstance(storage, np.ndarray):
            return storage if return_internal_type else np.asarray(storage)
        return storage if borrow else storage.copy()

    def set_value(self, new_value: object, borrow: bool = False) -> None:
        """Replace the value (copied unless ``borrow=True``).

        The value must fit the variable's type: the same rank, size 1 where it is
        broadcastable, and a dtype it converts to without loss (exactly its dtype if
        the variable is ``strict``). On error the old value stays.
        """
        value = self._declared.filter(
            new_value,
            strict=self.strict,
            allow_downcast=self.allow_downcast,
            what=f"set_value of {self._what()}",
        )
        if not borrow and value is new_value:
            value = value.copy()
        self._storage = value

    def _commit(self, value: np.ndarray) -> None:
        """Store a value computed by a function (already of this type)."""
        self._storage = value


_WATCHERS: list[list[SharedVariable]] = []


@contextlib.contextmanager
def watch_default_updates() -> Iterator[list[SharedVariable]]:
    """Collects the shared variables given a default update inside the block (the
    random streams' states that draws made there advance): ``scan`` turns them into
    state its loop carries."""
    seen: list[SharedVariable] = []
    _WATCHERS.append(seen)
    try:
        yield seen
    finally:
        _WATCHERS.remove(seen)


class RandomStateSharedVariable(SharedVariable):
    """A shared NumPy ``RandomState`` (the state of a random stream).

    ``get_value`` returns a copy unless ``borrow=True``; ``set_value`` takes a
    ``RandomState`` (copied unless ``borrow=True``) and rejects anything else.
    """

    __slots__ = ()

    def __init__(self, value: np.random.RandomState, name: str | None = None, borrow: bool = False):
        t = RandomStateType()
        op = PlaceholderOp(name or "", t.to_mlir())
        Variable.__init__(self, op.results[0], name)
        op.shared_variable = self  # type: ignore[attr-defined]
        self._declared = t  # type: ignore[assignment]
        self._default_update = None
        self.strict = False
        self.allow_downcast = None
        self._storage = value if borrow else copy_state(value)  # type: ignore[assignment]

    def get_value(self, borrow: bool = False, return_internal_type: bool = False):  # type: ignore[override]
        return self._storage if borrow else copy_state(self._storage)  # type: ignore[arg-type]

    def set_value(self, new_value: object, borrow: bool = False) -> None:
        if not isinstance(new_value, np.random.RandomState):
            raise TypeError(
                f"set_value of {self._what()}: expected a numpy.random.RandomState, got "
                f"{type(new_value).__name__}"
            )
        self._storage = new_value if borrow else copy_state(new_value)  # type: ignore[assignment]


def _rebuild_shared(cls, value, declared, name, strict, allow_downcast):  # type: ignore[no-untyped-def]
    if cls is RandomStateSharedVariable:
        return RandomStateSharedVariable(value, name=name, borrow=True)
    return cls(value, declared, name=name, strict=strict, allow_downcast=allow_downcast)


def shared(
    value: object,
    name: str | None = None,
    strict: bool = False,
    allow_downcast: bool | None = None,
    borrow: bool = False,
    broadcastable: tuple[bool, ...] | None = None,
    shape: tuple[int | None, ...] | None = None,
) -> SharedVariable:
    """A shared variable holding ``value`` (copied unless ``borrow=True``).

    The dtype is the value's (Python ints are int64, Python floats float64, as
    in Theano); every dimension has a dynamic size unless ``broadcastable`` marks it
    1, so the value may later change size. ``strict=True`` makes ``set_value``
    accept only arrays of exactly this dtype; ``allow_downcast=True`` lets it cast
    with loss.

    >>> w = shared([1.0, 2.0], name='w')
    >>> w.type
    TensorType(float64, vector)
    """
    if isinstance(value, Variable):
        raise TypeError(f"shared: {value!r} is symbolic; shared variables hold values")
    if isinstance(value, np.random.RandomState):
        return RandomStateSharedVariable(value, name, borrow)
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"shared: cannot make a shared tensor from {value!r}")
    if isinstance(value, np.ndarray):
        arr = value if borrow else value.copy()
    else:
        try:
            arr = np.array(value)
        except (TypeError, ValueError) as e:
            raise TypeError(f"shared: cannot make a shared tensor from {value!r}: {e}") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"shared: cannot make a shared tensor from a value of dtype {arr.dtype} "
            f"({type(value).__name__})"
        )
    canonical_dtype(arr.dtype)
    if broadcastable is not None and shape is not None:
        raise TypeError("shared: give either broadcastable or shape, not both")
    if broadcastable is not None:
        if len(broadcastable) != arr.ndim:
            raise TypeError(
                f"shared: broadcastable {tuple(broadcastable)} has {len(broadcastable)} "
                f"entries for a value of rank {arr.ndim}"
            )
        static: tuple[int | None, ...] = tuple(1 if b else None for b in broadcastable)
    elif shape is not None:
        static = tuple(shape)
    else:
        static = (None,) * arr.ndim
    return SharedVariable(arr, TensorType(arr.dtype, static), name, strict, allow_downcast)
