/**
 * One level of the smoothed-aggregation hierarchy: the diagonal and spectral bound of its matrix,
 * its aggregates, the smoothed prolongator, the restriction and the Galerkin
 * coarse matrix, with what each product keeps to recompute values (see {@link AmgLevel.refresh}).
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { SingularMatrixError } from '../../errors.js';
import { variablePartition } from '../../partitions/partitions.js';
import type { LocalIndices } from '../../partitions/local-indices.js';
import { pmap, type PData } from '../../pdata/pdata.js';
import { getAny, reduction } from '../../pdata/primitives.js';
import type { ProductPlan } from '../../sparse/matmul.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import { planTranspose } from '../../sparse/transpose.js';
import type { Aggregates } from './aggregation.js';
import { distributedGalerkin } from './distributed-galerkin.js';
import { ghostedProlongator } from './ghosted-prolongator.js';
import { setupKernels } from './setup-kernels.js';
import { lanczosBound } from './spectral-estimate.js';
import {
  aggregateOwnRows, localGalerkin, localProlongator, localRestriction, refreshRestriction, withoutGhostEntries, type LocalProlongator,
} from './local-setup.js';

/** What a level's smoothers and prolongator read of its matrix. */
interface DiagonalData {
  /** a_ii per own row. */
  readonly diagonal: PData<Float64Array>;
  /** 1/a_ii per own row. */
  readonly inverseDiagonal: PData<Float64Array>;
  /** Gershgorin's bound on the spectral radius of D⁻¹A. */
  readonly gershgorin: number;
  /** Per local part, the largest |column − row| of the own-own block's entries. */
  readonly bandwidths: readonly number[];
}

/**
 * The diagonal of the own rows (in the own-own block, whose columns ascend), 1/a_ii,
 * Gershgorin's bound on the spectral radius of D⁻¹A, max over rows of Σ_j |a_ij| / |a_ii| (it never
 * underestimates; it caps the Lanczos estimate, spectral-estimate.ts), and the own-own block's
 * bandwidth (what the cycle's pipelined passes need: a row's first and last entries), in one pass
 * over the matrix (setup-kernels.ts' levelDiagonal, native when built; collective: every part
 * learns whether some row failed, then the bound's max-reduction).
 * @throws SingularMatrixError on every part, naming the smallest global row with a zero or
 * non-finite diagonal entry: the smoothers divide by it.
 */
function diagonalData(A: PSparseMatrix, level: number): DiagonalData {
  const kernels = setupKernels();
  const parts = pmap(
    (oo: CsrMatrix, og: CsrMatrix, ids: LocalIndices) => {
      const nRows = oo.nRows;
      const diagonal = largeArrays.float64(nRows);
      const inverse = largeArrays.float64(nRows);
      const out = new Float64Array(2);
      const first = kernels.levelDiagonal(nRows, oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, og.values, diagonal, inverse, out);
      // Only when some row failed: the smallest global id among the failed rows (own ids need not
      // ascend with local ones).
      let bad = -1;
      for (let i = first; first >= 0 && i < nRows; i++) {
        const d = diagonal[i];
        if (d !== 0 && Number.isFinite(d)) continue;
        const row = ids.own.at(i);
        if (bad < 0 || row < bad) bad = row;
      }
      return { diagonal, inverse, bad, bound: out[0], bandwidth: out[1] };
    },
    A.ownOwn,
    A.ownGhost,
    A.rows.partition,
  );
  const smallest = (a: number, b: number): number => (a < 0 ? b : b < 0 ? a : Math.min(a, b));
  const row = getAny(reduction(smallest, parts.map((x) => x.bad), { destination: 'all', init: -1 }));
  if (row >= 0) {
    throw new SingularMatrixError(
      `amg: row ${row} of the level-${level} matrix has a zero or non-finite diagonal entry; the smoothers divide by it`,
      row,
    );
  }
  const bound = getAny(reduction((a, b) => Math.max(a, b), parts.map((x) => x.bound), { destination: 'all', init: 0 }));
  return {
    diagonal: parts.map((x) => x.diagonal),
    inverseDiagonal: parts.map((x) => x.inverse),
    gershgorin: bound,
    bandwidths: parts.localItems.map((x) => x.bandwidth),
  };
}

