#!/usr/bin/python3
"""Anchor benchmark: latency of a one-sided get of 10 float64 from another rank, with mpi4py.

Window: MPI.Win.Allocate of 1024 float64 per rank (disp_unit 8). Every rank gets 10 values at
offset 100 from rank (rank + 1) % size, each get timed individually with MPI.Wtime after a
warm-up; the per-rank median is taken, then the max over ranks is reported (as mpi_latency.py).
Two protocols:
  * lock_get_unlock:  Win.Lock(target, SHARED) / Get / Win.Unlock(target) per get;
  * lockall_get_flush: one Win.Lock_all for the loop, Get + Win.Flush(target) per get
    (the protocol of the partitioned-arrays MPI backend).

Usage: mpirun -n 2 python3 bench/anchors/rma_latency.py [--iters 20000]
Prints a readable block and one line 'RESULT {json}'.
"""
import argparse
import json

import numpy as np
from mpi4py import MPI

N = 1024
COUNT = 10
OFFSET = 100


def timed(comm, iters, warm, op):
    for _ in range(warm):
        op()
    comm.Barrier()
    samples = np.empty(iters)
    wt = MPI.Wtime
    start = wt()
    for i in range(iters):
        t0 = wt()
        op()
        samples[i] = wt() - t0
    mean = (wt() - start) / iters
    medians = comm.allgather(float(np.median(samples)))
    means = comm.allgather(mean)
    return dict(median_max_over_ranks=max(medians), median_rank0=medians[0],
                mean_max_over_ranks=max(means), iters=iters)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iters", type=int, default=20000)
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    rank, size = comm.rank, comm.size
    target = (rank + 1) % size
    win = MPI.Win.Allocate(N * 8, 8, comm=comm)
    memory = np.frombuffer(win.tomemory(), dtype=np.float64, count=N)
    win.Lock(rank, MPI.LOCK_EXCLUSIVE)
    memory[:] = rank * 10000 + np.arange(N)
    win.Unlock(rank)
    comm.Barrier()
    out = np.empty(COUNT)
    warm = max(100, args.iters // 10)

    def lock_get_unlock():
        win.Lock(target, MPI.LOCK_SHARED)
        win.Get(out, target, (OFFSET, COUNT, MPI.DOUBLE))
        win.Unlock(target)

    def get_flush():
        win.Get(out, target, (OFFSET, COUNT, MPI.DOUBLE))
        win.Flush(target)

    results = {}
    results["lock_get_unlock"] = timed(comm, args.iters, warm, lock_get_unlock)
    assert out[0] == target * 10000 + OFFSET and out[-1] == target * 10000 + OFFSET + COUNT - 1
    win.Lock_all()
    results["lockall_get_flush"] = timed(comm, args.iters, warm, get_flush)
    win.Unlock_all()
    assert out[0] == target * 10000 + OFFSET
    win.Free()
    if rank == 0:
        for name, r in results.items():
            print(f"mpi4py {name}: median {r['median_max_over_ranks'] * 1e6:.2f} us (max over ranks)")
        print("RESULT " + json.dumps(dict(code="mpi4py_rma", np=size, count=COUNT, **results)))


if __name__ == "__main__":
    main()
