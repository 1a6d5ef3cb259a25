/**
 * The V-cycle's restriction b_c = Σ_i p_ic·r_i on a level with ghost entries, scattered over P's
 * rows instead of an SpMV with R = Pᵀ, so the set-up never forms the distributed transpose (on
 * two parts at n = 100 its exchanges and blocks took about a fifth of the set-up).
 *
 * Each part scatters its own fine rows: P's ghost block into the coarse vector's ghost values,
 * whose sums travel to their owners while P's own block is scattered into the own values; each
 * owner then adds the received sums in ascending order of the sending part (`assemble`). So
 * b_c adds its own part's terms in ascending fine row, then the other parts' sums: the same bits on
 * every backend, and on one part (no ghosts) the bits of R's SpMV (R's rows list the fine rows
 * ascending).
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PVector } from '../../vectors/pvector.js';
import { cycleKernels, PIPELINE_RESTRICT, type PipelineStages } from './cycle-kernels.js';

const NONE = new Float64Array(0);

/** A one-stage pipeline scattering `fine` over the rows of a block into `coarse`. */
function scatterStage(coarse: Float64Array, fine: Float64Array): PipelineStages {
  return { modes: Int32Array.of(PIPELINE_RESTRICT), scalars: new Float64Array(2), vectors: [NONE, coarse, fine, NONE, NONE, NONE] };
}

/** b ← Pᵀ r for one level (collective; allocation-free once the first call created the channels). */
export class Restriction {
  private readonly own: readonly CsrMatrix[];
  private readonly ghost: readonly CsrMatrix[];
  private readonly ownStages: readonly PipelineStages[];
  private readonly ghostStages: readonly PipelineStages[];

  /**
   * @param P the level's prolongator
   * @param fine the vector restricted (its own values: P's rows), read at each {@link Restriction.run}
   * @param coarse scratch on P.cols: its values are overwritten by each run
   */
  constructor(
    P: PSparseMatrix,
    fine: PVector,
    private readonly coarse: PVector,
  ) {
    this.own = P.ownOwn.localItems;
    this.ghost = P.ownGhost.localItems;
    const r = fine.ownValues().localItems;
    const ownValues = coarse.ownValues().localItems;
    const ghostValues = coarse.ghostValues().localItems;
    this.ownStages = r.map((values, i) => scatterStage(ownValues[i], values));
    this.ghostStages = r.map((values, i) => scatterStage(ghostValues[i], values));
  }

  /** `b`'s own values (P.cols' own ids) ← Pᵀ r. */
  run(b: PVector): void {
    const kernels = cycleKernels();
    const coarse = this.coarse;
    for (const values of coarse.values.localItems) values.fill(0);
    for (let i = 0; i < this.ghost.length; i++) {
      const block = this.ghost[i];
      if (block.rowPtr[block.nRows] > 0) kernels.pipeline(block.nRows, 0, block, block, this.ghostStages[i]);
    }
    coarse.startAssemble();
    for (let i = 0; i < this.own.length; i++) {
      const block = this.own[i];
      kernels.pipeline(block.nRows, 0, block, block, this.ownStages[i]);
    }
    coarse.finishAssemble();
    const from = coarse.ownValues().localItems;
    const to = b.ownValues().localItems;
    for (let i = 0; i < to.length; i++) to[i].set(from[i]);
  }
}
