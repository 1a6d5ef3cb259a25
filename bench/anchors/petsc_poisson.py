#!/usr/bin/python3
"""Anchor benchmark: 3D Poisson (7-point FD Laplacian) with PETSc via petsc4py.

(partitioned-arrays' copy of ../shared/anchors/petsc_poisson.py for bench/run.ts, with two more
RESULT fields: assembly_peak_bytes, the peak resident memory (VmHWM) right after assembly minus
the resident memory (VmRSS) before the CSR build, summed over ranks; and job_s, the whole job
assembly_s + ksp_setup_s + solve_s. Everything else is unchanged.)

Matrix: n*n*n interior unknowns, lexicographic ordering g = i + n*j + n*n*k
(i fastest), Dirichlet boundary eliminated, 6 on the diagonal, -1 for each of
the (up to) 6 neighbours, column indices ascending within a row.
RHS: b = 1 (all ones).  x0 = 0.
Solver: KSP CG + PC Jacobi, rtol=1e-8, atol=0, max_it=10000 (PETSc default
norm type for CG = PRECONDITIONED; with a constant diagonal of 6 the relative
preconditioned and unpreconditioned residual criteria are identical).
Distribution: PETSc default contiguous row blocks (PETSC_DECIDE), i.e. z-slabs.
Assembly: every rank builds only its own rows (numpy, vectorised), then
MatSetValues row by row (petsc4py setValuesCSR) into a preallocated MPIAIJ
matrix, then MatAssemblyBegin/End.

SpMV traffic model (stated, not measured):
    bytes = 12 * nnz + 24 * nrows
    (8 B value + 4 B int32 column index per nonzero; per row 8 B x read,
     8 B y write, 8 B row pointer/row bookkeeping; perfect x reuse, no
     write-allocate traffic counted).

Usage: mpirun -np P /usr/bin/python3 petsc_poisson.py --n 100 [--spmv 100] [--pc gamg|hypre|bjacobi]
Prints a human-readable block and one line 'RESULT {json}'.
(petsc_krylov.py imports argument_parser and run from here.)
"""
import argparse
import json
import os
import sys
import time

import petsc4py

petsc4py.init(sys.argv[:1])
from petsc4py import PETSc  # noqa: E402
from mpi4py import MPI  # noqa: E402
import numpy as np  # noqa: E402


def local_rows_csr(n, rstart, rend, dtype_idx, velocity=None):
    """CSR (indptr, global col indices, values) for global rows [rstart, rend).
    velocity=None: the Laplacian; else the upwind convection-diffusion matrix (petsc_krylov.py)."""
    g = np.arange(rstart, rend, dtype=np.int64)
    i = g % n
    j = (g // n) % n
    k = g // (n * n)
    nn = n * n
    # candidate columns in ascending global order
    cols = np.stack([g - nn, g - n, g - 1, g, g + 1, g + n, g + nn], axis=1)
    mask = np.stack([k > 0, j > 0, i > 0, np.ones_like(g, dtype=bool),
                     i < n - 1, j < n - 1, k < n - 1], axis=1)
    if velocity is None:
        stencil = [-1, -1, -1, 6, -1, -1, -1]
    else:
        cx, cy, cz = velocity
        below = [-1 - max(c, 0.0) for c in (cz, cy, cx)]
        above = [-1 - max(-c, 0.0) for c in (cx, cy, cz)]
        stencil = below + [6 + abs(cx) + abs(cy) + abs(cz)] + above
    vals = np.broadcast_to(np.array(stencil, dtype=np.float64), cols.shape)
    counts = mask.sum(axis=1)
    indptr = np.zeros(len(g) + 1, dtype=dtype_idx)
    np.cumsum(counts, out=indptr[1:])
    indices = cols[mask].astype(dtype_idx)
    data = np.ascontiguousarray(vals[mask])
    # diagonal-block / off-diagonal-block counts for preallocation
    in_block = (cols >= rstart) & (cols < rend) & mask
    d_nnz = in_block.sum(axis=1).astype(dtype_idx)
    o_nnz = (counts - in_block.sum(axis=1)).astype(dtype_idx)
    return indptr, indices, data, d_nnz, o_nnz


def status_bytes(field):
    """A memory field of /proc/self/status (VmRSS, VmHWM) in bytes."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def argument_parser():
    """The options shared with petsc_krylov.py, which adds its own."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--spmv", type=int, default=100, help="timed MatMult calls")
    ap.add_argument("--rtol", type=float, default=1e-8)
    ap.add_argument("--tag", default="")
    ap.add_argument("--pc", default="jacobi", help="jacobi | gamg | hypre (BoomerAMG) | bjacobi (ILU(0) per rank) | none")
    return ap


