/**
 * `PSparseMatrix`: a distributed sparse matrix stored by rows, each part holding its own rows as
 * two CSR blocks (own columns and ghost columns), and the operations on it: `spmv`, `mul`,
 * `centralize`.
 *
 * @module
 */
import { describeValue, expectInstance } from '../argument-checks.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { kernels } from '../kernels/select-kernels.js';
import { DimensionMismatchError, InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { csrFromCoo } from './coo.js';
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import { checkSameOwn, PRange } from '../partitions/prange.js';
import type { PSparseAssembly } from './psparse-assembly.js';
import { PVector, pzeros } from '../vectors/pvector.js';
import { partialsBuffer, sumPartials } from '../vectors/vector-ops.js';

const MAX_INT32 = 0x7fffffff;

/**
 * A distributed sparse matrix. Each part stores its own rows (the own ids of `rows`) as two CSR
 * blocks with local ids: `ownOwn` (columns = own local ids of `cols`) and `ownGhost` (columns =
 * ghost indices `0..nGhost-1` of `cols`), the split of PETSc's MPIAIJ. `cols` holds exactly the
 * ghost columns the own rows reference, so a vector on `cols` has what the product needs.
 *
 * Built by {@link psparse}; the blocks belong to the matrix (values may be overwritten in place,
 * as {@link psparseRefill} does; the structure must not change).
 *
 * @example
 * ```ts
 * const A = await psparse(I, J, V, rows, rows);
 * const y = mul(A, pfill(1, A.cols));   // row sums
 * ```
 * @group PSparseMatrix
 */
export class PSparseMatrix {
  /** Row range: part p stores the rows it owns. */
  readonly rows: PRange;
  /** Column range: own ids as given to psparse, ghosts = the off-part columns of the own rows. */
  readonly cols: PRange;
  /** Global number of stored entries (sum over parts of both blocks), the same on every part. */
  readonly nnz: number;
  /** Per part: own rows × own columns (CSR, local ids). */
  readonly ownOwn: PData<CsrMatrix>;
  /** Per part: own rows × ghost columns (CSR, column = ghost index). */
  readonly ownGhost: PData<CsrMatrix>;
  /** What psparse computed once and {@link psparseRefill} reuses; `undefined` for other matrices. */
  readonly assembly: PSparseAssembly | undefined;

  /**
   * Wraps per-part blocks (not copied). Collective: counts `nnz` with a float64 allgather. Each block's
   * structure is checked once here, in O(rows + stored entries), so that SpMV can trust it and
   * check nothing.
   * @throws InvalidArgumentError when `rows`/`cols` are not PRanges or the blocks not PData; (with
   * the part id) when a block is not a CSR matrix of Int32Array `rowPtr` and `colIdx` and a
   * Float64Array of values, its `rowPtr` does not start at 0 or decreases, or a column id is not
   * in `0..nCols-1`. PartitionMismatchError when the pieces belong to different runs;
   * DimensionMismatchError (with the part id) when a block's shape does not match the part's own
   * rows / own or ghost columns, or its arrays' lengths disagree (`rowPtr` of `nRows + 1`, as many
   * column ids and values as `rowPtr[nRows]`). All checked before the collective.
   * @example
   * ```ts
   * const block = (nCols: number) => ranks.map(() => ({ nRows: 1, nCols, rowPtr: Int32Array.of(0, 0),
   *   colIdx: new Int32Array(0), values: new Float64Array(0) }));
   * const Z = new PSparseMatrix(rows, rows, block(1), block(0)); // 1 row per part, no entries
   * ```
   */
  constructor(
    rows: PRange,
    cols: PRange,
    ownOwn: PData<CsrMatrix>,
    ownGhost: PData<CsrMatrix>,
    assembly?: PSparseAssembly,
  ) {
    expectInstance(rows, PRange, 'PSparseMatrix: rows');
    expectInstance(cols, PRange, 'PSparseMatrix: cols');
    expectInstance(ownOwn, PData, 'PSparseMatrix: ownOwn');
    expectInstance(ownGhost, PData, 'PSparseMatrix: ownGhost');
    const backend = rows.backend;
    if (cols.backend !== backend || ownOwn.backend !== backend || ownGhost.backend !== backend) {
      throw new PartitionMismatchError('PSparseMatrix: rows, cols and blocks belong to different runs (different ranks)');
    }
    pmap(
      (rowIds, colIds, oo, og, p) => {
        checkBlock(oo, rowIds.nOwn, colIds.nOwn, 'ownOwn', p);
        checkBlock(og, rowIds.nOwn, colIds.nGhost, 'ownGhost', p);
      },
      rows.partition,
      cols.partition,
      ownOwn,
      ownGhost,
    );
    this.rows = rows;
    this.cols = cols;
    this.ownOwn = ownOwn;
    this.ownGhost = ownGhost;
    this.assembly = assembly;
    // Summed by the allocation-free float64 allgather of the dot products (exact: integers below
    // 2^53): a generic reduction serializes its items and, on Threads, goes through the mailboxes.
    const counts = partialsBuffer(backend);
    ownOwn.localItems.forEach((oo, i) => (counts[i] = oo.colIdx.length + ownGhost.localItems[i].colIdx.length));
    this.nnz = sumPartials(backend);
  }
}

/**
 * Set while {@link assembledMatrix} constructs a matrix: its blocks come from the library's own
 * kernels, which write ascending row offsets and column ids below the block's width by construction, so
 * the constructor keeps only its O(1) checks instead of a pass over every entry.
 */
let blocksBuiltHere = false;

/**
 * A matrix from blocks the library built valid by construction (psparse's assembly, the sparse
 * products, the AMG prolongators; internal, not exported from the package): as the constructor,
 * without the pass over every row offset and column id.
 */
export function assembledMatrix(
  rows: PRange,
  cols: PRange,
  ownOwn: PData<CsrMatrix>,
  ownGhost: PData<CsrMatrix>,
  assembly?: PSparseAssembly,
): PSparseMatrix {
  blocksBuiltHere = true;
  try {
    return new PSparseMatrix(rows, cols, ownOwn, ownGhost, assembly);
  } finally {
    blocksBuiltHere = false;
  }
}

function checkBlock(block: CsrMatrix, nRows: number, nCols: number, name: string, partId: number): void {
  const what = `PSparseMatrix: ${name} block`;
  if (
    typeof block !== 'object' ||
    block === null ||
    !(block.rowPtr instanceof Int32Array) ||
    !(block.colIdx instanceof Int32Array) ||
    !(block.values instanceof Float64Array)
  ) {
    throw new InvalidArgumentError(
      `${what} must be a CSR matrix { nRows, nCols, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array }, got ${describeValue(block)}`,
      { partId },
    );
  }
  if (block.nRows !== nRows || block.nCols !== nCols) {
    throw new DimensionMismatchError(`${what} is ${block.nRows}×${block.nCols}, expected ${nRows}×${nCols}`, { partId });
  }
  const { rowPtr, colIdx } = block;
  const nnz = rowPtr.length === nRows + 1 ? rowPtr[nRows] : -1;
  if (nnz < 0 || colIdx.length !== nnz || block.values.length !== nnz) {
    throw new DimensionMismatchError(
      `${what} has rowPtr of length ${rowPtr.length} (expected ${nRows + 1}), ` +
        `${colIdx.length} column ids and ${block.values.length} values`,
      { partId },
    );
  }
  if (blocksBuiltHere) return;
  if (rowPtr[0] !== 0) {
    throw new InvalidArgumentError(`${what}: rowPtr[0] = ${rowPtr[0]}, expected 0`, { partId });
  }
  for (let i = 0; i < nRows; i++) {
    if (rowPtr[i + 1] < rowPtr[i]) {
      throw new InvalidArgumentError(`${what}: rowPtr decreases at row ${i} (${rowPtr[i]} then ${rowPtr[i + 1]})`, {
        partId,
      });
    }
  }
  for (let e = 0; e < nnz; e++) {
    if (colIdx[e] < 0 || colIdx[e] >= nCols) {
      throw new InvalidArgumentError(`${what}: column id colIdx[${e}] = ${colIdx[e]} is outside 0..${nCols - 1}`, {
        partId,
      });
    }
  }
}

/**
 * `y = A x` on the own rows of `y` (collective, allocation-free). The ghost update of `x` runs
 * while the own-own block is multiplied, then the own-ghost block is added. `x`'s ghosts are left
 * up to date; `y`'s ghosts are not touched.
 *
 * @param y vector with the own ids of `A.rows` (its values are overwritten)
 * @param x vector on `A.cols` itself (the same PRange object: it holds the ghost columns of `A`)
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix or `y`/`x` not PVectors (a
 * `Pending`: call `.wait()` first), or `y` and `x` are the same vector; PartitionMismatchError
 * when `x` is not on `A.cols` or `y` does not have the own ids of `A.rows`. Checked before any
 * communication.
 * @example
 * ```ts
 * const x = pfill(1, A.cols);
 * const y = pzeros(A.rows);
 * spmv(y, A, x);
 * ```
 * @group PSparseMatrix
 */
export function spmv(y: PVector, A: PSparseMatrix, x: PVector): void {
  expectInstance(y, PVector, 'spmv: y');
  expectInstance(A, PSparseMatrix, 'spmv: A');
  expectInstance(x, PVector, 'spmv: x');
  if (x.rows !== A.cols) {
    throw new PartitionMismatchError(
      'spmv: x must be a vector on A.cols (the same PRange object, which holds the ghost columns of A); ' +
        'build it with pzeros(A.cols) or pvector(A.cols, ...)',
    );
  }
  checkSameOwn(y.rows, A.rows, 'spmv: y must have the own ids of A.rows');
  if (y === x) throw new InvalidArgumentError('spmv: y and x must be different vectors');
  const ownOwn = A.ownOwn.localItems;
  const ownGhost = A.ownGhost.localItems;
  const xLocal = x.values.localItems;
  const xGhost = x.ghostValues().localItems;
  const yLocal = y.values.localItems;
  x.startConsistent();
  for (let i = 0; i < ownOwn.length; i++) {
    const { nRows, rowPtr, colIdx, values } = ownOwn[i];
    kernels.spmv(nRows, rowPtr, colIdx, values, xLocal[i], yLocal[i]);
  }
  x.finishConsistent();
  for (let i = 0; i < ownGhost.length; i++) {
    const { nRows, rowPtr, colIdx, values } = ownGhost[i];
    if (rowPtr[nRows] > 0) kernels.spmvAdd(nRows, rowPtr, colIdx, values, xGhost[i], yLocal[i]);
  }
}

/**
 * `A x` as a new vector on `A.rows` (collective). See {@link spmv}.
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix or `x` not a PVector (a `Pending`:
 * call `.wait()` first), before allocating anything; otherwise as {@link spmv}.
 * @example
 * ```ts
 * const rowSums = mul(A, pfill(1, A.cols));
 * ```
 * @group PSparseMatrix
 */
export function mul(A: PSparseMatrix, x: PVector): PVector {
  expectInstance(A, PSparseMatrix, 'mul: A');
  expectInstance(x, PVector, 'mul: x');
  const y = pzeros(A.rows);
  spmv(y, A, x);
  return y;
}

/**
 * The whole matrix as one CSR matrix with GLOBAL row and column ids (`rows.n × cols.n`), the same
 * on every part (collective: every part's rows are gathered to all). For tests and debugging only:
 * it holds the whole matrix in every process.
 *
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix, or `rows.n` or `cols.n` exceeds
 * 2^31-1 (checked before any communication).
 * @example
 * ```ts
 * const { rowPtr, colIdx, values } = centralize(A);
 * ```
 * @group PSparseMatrix
 */
export function centralize(A: PSparseMatrix): CsrMatrix {
  expectInstance(A, PSparseMatrix, 'centralize: A');
  const { rows, cols } = A;
  if (rows.n > MAX_INT32 || cols.n > MAX_INT32) {
    throw new InvalidArgumentError(`centralize: a ${rows.n}×${cols.n} matrix does not fit 32-bit CSR ids`);
  }
  const pieces = pmap(
    (rowIds, colIds, oo, og) => {
      const count = oo.colIdx.length + og.colIdx.length;
      const I = new Int32Array(count);
      const J = new Int32Array(count);
      const V = new Float64Array(count);
      let k = 0;
      for (let i = 0; i < rowIds.nOwn; i++) {
        const row = rowIds.own.at(i);
        for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++, k++) {
          I[k] = row;
          J[k] = colIds.own.at(oo.colIdx[e]);
          V[k] = oo.values[e];
        }
        for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++, k++) {
          I[k] = row;
          J[k] = colIds.ghostToGlobal[og.colIdx[e]];
          V[k] = og.values[e];
        }
      }
      return { I, J, V };
    },
    rows.partition,
    cols.partition,
    A.ownOwn,
    A.ownGhost,
  );
  const all = getAny(gather(pieces, { destination: 'all' }));
  const total = all.reduce((sum, piece) => sum + piece.I.length, 0);
  const I = new Int32Array(total);
  const J = new Int32Array(total);
  const V = new Float64Array(total);
  let offset = 0;
  for (const piece of all) {
    I.set(piece.I, offset);
    J.set(piece.J, offset);
    V.set(piece.V, offset);
    offset += piece.I.length;
  }
  return csrFromCoo(rows.n, cols.n, I, J, V);
}
