"""Resident memory of a process that builds, calls and drops 2,000 distinct
compiled functions (the reliability issue's target: under 100 MiB), with the
disk cache off so that every one is compiled:

    python benchmarks/memory.py [--functions 2000]
"""

from __future__ import annotations

import argparse
import gc
import os
import time

import numpy as np


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--functions", type=int, default=2000)
    args = parser.parse_args()

    import symopt
    import symopt.tensor as T

    symopt.config.cache_dir = ""
    x = T.dvector("x")

    def one(k: int) -> None:
        f = symopt.function([x], T.exp(x) * (k + 0.5) + k)
        f(np.ones(3))

    for k in range(100):  # warm up: imports, first allocations
        one(k)
    gc.collect()
    base, start = rss_mib(), time.perf_counter()
    for k in range(100, 100 + args.functions):
        one(k)
    gc.collect()
    seconds = time.perf_counter() - start
    print(f"{args.functions} distinct functions: RSS +{rss_mib() - base:.1f} MiB, {seconds / args.functions * 1e3:.1f} ms each")


if __name__ == "__main__":
    main()
