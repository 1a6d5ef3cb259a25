/**
 * Finite-element assembly with a manufactured solution (docs/guide-fem.md): −Δu = f on the unit
 * square with u = g on its boundary, Q1 (bilinear) elements on an N×N grid of square cells, for
 * u = exp(x + y) (so f = −2 exp(x + y), and g = u on every side). Each part assembles a strip of
 * elements and emits their rows as COO triplets, rows that a neighbour owns included: psparse adds
 * them up. Solved with CG + Jacobi; prints the max nodal error and the discrete L2 error for
 * N, 2N, 4N, ... and the ratio of successive errors (about 4: the method is second order).
 *
 *   node dist/examples/fem-poisson.js [--n 8] [--levels 3] [--np 2] [--backend sequential|threads]
 *   mpirun -n 2 node dist/examples/fem-poisson.js --backend mpi
 *
 * @module
 */
import {
  cg,
  psparse,
  pvectorFromCoo,
  reduction,
  uniformPartition,
  InvalidArgumentError,
  type PData,
} from '../src/index.js';
import { parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const command = {
  program: 'fem-poisson',
  usage: [
    'node dist/examples/fem-poisson.js [--n 8] [--levels 3] [--np 2] [--backend sequential|threads]',
    'mpirun -n NP node dist/examples/fem-poisson.js --backend mpi [--n 8] [--levels 3]',
  ],
  summary: '2-D Poisson with Q1 finite elements and a manufactured solution: the error as the grid is refined',
  flags: {
    n: { kind: 'positive-integer', help: 'cells per direction on the coarsest grid', default: 8 },
    levels: { kind: 'positive-integer', help: 'number of grids (N, 2N, 4N, ...)', default: 3 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'sequential' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** The manufactured solution and its source term f = −Δu. */
const exact = (x: number, y: number): number => Math.exp(x + y);
const source = (x: number, y: number): number => -2 * Math.exp(x + y);

/**
 * The Q1 element stiffness matrix of a square cell (the same for every cell size in 2-D), local
 * nodes in the order (0,0), (1,0), (1,1), (0,1).
 */
const STIFFNESS = [
  [4, -1, -2, -1],
  [-1, 4, -1, -2],
  [-2, -1, 4, -1],
  [-1, -2, -1, 4],
].map((row) => row.map((k) => k / 6));
const CORNERS = [
  [0, 0],
  [1, 0],
  [1, 1],
  [0, 1],
];
/** 2×2 Gauss points on [0, 1] (exact for the bilinear mass terms). */
const GAUSS = [(1 - 1 / Math.sqrt(3)) / 2, (1 + 1 / Math.sqrt(3)) / 2];

/** The errors on one grid: max over the interior nodes of |u_h − u|, and sqrt(h² Σ (u_h − u)²). */
export interface FemErrors {
  readonly n: number;
  readonly maxError: number;
  readonly l2Error: number;
  readonly iterations: number;
}

/**
 * Assembles and solves on an n×n cell grid; returns the errors (the same on every part). The
 * unknowns are the (n − 1)² interior nodes, numbered row by row and split in blocks by
 * `uniformPartition`; the elements are split in strips of cell rows, which do not line up with
 * the node blocks, so parts emit rows their neighbours own.
 */
export function solveFem(ranks: PData<number>, n: number): FemErrors {
  const np = ranks.np;
  if (np > n) throw new InvalidArgumentError(`${np} parts, more than the ${n} cell rows to split`);
  const h = 1 / n;
  const m = n - 1;
  /** Global id of interior node (i, j), or −1 for a boundary node. */
  const unknown = (i: number, j: number): number => (i > 0 && i < n && j > 0 && j < n ? (j - 1) * m + (i - 1) : -1);
  const rows = uniformPartition(ranks, m * m);

  const triplets = ranks.map((part) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    const bI: number[] = [];
    const bV: number[] = [];
    const firstRow = Math.floor((part * n) / np);
    const endRow = Math.floor(((part + 1) * n) / np);
    for (let cy = firstRow; cy < endRow; cy++) {
      for (let cx = 0; cx < n; cx++) {
        const ids = CORNERS.map(([dx, dy]) => unknown(cx + dx, cy + dy));
        const xs = CORNERS.map(([dx, dy]) => [(cx + dx) * h, (cy + dy) * h]);
        for (let a = 0; a < 4; a++) {
          if (ids[a] < 0) continue;
          let load = 0;
          for (const gx of GAUSS) {
            for (const gy of GAUSS) {
              const [dx, dy] = CORNERS[a];
              const shape = (dx === 1 ? gx : 1 - gx) * (dy === 1 ? gy : 1 - gy);
              load += (h * h) / 4 * shape * source((cx + gx) * h, (cy + gy) * h);
            }
          }
          for (let c = 0; c < 4; c++) {
            // A boundary node's value is known: its column moves to the right-hand side.
            if (ids[c] < 0) load -= STIFFNESS[a][c] * exact(xs[c][0], xs[c][1]);
            else {
              I.push(ids[a]);
              J.push(ids[c]);
              V.push(STIFFNESS[a][c]);
            }
          }
          bI.push(ids[a]);
          bV.push(load);
        }
      }
    }
    return { I, J, V, bI, bV };
  });

  const A = psparse(
    triplets.map((t) => t.I),
    triplets.map((t) => t.J),
    triplets.map((t) => t.V),
    rows,
    rows,
  ).wait();
  const b = pvectorFromCoo(
    triplets.map((t) => t.bI),
    triplets.map((t) => t.bV),
    A.rows,
  ).wait();
  const result = cg(A, b, { rtol: 1e-13, preconditioner: 'jacobi', maxIters: 10 * n * n });

  const partErrors = result.x.ownValues().map((values, part) => {
    const own = A.rows.partition.localItems[ranks.partIds.indexOf(part)].ownToGlobal;
    let max = 0;
    let squares = 0;
    for (let k = 0; k < values.length; k++) {
      const g = own[k];
      const e = Math.abs(values[k] - exact(((g % m) + 1) * h, (Math.floor(g / m) + 1) * h));
      max = Math.max(max, e);
      squares += e * e;
    }
    return [max, squares];
  });
  const [maxError, squares] = reduction(
    (acc: number[], item: number[]) => [Math.max(acc[0], item[0]), acc[1] + item[1]],
    partErrors,
    { destination: 'all', init: [0, 0] },
  ).localItems[0];
  return { n, maxError, l2Error: Math.sqrt(h * h * squares), iterations: result.iterations };
}

/** The driver: solves on every grid and prints the error table from part 0. */
export default function femPoisson(ranks: PData<number>): void {
  const { n, levels } = parseCommand(command, process.argv.slice(2)).flags;
  const isMain = ranks.partIds.includes(0);
  const print = (line: string): void => {
    if (isMain) console.log(line);
  };
  print(`Q1 finite elements, u = exp(x + y), backend ${ranks.backend.kind}, ${ranks.np} parts`);
  print('     N  iterations        max nodal error  ratio               L2 error  ratio');
  let previous: FemErrors | undefined;
  for (let level = 0; level < levels; level++) {
    const errors = solveFem(ranks, n * 2 ** level);
    const ratio = (now: number, before: number | undefined): string => (before === undefined ? '     ' : (before / now).toFixed(3));
    print(
      `${String(errors.n).padStart(6)}  ${String(errors.iterations).padStart(10)}  ${errors.maxError.toExponential(15)}  ` +
        `${ratio(errors.maxError, previous?.maxError)}  ${errors.l2Error.toExponential(15)}  ${ratio(errors.l2Error, previous?.l2Error)}`,
    );
    previous = errors;
  }
}

await runExample(import.meta.url, command, femPoisson);
