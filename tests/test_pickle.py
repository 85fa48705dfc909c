"""pickle round trips: shared variables, compiled functions, whole models, in
another process."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt import In
from symopt.tensor.shared_randomstreams import RandomStreams


def test_shared_variables_keep_value_type_name_and_flags() -> None:
    for value, kwargs in [(np.arange(6.0).reshape(2, 3), {}), (np.int32(7), {"strict": True}),
                          (np.ones((1, 3), np.float32), {"broadcastable": (True, False)})]:  # fmt: skip
        s = symopt.shared(value, name="v", **kwargs)
        t = pickle.loads(pickle.dumps(s))
        assert t.type == s.type and t.name == "v" and t.strict == s.strict
        np.testing.assert_array_equal(t.get_value(), s.get_value())
        assert t.get_value().dtype == s.get_value().dtype


@pytest.mark.filterwarnings("ignore:pickling shared variable")
@pytest.mark.parametrize("mode", ["native", "py"])
def test_function_with_updates_defaults_and_draws(mode: str) -> None:
    x = T.dvector("x")
    a = T.dscalar("a")
    acc = T.dscalar("acc")
    w = symopt.shared(np.zeros(3), name="w")
    srng = RandomStreams(seed=3)
    f = symopt.function(
        [x, In(a, value=2.0), In(acc, value=0.0, update=acc + 1)],
        [x * a + w, srng.uniform((2,)), acc],
        updates=[(w, w + x)], mode=mode, name="step",
    )  # fmt: skip
    f(np.ones(3))
    blob = pickle.dumps({"f": f, "w": w})
    expected = [f(np.ones(3)) for _ in range(2)]
    restored = pickle.loads(blob)
    g, w2 = restored["f"], restored["w"]
    got = [g(np.ones(3)) for _ in range(2)]
    for e, r in zip(expected, got):
        for u, v in zip(e, r):
            np.testing.assert_array_equal(u, v)  # draws continue from the pickled state
    np.testing.assert_array_equal(w2.get_value(), w.get_value())
    assert g.name == "step"
    before = w2.get_value()
    np.testing.assert_array_equal(g(np.ones(3), a=0.0)[0], before)  # x * 0 + w
    np.testing.assert_array_equal(w2.get_value(), before + 1)  # the loaded update


def test_model_round_trips_through_another_process(tmp_path) -> None:
    rng = np.random.RandomState(0)
    x, y = T.dmatrix("x"), T.dvector("y")
    w = symopt.shared(rng.randn(4) * 0.1, name="w")
    b = symopt.shared(0.0, name="b")
    p = 1 / (1 + T.exp(-T.dot(x, w) - b))
    cost = (-y * T.log(p) - (1 - y) * T.log(1 - p)).mean()
    gw, gb = T.grad(cost, [w, b])
    train = symopt.function([x, y], cost, updates=[(w, w - 0.1 * gw), (b, b - 0.1 * gb)])
    X, Y = rng.randn(8, 4), (rng.rand(8) > 0.5).astype(float)
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"train": train, "w": w, "b": b, "X": X, "Y": Y}))
    expected = [train(X, Y) for _ in range(3)]
    code = (
        "import pickle, sys, numpy as np\n"
        f"m = pickle.loads(open({str(path)!r}, 'rb').read())\n"
        "out = [float(m['train'](m['X'], m['Y'])) for _ in range(3)]\n"
        "print(repr(out), repr(m['w'].get_value().tolist()))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    out, w_after = proc.stdout.strip().split("] [")
    assert eval(out + "]") == [float(e) for e in expected]
    assert eval("[" + w_after) == w.get_value().tolist()


def test_default_update_is_not_pickled_with_a_warning() -> None:
    srng = RandomStreams(seed=1)
    u = srng.uniform((2,))
    with pytest.warns(UserWarning, match="default update"):
        blob = pickle.dumps(u.rng)
    restored = pickle.loads(blob)
    assert restored.default_update is None
    np.testing.assert_array_equal(restored.get_value().randint(100, size=5), u.rng.get_value().randint(100, size=5))
