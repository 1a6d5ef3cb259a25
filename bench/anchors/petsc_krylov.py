#!/usr/bin/python3
"""Anchor benchmark: 3D Poisson (7-point FD Laplacian) and 3D convection-diffusion with
PETSc via petsc4py, for the Krylov methods and per-process preconditioners.

petsc_poisson.py (imported from this directory) extended with:
  --problem convdiff: -Laplace(u) + w.grad(u), scaled by h^2/nu, upwind convection, the matrix
      of src/gallery/convection-diffusion.ts: with cell Peclet numbers c_a (--velocity, one per
      direction, default 1,0.5,0.25), row i has 6 + sum|c_a| on the diagonal, -1 - max(c_a, 0)
      on the neighbour i - e_a and -1 - max(-c_a, 0) on i + e_a.
  --ksp cg|gmres|bcgs, --restart (GMRES restart, default 30), --side left|right (default right:
      the unpreconditioned residual norm, as our solvers), --orthog mgs|cgs (GMRES
      Gram-Schmidt, default mgs as ours), --norm default|unpreconditioned (CG's norm type).
  --pc bjacobi is block Jacobi with ILU(0) per rank (-sub_pc_type ilu, 0 levels).

Matrix (Poisson), RHS, x0, tolerances, distribution, assembly and the SpMV traffic model: as
petsc_poisson.py; the RESULT line has no job_s or assembly_peak_bytes but adds solve_cpu_s.

Usage: mpirun -np P /usr/bin/python3 petsc_krylov.py --n 100 [--spmv 100] [--pc gamg|hypre|bjacobi]
         [--problem convdiff] [--ksp gmres --restart 30]
Prints a human-readable block and one line 'RESULT {json}'.
"""
import os
import sys

# petsc_poisson.py (beside this file) holds the shared anchor; importing it initialises petsc4py.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from petsc_poisson import argument_parser, run  # noqa: E402
from petsc4py import PETSc  # noqa: E402


def main():
    ap = argument_parser()
    ap.add_argument("--problem", default="poisson", help="poisson | convdiff")
    ap.add_argument("--velocity", default="1,0.5,0.25", help="convdiff cell Peclet numbers x,y,z")
    ap.add_argument("--ksp", default="cg", help="cg | gmres | bcgs")
    ap.add_argument("--restart", type=int, default=30)
    ap.add_argument("--side", default="right", help="left | right (gmres, bcgs)")
    ap.add_argument("--orthog", default="mgs", help="mgs | cgs (gmres)")
    ap.add_argument("--norm", default="default", help="default | unpreconditioned (cg)")
    args = ap.parse_args()
    velocity = None if args.problem == "poisson" else [float(c) for c in args.velocity.split(",")]

    def configure(ksp):
        if args.pc == "bjacobi":
            opts = PETSc.Options()
            opts["sub_pc_type"] = "ilu"
            opts["sub_pc_factor_levels"] = 0
        if args.ksp == "gmres":
            ksp.setGMRESRestart(args.restart)
            opts = PETSc.Options()
            if args.orthog == "mgs":
                opts["ksp_gmres_modifiedgramschmidt"] = None
            else:
                opts["ksp_gmres_classicalgramschmidt"] = None
        if args.ksp in ("gmres", "bcgs"):
            ksp.setPCSide(PETSc.PC.Side.RIGHT if args.side == "right" else PETSc.PC.Side.LEFT)
        if args.ksp == "cg" and args.norm == "unpreconditioned":
            ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
        ksp.setFromOptions()

    head = dict(ksp=args.ksp, problem=args.problem, restart=args.restart, side=args.side,
                orthog=args.orthog, norm=args.norm)
    run(args, args.ksp, configure=configure, head=head, velocity=velocity, cpu_time=True)


if __name__ == "__main__":
    main()
