/**
 * `PSparseMatrix`: a distributed sparse matrix stored by rows, each part holding its own rows as
 * two CSR blocks (own columns and ghost columns), and the operations on it: `spmv`, `mul`,
 * `centralize`.
 *
 * @module
 */
import type { CsrMatrix } from '../kernels/csr.js';
import { kernels } from '../kernels/select-kernels.js';
import { DimensionMismatchError, InvalidArgumentError, PartitionMismatchError } from '../errors.js';
import { csrFromCoo } from './coo.js';
import { pmap, type PData } from '../pdata/pdata.js';
import { gather, getAny, reduction } from '../pdata/primitives.js';
import { checkSameOwn, type PRange } from '../partitions/prange.js';
import type { PSparseAssembly } from './psparse-assembly.js';
import { pzeros, type PVector } from '../vectors/pvector.js';

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
   * Wraps per-part blocks (not copied). Collective: counts `nnz` with a reduction.
   * @throws PartitionMismatchError when the pieces belong to different runs; DimensionMismatchError
   * (with the part id) when a block's shape does not match the part's own rows / own or ghost
   * columns, or its arrays are inconsistent.
   */
  constructor(
    rows: PRange,
    cols: PRange,
    ownOwn: PData<CsrMatrix>,
    ownGhost: PData<CsrMatrix>,
    assembly?: PSparseAssembly,
  ) {
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
    const counts = pmap((oo, og) => oo.colIdx.length + og.colIdx.length, ownOwn, ownGhost);
    this.nnz = getAny(reduction((a, b) => a + b, counts, { destination: 'all', init: 0 }));
  }
}

function checkBlock(block: CsrMatrix, nRows: number, nCols: number, name: string, partId: number): void {
  if (block.nRows !== nRows || block.nCols !== nCols) {
    throw new DimensionMismatchError(
      `PSparseMatrix: ${name} block is ${block.nRows}×${block.nCols}, expected ${nRows}×${nCols}`,
      { partId },
    );
  }
  const nnz = block.rowPtr.length === nRows + 1 ? block.rowPtr[nRows] : -1;
  if (nnz < 0 || block.colIdx.length !== nnz || block.values.length !== nnz) {
    throw new DimensionMismatchError(
      `PSparseMatrix: ${name} block has rowPtr of length ${block.rowPtr.length} (expected ${nRows + 1}), ` +
        `${block.colIdx.length} column ids and ${block.values.length} values`,
      { partId },
    );
  }
}

/**
 * `y = A x` on the own rows of `y` (collective, allocation-free). The ghost update of `x` runs
 * while the own-own block is multiplied, then the own-ghost block is added. `x`'s ghosts are left
 * up to date; `y`'s ghosts are not touched.
 *
 * @param y vector with the own ids of `A.rows` (its values are overwritten)
 * @param x vector on `A.cols` itself (the same PRange object: it holds the ghost columns of `A`)
 * @throws PartitionMismatchError when `x` is not on `A.cols` or `y` does not have the own ids of
 * `A.rows`; InvalidArgumentError when `y` and `x` are the same vector. Checked before any
 * communication.
 * @example
 * ```ts
 * const x = pfill(1, A.cols);
 * const y = pzeros(A.rows);
 * spmv(y, A, x);
 * ```
 */
export function spmv(y: PVector, A: PSparseMatrix, x: PVector): void {
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
 * @throws as {@link spmv}.
 * @example
 * ```ts
 * const rowSums = mul(A, pfill(1, A.cols));
 * ```
 */
export function mul(A: PSparseMatrix, x: PVector): PVector {
  const y = pzeros(A.rows);
  spmv(y, A, x);
  return y;
}

/**
 * The whole matrix as one CSR matrix with GLOBAL row and column ids (`rows.n × cols.n`), the same
 * on every part (collective: every part's rows are gathered to all). For tests and debugging only:
 * it holds the whole matrix in every process.
 *
 * @throws InvalidArgumentError when `rows.n` or `cols.n` exceeds 2^31-1 (checked before any
 * communication).
 * @example
 * ```ts
 * const { rowPtr, colIdx, values } = centralize(A);
 * ```
 */
export function centralize(A: PSparseMatrix): CsrMatrix {
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
