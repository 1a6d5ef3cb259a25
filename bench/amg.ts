/**
 * AMG benchmark, interleaved with the anchors:
 *
 * - `amg-cg`: 3-D Poisson (n³, b = 1, rtol 1e-8), CG preconditioned by `amg(A)` (set-up + solve),
 *   against PETSc CG with hypre BoomerAMG, with Jacobi (and GAMG when listed in `--petsc`), from
 *   `bench/anchors/petsc_poisson.py` (KSP set-up + solve), for every size of `--sizes`.
 * - `spgemm`: `matmul(A, A)` of the same matrix at `--spgemm-n`, against SciPy's `A @ A` on one
 *   core (`bench/anchors/scipy_spgemm.py`).
 *
 * Every repetition runs each program once, alternating ours and the anchors', each in its own
 * process (1 part / 1 rank, or `--np 2`: mpirun -n 2 for the solves), so load from other work
 * hits both alike; the 1-minute load average is printed with every sample. Times are medians.
 *
 *   node dist/bench/amg.js [--sizes 50,100,128] [--np 1] [--reps 3] [--petsc hypre,jacobi] [--spgemm-n 100]
 *   node dist/bench/amg.js --child amg-cg --n 100 [--backend sequential|mpi]   (one run)
 *
 * @module
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { cg, formatTable, laplacianFdm, pfill, psparse, withMpi, withSequential, type PData } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { amg } from '../src/solvers/amg/amg.js';
import { matmul } from '../src/sparse/matmul.js';
import { spgemmKernels } from '../src/sparse/matmul-kernels.js';
import { repositoryRoot } from './lib/anchors.js';
import { median } from './lib/stats.js';
import { runAsProgram } from './lib/program.js';
import { PRIME_CAP_MEGABYTES, primeMegabytesFor, type PrimedProgram } from './lib/prime-sizes.js';
import { runTimedProgram } from './lib/timed-program.js';
import { describeVcpuProbe, probeVcpus } from './lib/vcpu-probe.js';

const RTOL = 1e-8;

const command = {
  program: 'bench/amg',
  usage: ['node dist/bench/amg.js [--sizes 50,100,128] [--np 1] [--reps 3] [--petsc hypre,jacobi] [--spgemm-n 100] [--prime-mb 3072]'],
  summary: 'AMG-preconditioned CG and SpGEMM, interleaved with PETSc and SciPy',
  flags: {
    sizes: { kind: 'string', help: 'comma-separated grid sizes n (n³ unknowns)', default: '50,100,128' },
    np: { kind: 'positive-integer', help: 'parts / PETSc ranks (2: both under mpirun)', default: 1 },
    reps: { kind: 'positive-integer', help: 'repetitions (each runs every program once)', default: 3 },
    petsc: { kind: 'string', help: 'PETSc preconditioners to run (hypre, jacobi, gamg)', default: 'hypre,jacobi' },
    'spgemm-n': { kind: 'non-negative-integer', help: 'grid size of the SpGEMM comparison (0 skips it)', default: 100 },
    child: { kind: 'string', help: 'run one case (amg-cg or spgemm) in this process and print its RESULT line' },
    n: { kind: 'positive-integer', help: 'grid size of a --child run', default: 100 },
    backend: { kind: 'choice', choices: ['sequential', 'mpi'], help: 'backend of a --child run', default: 'sequential' },
    'prime-mb': {
      kind: 'non-negative-integer', valueName: 'MIB', default: PRIME_CAP_MEGABYTES,
      help: 'at most this much memory a short process writes and frees right before each timed process, ours and the anchors alike: 1.25 times the program\'s expected peak (0: none; see bench/lib/prime-memory.ts and bench/lib/prime-sizes.ts)',
    },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** One AMG-CG solve on n³ (collective): set-up and solve times, iterations, hierarchy. */
function amgCg(ranks: PData<number>, n: number): Record<string, unknown> {
  const problem = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  const b = pfill(1, A.rows);
  const t0 = performance.now();
  const M = amg(A);
  const t1 = performance.now();
  const result = cg(A, b, { preconditioner: M, rtol: RTOL, maxIters: 1000 });
  const t2 = performance.now();
  return {
    code: 'pa_amg', np: ranks.np, n, ksp_setup_s: (t1 - t0) / 1e3, solve_s: (t2 - t1) / 1e3, iterations: result.iterations,
    reason: result.reason, levels: M.levels.map((l) => l.rows).join('/'),
    operator_complexity: M.levels.reduce((s, l) => s + l.nnz, 0) / M.levels[0].nnz,
  };
}

/** matmul(A, A) of the n³ Poisson matrix: median of 5 timed products after one untimed. */
function spgemm(ranks: PData<number>, n: number): Record<string, unknown> {
  const problem = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  let C = matmul(A, A);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    C = matmul(A, A);
    times.push((performance.now() - t0) / 1e3);
  }
  return { code: 'pa_spgemm', n, nnz_c: C.nnz, seconds: median(times), kernels: spgemmKernels().kind };
}

