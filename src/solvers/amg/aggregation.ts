/**
 * Strength of connection and aggregation of one part's own rows (the per-part steps of the
 * smoothed-aggregation set-up). Aggregates never leave a part: each part groups its own rows by
 * its own-own block alone, in an order fixed by that block and by which rows have ghost entries
 * ({@link passOrder}), so the aggregates depend on the partition only, never on the backend.
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
 * The order of {@link aggregate}'s passes over a part's own rows: first the rows with an entry
 * of the ghost block `ghost` in a ghost of the lowest-numbered part any ghost entry reaches
 * (`ghostOwner`: each ghost's part), then the rows the own-own `block` reaches from them breadth
 * first, then the rest, each group in local order. The greedy passes leave their irregular
 * aggregates (pass-2 joins, pass-3 leftovers) where they end. On slabs numbered along the slabs
 * this is the local order on every part but part 0, which then sweeps away from its interface,
 * ending at the physical boundary as one part does, instead of toward it (where part 1 starts);
 * starting every part at all its interfaces instead puts a middle part's leftovers in its interior
 * and cost iterations on 3 and 4 parts. Without ghost entries (one part) it is the local order.
 * The new array (nRows) belongs to the caller.
 *
 * @example Rows 0..3 in a chain, row 3 coupled to part 2 and row 0 to part 5: order 3, 2, 1, 0.
 */
export function passOrder(block: CsrMatrix, ghost: CsrMatrix, ghostOwner: Int32Array): Int32Array {
  const { nRows, rowPtr, colIdx } = block;
  const order = largeArrays.int32(nRows);
  const mark = largeArrays.int32(nRows);
  let first = 2 ** 31 - 1;
  for (let e = 0; e < ghost.rowPtr[nRows]; e++) first = Math.min(first, ghostOwner[ghost.colIdx[e]]);
  let m = 0;
  for (let i = 0; i < nRows; i++) {
    mark[i] = 0;
    for (let e = ghost.rowPtr[i]; e < ghost.rowPtr[i + 1] && mark[i] === 0; e++) {
      if (ghostOwner[ghost.colIdx[e]] === first) mark[i] = 1;
    }
    if (mark[i] === 1) order[m++] = i;
  }
  for (let h = 0; h < m; h++) {
    const i = order[h];
    for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
      if (mark[colIdx[e]] === 1) continue;
      mark[colIdx[e]] = 1;
      order[m++] = colIdx[e];
    }
  }
  for (let i = 0; i < nRows && m < nRows; i++) if (mark[i] === 0) order[m++] = i;
  largeArrays.recycle(mark);
  return order;
}

/**
 * Greedy aggregation in three passes over the own rows (Vaněk, Mandel and Brezina's algorithm),
 * rows taken in `order` (a permutation of 0..nRows−1, {@link passOrder}): (1) a row whose strong
 * neighbours are all free founds an aggregate with them; (2) a free row joins the pass-1
 * aggregate of its strongest aggregated neighbour; (3) the rows still free found aggregates with
 * their free strong neighbours. Rows without strong connections stay out of every aggregate.
 */
export function aggregate(block: CsrMatrix, strong: Uint8Array, order: Int32Array): Aggregates {
  const { nRows, rowPtr, colIdx, values } = block;
  const aggregateOf = largeArrays.int32(nRows).fill(NONE);
  let count = 0;
  for (let k = 0; k < nRows; k++) {
    const i = order[k];
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
  for (let k = 0; k < nRows; k++) {
    const i = order[k];
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
