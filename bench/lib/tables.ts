/**
 * The tables a benchmark run prints, as aligned plain text for a terminal or as Markdown for
 * `docs/performance.md` (`node dist/bench/run.js --markdown`).
 *
 * @module
 */
import { formatTable } from '../../src/format/table.js';
import type { SolveRow, SpmvRow, StreamRow, Summary } from './summary.js';

/** A cell: text, or a number shown with `digits` decimals (`'—'` when not finite). */
type Cell = string | { value: number | null; digits: number };

function text(cell: Cell): string {
  if (typeof cell === 'string') return cell;
  return cell.value === null || !Number.isFinite(cell.value) ? '—' : cell.value.toFixed(cell.digits);
}

/** A table of cells in the package's one layout ({@link formatTable}), labels in the first column. */
function table(headers: readonly string[], rows: readonly (readonly Cell[])[], markdown: boolean): string {
  return formatTable(headers, rows.map((row) => row.map(text)), { markdown });
}

function systemLabel(row: SolveRow): string {
  return row.kernels === undefined ? row.name : `${row.name} (${row.kernels})`;
}

/** The solve table: medians over rounds, ms per iteration, and the paired ratio to PETSc. */
function solveTable(rows: readonly SolveRow[], markdown: boolean): string {
  const headers = ['system', 'np', 'n', 'iterations', 'assembly s', 'setup s', 'solve s', 'ms/iteration', 'ours/PETSc', 'runs'];
  return table(
    headers,
    rows.map((r) => [
      systemLabel(r),
      String(r.np),
      String(r.n),
      r.iterations.length === 0 ? '—' : r.iterations.join('/'),
      { value: r.assembly_s, digits: 3 },
      { value: r.setup_s, digits: 4 },
      { value: r.solve_s, digits: 3 },
      { value: r.ms_per_iteration, digits: 2 },
      { value: r.ratio_to_petsc, digits: 2 },
      r.failures === 0 ? String(r.samples) : `${r.samples} (+${r.failures} failed)`,
    ]),
    markdown,
  );
}

/**
 * The whole-job table: the job (ours: partition + COO + psparse + CG set-up + solve; PETSc: CSR
 * build + insert/assemble + KSPSetUp + KSPSolve) and its pieces, each as the median of per-round
 * ratios to PETSc (psparse against PETSc's whole assembly; the one-call cg against KSPSetUp +
 * KSPSolve), with the assembly's peak memory (MB above the memory before it, all processes).
 */
function jobTable(rows: readonly SolveRow[], markdown: boolean): string {
  const mb = (bytes: number): Cell => ({ value: bytes / 2 ** 20, digits: 0 });
  const headers = [
    'system', 'np', 'n', 'job s', 'job/PETSc', 'psparse s', 'psparse/PETSc asm', 'refill/psparse', 'cg/PETSc (setup+solve)',
    'setup/solve', 'asm peak MB', 'matrix MB', 'COO MB',
  ];
  return table(
    headers,
    rows.filter((r) => Number.isFinite(r.job_s)).map((r) => [
      systemLabel(r),
      String(r.np),
      String(r.n),
      { value: r.job_s, digits: 3 },
      { value: r.job_ratio, digits: 2 },
      { value: r.psparse_s, digits: 3 },
      { value: r.psparse_ratio, digits: 2 },
      { value: r.refill_fraction, digits: 3 },
      { value: r.cg_ratio, digits: 2 },
      { value: r.setup_fraction, digits: 3 },
      mb(r.assembly_peak_bytes),
      mb(r.matrix_bytes),
      mb(r.coo_bytes),
    ]),
    markdown,
  );
}

/** The SpMV context table (n = 100, one core): ms, GB/s, throughput relative to C and to 1-thread STREAM triad. */
function spmvTable(rows: readonly SpmvRow[], markdown: boolean): string {
  return table(
    ['SpMV kernel, n=100, 1 core', 'ms', 'GB/s', 'vs C', 'vs STREAM triad'],
    rows.map((r) => [
      r.kernel,
      { value: r.seconds * 1e3, digits: 3 },
      { value: r.gbs, digits: 2 },
      { value: r.ratio_to_c, digits: 2 },
      { value: r.fraction_of_stream_triad, digits: 2 },
    ]),
    markdown,
  );
}

/** The STREAM table: best GB/s of triad and read per thread count. */
function streamTable(rows: readonly StreamRow[], markdown: boolean): string {
  return table(
    ['STREAM threads', 'triad GB/s', 'read GB/s'],
    rows.map((r) => [String(r.threads), { value: r.triad_gbs, digits: 1 }, { value: r.read_gbs, digits: 1 }]),
    markdown,
  );
}

/**
 * All tables of a run, separated by blank lines (empty tables left out).
 *
 * @example
 * ```ts
 * console.log(summaryTables(summarize(solves, context), true)); // Markdown, for docs/performance.md
 * ```
 */
export function summaryTables(summary: Summary, markdown: boolean): string {
  const parts = [solveTable(summary.solves, markdown), jobTable(summary.solves, markdown)];
  if (summary.spmv.length > 0) parts.push(spmvTable(summary.spmv, markdown));
  if (summary.stream.length > 0) parts.push(streamTable(summary.stream, markdown));
  return parts.join('\n\n');
}
