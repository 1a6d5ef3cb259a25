/**
 * Bytes held by a PSparseMatrix of the n³ Poisson problem, against the CSR lower bound of the
 * issue (12 bytes per nonzero + 4 bytes per row): matrix blocks, ghost bookkeeping (ghost ids,
 * owners, the ghost-exchange plan) and, with `reuse: true`, the refill pattern.
 *
 *   node dist/bench/memory.js [--n 100] [--np 1,2]
 */
import {
  laplacianFdm,
  mul,
  pfill,
  psparse,
  withSequential,
  type CsrMatrix,
  type PSparseMatrix,
  type PData,
} from '../src/index.js';
import { ghostPlan } from '../src/partitions/ghost-plan.js';
import { parseCommandOrExit, type CommandSpec, type FlagSpecs } from '../src/run/cli-args.js';
import { formatTable } from '../src/format/table.js';

const command = {
  program: 'bench/memory',
  usage: ['node dist/bench/memory.js [--n 100] [--np 1,2]'],
  summary: 'Bytes held by a PSparseMatrix of the n^3 Poisson problem against the CSR lower bound',
  flags: {
    n: { kind: 'positive-integer', help: 'interior grid points per direction', default: 100 },
    np: { kind: 'positive-integer-list', help: 'part counts', default: [1, 2] },
  },
  positionals: 'none',
} as const satisfies CommandSpec<FlagSpecs>;
const { n, np: partCounts } = parseCommandOrExit(command, process.argv.slice(2)).flags;

const bytesOf = (...arrays: ArrayBufferView[]): number => arrays.reduce((s, a) => s + a.byteLength, 0);
const csrBytes = (blocks: PData<CsrMatrix>): number =>
  blocks.localItems.reduce((s, b) => s + bytesOf(b.rowPtr, b.colIdx, b.values), 0);

function measure(A: PSparseMatrix): Record<string, number> {
  mul(A, pfill(1, A.cols)); // builds the ghost-exchange plan, as every SpMV needs it
  const blocks = csrBytes(A.ownOwn) + csrBytes(A.ownGhost);
  const ghostIds = A.cols.partition.localItems.reduce((s, ids) => s + bytesOf(ids.ghostToGlobal, ids.ghostToOwner), 0);
  const plan = ghostPlan(A.cols).parts.localItems.reduce(
    (s, p) => s + bytesOf(p.owners, p.ownerPtrs, p.ghostLids, p.holders, p.holderPtrs, p.holderLids),
    0,
  );
  const refill =
    A.assembly?.parts.localItems.reduce(
      (s, p) => s + bytesOf(p.localSlot, p.sendIndex, p.sendPtrs, p.receiveSlot, p.receivePtrs, p.receiveOrder),
      0,
    ) ?? 0;
  const bound = 12 * A.nnz + 4 * A.rows.n;
  return { nnz: A.nnz, rows: A.rows.n, blocks, ghostIds, plan, refill, bound, ratio: blocks / bound };
}

console.log(`PSparseMatrix memory, 3-D Poisson n = ${n}; bound = 12 B/nonzero + 4 B/row`);
const rows: string[][] = [];
for (const np of partCounts) {
  for (const reuse of [false, true]) {
    const m = await withSequential(np, (ranks) => {
      const { I, J, V, rows, cols } = laplacianFdm(ranks, [n, n, n], [1, 1, np]);
      return measure(psparse(I, J, V, rows, cols, { reuse }).wait());
    });
    rows.push([String(np), String(reuse), String(m.blocks), String(m.ghostIds), String(m.plan), String(m.refill), m.ratio.toFixed(4)]);
  }
}
console.log(
  formatTable(['np', 'reuse', 'blocks B', 'ghost ids B', 'ghost plan B', 'refill B', 'blocks / bound'], rows, {
    leftColumns: 0,
    separator: ' | ',
  }),
);
