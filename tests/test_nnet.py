"""``symopt.tensor.nnet`` and ``symopt.tensor.signal.pool``: every function
against a NumPy reference (conv2d against scipy's correlate, pool_2d against a
transcription of Theano's Pool.perform), the stable rewrites (log-softmax and
crossentropy of a softmax or a sigmoid stay finite where the naive formulas give
inf), and gradients (verify_grad)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.signal import correlate

import symopt
import symopt.tensor as T
from symopt import function
from symopt.gradient import verify_grad
from symopt.tensor import nnet
from symopt.tensor.nnet import conv2d
from symopt.tensor.signal.pool import pool_2d

rng = np.random.default_rng(0)


def both(inputs, output, *args):
    native = function(inputs, output)(*args)
    reference = function(inputs, output, mode="py")(*args)
    assert_allclose(native, reference, rtol=1e-12, atol=1e-12)
    return native


def test_softmax_shapes_and_values():
    x = T.dmatrix("x")
    v = T.dvector("v")
    xv = rng.normal(size=(3, 5))
    e = np.exp(xv - xv.max(1, keepdims=True))
    assert_allclose(both([x], nnet.softmax(x), xv), e / e.sum(1, keepdims=True))
    vv = rng.normal(size=4)
    out = both([v], nnet.softmax(v), vv)
    assert out.shape == (1, 4)  # as Theano 1.0
    assert_allclose(out[0], np.exp(vv) / np.exp(vv).sum())
    assert both([v], nnet.logsoftmax(v), vv).shape == (1, 4)
    assert_allclose(both([x], nnet.logsoftmax(x), xv), np.log(e / e.sum(1, keepdims=True)))


def test_log_softmax_is_stable():
    x = T.dmatrix("x")
    xv = np.array([[0.0, 1000.0, -1000.0]])
    out = function([x], T.log(nnet.softmax(x)))(xv)
    assert np.all(np.isfinite(out))
    assert_allclose(out, [[-1000.0, 0.0, -2000.0]])
    g = function([x], T.grad(T.log(nnet.softmax(x))[0, 2], x))(xv)
    assert np.all(np.isfinite(g))
    assert_allclose(g, [[0.0, -1.0, 1.0]], atol=1e-12)


def test_categorical_crossentropy():
    p = T.dmatrix("p")
    y = T.ivector("y")
    t = T.dmatrix("t")
    pv = rng.dirichlet(np.ones(4), size=5)
    yv = np.array([0, 3, 2, 2, 1], dtype=np.int32)
    onehot = np.eye(4)[yv]
    expected = -np.log(pv[np.arange(5), yv])
    assert_allclose(both([p, y], nnet.categorical_crossentropy(p, y), pv, yv), expected)
    assert_allclose(both([p, t], nnet.categorical_crossentropy(p, t), pv, onehot), expected)
    # of a softmax: stable for logits far apart
    x = T.dmatrix("x")
    cost = nnet.categorical_crossentropy(nnet.softmax(x), y).mean()
    xv = np.array([[800.0, 0.0], [0.0, 900.0]])
    out = function([x, y], cost)(xv, np.array([1, 0], dtype=np.int32))
    assert_allclose(out, 850.0)
    g = function([x, y], T.grad(cost, x))(xv, np.array([1, 0], dtype=np.int32))
    assert_allclose(g, [[0.5, -0.5], [-0.5, 0.5]])


def test_binary_crossentropies():
    o = T.dvector("o")
    t = T.dvector("t")
    ov = rng.uniform(0.05, 0.95, size=6)
    tv = rng.uniform(size=6)
    expected = -(tv * np.log(ov) + (1 - tv) * np.log(1 - ov))
    assert_allclose(both([o, t], nnet.binary_crossentropy(o, t), ov, tv), expected)
    logits = np.log(ov / (1 - ov))
    assert_allclose(both([o, t], nnet.sigmoid_binary_crossentropy(o, t), logits, tv), expected)
    # of a sigmoid: stable
    big = np.array([-800.0, 800.0])
    out = function([o, t], nnet.binary_crossentropy(nnet.sigmoid(o), t))(big, np.array([1.0, 0.0]))
    assert_allclose(out, [800.0, 800.0])


def test_activations():
    x = T.dvector("x")
    xv = np.linspace(-6, 6, 49)
    assert_allclose(both([x], nnet.relu(x), xv), np.maximum(xv, 0))
    assert_allclose(both([x], nnet.relu(x, 0.1), xv), np.where(xv > 0, xv, 0.1 * xv))
    assert_allclose(both([x], nnet.elu(x), xv), np.where(xv > 0, xv, np.expm1(xv)))
    assert_allclose(both([x], nnet.elu(x, 0.5), xv), np.where(xv > 0, xv, 0.5 * np.expm1(xv)))
    assert_allclose(both([x], nnet.softsign(x), xv), xv / (1 + np.abs(xv)))
    assert_allclose(both([x], nnet.hard_sigmoid(x), xv), np.clip(0.2 * xv + 0.5, 0, 1))
    fast = both([x], nnet.ultra_fast_sigmoid(x), xv)
    assert np.abs(fast - 1 / (1 + np.exp(-xv))).max() < 0.03
    assert np.all(np.diff(fast) >= 0)


@pytest.mark.parametrize("name", ["relu", "elu", "softsign", "softmax", "logsoftmax"])
def test_activation_gradients(name):
    fn = getattr(nnet, name)
    verify_grad(lambda a: fn(a), [rng.normal(size=(3, 4)) + 0.1], rng=np.random.default_rng(1))


# ---------------------------------------------------------------------------
# conv2d


def conv_reference(x, w, pads, stride=(1, 1), dilation=(1, 1), flip=True):
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[0]), (pads[1], pads[1])))
    wd = np.zeros((w.shape[0], w.shape[1], (w.shape[2] - 1) * dilation[0] + 1, (w.shape[3] - 1) * dilation[1] + 1))
    wd[:, :, :: dilation[0], :: dilation[1]] = w[:, :, ::-1, ::-1] if flip else w
    batch, channels = x.shape[:2]
    rows = xp.shape[2] - wd.shape[2] + 1
    cols = xp.shape[3] - wd.shape[3] + 1
    out = np.zeros((batch, w.shape[0], rows, cols))
    for b in range(batch):
        for f in range(w.shape[0]):
            out[b, f] = sum(correlate(xp[b, c], wd[f, c], mode="valid") for c in range(channels))
    return out[:, :, :: stride[0], :: stride[1]]


@pytest.mark.parametrize(
    "border_mode, pads",
    [("valid", (0, 0)), ("full", (2, 1)), ("half", (1, 1)), (1, (1, 1)), ((2, 0), (2, 0))],
)
def test_conv2d_border_modes(border_mode, pads):
    x = T.dtensor4("x")
    w = T.dtensor4("w")
    xv = rng.normal(size=(2, 3, 7, 6))
    wv = rng.normal(size=(4, 3, 3, 2))
    out = both([x, w], conv2d(x, w, filter_shape=(4, 3, 3, 2), border_mode=border_mode), xv, wv)
    assert_allclose(out, conv_reference(xv, wv, pads))


def test_conv2d_stride_dilation_and_no_flip():
    x = T.dtensor4("x")
    w = T.TensorType("float64", (None, None, 3, 3))("w")
    xv = rng.normal(size=(1, 2, 9, 8))
    wv = rng.normal(size=(3, 2, 3, 3))
    out = both([x, w], conv2d(x, w, subsample=(2, 3)), xv, wv)
    assert_allclose(out, conv_reference(xv, wv, (0, 0), stride=(2, 3)))
    out = both([x, w], conv2d(x, w, filter_dilation=(2, 1), filter_flip=False), xv, wv)
    assert_allclose(out, conv_reference(xv, wv, (0, 0), dilation=(2, 1), flip=False))


def test_conv2d_gradient():
    w_shape = (2, 2, 2, 3)

    def fun(a, b):
        return conv2d(a, T.reshape(b, w_shape), filter_shape=w_shape, border_mode="half")

    verify_grad(fun, [rng.normal(size=(2, 2, 4, 5)), rng.normal(size=w_shape).reshape(-1)],
                rng=np.random.default_rng(2))


def test_conv2d_bad_input():
    x = T.dmatrix("x")
    w = T.dtensor4("w")
    with pytest.raises(TypeError, match="4-d"):
        conv2d(x, w, filter_shape=(1, 1, 2, 2))
    with pytest.raises(ValueError, match="filter_shape"):
        conv2d(T.dtensor4(), w)
    with pytest.raises(ValueError, match="border_mode"):
        conv2d(T.dtensor4(), w, filter_shape=(1, 1, 2, 2), border_mode="same")


# ---------------------------------------------------------------------------
# pool_2d


def pool_reference(x, ws, ignore_border, stride, pad, mode):
    """Theano's Pool.perform, transcribed."""
    h, w = x.shape[-2:]
    hp, wp = h + 2 * pad[0], w + 2 * pad[1]

    def out_size(size, k, s):
        if ignore_border:
            return (size - k) // s + 1
        if s >= k:
            return (size - 1) // s + 1
        return max(0, (size - 1 - k + s) // s) + 1

    oh, ow = out_size(hp, ws[0], stride[0]), out_size(wp, ws[1], stride[1])
    y = np.zeros(x.shape[:-2] + (hp, wp))
    y[..., pad[0] : pad[0] + h, pad[1] : pad[1] + w] = x
    func = {"max": np.max, "sum": np.sum}.get(mode, np.mean)
    inc = mode == "average_inc_pad"
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for r in range(oh):
        r0, r1 = r * stride[0], min(r * stride[0] + ws[0], hp)
        if not inc:
            r0, r1 = max(r0, pad[0]), min(r1, h + pad[0])
        for c in range(ow):
            c0, c1 = c * stride[1], min(c * stride[1] + ws[1], wp)
            if not inc:
                c0, c1 = max(c0, pad[1]), min(c1, w + pad[1])
            out[..., r, c] = func(y[..., r0:r1, c0:c1], axis=(-2, -1))
    return out


@pytest.mark.parametrize("mode", ["max", "sum", "average_inc_pad", "average_exc_pad"])
@pytest.mark.parametrize(
    "ws, ignore_border, stride, pad",
    [((2, 2), True, None, (0, 0)), ((2, 3), True, (2, 2), (1, 1)), ((3, 2), False, (2, 1), (0, 0)),
     ((2, 2), False, (3, 3), (0, 0)), ((3, 3), True, (1, 1), (2, 1))],
)
def test_pool_2d(mode, ws, ignore_border, stride, pad):
    x = T.dtensor4("x")
    xv = rng.normal(size=(2, 3, 7, 6))
    out = both([x], pool_2d(x, ws, ignore_border=ignore_border, stride=stride, pad=pad, mode=mode), xv)
    assert_allclose(out, pool_reference(xv, ws, ignore_border, stride or ws, pad, mode))


@pytest.mark.parametrize("mode", ["max", "average_exc_pad"])
def test_pool_2d_gradient(mode):
    verify_grad(lambda a: pool_2d(a, (2, 2), ignore_border=True, stride=(1, 2), mode=mode),
                [rng.normal(size=(1, 2, 4, 5))], rng=np.random.default_rng(3))


def test_pool_2d_bad_input():
    x = T.dtensor4("x")
    with pytest.raises(ValueError, match="mode"):
        pool_2d(x, (2, 2), mode="median")
    with pytest.raises(ValueError, match="ignore_border"):
        pool_2d(x, (2, 2), pad=(1, 1), ignore_border=False)
    with pytest.raises(ValueError, match="ws"):
        pool_2d(x)


def test_lenet_layer_trains():
    """conv2d + max pooling + a softmax layer learns to tell two image classes."""
    data_rng = np.random.default_rng(4)
    images = data_rng.normal(size=(40, 1, 8, 8)) * 0.1
    labels = data_rng.integers(0, 2, size=40).astype(np.int32)
    images[labels == 1, :, 2:6, 2:6] += 1.0
    w = symopt.shared(data_rng.normal(size=(4, 1, 3, 3)) * 0.3, name="w")
    v = symopt.shared(np.zeros((4 * 3 * 3, 2)), name="v")
    x = T.dtensor4("x")
    y = T.ivector("y")
    h = pool_2d(T.tanh(conv2d(x, w, filter_shape=(4, 1, 3, 3))), (2, 2), ignore_border=True)
    p = nnet.softmax(T.dot(T.flatten(h, 2), v))
    cost = nnet.categorical_crossentropy(p, y).mean()
    gw, gv = T.grad(cost, [w, v])
    train = function([x, y], cost, updates=[(w, w - 0.5 * gw), (v, v - 0.5 * gv)])
    losses = [float(train(images, labels)) for _ in range(30)]
    assert losses[-1] < 0.5 * losses[0]
    accuracy = np.mean(function([x], T.argmax(p, axis=1))(images) == labels)
    assert accuracy > 0.9