def run(args, ksp_type, configure=None, head=None, velocity=None, memory=False, cpu_time=False):
    """Assembles, solves twice and times SpMV; prints the block and the RESULT line on rank 0.

    ksp_type: the KSP type; configure(ksp): more KSP/PC settings after the PC type is set;
    head: RESULT fields placed after "pc"; velocity: None for the Laplacian, else the
    convection-diffusion matrix; memory: measure assembly_peak_bytes and add job_s and it after
    "iterations"; cpu_time: add solve_cpu_s (the solve's CPU seconds) after "solve_s".
    """
    comm = PETSc.COMM_WORLD
    mpi = comm.tompi4py()
    rank, size = comm.getRank(), comm.getSize()
    n = args.n
    N = n * n * n
    wt = MPI.Wtime  # wall clock

    def tmax(t):  # slowest rank decides
        return mpi.allreduce(t, op=MPI.MAX)

    # ---------------- assembly ----------------
    # ownership range exactly as PETSC_DECIDE would produce
    nloc = PETSc.Sys.splitOwnership(N, comm=comm)[0]
    rend = mpi.scan(nloc)
    rstart = rend - nloc

    if memory:
        rss_before = status_bytes("VmRSS")
    mpi.Barrier()
    t0 = wt()
    indptr, indices, data, d_nnz, o_nnz = local_rows_csr(n, rstart, rend, PETSc.IntType, velocity)
    t1 = wt()
    A = PETSc.Mat().create(comm=comm)
    A.setSizes(((nloc, N), (nloc, N)))
    A.setType(PETSc.Mat.Type.AIJ)
    A.setPreallocationNNZ((d_nnz, o_nnz))
    A.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, True)
    A.setValuesCSR(indptr, indices, data)
    A.assemblyBegin()
    A.assemblyEnd()
    t2 = wt()
    if memory:
        peak = status_bytes("VmHWM") - rss_before
    mpi.Barrier()
    if memory:
        assembly_peak_bytes = mpi.allreduce(peak)
    t_csr = tmax(t1 - t0)
    t_petsc_asm = tmax(t2 - t1)
    t_asm = tmax(t2 - t0)
    del indptr, indices, data

    info = A.getInfo(PETSc.Mat.InfoType.GLOBAL_SUM)
    nnz = int(info["nz_used"])
    assert nnz == 7 * N - 6 * n * n, (nnz, 7 * N - 6 * n * n)
    ghosts = mpi.allreduce(int(o_nnz.astype(bool).sum()))  # rows with off-rank couplings

    # ---------------- vectors ----------------
    x, b = A.createVecs()
    b.set(1.0)
    x.set(0.0)

    # sanity check: sum(A*1) = 6 n^2 (convection-diffusion: the same, plus sum|c| n^2 from the
    # upwind boundary faces)
    one = b.duplicate()
    one.set(1.0)
    y = b.duplicate()
    A.mult(one, y)
    chk = y.sum()
    expected = 6 * n * n + (0 if velocity is None else sum(abs(c) for c in velocity) * n * n)
    assert abs(chk - expected) < 1e-6 * n * n, (chk, expected)

    # ---------------- KSP ----------------
    ksp = PETSc.KSP().create(comm=comm)
    ksp.setOperators(A)
    ksp.setType(ksp_type)
    pc = ksp.getPC()
    pc.setType(args.pc)
    if args.pc == "hypre":
        pc.setHYPREType("boomeramg")
    if configure is not None:
        configure(ksp)
    ksp.setTolerances(rtol=args.rtol, atol=0.0, max_it=10000)
    ksp.setInitialGuessNonzero(False)
    mpi.Barrier()
    t0 = wt()
    ksp.setUp()
    t_setup = tmax(wt() - t0)

    mpi.Barrier()
    t0 = wt()
    if cpu_time:
        c0 = time.process_time()
    ksp.solve(b, x)
    if cpu_time:
        c_solve = tmax(time.process_time() - c0)  # CPU seconds: less sensitive to other load
    t_solve = tmax(wt() - t0)
    its = ksp.getIterationNumber()
    reason = ksp.getConvergedReason()
    ksp_rnorm = ksp.getResidualNorm()
    normtype = ksp.getNormType()
    # true residual
    r = b.duplicate()
    A.mult(x, r)
    r.aypx(-1.0, b)  # r = b - A x
    true_rnorm = r.norm()
    bnorm = b.norm()
    xnorm = x.norm()
    xsum = x.sum()

    # second (warm) solve, same problem
    x.set(0.0)
    mpi.Barrier()
    t0 = wt()
    ksp.solve(b, x)
    t_solve2 = tmax(wt() - t0)
    its2 = ksp.getIterationNumber()

    # ---------------- SpMV ----------------
    xs = b.duplicate()
    xs.set(1.0)
    for _ in range(10):
        A.mult(xs, y)
    mpi.Barrier()
    t0 = wt()
    for _ in range(args.spmv):
        A.mult(xs, y)
    t_spmv_tot = tmax(wt() - t0)
    t_spmv = t_spmv_tot / args.spmv
    bytes_model = 12 * nnz + 24 * N
    gbs = bytes_model / t_spmv / 1e9

    res = dict(
        code="petsc", pc=args.pc, **(head or {}), tag=args.tag, ranks=size, n=n, unknowns=N, nnz=nnz,
        csr_build_s=t_csr, petsc_insert_assemble_s=t_petsc_asm, assembly_s=t_asm,
        ksp_setup_s=t_setup, solve_s=t_solve, **(dict(solve_cpu_s=c_solve) if cpu_time else {}),
        iterations=its,
        **(dict(job_s=t_asm + t_setup + t_solve, assembly_peak_bytes=assembly_peak_bytes) if memory else {}),
        s_per_iter=t_solve / max(its, 1), solve2_s=t_solve2, iterations2=its2,
        ksp_rnorm=ksp_rnorm, true_rnorm=true_rnorm, rel_true_rnorm=true_rnorm / bnorm,
        reason=int(reason), norm_type=int(normtype), xnorm2=xnorm, xsum=xsum,
        spmv_s=t_spmv, spmv_gbs=gbs, spmv_bytes_model=bytes_model,
        rows_with_offrank=ghosts,
        cpu_affinity=mpi.gather(sorted(os.sched_getaffinity(0))),
    )
    if rank == 0:
        print(f"PETSc {PETSc.Sys.getVersion()}  ranks={size}  n={n}  unknowns={N}  nnz={nnz}  "
              f"cpu affinity per rank={res['cpu_affinity']}")
        print(f"assembly: {t_asm:.4f} s  (numpy local CSR {t_csr:.4f} s + PETSc prealloc/insert/assemble {t_petsc_asm:.4f} s)")
        print(f"KSP setup: {t_setup:.4f} s")
        print(f"solve: {t_solve:.4f} s  iterations={its}  s/iter={t_solve / max(its, 1):.6f}  reason={reason}  normtype={normtype}")
        print(f"final residual: ksp_norm={ksp_rnorm:.6e}  ||b-Ax||_2={true_rnorm:.6e}  rel={true_rnorm / bnorm:.3e}")
        print(f"solution: ||x||_2={xnorm:.12e}  sum(x)={xsum:.12e}")
        print(f"solve #2 (warm): {t_solve2:.4f} s  iterations={its2}")
        print(f"SpMV: {args.spmv} MatMult in {t_spmv_tot:.4f} s -> {t_spmv * 1e3:.4f} ms/SpMV, "
              f"{gbs:.2f} GB/s  (model 12 B/nnz + 24 B/row = {bytes_model / 1e6:.1f} MB)")
        print("RESULT " + json.dumps(res))
        sys.stdout.flush()


def main():
    run(argument_parser().parse_args(), PETSc.KSP.Type.CG, memory=True)


if __name__ == "__main__":
    main()
