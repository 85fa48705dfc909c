"""symopt.misc.pkl_utils: pickles with their arrays as .npy files."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

import symopt
import symopt.tensor as T
from symopt.misc.pkl_utils import dump, load


def test_model_and_function_round_trip(tmp_path) -> None:
    w = symopt.shared(np.arange(12.0).reshape(3, 4), name="w")
    b = symopt.shared(np.zeros(4, np.float32), name="b")
    x = T.dmatrix("x")
    f = symopt.function([x], T.dot(x, w) + b, updates=[(b, b + 1)])
    path = tmp_path / "model.zip"
    dump({"w": w, "b": b, "f": f, "plain": np.array([1, 2, 3])}, str(path))
    names = zipfile.ZipFile(path).namelist()
    assert "pkl" in names and sum(n.endswith(".npy") for n in names) >= 3
    for n in names:  # every array is readable by NumPy alone, without pickle
        if n.endswith(".npy"):
            np.load(io.BytesIO(zipfile.ZipFile(path).read(n)), allow_pickle=False)
    m = load(str(path))
    np.testing.assert_array_equal(m["w"].get_value(), w.get_value())
    assert m["b"].get_value().dtype == np.float32
    out = m["f"](np.ones((2, 3)))
    np.testing.assert_array_equal(out, np.ones((2, 3)) @ w.get_value())
    np.testing.assert_array_equal(m["b"].get_value(), np.ones(4))  # the loaded f updates the loaded b
    np.testing.assert_array_equal(b.get_value(), np.zeros(4))
    np.testing.assert_array_equal(m["plain"], [1, 2, 3])


def test_file_objects_and_shared_arrays() -> None:
    a = np.arange(5.0)
    buffer = io.BytesIO()
    dump([a, a, {"k": a}], buffer)
    buffer.seek(0)
    x, y, z = load(buffer)
    assert x is y and y is z["k"]
    np.testing.assert_array_equal(x, a)


def test_not_an_archive() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("other", b"")
    buffer.seek(0)
    with pytest.raises(ValueError, match="no 'pkl' member"):
        load(buffer)
