"""A call either happens entirely or changes nothing: no shared variable, random
stream state or ``In(update=...)`` state moves when the call raises, whether the
error is bad input, a failed run-time check, a failing host random draw, or a
Ctrl-C that arrives between the kernel and the commit (then the call completes
and the KeyboardInterrupt follows it)."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt import In, function, shared
from symopt.tensor.shared_randomstreams import RandomStreams


def _model():
    """A step that updates two variables (one in place), an input's state and a
    random stream."""
    w = shared(np.zeros(3), name="w")
    steps = shared(0, name="steps")
    x = T.dvector("x")
    acc = T.dscalar("acc")
    srng = RandomStreams(seed=7)
    noise = srng.uniform((3,))
    f = function(
        [x, In(acc, value=0.0, update=acc + x.sum())],
        (w * x).sum() + noise.sum(),
        updates=[(w, w + x), (steps, steps + 1)],
    )
    return f, w, steps, srng, noise


def _state(f, w, steps, noise):
    rng = noise.rng.get_value()
    return (w.get_value().copy(), int(steps.get_value()), f._slots[1].default[0].copy(), rng.get_state()[1].copy())


def _same(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a, b))


def test_bad_input_and_failed_check_change_nothing():
    f, w, steps, _srng, noise = _model()
    f(np.ones(3))
    before = _state(f, w, steps, noise)
    with pytest.raises(TypeError):
        f("not numbers")
    with pytest.raises(ValueError, match="shape mismatch"):
        f(np.ones(4))  # the size check fails inside the kernel
    assert _same(_state(f, w, steps, noise), before)
    f(np.ones(3))
    assert not _same(_state(f, w, steps, noise), before)


def test_failing_host_draw_changes_nothing():
    srng = RandomStreams(seed=3)
    p = T.dscalar("p")
    v = shared(1.0, name="v")
    f = function([p], srng.binomial((2,), p=p), updates=[(v, v * 2)])
    state = srng.state_updates[0][0].get_value().get_state()[1].copy()
    with pytest.raises(ValueError, match="binomial"):
        f(1.5)  # p > 1: NumPy's draw fails
    assert np.array_equal(srng.state_updates[0][0].get_value().get_state()[1], state)
    assert v.get_value() == 1.0
    f(0.5)
    assert v.get_value() == 2.0


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="needs POSIX signals")
def test_ctrl_c_between_kernel_and_commit():
    f, w, steps, _srng, noise = _model()
    executor = f._compiled.executor
    real = type(executor).__call__

    class Interrupted:
        """The executor, with a Ctrl-C delivered right after the kernel returns."""

        def __init__(self, inner):
            self.inner = inner
            self.fresh_results = getattr(inner, "fresh_results", False)

        def __call__(self, arrays, storage):
            out = real(self.inner, arrays, storage)
            os.kill(os.getpid(), signal.SIGINT)
            return out

    f._compiled.executor = Interrupted(executor)
    before = _state(f, w, steps, noise)
    with pytest.raises(KeyboardInterrupt):
        f(np.ones(3))
    after = _state(f, w, steps, noise)
    # the call completed: every piece of state moved together
    assert np.array_equal(after[0], before[0] + 1)
    assert after[1] == before[1] + 1
    assert after[2] == before[2] + 3
    assert not np.array_equal(after[3], before[3])
    f._compiled.executor = executor
    f(np.ones(3))
    assert int(steps.get_value()) == before[1] + 2
    # outside a call, Ctrl-C interrupts at once, as Python's own handler does
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass
