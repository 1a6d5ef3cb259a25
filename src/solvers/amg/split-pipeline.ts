/**
 * A half V-cycle's passes on a level with ghost entries, split around one pipelined sweep: the rows
 * that need no ghost value run as a pipeline (cycle-kernels.ts, the level's matrix and vectors read
 * from memory once for all the stages) while the first input's ghost update is in flight; then each
 * stage's other rows (the edges: the rows with ghost entries and the rows the stages before them
 * had not finished) run as the usual two-phase row passes, stage after stage: the own-block phase
 * while the stage's input's ghost update is in flight, the ghost-block phase after it.
 *
 * Every row is computed as by the passes one after another: a row without ghost entries sums its
 * own block in stored order, a row with ghost entries its own block then its ghost block. So the
 * same bits as the unsplit passes, on every backend.
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import type { PData } from '../../pdata/pdata.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PVector } from '../../vectors/pvector.js';
import { CycleMode, cycleKernels, type PipelineStages } from './cycle-kernels.js';

const NONE = new Float64Array(0);

/**
 * One pass of a split half-cycle: `mode` over the level's matrix A (`ADD`: over its prolongator P)
 * with input `input` (on the matrix's columns: its ghosts are updated before the edges run), scalars
 * alpha and beta, and per local part the own values v0..v4 (`undefined`: unused).
 */
export interface SplitStage {
  readonly mode: CycleMode;
  readonly input: PVector;
  readonly alpha: number;
  readonly beta: number;
  readonly vectors: readonly (readonly Float64Array[] | undefined)[];
}

/** The longest run [first, last) of rows of `block` without entries. */
function entryFreeRows(block: CsrMatrix): [number, number] {
  let best: [number, number] = [0, 0];
  let start = 0;
  for (let i = 0; i <= block.nRows; i++) {
    if (i === block.nRows || block.rowPtr[i + 1] > block.rowPtr[i]) {
      if (i - start > best[1] - best[0]) best = [start, i];
      start = i + 1;
    }
  }
  return best;
}

/** A split half-cycle of one level (collective {@link SplitPipeline.run}; allocation-free). */
export class SplitPipeline {
  /** Per local part, the sweep's stages with their row ranges. */
  private readonly sweeps: readonly PipelineStages[];
  private readonly ownA: readonly CsrMatrix[];
  private readonly ownP: readonly CsrMatrix[];
  private readonly ghostA: readonly CsrMatrix[];
  private readonly ghostP: readonly CsrMatrix[];

  /**
   * @param A the level's matrix; `P` its prolongator (read by `ADD` stages)
   * @param bandwidths per local part, the largest |column − row| of A's own block
   * @param stages the passes, in order; each reads, at A's columns, only what the one before wrote
   * @param partial one scratch value per own row of A (the edges' own-block sums)
   */
  constructor(
    A: PSparseMatrix,
    P: PSparseMatrix,
    private readonly bandwidths: readonly number[],
    private readonly stages: readonly SplitStage[],
    private readonly partial: PData<Float64Array>,
  ) {
    this.ownA = A.ownOwn.localItems;
    this.ownP = P.ownOwn.localItems;
    this.ghostA = A.ownGhost.localItems;
    this.ghostP = P.ownGhost.localItems;
    this.sweeps = this.ownA.map((own, i) => {
      const free = { a: entryFreeRows(this.ghostA[i]), p: entryFreeRows(this.ghostP[i]) };
      const ranges = new Int32Array(2 * stages.length);
      const vectors: Float64Array[] = [];
      stages.forEach((stage, s) => {
        const [lo, hi] = stage.mode === CycleMode.ADD ? free.p : free.a;
        // Stage s reads what stage s − 1 wrote up to a bandwidth away: its rows stay that far inside
        // the range of stage s − 1, except at the part's first and last rows (nothing beyond them).
        const [before, after] = s === 0 ? [lo, hi] : [ranges[2 * s - 2], ranges[2 * s - 1]];
        let first = s === 0 ? lo : Math.max(lo, before === 0 ? 0 : before + bandwidths[i]);
        let last = s === 0 ? hi : Math.min(hi, after === own.nRows ? after : after - bandwidths[i]);
        if (first > last) first = last = Math.max(0, Math.min(last, own.nRows));
        ranges[2 * s] = first;
        ranges[2 * s + 1] = last;
        vectors.push(stage.input.values.localItems[i], ...[0, 1, 2, 3, 4].map((k) => stage.vectors[k]?.[i] ?? NONE));
      });
      return {
        modes: Int32Array.from(stages.map((stage) => stage.mode)),
        scalars: Float64Array.from(stages.flatMap((stage) => [stage.alpha, stage.beta])),
        vectors,
        ranges,
      };
    });
  }

  /** Runs the passes (collective: updates each input's ghosts). */
  run(): void {
    const kernels = cycleKernels();
    const { stages, sweeps, ownA, ownP } = this;
    stages[0].input.startConsistent();
    for (let i = 0; i < sweeps.length; i++) kernels.pipeline(ownA[i].nRows, this.bandwidths[i], ownA[i], ownP[i], sweeps[i]);
    for (let s = 0; s < stages.length; s++) {
      const input = stages[s].input;
      if (s > 0) input.startConsistent();
      // The edges' own blocks read no ghost value (nor write the input): they overlap the update.
      this.edges(s, 1);
      input.finishConsistent();
      this.edges(s, 2);
    }
  }

  /** Phase 1 (own block) or 2 (ghost block) of stage s's rows outside its sweep range (no allocation). */
  private edges(s: number, phase: 1 | 2): void {
    const stage = this.stages[s];
    const add = stage.mode === CycleMode.ADD;
    const own = add ? this.ownP : this.ownA;
    const ghost = add ? this.ghostP : this.ghostA;
    const local = stage.input.values.localItems;
    const ghosts = stage.input.ghostValues().localItems;
    for (let i = 0; i < own.length; i++) {
      const ranges = this.sweeps[i].ranges!;
      const first = ranges[2 * s];
      const last = ranges[2 * s + 1];
      const nRows = own[i].nRows;
      const block = phase === 1 ? own[i] : ghost[i];
      const u = phase === 1 ? local[i] : ghosts[i];
      this.pass(stage, i, block, ghost[i], u, phase, 0, first);
      this.pass(stage, i, block, ghost[i], u, phase, last, nRows);
    }
  }

  /** Phase `phase` of a stage's row pass over rows from..to − 1 of `block` on local part i. */
  private pass(
    stage: SplitStage, i: number, block: CsrMatrix, ghost: CsrMatrix, u: Float64Array, phase: 1 | 2, from: number, to: number,
  ): void {
    if (from === to) return;
    const { vectors } = stage;
    cycleKernels().cycleRows(
      stage.mode, phase, block.nRows, block.rowPtr, block.colIdx, block.values, u, ghost.rowPtr, this.partial.localItems[i],
      vectors[0]?.[i] ?? NONE, vectors[1]?.[i] ?? NONE, vectors[2]?.[i] ?? NONE, vectors[3]?.[i] ?? NONE, vectors[4]?.[i] ?? NONE,
      stage.alpha, stage.beta, from, to,
    );
  }
}
