/**
 * Where the first CG set-up and the first solves of a run go, part by part: the Poisson job of
 * `bench/poisson.ts` (CG + Jacobi, rtol 1e-8), with `new CgSolver`'s steps done one by one and
 * timed on every part (options and Jacobi diagonal, work vectors, SpMV plan, the range's ghost
 * plan, p's halo channel opened with its first round), then `--solves` solves of the same system,
 * each with its first iteration and the mean of its later ones. On 2 parts the steps that meet
 * the other part (ghost plan, channel) show how long each part waited for it; the first solve
 * against the later ones shows what running code V8 has not compiled yet costs.
 *
 *   node dist/bench/threads-setup-profile.js [--backend threads] [--np 2] [--n 30] [--solves 3] [--warm 0]
 *
 * `--warm k` runs k one-value allgathers before the job, so that the backend's waiting and
 * rendezvous code is compiled before it is timed. On a machine shared with other processes,
 * `chrt -f 10 node ...` (root) keeps them from taking the parts' cores during the run: without
 * it every wait of a 2-part solve may end in a sleep and a wake-up.
 *
 * @module
 */
import { CgSolver, PTimer, consistent, laplacianFdm, pfill, psparse, pzeros, withSequential, withThreads, type PData } from '../src/index.js';
import { checkCgOptions } from '../src/solvers/cg-options.js';
import { ghostPlan } from '../src/partitions/ghost-plan.js';
import { SpmvDotPlan } from '../src/solvers/spmv-dot-plan.js';
import { parseCommand, parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runAsProgram } from './lib/program.js';

const command = {
  program: 'bench/threads-setup-profile',
  usage: ['node dist/bench/threads-setup-profile.js [--backend threads] [--np 2] [--n 30] [--solves 3] [--warm 0]'],
  summary: 'Per part: the steps of the first CgSolver set-up and the first solves of a run',
  flags: {
    backend: { kind: 'choice', choices: ['sequential', 'threads'], help: 'where the parts live', default: 'threads' },
    np: { kind: 'positive-integer', help: 'number of parts', default: 2 },
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 30 },
    solves: { kind: 'positive-integer', help: 'solves of the same system after the set-up', default: 3 },
    warm: { kind: 'non-negative-integer', help: 'one-value allgathers before the job', default: 0 },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** One part's milliseconds. */
export interface PartProfile {
  readonly part: number;
  /** The `--warm` allgathers. */
  readonly warmUp: number;
  /** `laplacianFdm` and `psparse`, each after a barrier (the slowest part's, as the job's phases). */
  readonly coo: number;
  readonly psparse: number;
  /** The set-up steps on this part, in order (no barrier between them). */
  readonly setup: Readonly<Record<'options' | 'vectors' | 'plan' | 'ghostPlan' | 'channel', number>>;
  /** A second `new CgSolver` of the same matrix, all compiled and the ghost plan cached. */
  readonly secondSetup: number;
  /** Per solve: the whole solve, its first iteration (with the set-up of p and r·z), the mean of the rest. */
  readonly solves: readonly { readonly total: number; readonly first: number; readonly rest: number; readonly iterations: number }[];
}

/** The driver (collective): see the module comment. */
export default function main(ranks: PData<number>): PartProfile[] {
  const { n, solves, warm } = parseCommand(command, process.argv.slice(2)).flags;
  const backend = ranks.backend;
  const mine = new Float64Array(backend.localParts.length);
  const all = new Float64Array(backend.np);
  const warmStart = performance.now();
  for (let k = 0; k < warm; k++) backend.allgatherFloat64(mine.fill(k), all);
  const warmUp = performance.now() - warmStart;
  const timer = new PTimer(ranks);
  timer.tic({ barrier: true });
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, ranks.np]);
  timer.toc('coo');
  timer.tic({ barrier: true });
  const A = psparse(I, J, V, rows, cols).wait();
  timer.toc('psparse');
  const b = pfill(1, A.rows);
  const x = pfill(0, A.cols);
  backend.barrier();
  let t0 = performance.now();
  const lap = (): number => {
    const t = performance.now();
    const dt = t - t0;
    t0 = t;
    return dt;
  };
  // The steps of CgSolver's constructor (Jacobi: z is r), one by one.
  const checked = checkCgOptions(A, { rtol: 1e-8, preconditioner: 'jacobi' });
  const options = lap();
  const p = pzeros(A.cols);
  const r = pzeros(A.rows);
  const q = pzeros(A.rows);
  for (const v of [p, r, q]) for (const local of v.values.localItems) local.fill(0);
  const vectors = lap();
  new SpmvDotPlan(A, p, q, checked.compactIndices, checked.compactMinEntries);
  const plan = lap();
  ghostPlan(p.rows);
  const ghostPlanMs = lap();
  consistent(p).wait();
  const channel = lap();
  backend.barrier();
  lap();
  const stamps: number[] = [];
  const solver = new CgSolver(A, { rtol: 1e-8, preconditioner: 'jacobi', onIteration: () => void stamps.push(performance.now()) });
  const secondSetup = lap();
  const profiles: PartProfile['solves'][number][] = [];
  for (let s = 0; s < solves; s++) {
    backend.barrier();
    stamps.length = 0;
    lap();
    const { iterations } = solver.solve(b, { x });
    const total = lap();
    const first = stamps[1] - stamps[0];
    const rest = iterations > 1 ? (stamps[iterations] - stamps[1]) / (iterations - 1) : Number.NaN;
    profiles.push({ total, first, rest, iterations });
  }
  const stats = timer.statistics();
  return backend.localParts.map((part) => ({
    part,
    warmUp,
    coo: stats.coo.max * 1e3,
    psparse: stats.psparse.max * 1e3,
    setup: { options, vectors, plan, ghostPlan: ghostPlanMs, channel },
    secondSetup,
    solves: profiles,
  }));
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  const { backend, np } = parseCommandOrExit(command, argv).flags;
  const parts =
    backend === 'threads'
      ? (await withThreads<PartProfile[]>(np, import.meta.url, { argv })).flat()
      : await withSequential(np, main);
  const ms = (v: number): string => v.toFixed(2);
  for (const r of parts) {
    const s = r.setup;
    console.log(
      `part ${r.part}: warm-up ${ms(r.warmUp)}, coo ${ms(r.coo)}, psparse ${ms(r.psparse)} | set-up: options ${ms(s.options)}, vectors ${ms(s.vectors)}, ` +
        `plan ${ms(s.plan)}, ghost plan ${ms(s.ghostPlan)}, channel ${ms(s.channel)}, total ` +
        `${ms(s.options + s.vectors + s.plan + s.ghostPlan + s.channel)}; second set-up ${ms(r.secondSetup)}`,
    );
    r.solves.forEach((v, k) =>
      console.log(`  solve ${k + 1}: ${ms(v.total)} ms, ${v.iterations} iterations, first ${ms(v.first)}, then ${v.rest.toFixed(3)} per iteration`),
    );
  }
}

await runAsProgram(import.meta.url, 'bench/threads-setup-profile', run);
