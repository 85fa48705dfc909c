"""Theano's ``theano.tensor.signal.pool``: ``pool_2d`` over the last two
dimensions, built like ``conv2d`` from the image's windows (gathered with index
tensors) and a reduction over each window, so it has its gradient."""

from __future__ import annotations

from collections.abc import Sequence

from symopt.ir.variable import Variable
from symopt.tensor import basic
from symopt.tensor.nnet import _pad, _pair, windows
from symopt.tensor.subtensor import set_subtensor

__all__ = ["pool_2d"]

_MODES = ("max", "sum", "average_inc_pad", "average_exc_pad")


def _out_size(size: Variable, window: int, stride: int, ignore_border: bool) -> Variable:
    """Theano's output size of one pooled dimension of (padded) size ``size``."""
    if ignore_border:
        return basic.maximum((size - window) // stride + 1, 0)
    if stride >= window:
        return (size - 1) // stride + 1
    return basic.maximum((size - 1 - window + stride) // stride, 0) + 1


def pool_2d(
    input: object,  # noqa: A002 - Theano's name
    ws: Sequence[int] | None = None,
    ignore_border: bool | None = None,
    stride: Sequence[int] | None = None,
    pad: Sequence[int] = (0, 0),
    mode: str = "max",
    ds: Sequence[int] | None = None,
    st: Sequence[int] | None = None,
    padding: Sequence[int] | None = None,
) -> Variable:
    """Pool the last two dimensions of ``input`` with windows of ``ws`` moved by
    ``stride`` (``ws`` by default), after ``pad`` rows and columns of padding on
    each side.

    ``mode`` is ``'max'``, ``'sum'``, ``'average_inc_pad'`` (the mean over the
    window, padding included) or ``'average_exc_pad'`` (padding excluded). With
    ``ignore_border=False`` the windows that run over the edge are kept, clipped.
    ``ds``, ``st`` and ``padding`` are Theano's older names.

    >>> import numpy as np, symopt.tensor as T
    >>> x = T.dtensor4('x')
    >>> pool_2d(x, (2, 2), ignore_border=True).eval({x: np.arange(16.0).reshape(1, 1, 4, 4)})
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """
    ws = ws if ws is not None else ds
    stride = stride if stride is not None else st
    pad = padding if padding is not None else pad
    if ws is None:
        raise ValueError("pool_2d: give the window size ws")
    if ignore_border is None:
        ignore_border = False
    if mode not in _MODES:
        raise ValueError(f"pool_2d: mode must be one of {', '.join(_MODES)}, got {mode!r}")
    x = basic.as_tensor_variable(input)
    if x.ndim < 2:
        raise TypeError(f"pool_2d: input must have at least 2 dimensions, got {x!r}")
    kh, kw = _pair(ws, "ws")
    sh, sw = _pair(stride if stride is not None else (kh, kw), "stride")
    ph, pw = _pair(pad, "pad")
    if min(kh, kw, sh, sw) < 1 or min(ph, pw) < 0:
        raise ValueError("pool_2d: ws and stride must be positive, pad not negative")
    if (ph or pw) and not ignore_border:
        raise ValueError("pool_2d: padding works only with ignore_border=True")
    if ph >= kh or pw >= kw:
        raise ValueError("pool_2d: the padding must be smaller than the window")
    fill = float("-inf") if mode == "max" else 0.0
    h = basic.shape(x)[x.ndim - 2]
    w = basic.shape(x)[x.ndim - 1]
    hp, wp = h + 2 * ph, w + 2 * pw
    oh = _out_size(hp, kh, sh, ignore_border)
    ow = _out_size(wp, kw, sw, ignore_border)
    # extend the padded image so that every output window fits, with the fill value
    # (the part past the padded image is outside every clipped window)
    eh = basic.maximum((oh - 1) * sh + kh, hp)
    ew = basic.maximum((ow - 1) * sw + kw, wp)
    padded = _pad(basic.cast(x, x.dtype), (ph, pw), fill)
    if not ignore_border:
        shape = [basic.shape(x)[d] for d in range(x.ndim - 2)]
        big = basic.alloc(basic.cast(fill, x.dtype), *shape, eh, ew)
        lead = (slice(None),) * (x.ndim - 2)
        padded = set_subtensor(big[lead + (slice(0, hp), slice(0, wp))], padded)
    patches, _, _ = windows(padded, (kh, kw), (sh, sw))
    patches = patches[(slice(None),) * (x.ndim - 2) + (slice(0, oh), slice(None), slice(0, ow))]
    axes = [x.ndim - 1, x.ndim + 1]
    if mode == "max":
        return basic.max(patches, axis=axes)
    total = basic.sum(patches, axis=axes)
    if mode == "sum":
        return total
    # the number of elements each window averages: of the padded image (inc_pad)
    # or of the image alone (exc_pad), the windows clipped at the padded edge
    inside = basic.ones((h, w), dtype=total.dtype)
    inside = _pad(inside, (ph, pw), 1.0 if mode == "average_inc_pad" else 0.0)
    big = basic.zeros((eh, ew), dtype=total.dtype)
    counts_img = set_subtensor(big[0:hp, 0:wp], inside)
    counts, _, _ = windows(counts_img, (kh, kw), (sh, sw))
    counts = basic.sum(counts[0:oh, :, 0:ow], axis=[1, 3])
    return total / counts