async function run(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  if (flags.child !== undefined) {
    const child = flags.child;
    if (child !== 'amg-cg' && child !== 'spgemm') throw new Error(`unknown case '${child}' (cases: amg-cg, spgemm)`);
    const main = (ranks: PData<number>): void => {
      const result = child === 'amg-cg' ? amgCg(ranks, flags.n) : spgemm(ranks, flags.n);
      if (ranks.partIds.includes(0)) console.log(`RESULT ${JSON.stringify(result)}`);
    };
    if (flags.backend === 'mpi') await withMpi(main);
    else await withSequential(1, main);
    return;
  }
  const root = repositoryRoot();
  // Before any program runs, so that the probe's children do not share the machine with a solve.
  const vcpusAtStart = describeVcpuProbe(probeVcpus());
  const ours = join(root, 'dist', 'bench', 'amg.js');
  const petsc = join(root, 'bench', 'anchors', 'petsc_poisson.py');
  const scipy = join(root, 'bench', 'anchors', 'scipy_spgemm.py');
  const backend = flags.np === 1 ? 'sequential' : 'mpi';
  // Primed with the program's expected peak where it was measured (prime-sizes.ts), else the cap.
  const runProgram = (file: string, args: string[], np: number, label: string, primeMb = flags['prime-mb']): Record<string, unknown> =>
    ({ ...runTimedProgram(file, args, np, label, primeMb), load: loadavg()[0] });
  const petscProgram: Record<string, PrimedProgram> = { hypre: 'petsc-hypre', jacobi: 'petsc-jacobi' };
  const primeFor = (program: PrimedProgram | undefined, n: number): number =>
    program === undefined ? flags['prime-mb'] : primeMegabytesFor(program, n ** 3, flags.np, flags['prime-mb']);
  const rows: string[][] = [];
  for (const n of flags.sizes.split(',').map(Number)) {
    const samples = new Map<string, Record<string, unknown>[]>();
    const add = (label: string, result: Record<string, unknown>): void => {
      samples.set(label, [...(samples.get(label) ?? []), result]);
    };
    for (let rep = 0; rep < flags.reps; rep++) {
      add('ours AMG-CG', runProgram(process.execPath, [ours, '--child', 'amg-cg', '--n', String(n), '--backend', backend], flags.np, 'ours', primeFor('ours-amg', n)));
      for (const pc of flags.petsc.split(',')) {
        add(`PETSc CG ${pc}`, runProgram('/usr/bin/python3', [petsc, '--n', String(n), '--spmv', '1', '--pc', pc], flags.np, `PETSc ${pc}`, primeFor(petscProgram[pc], n)));
      }
    }
    const total = (s: Record<string, unknown>): number => Number(s.ksp_setup_s) + Number(s.solve_s);
    const ourTotal = median((samples.get('ours AMG-CG') ?? []).map(total));
    for (const [label, runs] of samples) {
      const first = runs[0];
      rows.push([
        String(n), label, [...new Set(runs.map((s) => s.iterations))].join('/'),
        median(runs.map((s) => Number(s.ksp_setup_s))).toFixed(3), median(runs.map((s) => Number(s.solve_s))).toFixed(3),
        median(runs.map(total)).toFixed(3), label.startsWith('ours') ? '' : (ourTotal / median(runs.map(total))).toFixed(2),
        label.startsWith('ours') ? `${String(first.levels)} (op. complexity ${Number(first.operator_complexity).toFixed(2)})` : '',
        runs.map((s) => Number(s.load).toFixed(1)).join(' '),
      ]);
    }
  }
  console.log(`vCPU probe at the start: ${vcpusAtStart}`);
  console.log(`vCPU probe at the end:   ${describeVcpuProbe(probeVcpus())}`);
  console.log(`np = ${flags.np}, ${flags.reps} interleaved repetitions, times are medians (set-up: amg(A) / PETSc KSPSetUp)`);
  console.log('goals (issue 17): ours/hypre <= 0.50 and ours/jacobi <= 1.00 at n = 100, ours/jacobi <= 0.50 at n = 128, <= 15 iterations');
  console.log(formatTable(
    ['n', 'program', 'iterations', 'set-up s', 'solve s', 'total s', 'ours/this', 'levels', 'load (1 min) per rep'],
    rows,
    { leftColumns: 2 },
  ));
  const spgemmN = flags['spgemm-n'];
  if (spgemmN > 0) {
    const ourRuns: Record<string, unknown>[] = [];
    const scipyRuns: Record<string, unknown>[] = [];
    for (let rep = 0; rep < flags.reps; rep++) {
      ourRuns.push(runProgram(process.execPath, [ours, '--child', 'spgemm', '--n', String(spgemmN)], 1, 'ours spgemm'));
      scipyRuns.push(runProgram('/usr/bin/python3', [scipy, '--n', String(spgemmN)], 1, 'SciPy spgemm'));
    }
    const [a, b] = [median(ourRuns.map((s) => Number(s.seconds))), median(scipyRuns.map((s) => Number(s.seconds)))];
    console.log(`\nSpGEMM A·A at n = ${spgemmN} (one core): ours ${a.toFixed(3)} s (${String(ourRuns[0].kernels)} kernels, nnz ${String(ourRuns[0].nnz_c)}), ` +
      `SciPy ${b.toFixed(3)} s (nnz ${String(scipyRuns[0].nnz_c)}), ratio ours/SciPy ${(a / b).toFixed(2)}; ` +
      `load ${ourRuns.map((s) => Number(s.load).toFixed(1)).join(' ')}`);
  }
}

await runAsProgram(import.meta.url, 'bench/amg', run);