/**
 * How the levels estimate ρ(D⁻¹A) (see {@link AmgOptions.spectralEstimate}): `'lanczos-coarse'`
 * (Lanczos below the finest level, Gershgorin on it), `'lanczos'` (Lanczos on every level) or
 * `'gershgorin'` (Gershgorin's bound on every level).
 * @example `amg(A, { spectralEstimate: 'lanczos' satisfies AmgSpectralEstimate })`
 * @group Solvers
 */
export type AmgSpectralEstimate = 'lanczos-coarse' | 'lanczos' | 'gershgorin';

/** Options a level's set-up reads (checked by amg.ts). */
export interface LevelOptions {
  readonly theta: number;
}

/**
 * A level's matrix with its smoother data and, unless it is the coarsest, its transfer operators.
 */
export class AmgLevel {
  readonly A: PSparseMatrix;
  readonly index: number;
  /** a_ii per own row. */
  diagonal: PData<Float64Array>;
  inverseDiagonal: PData<Float64Array>;
  /** The estimate of the spectral radius of D⁻¹A the smoothers and the prolongator use. */
  spectralBound: number;
  private readonly estimate: AmgSpectralEstimate;
  /** Per local part, the largest |column − row| of the own-own block's entries. */
  bandwidths: readonly number[];
  private transfer: Transfer | undefined;

  /**
   * @param estimate how the hierarchy estimates ρ(D⁻¹A) (collective: Lanczos takes 10 SpMVs of
   * the level)
   */
  constructor(A: PSparseMatrix, index: number, estimate: AmgSpectralEstimate) {
    this.A = A;
    this.index = index;
    this.estimate = estimate;
    ({ diagonal: this.diagonal, inverseDiagonal: this.inverseDiagonal, spectralBound: this.spectralBound, bandwidths: this.bandwidths } = this.levelData());
  }

  /** The diagonal data and the spectral estimate of the level's current values (collective). */
  private levelData(): Omit<DiagonalData, 'gershgorin'> & { spectralBound: number } {
    const data = diagonalData(this.A, this.index);
    const lanczos = this.estimate === 'lanczos' || (this.estimate === 'lanczos-coarse' && this.index > 0);
    const spectralBound = lanczos ? lanczosBound(this.A, data.inverseDiagonal, data.gershgorin) : data.gershgorin;
    return { ...data, spectralBound };
  }

  /** The prolongator to this level from the next coarser one, once {@link AmgLevel.coarsen} ran. */
  get P(): PSparseMatrix | undefined {
    return this.transfer?.P;
  }

  /**
   * The restriction Pᵀ, once {@link AmgLevel.coarsen} ran (collective on several parts). The set-up
   * and the cycle never read it (the Galerkin products take each part's own block of P
   * transposed, the restriction scatters over P's rows): it is formed on the first request, then
   * kept and rewritten by {@link AmgLevel.refresh}.
   */
  get R(): PSparseMatrix | undefined {
    const transfer = this.transfer;
    if (transfer === undefined) return undefined;
    if (transfer.R === undefined) {
      if (transfer.local !== undefined) {
        transfer.R = localRestriction(transfer.P, transfer.coarse.rows);
      } else {
        transfer.rT = planTranspose(transfer.P, transfer.coarse.rows);
        transfer.R = transfer.rT.result;
      }
    }
    return transfer.R;
  }

  /** The aggregates of the own rows, once {@link AmgLevel.coarsen} ran. */
  get aggregates(): PData<Aggregates> | undefined {
    return this.transfer?.aggregates;
  }

