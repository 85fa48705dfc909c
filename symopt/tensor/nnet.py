"""Theano's ``theano.tensor.nnet``: nonlinearities, softmax, the cross-entropy
losses and ``conv2d``.

Everything here is built from the tensor functions (elementwise ops, reductions,
advanced indexing, ``dot``), so each function has its gradient and lowers through
the same passes. ``sym-stabilize`` rewrites ``log(softmax(x))`` into
``x - max - log(sum(exp(x - max)))`` and ``log(sigmoid(x))`` into a softplus, so
the cross-entropies of softmax and sigmoid outputs are stable.
"""

from __future__ import annotations

from collections.abc import Sequence

from symopt.ir.variable import Variable
from symopt.tensor import basic
from symopt.tensor.basic import sigmoid, softplus
from symopt.tensor.subtensor import set_subtensor

__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "conv2d", "elu", "hard_sigmoid",
    "logsoftmax", "relu", "sigmoid", "sigmoid_binary_crossentropy", "softmax",
    "softplus", "softsign", "ultra_fast_sigmoid",
]  # fmt: skip


def _float(x: object) -> Variable:
    v = basic.as_tensor_variable(x)
    return basic.cast(v, basic.upgrade_to_float(v.dtype))


def relu(x: object, alpha: float = 0.0) -> Variable:
    """Rectified linear unit: ``max(x, 0)``, or ``x`` scaled by ``alpha`` below 0."""
    v = basic.as_tensor_variable(x)
    if isinstance(alpha, (int, float)) and alpha == 0:
        return basic.maximum(v, 0)
    return basic.switch(basic.gt(v, 0), v, basic.mul(v, alpha))


def elu(x: object, alpha: float = 1.0) -> Variable:
    """Exponential linear unit: ``x`` above 0, ``alpha * (exp(x) - 1)`` below."""
    v = _float(x)
    return basic.switch(basic.gt(v, 0), v, basic.mul(alpha, basic.expm1(v)))


def softsign(x: object) -> Variable:
    """``x / (1 + |x|)``."""
    v = _float(x)
    return v / (1 + basic.abs_(v))


def hard_sigmoid(x: object) -> Variable:
    """The piecewise-linear sigmoid ``clip(0.2 * x + 0.5, 0, 1)``."""
    v = _float(x)
    return basic.clip(v * 0.2 + 0.5, 0, 1)


def ultra_fast_sigmoid(x: object) -> Variable:
    """Theano's piecewise approximation of the sigmoid (within about 0.02): in
    ``t = |x| / 2``, ``1.5 t / (1 + t)`` below 1.7, a line up to 3, then a constant."""
    v = _float(x)
    t = basic.abs_(v) * 0.5
    z = basic.switch(
        basic.lt(t, 1.7),
        1.5 * t / (1 + t),
        basic.switch(basic.lt(t, 3), 0.935409070603099 + 0.0458812946797165 * (t - 1.7), 0.99505475368673),
    )
    z = basic.switch(basic.ge(v, 0), z, -z)
    return 0.5 * (z + 1)


def _rows(x: object, what: str) -> Variable:
    """``x`` as a float tensor; a vector becomes one row, as Theano 1.0's softmax
    ops do."""
    v = _float(x)
    if v.ndim == 0:
        raise ValueError(f"{what} needs a tensor of rank >= 1, got {v!r}")
    if v.ndim == 1:
        v = basic.dimshuffle(v, ["x", 0])
    return v


def softmax(x: object, axis: int = -1) -> Variable:
    """``exp(x) / sum(exp(x))`` along ``axis`` (the last by default), computed with
    the maximum subtracted first so that it never overflows. A vector gives one
    row (shape ``(1, n)``), as in Theano 1.0."""
    v = _rows(x, "softmax")
    shifted = v - basic.max(v, axis=axis, keepdims=True)
    e = basic.exp(shifted)
    return e / basic.sum(e, axis=axis, keepdims=True)


def logsoftmax(x: object, axis: int = -1) -> Variable:
    """``log(softmax(x))``, computed stably as ``x - max - log(sum(exp(x - max)))``
    (a vector gives one row)."""
    v = _rows(x, "logsoftmax")
    shifted = v - basic.max(v, axis=axis, keepdims=True)
    return shifted - basic.log(basic.sum(basic.exp(shifted), axis=axis, keepdims=True))


