"""NumPy dtypes and static shapes <-> xDSL builtin types.

symopt's tensors are xDSL ``TensorType``s: the element type is the dtype (``f64``,
``f32``, ``i32``, ``i1`` for bool, ``ui8`` for uint8, ...), the shape holds a size
for every dimension that is known statically and ``?`` for the others. A static size
of 1 is what Theano calls a *broadcastable* dimension.

This module depends only on NumPy and xDSL, so the dialects may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX,
    BytesAttr,
    DenseIntOrFPElementsAttr,
    Float16Type,
    Float32Type,
    Float64Type,
    IntegerType,
    MemRefType,
    Signedness,
    TensorType,
)
from xdsl.ir import Attribute

StaticShape = tuple[int | None, ...]

_DTYPE_TO_ELEMENT: dict[str, Attribute] = {
    "float64": Float64Type(),
    "float32": Float32Type(),
    "float16": Float16Type(),
    "int8": IntegerType(8),
    "int16": IntegerType(16),
    "int32": IntegerType(32),
    "int64": IntegerType(64),
    "uint8": IntegerType(8, Signedness.UNSIGNED),
    "uint16": IntegerType(16, Signedness.UNSIGNED),
    "uint32": IntegerType(32, Signedness.UNSIGNED),
    "uint64": IntegerType(64, Signedness.UNSIGNED),
    "bool": IntegerType(1),
}
_ELEMENT_TO_DTYPE: dict[Attribute, str] = {v: k for k, v in _DTYPE_TO_ELEMENT.items()}

SUPPORTED_DTYPES: tuple[str, ...] = tuple(_DTYPE_TO_ELEMENT)
FLOAT_DTYPES = ("float16", "float32", "float64")
INT_DTYPES = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")


def canonical_dtype(dtype: object) -> str:
    """The dtype's NumPy name (``'float64'``), or TypeError if symopt lacks it."""
    if type(dtype) is str and dtype in _DTYPE_TO_ELEMENT:
        return dtype  # already one (the common case)
    try:
        name = np.dtype(dtype).name  # type: ignore[arg-type]
    except TypeError as e:
        raise TypeError(f"{dtype!r} is not a dtype") from e
    if name not in _DTYPE_TO_ELEMENT:
        raise TypeError(
            f"dtype {name} is not supported; use one of {', '.join(SUPPORTED_DTYPES)}"
        )
    return name


def element_type(dtype: object) -> Attribute:
    return _DTYPE_TO_ELEMENT[canonical_dtype(dtype)]


def dtype_of(t: Attribute) -> str:
    """NumPy dtype name of a tensor type or of an element type."""
    if isinstance(t, TensorType):
        t = t.element_type
    try:
        return _ELEMENT_TO_DTYPE[t]
    except KeyError:
        raise TypeError(f"type {t} has no NumPy dtype") from None


def is_float(t: Attribute) -> bool:
    return dtype_of(t) in FLOAT_DTYPES


def is_bool(t: Attribute) -> bool:
    return dtype_of(t) == "bool"


def is_unsigned(t: Attribute) -> bool:
    return dtype_of(t).startswith("uint")


def upgrade_to_float(dtype: str) -> str:
    """Theano's float dtype for a float computation on ``dtype``: floats stay, bool
    and integers of up to 16 bits become float32, wider integers float64."""
    if dtype in FLOAT_DTYPES:
        return dtype
    if dtype in ("bool", "int8", "uint8", "int16", "uint16"):
        return "float32"
    return "float64"


def tensor_type(dtype: object, shape: Sequence[int | None]) -> TensorType:
    dims = tuple(DYNAMIC_INDEX if d is None else int(d) for d in shape)
    return _tensor_type(canonical_dtype(dtype), dims)


@lru_cache(maxsize=4096)
def _tensor_type(dtype: str, dims: tuple[int, ...]) -> TensorType:
    # attributes are immutable: one per dtype and shape (the frontend asks for
    # the same few again and again, and making one costs some microseconds)
    return TensorType(element_type(dtype), dims)


def static_shape(t: Attribute) -> StaticShape:
    """The shape of a tensor or memref type with ``None`` for each dynamic size."""
    assert isinstance(t, (TensorType, MemRefType)), t
    return tuple(None if d == DYNAMIC_INDEX else d for d in t.get_shape())


def rank(t: Attribute) -> int:
    assert isinstance(t, TensorType), t
    return len(t.get_shape())


def with_shape(t: TensorType, shape: Sequence[int | None]) -> TensorType:
    return tensor_type(dtype_of(t), shape)


def with_dtype(t: TensorType, dtype: object) -> TensorType:
    return tensor_type(dtype, static_shape(t))


def format_shape(shape: Sequence[int | None]) -> str:
    return "(" + ", ".join("?" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")"
    )


# ---------------------------------------------------------------------------
# dense constants


def dense_from_numpy(value: np.ndarray) -> DenseIntOrFPElementsAttr:
    """A ``dense<...>`` attribute holding ``value`` (a splat when all equal)."""
    value = np.asarray(value)
    dtype = canonical_dtype(value.dtype)
    flat = value.reshape(-1)
    shape = value.shape
    if flat.size > 1:
        rows = np.ascontiguousarray(flat).view(np.uint8).reshape(flat.size, -1)
        if (rows == rows[0]).all():
            flat = flat[:1]
    if dtype == "bool":
        raw = np.where(flat, 0xFF, 0).astype(np.uint8).tobytes()
    else:
        raw = np.ascontiguousarray(flat).astype(flat.dtype.newbyteorder("<")).tobytes()
    return DenseIntOrFPElementsAttr(tensor_type(dtype, shape), BytesAttr(raw))


def numpy_from_dense(attr: DenseIntOrFPElementsAttr) -> np.ndarray:
    """The NumPy array a ``dense<...>`` attribute holds (splats expanded)."""
    dtype = np.dtype(dtype_of(attr.get_element_type()))
    shape = attr.get_shape()
    raw = attr.data.data
    if dtype == np.bool_:
        flat = np.frombuffer(raw, dtype=np.uint8) != 0
    else:
        flat = np.frombuffer(raw, dtype=dtype.newbyteorder("<")).astype(dtype)
    size = int(np.prod(shape, dtype=np.int64))
    if flat.size == 1 and size != 1:
        return np.full(shape, flat[0], dtype=dtype)
    return flat.reshape(shape).copy()


def check_tensor_signature(f: object, pass_name: str) -> None:
    """Raise a DiagnosticException unless every argument and result of the
    ``func.func`` ``f`` is a tensor: what the lowering passes take. Memrefs mean
    the function is lowered already; scalars are written as 0-d tensors."""
    from xdsl.dialects import func
    from xdsl.dialects.builtin import MemRefType, TensorType
    from xdsl.utils.exceptions import DiagnosticException

    assert isinstance(f, func.FuncOp)
    name = f.sym_name.data
    types = [("argument", i, t) for i, t in enumerate(f.function_type.inputs.data)]
    types += [("result", i, t) for i, t in enumerate(f.function_type.outputs.data)]
    for what, i, t in types:
        if isinstance(t, TensorType):
            continue
        if isinstance(t, MemRefType):
            raise DiagnosticException(
                f"{pass_name}: @{name} is lowered already ({what} {i} is {t}); this pass "
                "takes functions on tensors (to translate lowered IR, use -t llvm without -p)"
            )
        raise DiagnosticException(
            f"{pass_name}: {what} {i} of @{name} has type {t}; native code takes "
            f"tensors (a scalar is a 0-d tensor, tensor<{t}>)"
        )
