/**
 * CG's first pass, q = A p fused with p·q, split by rows so that only the rows with ghost entries
 * wait for the ghost update of p and are walked a second time.
 *
 * @module
 */
import type { Backend } from '../backends/backend.js';
import { compactCsr, type CompactCsr } from '../kernels/compact-csr.js';
import { entryRowSpan } from '../kernels/csr.js';
import { kernels } from '../kernels/select-kernels.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import type { PVector } from '../vectors/pvector.js';
import { partialsBuffer, sumPartials } from '../vectors/vector-ops.js';

/**
 * One part's row ranges, with the `subarray` views the kernels need made once. Rows
 * `[0, first)` and `[end, nRows)` have no ghost entries (`head`, `tail`); `[first, end)` spans
 * the rows that have some (`middle`; empty, with `first = end = nRows`, when there are none).
 */
interface PartRows {
  /** The compact form of the own-own block, or null when the CSR block is used. */
  readonly compact: CompactCsr | null;
  readonly first: number;
  readonly nTail: number;
  readonly nMiddle: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
  readonly tailRowPtr: Int32Array;
  readonly middleRowPtr: Int32Array;
  readonly ghostRowPtr: Int32Array;
  readonly ghostColIdx: Int32Array;
  readonly ghostValues: Float64Array;
  readonly p: Float64Array;
  readonly pGhost: Float64Array;
  readonly q: Float64Array;
  readonly pTail: Float64Array;
  readonly qTail: Float64Array;
  readonly pMiddle: Float64Array;
  readonly qMiddle: Float64Array;
}

function partRows(A: PSparseMatrix, p: PVector, q: PVector, part: number, compact: boolean, minEntries: number): PartRows {
  const oo = A.ownOwn.localItems[part];
  const og = A.ownGhost.localItems[part];
  const { first, end } = entryRowSpan(og);
  const pLocal = p.values.localItems[part];
  const qLocal = q.values.localItems[part];
  const form = compact && oo.colIdx.length >= minEntries ? compactCsr(oo) : null;
  return {
    compact: form !== null && 'lengths' in form ? form : null,
    first,
    nTail: oo.nRows - end,
    nMiddle: end - first,
    rowPtr: oo.rowPtr,
    colIdx: oo.colIdx,
    values: oo.values,
    tailRowPtr: oo.rowPtr.subarray(end),
    middleRowPtr: oo.rowPtr.subarray(first),
    ghostRowPtr: og.rowPtr.subarray(first),
    ghostColIdx: og.colIdx,
    ghostValues: og.values,
    p: pLocal,
    pGhost: p.ghostValues().localItems[part],
    q: qLocal,
    pTail: pLocal.subarray(end),
    qTail: qLocal.subarray(end),
    pMiddle: pLocal.subarray(first),
    qMiddle: qLocal.subarray(first),
  };
}

/**
 * `q = A p` and `p·q` for fixed A, p and q (CG's work vectors), allocation-free per call.
 *
 * Before waiting for the ghost update of p, each part multiplies its own-own block and sums p·q
 * over the rows without ghost entries (the rows before the first and after the last row with ghost
 * entries, in that order); after the wait it adds the own-ghost block on the rows between and
 * continues the same sum over them. So p·q is summed per part in a fixed row order (head, tail,
 * middle; with no ghost entries simply 0..n-1) with one accumulator, then folded in part order:
 * the same bits on every backend and with either kernel set. The rows without ghost entries are
 * read once, not twice as a whole-block own-ghost pass would (in a 2-part slab split of the n=100
 * Poisson problem, 1% of the rows have ghost entries).
 *
 * Fusing the direction update p = z + βp into this pass (updating p a few grid planes ahead of
 * the row being multiplied) was measured slower on the reference machine than the two passes
 * apart, so it stays a separate pass.
 *
 * @example
 * ```ts
 * const plan = new SpmvDotPlan(A, p, q);
 * const pq = plan.run(); // q = A p, returns p·q (collective)
 * ```
 */
export class SpmvDotPlan {
  /**
   * Per local part (in the order of `backend.localParts`), whether its own-own product runs on
   * the compact form of the block (`kernels.spmvDotCompact`) rather than on its CSR.
   */
  readonly compactParts: readonly boolean[];
  private readonly p: PVector;
  private readonly parts: readonly PartRows[];
  private readonly partials: Float64Array;
  private readonly backend: Backend;

  /**
   * @param A the matrix; its structure must not change while the plan is used.
   * @param p vector on `A.cols` (read; its ghosts are updated by {@link SpmvDotPlan.run}).
   * @param q vector with the own ids of `A.rows` (overwritten by {@link SpmvDotPlan.run}).
   * @param compact whether to multiply the own-own blocks in compact form where they fit (the
   * same bits; see {@link compactCsr}).
   * @param minEntries with `compact`, only the blocks of at least this many entries.
   */
  constructor(A: PSparseMatrix, p: PVector, q: PVector, compact = false, minEntries = 0) {
    this.backend = A.rows.backend;
    this.p = p;
    this.parts = A.ownOwn.localItems.map((_, part) => partRows(A, p, q, part, compact, minEntries));
    this.compactParts = this.parts.map((r) => r.compact !== null);
    this.partials = partialsBuffer(this.backend);
  }

  /** Computes `q = A p` and returns `p·q`, the same number on every part (collective). */
  run(): number {
    const { parts, partials } = this;
    this.p.startConsistent();
    for (let i = 0; i < parts.length; i++) {
      const r = parts[i];
      partials[i] = r.compact === null ? ownProductCsr(r) : ownProductCompact(r, r.compact);
    }
    this.p.finishConsistent();
    for (let i = 0; i < parts.length; i++) {
      const r = parts[i];
      if (r.nMiddle === 0) continue;
      partials[i] = kernels.spmvAddDot(
        r.nMiddle, r.ghostRowPtr, r.ghostColIdx, r.ghostValues, r.pGhost, r.qMiddle, r.pMiddle, partials[i],
      );
    }
    return sumPartials(this.backend);
  }
}

/** The own-own product of every row on the CSR block; returns p·q over the head and tail rows. */
function ownProductCsr(r: PartRows): number {
  let d = 0;
  if (r.first > 0) d = kernels.spmvDot(r.first, r.rowPtr, r.colIdx, r.values, r.p, r.q, r.p, d);
  if (r.nTail > 0) d = kernels.spmvDot(r.nTail, r.tailRowPtr, r.colIdx, r.values, r.p, r.qTail, r.pTail, d);
  if (r.nMiddle > 0) kernels.spmv(r.nMiddle, r.middleRowPtr, r.colIdx, r.values, r.p, r.qMiddle);
  return d;
}

/** {@link ownProductCsr} on the compact block: the same products and sums in the same order. */
function ownProductCompact(r: PartRows, c: CompactCsr): number {
  const { lengths, offsets, values, rowPtr, nRows } = c;
  const end = r.first + r.nMiddle;
  let d = 0;
  if (r.first > 0) d = kernels.spmvDotCompact(0, r.first, 0, rowPtr[r.first], lengths, offsets, values, r.p, r.q, r.p, d);
  if (r.nTail > 0) d = kernels.spmvDotCompact(end, nRows, rowPtr[end], rowPtr[nRows], lengths, offsets, values, r.p, r.q, r.p, d);
  // The middle rows' p·q is summed after their ghost entries are added; this pass's is dropped.
  if (r.nMiddle > 0) kernels.spmvDotCompact(r.first, end, rowPtr[r.first], rowPtr[end], lengths, offsets, values, r.p, r.q, r.p, 0);
  return d;
}