def categorical_crossentropy(coding_dist: object, true_dist: object) -> Variable:
    """The cross-entropy of each row of ``coding_dist`` (probabilities) with its
    target: an integer class per row (a vector) or a distribution per row (a
    matrix, e.g. one-hot). ``-log(p[i, y[i]])`` or ``-sum(t * log(p), axis=1)``."""
    p = _float(coding_dist)
    t = basic.as_tensor_variable(true_dist)
    if p.ndim != 2:
        if p.ndim == 1 and t.ndim == 1 and t.dtype in basic.FLOAT_DTYPES:
            return -basic.sum(t * basic.log(p))
        raise TypeError(f"categorical_crossentropy: coding_dist must be a matrix, got {p!r}")
    if t.ndim == 1 and t.dtype in basic.INT_DTYPES:
        rows = basic.arange(basic.shape(t)[0])
        return -basic.log(p)[rows, t]
    if t.ndim == 2:
        return -basic.sum(basic.cast(t, p.dtype) * basic.log(p), axis=1)
    raise TypeError(
        "categorical_crossentropy: true_dist must be a vector of class indices or a "
        f"matrix of distributions, got {t!r}"
    )


def binary_crossentropy(output: object, target: object) -> Variable:
    """``-(target * log(output) + (1 - target) * log(1 - output))``, elementwise; of
    a sigmoid, stabilized into softplus terms."""
    o = _float(output)
    t = basic.cast(basic.as_tensor_variable(target), o.dtype)
    return -(t * basic.log(o) + (1 - t) * basic.log(1 - o))


def sigmoid_binary_crossentropy(output: object, target: object) -> Variable:
    """``binary_crossentropy(sigmoid(output), target)`` from the logits
    ``output``: ``target * softplus(-output) + (1 - target) * softplus(output)``."""
    o = _float(output)
    t = basic.cast(basic.as_tensor_variable(target), o.dtype)
    return t * softplus(-o) + (1 - t) * softplus(o)


# ---------------------------------------------------------------------------
# convolution


def _pair(value: object, what: str) -> tuple[int, int]:
    if isinstance(value, int):
        return (value, value)
    try:
        a, b = value  # type: ignore[misc]
        return (int(a), int(b))
    except (TypeError, ValueError):
        raise TypeError(f"conv2d: {what} must be an int or a pair of ints, got {value!r}") from None


