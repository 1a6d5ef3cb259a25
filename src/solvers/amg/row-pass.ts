/**
 * A fused row pass of the V-cycle over a distributed matrix (see cycle-kernels.ts): the ghost
 * update of the input overlaps the own block, then the rows with ghost entries are finished.
 *
 * @module
 */
import type { PData } from '../../pdata/pdata.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PVector } from '../../vectors/pvector.js';
import { cycleKernels, type CycleMode } from './cycle-kernels.js';

/** An unused vector argument. */
const NONE = new Float64Array(0);

/** Per local part, the own values of the vectors a pass reads and writes (v0..v4; missing: unused). */
export type PassVectors = readonly (readonly Float64Array[] | undefined)[];

/**
 * Runs `mode`'s pass of `M u` on every local part (collective: refreshes u's ghosts). `u` must be
 * on `M.cols`; `partial` holds one scratch value per own row of M; `vectors[k]` are the own
 * values of v_k per local part (their arrays are read at each call, so they must stay the same).
 */
export function rowPass(
  mode: CycleMode, M: PSparseMatrix, u: PVector, partial: PData<Float64Array>, vectors: PassVectors, alpha = 0, beta = 0,
): void {
  const kernels = cycleKernels();
  const own = M.ownOwn.localItems;
  const ghost = M.ownGhost.localItems;
  const uLocal = u.values.localItems;
  const uGhost = u.ghostValues().localItems;
  const scratch = partial.localItems;
  const v = (k: number, i: number): Float64Array => vectors[k]?.[i] ?? NONE;
  u.startConsistent();
  for (let i = 0; i < own.length; i++) {
    const { nRows, rowPtr, colIdx, values } = own[i];
    kernels.cycleRows(
      mode, 1, nRows, rowPtr, colIdx, values, uLocal[i], ghost[i].rowPtr, scratch[i],
      v(0, i), v(1, i), v(2, i), v(3, i), v(4, i), alpha, beta,
    );
  }
  u.finishConsistent();
  for (let i = 0; i < ghost.length; i++) {
    const { nRows, rowPtr, colIdx, values } = ghost[i];
    if (rowPtr[nRows] === 0) continue;
    kernels.cycleRows(
      mode, 2, nRows, rowPtr, colIdx, values, uGhost[i], rowPtr, scratch[i],
      v(0, i), v(1, i), v(2, i), v(3, i), v(4, i), alpha, beta,
    );
  }
}
