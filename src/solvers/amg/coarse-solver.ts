/**
 * The coarsest level's direct solve: the coarse matrix gathered to part 0 and factored there
 * (dense LU with partial pivoting); each solve gathers the right-hand side to part 0 and sends the
 * solution back, through a vector whose range gives part 0 every other id as a ghost (so both
 * moves are the library's allocation-free ghost updates).
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import { SingularMatrixError } from '../../errors.js';
import { LocalIndices } from '../../partitions/local-indices.js';
import { PRange } from '../../partitions/prange.js';
import { pmap, type PData } from '../../pdata/pdata.js';
import { gather, getAny, multicast } from '../../pdata/primitives.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { pzeros, type PVector } from '../../vectors/pvector.js';
import { setupKernels } from './setup-kernels.js';

/** Part 0's factorisation: L and U in place (row-major) and the row swaps, in order. */
interface DenseLu {
  readonly n: number;
  readonly lu: Float64Array;
  readonly pivot: Int32Array;
}

/** Dense direct solver of a (small) distributed matrix, factored on part 0. */
export class CoarseSolver {
  /** Global size of the matrix. */
  readonly n: number;
  private readonly gathered: PVector;
  private readonly factor: PData<Factored | undefined>;

  /**
   * Gathers and factors `A` (collective).
   * @throws SingularMatrixError on every part (with the global row of the zero pivot) when the
   * matrix is singular to working precision.
   */
  constructor(A: PSparseMatrix) {
    this.n = A.rows.n;
    const ownGids = pmap((ids: LocalIndices) => Float64Array.from(ids.ownToGlobal), A.rows.partition);
    const allGids = gather(ownGids, { destination: 0 });
    const partition = pmap(
      (ids: LocalIndices, all: Float64Array[], p: number) => {
        if (p !== 0) return new LocalIndices(p, ids.n, ids.own);
        const ghosts: number[] = [];
        const owners: number[] = [];
        all.forEach((gids, q) => {
          if (q === 0) return;
          for (const gid of gids) {
            ghosts.push(gid);
            owners.push(q);
          }
        });
        return new LocalIndices(0, ids.n, ids.own, ghosts, owners);
      },
      A.rows.partition,
      allGids,
    );
    const rows = new PRange(A.rows.n, partition, A.rows.ownerOf);
    this.gathered = pzeros(rows);
    const triplets = gather(pmap(ownTriplets, A.rows.partition, A.cols.partition, A.ownOwn, A.ownGhost), {
      destination: 0,
    });
    this.factor = pmap(
      (pieces: Float64Array[], ids: LocalIndices, p: number) => (p === 0 ? factorDense(pieces, ids) : undefined),
      triplets,
      rows.partition,
    );
    // Part 0 alone knows whether the factorisation failed: it tells the others, so all throw.
    const failedRow = pmap(
      (f: Factored | undefined, ids: LocalIndices) => (f !== undefined && 'failed' in f ? ids.localToGlobal[f.failed] : -1),
      this.factor,
      rows.partition,
    );
    const row = getAny(multicast(failedRow, { source: 0 }));
    if (row >= 0) {
      throw new SingularMatrixError(`amg: the coarsest matrix (${this.n}×${this.n}) is singular (zero pivot at global row ${row})`, row);
    }
  }

  /** x ← A⁻¹ b on own values (collective, allocation-free). */
  solve(x: PVector, b: PVector): void {
    const g = this.gathered;
    const gOwn = g.ownValues().localItems;
    const bOwn = b.ownValues().localItems;
    for (let i = 0; i < gOwn.length; i++) gOwn[i].set(bOwn[i]);
    g.startConsistent();
    g.finishConsistent();
    const factors = this.factor.localItems;
    const values = g.values.localItems;
    for (let i = 0; i < gOwn.length; i++) {
      const f = factors[i];
      if (f === undefined) gOwn[i].fill(0);
      else solveDense(f, values[i]);
    }
    g.startAssemble();
    g.finishAssemble();
    const xOwn = x.ownValues().localItems;
    for (let i = 0; i < xOwn.length; i++) xOwn[i].set(gOwn[i]);
  }
}

/** A part's own rows as [rows..., cols..., values...] (global ids), for the gather. */
function ownTriplets(rowIds: LocalIndices, colIds: LocalIndices, oo: CsrMatrix, og: CsrMatrix): Float64Array {
  const count = oo.rowPtr[oo.nRows] + og.rowPtr[og.nRows];
  const out = new Float64Array(3 * count);
  let k = 0;
  for (let i = 0; i < oo.nRows; i++) {
    const row = rowIds.own.at(i);
    for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++, k++) {
      out[k] = row;
      out[count + k] = colIds.own.at(oo.colIdx[e]);
      out[2 * count + k] = oo.values[e];
    }
    for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++, k++) {
      out[k] = row;
      out[count + k] = colIds.ghostToGlobal[og.colIdx[e]];
      out[2 * count + k] = og.values[e];
    }
  }
  return out;
}

/** The factorisation, or where it failed (the local id of the zero pivot). */
type Factored = DenseLu | (DenseLu & { readonly failed: number });

/**
 * Dense LU with partial pivoting of the gathered matrix in part 0's local order (dense-lu.ts). A
 * pivot below n·ε·max|a_ij| counts as zero: the matrix is singular to working precision.
 *
 * The coarse matrix is sparse and its ids follow the grid, so its rows end (fill included) a
 * band's width past the diagonal: each row's last nonzero column is passed to the factorisation,
 * whose updates stop there; at the 476 coarse rows of the n = 100 Laplacian, a fraction of the
 * dense elimination's n³/3 updates.
 */
function factorDense(pieces: Float64Array[], ids: LocalIndices): Factored {
  const n = ids.nLocal;
  const kernels = setupKernels();
  // Part 0 holds every id: global to local through an array, not a lookup per entry.
  const localOf = new Int32Array(ids.n).fill(-1);
  for (let l = 0; l < n; l++) localOf[ids.localToGlobal[l]] = l;
  const lu = new Float64Array(n * n);
  let largest = 0;
  // The passes over the entries and the n² pass are kernel calls (native when built): JavaScript
  // loops would run cold, once per set-up.
  for (const piece of pieces) largest = kernels.scatterTriplets(n, localOf, piece, lu, largest);
  // Per row, its last column with a nonzero (−1: none).
  const last = new Int32Array(n);
  kernels.lastNonzeros(n, lu, last);
  const pivot = new Int32Array(n);
  const failed = kernels.denseLuFactor(n, lu, last, pivot, new Int32Array(n), new Float64Array(n), n * Number.EPSILON * largest);
  return failed < 0 ? { n, lu, pivot } : { n, lu, pivot, failed };
}

/** x ← A⁻¹ x with the factorisation (in place). */
function solveDense({ n, lu, pivot }: DenseLu, x: Float64Array): void {
  setupKernels().denseLuSolve(n, lu, pivot, x);
}