def windows(
    x: Variable, size: tuple[int, int], stride: tuple[int, int],
    dilation: tuple[int, int] = (1, 1),
) -> tuple[Variable, Variable, Variable]:  # fmt: skip
    """The sliding windows of the last two dimensions of ``x`` (..., H, W):
    ``(..., oh, kh, ow, kw)`` gathered with index tensors, and the output sizes
    ``oh``, ``ow`` (windows that fit entirely)."""
    kh, kw = size
    sh, sw = stride
    dh, dw = dilation
    h = basic.shape(x)[x.ndim - 2]
    w = basic.shape(x)[x.ndim - 1]
    oh = basic.maximum((h - (kh - 1) * dh - 1) // sh + 1, 0)
    ow = basic.maximum((w - (kw - 1) * dw - 1) // sw + 1, 0)
    rows = basic.dimshuffle(basic.arange(oh) * sh, [0, "x"]) + basic.dimshuffle(basic.arange(kh) * dh, ["x", 0])
    cols = basic.dimshuffle(basic.arange(ow) * sw, [0, "x"]) + basic.dimshuffle(basic.arange(kw) * dw, ["x", 0])
    lead = (slice(None),) * (x.ndim - 2)
    patches = x[lead + (basic.dimshuffle(rows, [0, 1, "x", "x"]), basic.dimshuffle(cols, ["x", "x", 0, 1]))]
    return patches, oh, ow


def _pad(x: Variable, pads: tuple[int, int], value: float = 0.0) -> Variable:
    """``x`` with ``pads`` rows and columns of ``value`` added on both sides of its
    last two dimensions."""
    ph, pw = pads
    if ph == 0 and pw == 0:
        return x
    shape = [basic.shape(x)[d] for d in range(x.ndim)]
    big = basic.alloc(basic.cast(value, x.dtype), *shape[:-2], shape[-2] + 2 * ph, shape[-1] + 2 * pw)
    lead = (slice(None),) * (x.ndim - 2)
    return set_subtensor(big[lead + (slice(ph, shape[-2] + ph), slice(pw, shape[-1] + pw))], x)


def conv2d(
    input: object,  # noqa: A002 - Theano's name
    filters: object,
    input_shape: Sequence[object] | None = None,
    filter_shape: Sequence[object] | None = None,
    border_mode: object = "valid",
    subsample: tuple[int, int] = (1, 1),
    filter_flip: bool = True,
    image_shape: Sequence[object] | None = None,
    filter_dilation: tuple[int, int] = (1, 1),
    **kwargs: object,
) -> Variable:
    """Theano's ``conv2d``: ``input`` (batch, channels, rows, columns) convolved with
    ``filters`` (output channels, channels, rows, columns) into (batch, output
    channels, out rows, out columns).

    ``border_mode`` is ``'valid'`` (windows inside the image), ``'full'`` (every
    overlap), ``'half'`` (padding of half the filter: same size for odd filters), an
    int or a pair of ints (explicit zero padding). ``subsample`` is the stride,
    ``filter_dilation`` the dilation; ``filter_flip`` (the default) flips the
    filters, which makes this a convolution rather than a correlation.
    ``input_shape``/``filter_shape`` are accepted for compatibility (the sizes are
    checked at run time anyway).

    It gathers the image's windows (im2col) and multiplies them by the filters
    with one BLAS matrix product.
    """
    if kwargs:
        unknown = ", ".join(sorted(kwargs))
        raise TypeError(f"conv2d: unexpected arguments {unknown}")
    x = _float(input)
    w = basic.cast(basic.as_tensor_variable(filters), x.dtype)
    if x.ndim != 4 or w.ndim != 4:
        raise TypeError(
            f"conv2d: input and filters must be 4-d (batch, channels, rows, columns), got "
            f"{x!r} and {w!r}"
        )
    stride = _pair(subsample, "subsample")
    dilation = _pair(filter_dilation, "filter_dilation")
    if min(stride) < 1 or min(dilation) < 1:
        raise ValueError("conv2d: subsample and filter_dilation must be positive")
    def filter_size(d: int) -> int | None:
        """The filters' size in dimension ``d``: static, or given by filter_shape."""
        if w.static_shape[d] is not None:
            return w.static_shape[d]
        given = filter_shape[d] if filter_shape is not None else None
        return None if given is None else int(given)  # type: ignore[arg-type]

    kh, kw = filter_size(2), filter_size(3)
    if kh is None or kw is None:
        raise ValueError(
            "conv2d: the filters' rows and columns must be known: give filter_shape or "
            "filters of static size"
        )
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if border_mode == "valid":
        pads = (0, 0)
    elif border_mode == "full":
        pads = (eh - 1, ew - 1)
    elif border_mode == "half":
        pads = (eh // 2, ew // 2)
    elif isinstance(border_mode, (int, tuple)):
        pads = _pair(border_mode, "border_mode")
        if min(pads) < 0:
            raise ValueError(f"conv2d: negative padding {border_mode!r}")
    else:
        raise ValueError(
            f"conv2d: border_mode must be 'valid', 'full', 'half', an int or a pair, got "
            f"{border_mode!r}"
        )
    if filter_flip:
        w = w[:, :, ::-1, ::-1]
    padded = _pad(x, pads)
    patches, oh, ow = windows(padded, (kh, kw), stride, dilation)  # (B, C, oh, kh, ow, kw)
    b = basic.shape(x)[0]
    c = basic.shape(x)[1]
    f = basic.shape(w)[0]
    cols = basic.reshape(basic.dimshuffle(patches, [0, 2, 4, 1, 3, 5]), [b * oh * ow, c * kh * kw])
    kernel = basic.reshape(w, [f, c * kh * kw])
    out = basic.dot(cols, basic.transpose(kernel))  # (B*oh*ow, F)
    return basic.dimshuffle(basic.reshape(out, [b, oh, ow, f]), [0, 3, 1, 2])
