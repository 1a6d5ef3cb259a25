/**
 * The plot of a benchmark run: solve time per system and grid size, as grouped bars on a log scale
 * with a whisker from the fastest to the slowest round, rendered to SVG by Vega-Lite in Node
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
  const plotted = rows.filter((r) => Number.isFinite(r.solve_s));
  const systems = [...new Set([...Object.keys(COLOURS), ...plotted.map(label)])].filter((s) => plotted.some((r) => label(r) === s));
  const sizes = [...new Set(plotted.map((r) => r.n))].sort((a, b) => a - b).map((n) => `n = ${n}`);
  // Whole decades around the data: bars on a log scale need a positive base, and round ticks read best.
  const decades = [
    10 ** Math.floor(Math.log10(Math.min(...plotted.map((r) => r.solve_s_min)))),
    10 ** Math.ceil(Math.log10(Math.max(...plotted.map((r) => r.solve_s_max)))),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'CG + Jacobi solve time, 3-D Poisson: median over rounds (whisker: fastest to slowest round)', subtitle },
    width: { step: 18 },
    height: 320,
    data: {
      values: plotted.map((r) => ({
        size: `n = ${r.n}`,
        system: label(r),
        solve_s: r.solve_s,
        min_s: r.solve_s_min,
        max_s: r.solve_s_max,
      })),
    },
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
          y: { field: 'solve_s', type: 'quantitative', stack: null, scale: { type: 'log', domain: decades }, title: 'solve time (s, log scale)' },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y: { field: 'min_s', type: 'quantitative' }, y2: { field: 'max_s' } },
      },
    ],
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
