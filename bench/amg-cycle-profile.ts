/**
 * Where an AMG-CG iteration's time goes on each part: the Poisson problem of `bench/amg.ts`
 * (n³, b = 1, rtol 1e-8), `amg(A)` then `cg`, with the V-cycle's kernels, ghost updates and coarse
 * solve timed from outside (their methods wrapped with `performance.now()`, about 30 ns a call,
 * a few hundred calls per iteration of 100 ms), in the solve and in `--applies` V-cycles after it.
 * Per part it prints, per level, each kernel call kind's median milliseconds per V-cycle (a pipelined sweep by its stage modes, a row pass by mode and
 * phase, the waits of ghost updates and assemblies by the vector's length), the V-cycle's whole
 * time and the rest of the CG iteration (its SpMV, dots and vector updates), with the process's
 * CPU time, so that a rank that waits shows as wall time above its CPU time.
 *
 *   node dist/bench/amg-cycle-profile.js [--n 128]
 *   mpirun --oversubscribe -n 2 node dist/bench/amg-cycle-profile.js --backend mpi [--n 128]
 *
 * @module
 */
import { cg, laplacianFdm, pfill, psparse, withMpi, withSequential, type PData } from '../src/index.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { amg, AmgPreconditioner } from '../src/solvers/amg/amg.js';
import { CoarseSolver } from '../src/solvers/amg/coarse-solver.js';
import { cycleKernels, type CycleKernels } from '../src/solvers/amg/cycle-kernels.js';
import { PVector } from '../src/vectors/pvector.js';
import { runAsProgram } from './lib/program.js';

