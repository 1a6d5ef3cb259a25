#!/usr/bin/python3
"""IO anchor for bench/io.ts: the Python tools writing and reading the same data as the library,
on one process: numpy tofile/fromfile (flat binary), h5py (contiguous float64 dataset), petsc4py
(binary Vec and Mat view/load), SciPy mmwrite/mmread (Matrix Market). Data: a vector of
--vector-n random float64 values; the 7-point Poisson matrix on --poisson-n^3 unknowns (PETSc) and
--mm-n^3 (Matrix Market, whose SciPy 1.10 writer and reader are slow); a --mm-vector-n vector for
Matrix Market. Each operation is timed --rounds times; the best time is reported (seconds) with the
file size, in one line 'RESULT {json}'.

With --serve, the data is built once, then 'ready' and the case names are printed (one JSON line)
and each line read from stdin, '<case index> write' or '<case index> read', runs that operation once
and prints its time in seconds and the file's size (one JSON line): bench/io.ts then alternates
these rounds with its own in the same minute, so that neither side is timed at a better moment of
the machine than the other."""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy.io
import scipy.sparse


def poisson(n):
    one = scipy.sparse.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1])
    eye = scipy.sparse.eye(n)
    A = (scipy.sparse.kron(scipy.sparse.kron(eye, eye), one) + scipy.sparse.kron(scipy.sparse.kron(eye, one), eye)
         + scipy.sparse.kron(scipy.sparse.kron(one, eye), eye)).tocsr()
    A.sort_indices()
    return A


def plain_malloc():
    """Gives malloc back its defaults after petsc4py has initialized MPI. Open MPI's memory hooks
    turn off mmap for large blocks and never trim the heap, so in this process every array numpy
    and h5py return (80 MB here) came from heap memory freed by the previous round, already
    faulted in: np.fromfile then timed a copy into resident memory (5.6-6.4 ms for 80 MB in
    bench/io.ts's run of 09:20), where numpy alone, as a user runs it, maps fresh memory
    (madvised onto huge pages) and fills it (19-20 ms against 10-11 with the hooks, same machine,
    same minute). The library cannot read into recycled memory: every result is a fresh,
    zero-filled buffer. So the anchor measures numpy, h5py and SciPy as they run without MPI;
    the PETSc cases lose nothing (COMM_SELF, no network registration to keep).

    Any mallopt call turns off glibc's sliding thresholds for good (the hooks' calls already did),
    so the values set are where the sliding ones settle in a loop of these reads: freeing a mapped
    block raises the mmap threshold to its size, at most 32 MiB, and the trim threshold to twice
    that. Blocks below 32 MiB then come from the heap, already resident, as in a plain process's
    second round; the 80 MB arrays are mapped fresh each time, as there."""
    import ctypes
    libc = ctypes.CDLL(None)
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_MMAP_MAX = -1, -3, -4
    settled = 32 * 1024 * 1024
    for option, value in ((M_MMAP_MAX, 65536), (M_MMAP_THRESHOLD, settled), (M_TRIM_THRESHOLD, 2 * settled)):
        if libc.mallopt(option, value) != 1:
            raise RuntimeError(f"mallopt({option}, {value}) failed")


def best(rounds, f):
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--vector-n", type=int, default=10**7)
    ap.add_argument("--poisson-n", type=int, default=100)
    ap.add_argument("--mm-n", type=int, default=50)
    ap.add_argument("--mm-vector-n", type=int, default=10**6)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    sys.argv = sys.argv[:1]
    import h5py
    import petsc4py
    petsc4py.init()
    from petsc4py import PETSc
    plain_malloc()

    d = args.dir
    rng = np.random.default_rng(1)
    v = rng.standard_normal(args.vector_n)
    cases = []

    def record(name, write, read, path):
        cases.append((name, write, read, path))

    flat = f"{d}/py-v.f64"
    record("vector flat binary", lambda: v.tofile(flat), lambda: np.fromfile(flat, "<f8"), flat)

    h5 = f"{d}/py-v.h5"

    def h5_write():
        with h5py.File(h5, "w") as f:
            f.create_dataset("v", data=v)

    def h5_read():
        with h5py.File(h5, "r") as f:
            return f["v"][...]

    record("vector HDF5", h5_write, h5_read, h5)

    pv = PETSc.Vec().createWithArray(v, comm=PETSc.COMM_SELF)
    pvec = f"{d}/py-v.petsc"
    record("vector PETSc binary",
           lambda: pv.view(PETSc.Viewer().createBinary(pvec, "w", comm=PETSc.COMM_SELF)),
           lambda: PETSc.Vec().load(PETSc.Viewer().createBinary(pvec, "r", comm=PETSc.COMM_SELF)), pvec)

    P = poisson(args.poisson_n)
    A = PETSc.Mat().createAIJ(P.shape, csr=(P.indptr.astype(PETSc.IntType), P.indices.astype(PETSc.IntType), P.data), comm=PETSc.COMM_SELF)
    A.assemble()
    pmat = f"{d}/py-A.petsc"
    record(f"Poisson n={args.poisson_n} PETSc binary",
           lambda: A.view(PETSc.Viewer().createBinary(pmat, "w", comm=PETSc.COMM_SELF)),
           lambda: PETSc.Mat().load(PETSc.Viewer().createBinary(pmat, "r", comm=PETSc.COMM_SELF)), pmat)

    M = poisson(args.mm_n)
    mmat = f"{d}/py-A.mtx"
    record(f"Poisson n={args.mm_n} Matrix Market", lambda: scipy.io.mmwrite(mmat, M), lambda: scipy.io.mmread(mmat), mmat)

    mv = v[: args.mm_vector_n].reshape(-1, 1)
    mvec = f"{d}/py-v.mtx"
    record(f"vector n={args.mm_vector_n} Matrix Market", lambda: scipy.io.mmwrite(mvec, mv), lambda: scipy.io.mmread(mvec), mvec)

    if args.serve:
        print(json.dumps({"ready": [name for name, _, _, _ in cases]}), flush=True)
        for line in sys.stdin:
            index, op = line.split()
            name, write, read, path = cases[int(index)]
            seconds = best(1, write if op == "write" else read)
            print(json.dumps({"seconds": seconds, "bytes": os.path.getsize(path)}), flush=True)
        return
    results = []
    for name, write, read, path in cases:
        w = best(args.rounds, write)
        r = best(args.rounds, read)
        results.append({"case": name, "write_s": w, "read_s": r, "bytes": os.path.getsize(path)})
    print("RESULT " + json.dumps({"code": "io_python", "results": results}))


if __name__ == "__main__":
    main()
