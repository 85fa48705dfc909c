"""The differential tests again with every parallel loop split over threads.

Large loops run on several threads, but the differential tests use small arrays,
below the work a thread is made for. Here that threshold is one iteration and
``config.threads`` is 3, so every map and every reduction that keeps dimensions
runs in chunks (including in-place updates of shared variables and loops over
views): any chunk that read what another writes, or a split that changed which
code computes an element, shows up as a difference from the reference executor
or from the unsplit bits. ``SYMOPT_FUZZ_EXAMPLES`` raises the number of cases.
"""

from __future__ import annotations

import pytest
import test_differential
import test_differential_ops

import symopt
from symopt.runtime import native


@pytest.fixture(autouse=True)
def split_everything():  # type: ignore[no-untyped-def]
    threads, work = symopt.config.threads, native.parallel_min_work()
    symopt.config.threads = 3
    native.parallel_min_work(1)
    yield
    symopt.config.threads = threads
    native.parallel_min_work(work)


@pytest.mark.parametrize(
    "test",
    [
        test_differential.test_float_elementwise_chains,
        test_differential.test_integer_elementwise_chains,
        test_differential.test_reductions_over_random_axes,
        test_differential.test_dot_all_ranks,
        test_differential.test_indexing_and_shapes,
        test_differential_ops.test_every_op_dtype_and_layout,
    ],
    ids=lambda t: t.__name__,
)
def test_split_over_threads(test) -> None:  # type: ignore[no-untyped-def]
    test()


@pytest.mark.parametrize("layout", test_differential_ops.LAYOUTS)
def test_shared_updates_through_views_split_over_threads(layout: str) -> None:
    test_differential_ops.test_shared_updates_that_read_their_own_variable_through_views(layout)


def test_bad_min_work_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1 iteration"):
        native.parallel_min_work(0)