const command = {
  program: 'bench/amg-cycle-profile',
  usage: ['node dist/bench/amg-cycle-profile.js [--n 128] [--backend sequential|mpi] [--applies 20]'],
  summary: 'per-level, per-pass times of the AMG V-cycle inside CG, on every part',
  flags: {
    n: { kind: 'positive-integer', help: 'grid size (n³ unknowns)', default: 128 },
    backend: { kind: 'choice', choices: ['sequential', 'mpi'], help: 'backend', default: 'sequential' },
    np: { kind: 'positive-integer', help: 'parts of a sequential run', default: 1 },
    applies: { kind: 'non-negative-integer', help: 'V-cycles applied after the solve, timed with its own', default: 20 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** Accumulated milliseconds and calls per label, and per label its milliseconds in each apply. */
const totals = new Map<string, { ms: number; calls: number; perApply: number[] }>();
let enabled = false;
let applies = 0;

function add(label: string, ms: number): void {
  if (!enabled) return;
  const t = totals.get(label) ?? { ms: 0, calls: 0, perApply: [] };
  t.ms += ms;
  t.calls += 1;
  while (t.perApply.length <= applies) t.perApply.push(0);
  t.perApply[applies] += ms;
  totals.set(label, t);
}

/** The median of `values` padded with zeros to `count` values. */
function medianOf(values: readonly number[], count: number): number {
  const all = [...values, ...new Array<number>(Math.max(0, count - values.length)).fill(0)].sort((a, b) => a - b);
  return all.length === 0 ? 0 : all[Math.floor(all.length / 2)];
}

/** Replaces `target[name]` by a timed wrapper labelled by `label(args)`. */
function timed<T extends object>(target: T, name: keyof T & string, label: (self: T, args: unknown[]) => string): void {
  const original = target[name] as unknown as (...args: unknown[]) => unknown;
  (target as Record<string, unknown>)[name] = function (this: T, ...args: unknown[]): unknown {
    const t0 = performance.now();
    const result = original.apply(this, args);
    add(label(this, args), performance.now() - t0);
    return result;
  };
}

function run(ranks: PData<number>, n: number, extra: number): void {
  const problem = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
  const b = pfill(1, A.rows);
  const M = amg(A);
  // Level of a kernel call from its row count (own rows of a level's matrix on this part).
  const levelOf = new Map<number, number>();
  M.matrices.forEach((L, l) => L.ownOwn.localItems.forEach((block) => levelOf.set(block.nRows, l)));
  M.prolongators.forEach((P, l) => P.ownGhost.localItems.forEach((block) => levelOf.set(block.nRows, l)));
  const lv = (rows: unknown): string => `L${String(levelOf.get(rows as number) ?? '?')}`;
  const kernels = cycleKernels() as CycleKernels & Record<string, unknown>;
  // A restriction's scatters are told apart by their block: P's own block or its ghost block.
  const ghostBlocks = new Set<unknown>(M.prolongators.flatMap((P) => P.ownGhost.localItems));
  timed(kernels, 'pipeline', (_, [rows, , block, , stages]) =>
    `${lv(rows)} sweep ${Array.from((stages as { modes: Int32Array }).modes).join(',')}${ghostBlocks.has(block) ? ' (ghost block)' : ''}`);
  timed(kernels, 'cycleRows', (_, [mode, phase, rows]) => `${lv(rows)} edges mode ${String(mode)} phase ${String(phase)}`);
  timed(kernels, 'chebyshevStart', (_, [rows]) => `${lv(rows)} chebyshev start`);
  const proto = PVector.prototype as unknown as Record<string, unknown> & PVector;
  const vectorLevel = (v: PVector): string => lv(v.ownValues().localItems[0].length);
  timed(proto, 'startConsistent', (v) => `${vectorLevel(v)} ghost update start`);
  timed(proto, 'finishConsistent', (v) => `${vectorLevel(v)} ghost update wait`);
  timed(proto, 'startAssemble', (v) => `${vectorLevel(v)} assemble start`);
  timed(proto, 'finishAssemble', (v) => `${vectorLevel(v)} assemble wait`);
  timed(CoarseSolver.prototype as unknown as Record<string, unknown> & CoarseSolver, 'solve', () => 'coarse solve');
  timed(AmgPreconditioner.prototype as unknown as Record<string, unknown> & AmgPreconditioner, 'apply', () => 'V-cycle (whole)');
  const apply = AmgPreconditioner.prototype.apply;
  AmgPreconditioner.prototype.apply = function (this: AmgPreconditioner, z: PVector, r: PVector): void {
    apply.call(this, z, r);
    applies++;
  };
  enabled = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = cg(A, b, { preconditioner: M, rtol: 1e-8, maxIters: 1000 });
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cgApplies = applies;
  const cgCycles = totals.get('V-cycle (whole)')!.ms;
  // More applies alone (the CG's are few): medians over all of them are steadier under load.
  const z = pfill(0, A.rows);
  for (let k = 0; k < extra; k++) M.apply(z, b);
  enabled = false;
  const iterations = result.iterations;
  const cycle = totals.get('V-cycle (whole)')!;
  const lines = [...totals.entries()]
    .filter(([label]) => !label.includes('?'))
    .sort(([a], [b2]) => a.localeCompare(b2))
    .map(([label, t]) =>
      `  ${label.padEnd(46)} ${medianOf(t.perApply, applies).toFixed(2).padStart(8)} ms/cycle (median), ` +
      `${(t.ms / applies).toFixed(2).padStart(8)} mean, ${String(t.calls / applies).padStart(4)} calls`);
  const ownRows = A.ownOwn.localItems.map((x) => x.nRows).join(',');
  // What each level gives this part: rows, entries of A's and P's own and ghost blocks.
  const nnz = (M2: { ownOwn: PData<{ rowPtr: Int32Array; nRows: number }> } | undefined, i: number): number =>
    M2 === undefined ? 0 : M2.ownOwn.localItems[i].rowPtr[M2.ownOwn.localItems[i].nRows];
  const shares = M.matrices.map((L, l) => {
    const P = M.prolongators[l];
    return L.ownOwn.localItems.map((block, i) =>
      `  L${String(l)}: rows ${String(block.nRows)}, A own/ghost nnz ${String(nnz(L, i))}/${String(nnz({ ownOwn: L.ownGhost }, i))}` +
      (P === undefined ? '' : `, P own/ghost nnz ${String(nnz(P, i))}/${String(nnz({ ownOwn: P.ownGhost }, i))}`)).join('\n');
  });
  const report = [
    `part ${ranks.localItems.join(',')} of ${String(ranks.np)}: n = ${String(n)}, ${String(iterations)} iterations, own rows ${ownRows}, ` +
      `levels ${M.levels.map((l) => l.rows).join('/')}`,
    `  solve ${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1e3).toFixed(0)} ms CPU; per iteration ${(wall / iterations).toFixed(1)} ms, ` +
      `of which the rest of CG ${((wall - cgCycles) / iterations).toFixed(1)} ms (${String(cgApplies)} applies in the solve); ` +
      `V-cycle ${(cycle.ms / cycle.calls).toFixed(1)} ms mean (${String(cycle.calls)} applies, ${String(extra)} after the solve)`,
    ...shares,
    ...lines,
  ];
  console.log(report.join('\n'));
}

async function main(): Promise<void> {
  const { flags } = parseCommandOrExit(command, process.argv.slice(2));
  if (flags.backend === 'mpi') await withMpi((ranks) => run(ranks, flags.n, flags.applies));
  else await withSequential(flags.np, (ranks) => run(ranks, flags.n, flags.applies));
}

await runAsProgram(import.meta.url, 'bench/amg-cycle-profile', main);