  /**
   * Aggregates the level and builds P, R and the coarse matrix RAP (collective); returns the
   * coarse matrix, or undefined when no part formed an aggregate.
   */
  coarsen(options: LevelOptions): PSparseMatrix | undefined {
    const A = this.A;
    const aggregates = pmap(
      (oo: CsrMatrix, og: CsrMatrix, ids: LocalIndices, diagonal: Float64Array) => aggregateOwnRows(oo, og, ids.ghostToOwner, diagonal, options.theta),
      A.ownOwn,
      A.ownGhost,
      A.cols.partition,
      this.diagonal,
    );
    const coarseRows = variablePartition(
      aggregates.map((_, p) => p),
      aggregates.map((a) => a.count),
    );
    if (coarseRows.n === 0) return undefined;
    if (withoutGhostEntries(A)) {
      // No part couples to another (one part): P straight from the aggregates and R·A·P without
      // A·P (local-setup.ts); the several-part path below would fetch and send nothing.
      const local = localProlongator(A, aggregates, coarseRows, this);
      // R is formed a block at a time inside the product (on the 3-D Laplacian's finest level
      // about 90 MB at n = 128, fresh memory whose first writes cost more than the transpose).
      const coarse = localGalerkin(A, local.P);
      this.transfer = { aggregates, P: local.P, R: undefined, coarse, local };
      return coarse;
    }
    // Several parts: P straight from the aggregates too, its ghost block from the aggregate ids
    // and P0 values the owners send (ghosted-prolongator.ts); R·A·P without A·P and without the
    // distributed transpose, each part summing over its own fine rows and sending the sums of
    // ghost aggregates to their owners (distributed-galerkin.ts).
    const ghosted = ghostedProlongator(A, aggregates, coarseRows, this);
    const coarse = distributedGalerkin(A, ghosted.P, coarseRows);
    this.transfer = { aggregates, P: ghosted.P, R: undefined, coarse, ghosted };
    return coarse;
  }

  /**
   * Recomputes the level's data and its coarse matrix's values after the values of `A` changed in
   * place (same structure and aggregates; collective).
   */
  refresh(): void {
    ({ diagonal: this.diagonal, inverseDiagonal: this.inverseDiagonal, spectralBound: this.spectralBound, bandwidths: this.bandwidths } = this.levelData());
    const transfer = this.transfer;
    if (transfer === undefined) return;
    const { local, ghosted, P } = transfer;
    let fresh: PSparseMatrix;
    if (local !== undefined) {
      local.refresh(this);
      // A restriction someone asked for is rewritten in place.
      if (transfer.R !== undefined) refreshRestriction(transfer.R, P);
      fresh = localGalerkin(this.A, P);
    } else {
      ghosted!.refresh(this);
      transfer.rT?.refresh();
      fresh = distributedGalerkin(this.A, P, transfer.coarse.rows);
    }
    // The coarse matrix is recomputed whole and its values copied into the coarse level's matrix,
    // whose pattern is the same (the products' patterns are symbolic).
    pmap(copyBlockValues, transfer.coarse.ownOwn, fresh.ownOwn);
    pmap(copyBlockValues, transfer.coarse.ownGhost, fresh.ownGhost);
    recycleBlocks(fresh);
  }
}

/** Hands a matrix's block arrays back to the large-array pool: the matrix must not be used again. */
function recycleBlocks(M: PSparseMatrix): void {
  for (const blocks of [M.ownOwn, M.ownGhost]) {
    for (const block of blocks.localItems) {
      largeArrays.recycle(block.values);
      largeArrays.recycle(block.colIdx);
      largeArrays.recycle(block.rowPtr);
    }
  }
}

/** dst's values ← src's (the same pattern). */
function copyBlockValues(dst: CsrMatrix, src: CsrMatrix): void {
  if (src.values.length !== dst.values.length) {
    throw new Error(`amg refresh: the recomputed coarse matrix has ${src.values.length} entries in a block, not ${dst.values.length}`);
  }
  (dst.values as Float64Array).set(src.values);
}

/** What {@link AmgLevel.coarsen} built, kept for refresh. */
interface Transfer {
  readonly aggregates: PData<Aggregates>;
  readonly P: PSparseMatrix;
  /** Pᵀ, once asked for ({@link AmgLevel.R}). */
  R: PSparseMatrix | undefined;
  /** How R is refreshed on several parts, once formed (one part: {@link refreshRestriction}). */
  rT?: ProductPlan;
  /** R·A·P: the next level's matrix. */
  readonly coarse: PSparseMatrix;
  /** How P was built: from the aggregates with the owners' ghost data (several parts) ... */
  readonly ghosted?: LocalProlongator;
  /** ... or, without ghost entries, from the aggregates alone. */
  readonly local?: LocalProlongator;
}

