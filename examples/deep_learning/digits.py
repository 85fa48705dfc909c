"""Handwriting-like digit images, generated: the data of the deep-learning examples.

No download: each digit 0-9 is drawn from a 5x7 bitmap font, scaled, shifted,
slanted and thickened at random and blurred with noise into a 28x28 grayscale
image in [0, 1], like MNIST's. ``load_data`` returns MNIST's three splits as
``(images, labels)`` pairs (images flattened to 784 floats, labels int32), the
same shapes as the ``mnist.pkl.gz`` the Theano deep-learning tutorials load.
"""

from __future__ import annotations

import numpy as np

_FONT = {
    0: ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    1: ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    2: ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    3: ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    4: ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    5: ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    6: ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    7: ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    8: ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    9: ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
}
_GLYPHS = {d: np.array([[c == "1" for c in row] for row in rows], dtype=np.float64) for d, rows in _FONT.items()}


def _render(digit: int, rng: np.random.Generator) -> np.ndarray:
    """One 28x28 image of ``digit``."""
    glyph = _GLYPHS[digit]
    scale = rng.uniform(2.3, 3.0)
    slant = rng.uniform(-0.3, 0.3)
    height, width = 7 * scale, 5 * scale
    top = rng.uniform(1, 27 - height)
    left = rng.uniform(1, 27 - width)
    rows, cols = np.mgrid[0:28, 0:28].astype(np.float64)
    # where each pixel falls in the glyph (inverse transform), nearest glyph cell
    gy = (rows - top) / scale
    gx = (cols - left - slant * (rows - top)) / scale
    iy, ix = np.floor(gy).astype(int), np.floor(gx).astype(int)
    inside = (iy >= 0) & (iy < 7) & (ix >= 0) & (ix < 5)
    image = np.zeros((28, 28))
    image[inside] = glyph[iy[inside], ix[inside]]
    # thicken or thin the strokes, blur a little, add noise
    image = np.clip(image + rng.uniform(-0.2, 0.2), 0, 1)
    blurred = image.copy()
    blurred[1:] += 0.3 * image[:-1]
    blurred[:, 1:] += 0.3 * image[:, :-1]
    blurred = blurred / blurred.max() if blurred.max() > 0 else blurred
    noisy = blurred + rng.normal(0, 0.1, size=(28, 28))
    return np.clip(noisy, 0, 1)


def make(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (n x 784 float64) and their labels (int32), balanced."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % 10).astype(np.int32)
    images = np.stack([_render(int(d), rng).reshape(-1) for d in labels])
    return images, labels


def load_data(n_train: int = 5000, n_valid: int = 1000, n_test: int = 1000, seed: int = 0):  # type: ignore[no-untyped-def]
    """``[(train_x, train_y), (valid_x, valid_y), (test_x, test_y)]``."""
    return [
        make(n_train, seed),
        make(n_valid, seed + 1),
        make(n_test, seed + 2),
    ]
