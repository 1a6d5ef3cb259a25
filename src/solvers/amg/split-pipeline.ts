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
import { ghostPlan } from '../../partitions/ghost-plan.js';
import type { PData } from '../../pdata/pdata.js';
import type { PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { PVector } from '../../vectors/pvector.js';
import { CycleMode, cycleKernels, PIPELINE_START, type PipelineStages } from './cycle-kernels.js';

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

/**
 * Chebyshev's first step from a zero guess (r = D⁻¹b, d = r / θ, x = d) run ahead of the first
 * stage, whose input is d: per local part the own values of b, D⁻¹ (read) and r, d, x (written).
 */
export interface SplitStart {
  readonly theta: number;
  readonly b: readonly Float64Array[];
  readonly inverse: readonly Float64Array[];
  readonly r: readonly Float64Array[];
  readonly d: readonly Float64Array[];
  readonly x: readonly Float64Array[];
}

/**
 * The longest run [first, last) of 0..n − 1 where `ptr` does not grow (`ptr[i + 1] === ptr[i]`:
 * a CSR row without entries), the first such run of that length. A plain loop over the offsets,
 * not a predicate per row: on level 0 these scans cover 2.5 M rows per part in each set-up, and a
 * callback per row took 36-43 ms of it per rank (CPU profile, n = 100 on 2 MPI ranks).
 */
function longestFlatRun(ptr: Int32Array, n: number): [number, number] {
  let bestFirst = 0;
  let bestLast = 0;
  let start = 0;
  for (let i = 0; i < n; i++) {
    if (ptr[i + 1] > ptr[i]) {
      if (i - start > bestLast - bestFirst) {
        bestFirst = start;
        bestLast = i;
      }
      start = i + 1;
    }
  }
  if (n - start > bestLast - bestFirst) return [start, n];
  return [bestFirst, bestLast];
}

/** The longest run [first, last) of rows of `block` without entries. */
function entryFreeRows(block: CsrMatrix): [number, number] {
  return longestFlatRun(block.rowPtr, block.nRows);
}

/** Per local part, the longest run of own rows of `input` that no other part holds as a ghost. */
function unsentRows(input: PVector): [number, number][] {
  return ghostPlan(input.rows).parts.localItems.map((plan, i) => {
    // Offsets that grow past each sent row, so the unsent runs are the flat ones.
    const nRows = input.ownValues().localItems[i].length;
    const sentPtr = new Int32Array(nRows + 1);
    for (const lid of plan.holderLids) sentPtr[lid + 1] = 1;
    for (let row = 0; row < nRows; row++) sentPtr[row + 1] += sentPtr[row];
    return longestFlatRun(sentPtr, nRows);
  });
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
   * Per local part, the pieces of the start's vectors outside its sweep range (the rows other parts
   * hold as ghosts of the first stage's input), run by {@link SplitPipeline.runStartEdges}: b, D⁻¹, r, d, x.
   */
  private readonly startEdges: readonly (readonly Float64Array[])[][];
  /** Offset of the stages' ranges and vectors in a sweep: 1 with a start stage, else 0. */
  private readonly offset: number;

  /**
   * @param A the level's matrix; `P` its prolongator (read by `ADD` stages)
   * @param bandwidths per local part, the largest |column − row| of A's own block
   * @param stages the passes, in order; each reads, at A's columns, only what the one before wrote
   * @param partial one scratch value per own row of A (the edges' own-block sums)
   * @param start Chebyshev's start from a zero guess, which writes the first stage's input: the
   * sweep runs it on the rows no other part holds as ghosts, {@link SplitPipeline.runStartEdges}
   * on the others (collective: it may form the input's ghost plan)
   */
  constructor(
    A: PSparseMatrix,
    P: PSparseMatrix,
    private readonly bandwidths: readonly number[],
    private readonly stages: readonly SplitStage[],
    private readonly partial: PData<Float64Array>,
    private readonly start?: SplitStart,
  ) {
    this.ownA = A.ownOwn.localItems;
    this.ownP = P.ownOwn.localItems;
    this.ghostA = A.ownGhost.localItems;
    this.ghostP = P.ownGhost.localItems;
    this.offset = start === undefined ? 0 : 1;
    const unsent = start === undefined ? [] : unsentRows(stages[0].input);
    this.startEdges = this.ownA.map((own, i) => {
      if (start === undefined) return [];
      const [lo, hi] = unsent[i];
      const pieces = (from: number, to: number): Float64Array[] =>
        [start.b, start.inverse, start.r, start.d, start.x].map((v) => v[i].subarray(from, to));
      return [pieces(0, lo), pieces(hi, own.nRows)].filter((p) => p[0].length > 0);
    });
    this.sweeps = this.ownA.map((own, i) => {
      const free = { a: entryFreeRows(this.ghostA[i]), p: entryFreeRows(this.ghostP[i]) };
      const offset = this.offset;
      const ranges = new Int32Array(2 * (stages.length + offset));
      const vectors: Float64Array[] = [];
      if (start !== undefined) {
        // The start's rows need no product: in the sweep, all but those the other parts read (run
        // before the first stage's input's ghost update starts). The first stage reads the start's
        // rows outside this range as final, so its own range need not lie inside it.
        [ranges[0], ranges[1]] = unsent[i];
        vectors.push(NONE, start.r[i], start.d[i], start.x[i], start.inverse[i], start.b[i]);
      }
      stages.forEach((stage, s) => {
        const [lo, hi] = stage.mode === CycleMode.ADD ? free.p : free.a;
        // Stage s reads what stage s − 1 wrote up to a bandwidth away: its rows stay that far inside
        // the range of stage s − 1, except at the part's first and last rows (nothing beyond them).
        const at = s + offset;
        const [before, after] = s === 0 ? [lo, hi] : [ranges[2 * at - 2], ranges[2 * at - 1]];
        let first = s === 0 ? lo : Math.max(lo, before === 0 ? 0 : before + bandwidths[i]);
        let last = s === 0 ? hi : Math.min(hi, after === own.nRows ? after : after - bandwidths[i]);
        if (first > last) first = last = Math.max(0, Math.min(last, own.nRows));
        ranges[2 * at] = first;
        ranges[2 * at + 1] = last;
        vectors.push(stage.input.values.localItems[i], ...[0, 1, 2, 3, 4].map((k) => stage.vectors[k]?.[i] ?? NONE));
      });
      return {
        modes: Int32Array.from([...(start === undefined ? [] : [PIPELINE_START]), ...stages.map((stage) => stage.mode)]),
        scalars: Float64Array.from([...(start === undefined ? [] : [start.theta, 0]), ...stages.flatMap((stage) => [stage.alpha, stage.beta])]),
        vectors,
        ranges,
      };
    });
  }

  /**
   * The start's rows outside the sweep (those other parts hold as ghosts of the first stage's
   * input), which must run before {@link SplitPipeline.run}; nothing without a start (no
   * communication, no allocation).
   */
  runStartEdges(): void {
    const start = this.start;
    if (start === undefined) return;
    const kernels = cycleKernels();
    const parts = this.startEdges;
    for (let i = 0; i < parts.length; i++) {
      for (let k = 0; k < parts[i].length; k++) {
        const [b, inverse, r, d, x] = parts[i][k];
        kernels.chebyshevStart(b.length, b, inverse, start.theta, r, d, x);
      }
    }
  }

  /**
   * Runs the passes (collective: updates each input's ghosts); with a start, after
   * {@link SplitPipeline.runStartEdges}.
   */
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
    const at = s + this.offset;
    for (let i = 0; i < own.length; i++) {
      const ranges = this.sweeps[i].ranges!;
      const first = ranges[2 * at];
      const last = ranges[2 * at + 1];
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
