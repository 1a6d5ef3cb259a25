#!/usr/bin/python3
"""Anchor benchmark: SciPy's sparse product A @ A of the 3-D Poisson matrix (7-point FD
Laplacian, n*n*n unknowns, the matrix of petsc_poisson.py) on one core.

The matrix is built once (CSR, int32 indices); the product is timed `--reps` times after one
untimed warm-up, and the median is reported.

Usage: python3 scipy_spgemm.py --n 100 [--reps 5]
Prints one line 'RESULT {json}' with seconds (median), nnz of the product and the SciPy version.
"""
import argparse
import json
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
import scipy.sparse as sp  # noqa: E402


def laplacian(n):
    one = sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1], format="csr")
    eye = sp.identity(n, format="csr")
    a = sp.kron(sp.kron(eye, eye), one) + sp.kron(sp.kron(eye, one), eye) + sp.kron(sp.kron(one, eye), eye)
    a = a.tocsr()
    a.sort_indices()
    return a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    a = laplacian(args.n)
    c = a @ a
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        c = a @ a
        times.append(time.perf_counter() - t0)
    print("RESULT " + json.dumps(dict(code="scipy_spgemm", n=args.n, rows=a.shape[0], nnz_a=int(a.nnz),
                                      nnz_c=int(c.nnz), seconds=float(np.median(times)),
                                      scipy=scipy.__version__)))


if __name__ == "__main__":
    main()
