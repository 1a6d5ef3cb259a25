/**
 * The plot of a benchmark run: solve time and whole-job time (ours: partition + COO + psparse +
 * CG set-up + solve; PETSc: CSR build + assembly + KSPSetUp + KSPSolve) per system and grid size,
 * one panel each, as grouped bars on a log scale with a whisker from the fastest to the slowest round, rendered to SVG by Vega-Lite in Node
 * (Vega's `renderer: 'none'` view: no browser and no native canvas needed).
 *
 * @module
 */
import { View, parse } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { SolveRow } from './lib/summary.js';

/**
 * Fixed colours, so a system keeps its colour from run to run (PETSc greys, ours blues and greens,
 * darker for one part), in the order of the bars: each part count's systems side by side.
 */
const COLOURS: Record<string, string> = {
  'PETSc, np=1': '#525252',
  'ours threads, np=1': '#08519c',
  'ours MPI, np=1': '#006d2c',
  'ours sequential, np=1': '#7a0177',
  'SciPy, np=1': '#d94801',
  'PETSc, np=2': '#a3a3a3',
  'ours threads, np=2': '#6baed6',
  'ours MPI, np=2': '#74c476',
  'ours sequential, np=2': '#f768a1',
};

function label(row: SolveRow): string {
  return `${row.name}, np=${row.np}`;
}

/**
 * The Vega-Lite specification of the plot of `rows` (rows without a finite median are left out);
 * `subtitle` says where and when the figures were measured.
 */
function solveTimeSpec(rows: readonly SolveRow[], subtitle: string): TopLevelSpec {
  const solves = rows.filter((r) => Number.isFinite(r.solve_s));
  const jobs = rows.filter((r) => Number.isFinite(r.job_s));
  const values = [
    ...solves.map((r) => ({ measure: 'CG + Jacobi solve', size: `n = ${r.n}`, system: label(r), seconds: r.solve_s, min_s: r.solve_s_min, max_s: r.solve_s_max })),
    ...jobs.map((r) => ({ measure: 'whole job', size: `n = ${r.n}`, system: label(r), seconds: r.job_s, min_s: r.job_s_min, max_s: r.job_s_max })),
  ];
  const systems = [...new Set([...Object.keys(COLOURS), ...values.map((v) => v.system)])].filter((s) => values.some((v) => v.system === s));
  const sizes = [...new Set(solves.map((r) => r.n))].sort((a, b) => a - b).map((n) => `n = ${n}`);
  // Whole decades around the data: bars on a log scale need a positive base, and round ticks read best.
  const decades = [
    10 ** Math.floor(Math.log10(Math.min(...values.map((v) => v.min_s)))),
    10 ** Math.ceil(Math.log10(Math.max(...values.map((v) => v.max_s)))),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: '3-D Poisson, CG + Jacobi: solve and whole job, median over rounds (whisker: fastest to slowest round)', subtitle },
    data: { values },
    facet: { row: { field: 'measure', type: 'nominal', sort: ['CG + Jacobi solve', 'whole job'], title: null } },
    spec: {
      width: { step: 18 },
      height: 260,
      encoding: {
        x: { field: 'size', type: 'nominal', sort: sizes, title: 'grid (n³ unknowns)', axis: { labelAngle: 0 } },
        xOffset: { field: 'system', type: 'nominal', sort: systems },
        color: {
          field: 'system',
          type: 'nominal',
          sort: systems,
          scale: { domain: systems, range: systems.map((s) => COLOURS[s] ?? '#e6ab02') },
          title: 'system',
        },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'seconds', type: 'quantitative', stack: null, scale: { type: 'log', domain: decades }, title: 'seconds (log scale)' },
          },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: { y: { field: 'min_s', type: 'quantitative' }, y2: { field: 'max_s' } },
        },
      ],
    },
    config: { font: 'sans-serif' },
  };
}

/**
 * The plot of `rows` as an SVG document.
 *
 * @example
 * ```ts
 * writeFileSync('solve-time.svg', await solveTimeSvg(summary.solves, 'run of 2025-01-01'));
 * ```
 */
export async function solveTimeSvg(rows: readonly SolveRow[], subtitle: string): Promise<string> {
  const view = new View(parse(compile(solveTimeSpec(rows, subtitle)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
