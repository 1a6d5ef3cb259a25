/**
 * Strength of connection and aggregation of one part's own rows (the per-part steps of the
 * smoothed-aggregation set-up). Aggregates never leave a part: each part groups its own rows by
 * its own-own block alone, in local order, so the aggregates depend on the partition only, never
 * on the backend.
 *
 * @module
 */
import { largeArrays } from '../../kernels/large-arrays.js';
import type { CsrMatrix } from '../../kernels/csr.js';

/** A part's aggregates: the aggregate of each own row (−1: none, an isolated row) and their count. */
export interface Aggregates {
  readonly aggregateOf: Int32Array;
  readonly count: number;
}

/**
 * Which own-own entries are strong connections: `j ≠ i` and `|a_ij| ≥ θ·sqrt(|a_ii|·|a_jj|)`
 * (the symmetric smoothed-aggregation measure). `diagonal` holds a_ii per own row.
 */
export function strongConnections(block: CsrMatrix, diagonal: Float64Array, theta: number): Uint8Array {
  const { nRows, rowPtr, colIdx, values } = block;
  const root = largeArrays.float64(nRows);
  for (let i = 0; i < nRows; i++) root[i] = Math.sqrt(Math.abs(diagonal[i]));
  const strong = largeArrays.uint8(rowPtr[nRows]);
  for (let i = 0; i < nRows; i++) {
    const bound = theta * root[i];
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const j = colIdx[e];
      if (j !== i && values[e] !== 0 && Math.abs(values[e]) >= bound * root[j]) strong[e] = 1;
    }
  }
  // Written and dead: its pages serve the next large arrays (the set-up's products) warm.
  largeArrays.recycle(root);
  return strong;
}

const NONE = -1;
/** A row without strong connections: it joins no aggregate (its prolongator row is empty). */
const ISOLATED = -2;

/**
 * Greedy aggregation in three passes over the own rows in local order (Vaněk, Mandel and Brezina's
 * algorithm): (1) a row whose strong neighbours are all free founds an aggregate with them;
 * (2) a free row joins the pass-1 aggregate of its strongest aggregated neighbour; (3) the rows
 * still free found aggregates with their free strong neighbours. Rows without strong connections
 * stay out of every aggregate.
 */
export function aggregate(block: CsrMatrix, strong: Uint8Array): Aggregates {
  const { nRows, rowPtr, colIdx, values } = block;
  const aggregateOf = largeArrays.int32(nRows).fill(NONE);
  let count = 0;
  for (let i = 0; i < nRows; i++) {
    if (aggregateOf[i] !== NONE) continue;
    let neighbours = 0;
    let free = true;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (strong[e] === 0) continue;
      neighbours++;
      // One aggregated strong neighbour settles it: the row founds nothing in this pass.
      if (aggregateOf[colIdx[e]] !== NONE) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    if (neighbours === 0) {
      aggregateOf[i] = ISOLATED;
      continue;
    }
    aggregateOf[i] = count;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) if (strong[e] === 1) aggregateOf[colIdx[e]] = count;
    count++;
  }
  // Pass 2 joins pass-1 aggregates only (those numbered below firstPass), so joins do not chain.
  const firstPass = count;
  const joined = largeArrays.int32(nRows).fill(NONE);
  for (let i = 0; i < nRows; i++) {
    if (aggregateOf[i] !== NONE) continue;
    let best = NONE;
    let bestWeight = -1;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      const a = aggregateOf[colIdx[e]];
      if (strong[e] === 1 && a >= 0 && a < firstPass && Math.abs(values[e]) > bestWeight) {
        best = a;
        bestWeight = Math.abs(values[e]);
      }
    }
    joined[i] = best;
  }
  for (let i = 0; i < nRows; i++) if (joined[i] !== NONE) aggregateOf[i] = joined[i];
  largeArrays.recycle(joined);
  for (let i = 0; i < nRows; i++) {
    if (aggregateOf[i] !== NONE) continue;
    aggregateOf[i] = count;
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (strong[e] === 1 && aggregateOf[colIdx[e]] === NONE) aggregateOf[colIdx[e]] = count;
    }
    count++;
  }
  for (let i = 0; i < nRows; i++) if (aggregateOf[i] === ISOLATED) aggregateOf[i] = NONE;
  return { aggregateOf, count };
}
