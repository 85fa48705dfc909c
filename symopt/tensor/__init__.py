"""Theano's ``theano.tensor``: typed symbolic inputs and the tensor functions.

>>> import symopt.tensor as T
>>> x, y = T.dscalars('x', 'y')
>>> (x + y).eval({x: 1, y: 2})
array(3.)
"""

from __future__ import annotations

from symopt.configparser import config
from symopt.ir.operators import install_tensor_functions
from symopt.ir.variable import TensorType, Variable
from symopt.tensor import extra_ops, nnet, operators, shared_randomstreams, signal
from symopt.tensor.loop import map_index
from symopt.tensor.basic import (
    abs_,
    add,
    alloc,
    all,
    and_,
    any,
    arange,
    arccos,
    arcsin,
    arctan,
    arctan2,
    argmax,
    argmin,
    as_tensor_variable,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    cast,
    ceil,
    clip,
    concatenate,
    constant,
    cos,
    cosh,
    deg2rad,
    dimshuffle,
    dot,
    eq,
    exp,
    expm1,
    fill,
    flatten,
    floor,
    floor_div,
    ge,
    gt,
    int_div,
    invert,
    join,
    le,
    log,
    log1p,
    log2,
    log10,
    lt,
    max,
    maximum,
    mean,
    min,
    minimum,
    mod,
    mul,
    neg,
    neq,
    ones,
    ones_like,
    or_,
    outer,
    pow,
    prod,
    rad2deg,
    reshape,
    round_half_to_even,
    second,
    sgn,
    shape,
    sin,
    sinh,
    sqr,
    sqrt,
    stack,
    std,
    sub,
    sum,
    switch,
    tan,
    tanh,
    transpose,
    true_div,
    var,
    where,
    xor,
    zeros,
    zeros_like,
)
from symopt.tensor.gradient import Lop, Rop, grad, hessian, jacobian, verify_grad
from symopt.tensor.nnet import relu, sigmoid, softmax, softplus
from symopt.tensor.subtensor import inc_subtensor, nonzero, set_subtensor
from symopt.tensor.scan import scan
from symopt.tensor.extra_ops import (
    addbroadcast,
    argsort,
    cumprod,
    cumsum,
    diff,
    eye,
    identity_like,
    isinf,
    isnan,
    patternbroadcast,
    repeat,
    round,
    shape_padaxis,
    shape_padleft,
    shape_padright,
    sort,
    tile,
    unbroadcast,
)
from symopt.tensor import ifelse as _ifelse  # noqa: F401  (registers the gradient of sym.if)

# every variable's operators and methods (x + y, x[i], x.sum(), x.eval()) call these
install_tensor_functions(operators)

_PREFIX_DTYPES = {
    "b": "int8",
    "w": "int16",
    "i": "int32",
    "l": "int64",
    "f": "float32",
    "d": "float64",
    "c": None,  # complex: not supported
}
_KINDS = {
    "scalar": (),
    "vector": (None,),
    "row": (1, None),
    "col": (None, 1),
    "matrix": (None, None),
    "tensor3": (None, None, None),
    "tensor4": (None, None, None, None),
}


def _generic(kind: str):
    shape = _KINDS[kind]

    def make(name: str | None = None, dtype: object = None) -> Variable:
        return TensorType(dtype or config.floatX, shape)(name)

    make.__name__ = kind
    make.__doc__ = (
        f"A symbolic {kind} input of ``dtype`` (``config.floatX`` by default).\n\n"
        f">>> {kind}('x', dtype='int32').type.ndim\n{len(shape)}\n"
    )
    return make


def _typed(prefix: str, kind: str):
    dtype = _PREFIX_DTYPES[prefix]
    shape = _KINDS[kind]

    def make(name: str | None = None) -> Variable:
        return TensorType(dtype, shape)(name)

    make.__name__ = prefix + kind
    make.__doc__ = f"A symbolic {dtype} {kind} input (Theano's ``T.{prefix}{kind}``)."
    return make


def _plural(single):
    def make(*names: str) -> list[Variable] | Variable:
        if not names:
            raise TypeError(f"{single.__name__}s() needs at least one name")
        if len(names) == 1 and isinstance(names[0], int):
            return [single() for _ in range(names[0])]
        variables = [single(n) for n in names]
        return variables

    make.__name__ = single.__name__ + "s"
    make.__doc__ = (
        f"One ``{single.__name__}`` per name: ``x, y = {single.__name__}s('x', 'y')``."
    )
    return make


scalar = _generic("scalar")
vector = _generic("vector")
row = _generic("row")
col = _generic("col")
matrix = _generic("matrix")
tensor3 = _generic("tensor3")
tensor4 = _generic("tensor4")
scalars, vectors, rows, cols, matrices, tensor3s, tensor4s = (
    _plural(f) for f in (scalar, vector, row, col, matrix, tensor3, tensor4)
)

for _p, _dt in _PREFIX_DTYPES.items():
    if _dt is None:
        continue
    for _k in _KINDS:
        _f = _typed(_p, _k)
        globals()[_p + _k] = _f
        _pl = _plural(_f)
        globals()[_pl.__name__ if _k != "matrix" else _p + "matrices"] = _pl
del _p, _dt, _k, _f, _pl


def tensor(dtype: object = None, shape=None, name: str | None = None, broadcastable=None) -> Variable:
    """A symbolic input of any rank: ``tensor('float64', shape=(None, 3))``."""
    return TensorType(dtype or config.floatX, shape, broadcastable=broadcastable)(name)


def _freeze_imported_objects() -> None:
    """``config.gc_freeze``: the frontend and xDSL are loaded; move the objects
    alive now out of the cyclic collector's way (see ``symopt.config``)."""
    import gc

    from symopt.configparser import config as _config

    if _config.gc_freeze:
        gc.freeze()


_freeze_imported_objects()
