/**
 * Getting results out (docs/guide-results.md): solves the 2-D Laplacian −Δu = 1 on an n×n grid of
 * interior points (u = 0 on the boundary), gathers the solution to part 0 with the global id of
 * each value, and writes it there as a CSV file and as an SVG heat map drawn by Vega-Lite.
 *
 *   node dist/examples/results-out.js [--n 16] [--np 2] [--backend sequential|threads] [--out results]
 *   mpirun -n 2 node dist/examples/results-out.js --backend mpi [--out results]
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import {
  cg,
  gather,
  laplacianFdm,
  pfill,
  psparse,
  InvalidArgumentError,
  type PData,
} from '../src/index.js';
import { parseCommand, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { runExample } from './lib/run-example.js';

const command = {
  program: 'results-out',
  usage: [
    'node dist/examples/results-out.js [--n 16] [--np 2] [--backend sequential|threads] [--out results]',
    'mpirun -n NP node dist/examples/results-out.js --backend mpi [--n 16] [--out results]',
  ],
  summary: 'solve a 2-D Poisson problem and write the solution as CSV and as an SVG heat map',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 16 },
    np: { kind: 'positive-integer', help: 'number of parts (under mpirun, the job size)', default: 2 },
    backend: { kind: 'choice', choices: ['sequential', 'threads', 'mpi'], help: 'where the parts live', default: 'sequential' },
    out: { kind: 'string', help: 'directory for solution.csv and solution.svg', default: 'results' },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;

/** One grid point of the solution: column i, row j (0-based interior indices) and the value u. */
interface Cell {
  readonly i: number;
  readonly j: number;
  readonly u: number;
}

/** The heat map: one rectangle per grid point, row 0 at the bottom. */
function heatMap(cells: readonly Cell[], n: number): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `−Δu = 1 on a ${n}×${n} grid`,
    data: { values: cells as Cell[] },
    mark: 'rect',
    width: 12 * n,
    height: 12 * n,
    encoding: {
      x: { field: 'i', type: 'ordinal', title: 'i' },
      y: { field: 'j', type: 'ordinal', title: 'j', sort: 'descending' },
      color: { field: 'u', type: 'quantitative', title: 'u', scale: { scheme: 'viridis' } },
    },
  };
}

/** The driver: every part solves and gathers; part 0 writes the files. */
export default async function resultsOut(ranks: PData<number>): Promise<void> {
  const { n, out } = parseCommand(command, process.argv.slice(2)).flags;
  if (ranks.np > n) throw new InvalidArgumentError(`${ranks.np} parts, more than the ${n} grid rows to split`);
  const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n], [1, ranks.np]);
  const A = psparse(I, J, V, rows, cols).wait();
  const result = cg(A, pfill(1, A.rows), { rtol: 1e-10, preconditioner: 'jacobi' });

  // Each part sends its own values with their global ids: the receiver needs no partition.
  const ids = A.rows.partition.map((local) => Array.from(local.ownToGlobal));
  const values = gather(result.x.ownValues().map((own) => Array.from(own)), { destination: 0 });
  const idsOnMain = gather(ids, { destination: 0 });

  for (const part of ranks.partIds) {
    if (part !== 0) continue;
    const k = ranks.partIds.indexOf(0);
    const u = new Float64Array(n * n);
    idsOnMain.localItems[k].forEach((partIds, q) => partIds.forEach((g, m) => (u[g] = values.localItems[k][q][m])));
    const cells: Cell[] = Array.from(u, (value, g) => ({ i: g % n, j: Math.floor(g / n), u: value }));

    mkdirSync(out, { recursive: true });
    const csv = ['i,j,u', ...cells.map((c) => `${c.i},${c.j},${c.u.toPrecision(17)}`)].join('\n') + '\n';
    writeFileSync(join(out, 'solution.csv'), csv);
    const view = new View(parse(compile(heatMap(cells, n)).spec), { renderer: 'none' });
    try {
      writeFileSync(join(out, 'solution.svg'), await view.toSVG());
    } finally {
      view.finalize();
    }
    console.log(`${ranks.backend.kind}, ${ranks.np} parts: ${result.reason} after ${result.iterations} iterations`);
    console.log(`wrote ${join(out, 'solution.csv')} (${cells.length} rows) and ${join(out, 'solution.svg')}`);
  }
}

await runExample(import.meta.url, command, resultsOut);
