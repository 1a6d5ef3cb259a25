/**
 * The V-cycle's passes split around one pipelined sweep (src/solvers/amg/split-pipeline.ts) on a
 * matrix with ghost entries: the same bits as the passes run one after another (rowPass), on the
 * kernels of this process (native, or JavaScript with PA_KERNELS=js).
 */
import { expect, it } from 'vitest';
import { laplacianFdm, psparse, withSequential, type PData } from '../src/index.js';
import { amg } from '../src/solvers/amg/amg.js';
import { InvalidArgumentError } from '../src/errors.js';
import { CycleMode, cycleKernels } from '../src/solvers/amg/cycle-kernels.js';
import { rowPass } from '../src/solvers/amg/row-pass.js';
import { SplitPipeline, type SplitStage } from '../src/solvers/amg/split-pipeline.js';
import type { PSparseMatrix } from '../src/sparse/psparse-matrix.js';
import { pvector, type PVector } from '../src/vectors/pvector.js';

/** Deterministic values from a global id and a seed. */
const value = (gid: number, seed: number): number => Math.sin(gid * 12.9898 + seed * 78.233) * 0.5 + seed / 7;

/** The vectors of a pre-smoothing and a post-smoothing, all filled from `seed`. */
function setup(A: PSparseMatrix, P: PSparseMatrix, seed: number) {
  const on = (rows: PSparseMatrix['cols'], s: number): PVector => pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => value(g, s)));
  const own = (v: PVector): readonly Float64Array[] => v.ownValues().localItems;
  const [d0, d1, x, coarse] = [on(A.cols, seed), on(A.cols, seed + 1), on(A.cols, seed + 2), on(P.cols, seed + 3)];
  const [r, b, inv, res] = [on(A.rows, seed + 4), on(A.rows, seed + 5), on(A.rows, seed + 6), on(A.rows, seed + 7)].map(own);
  const stages: SplitStage[] = [
    { mode: CycleMode.ADD, input: coarse, alpha: 0, beta: 0, vectors: [own(x)] },
    { mode: CycleMode.CHEBYSHEV_FIRST, input: x, alpha: 1.7, beta: 0, vectors: [r, own(d0), b, inv] },
    { mode: CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS, input: d0, alpha: 0.3, beta: 0.9, vectors: [r, own(d1), own(x), inv, own(d0)] },
    { mode: CycleMode.CHEBYSHEV_STEP, input: d1, alpha: 0.6, beta: 0.2, vectors: [r, r, own(x), inv, own(d1)] },
    { mode: CycleMode.RESIDUAL, input: x, alpha: 0, beta: 0, vectors: [res, b] },
  ];
  return { stages, outputs: [...[x, d0, d1].map(own), r, res] };
}

it('split passes: the same bits as the passes one after another, on 2 and 3 parts', async () => {
  for (const np of [2, 3]) {
    await withSequential(np, (ranks: PData<number>) => {
      const problem = laplacianFdm(ranks, [14, 14, 14], [1, 1, np]);
      const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
      const P = amg(A).prolongators[0];
      const bandwidths = A.ownOwn.localItems.map((block) => {
        let most = 0;
        for (let i = 0; i < block.nRows; i++) {
          for (let e = block.rowPtr[i]; e < block.rowPtr[i + 1]; e++) most = Math.max(most, Math.abs(block.colIdx[e] - i));
        }
        return most;
      });
      const partial = (): PData<Float64Array> => A.ownOwn.map((block) => new Float64Array(block.nRows));
      const split = setup(A, P, 1);
      new SplitPipeline(A, P, bandwidths, split.stages, partial()).run();
      const apart = setup(A, P, 1);
      const scratch = partial();
      for (const s of apart.stages) rowPass(s.mode, s.mode === CycleMode.ADD ? P : A, s.input, scratch, s.vectors, s.alpha, s.beta);
      for (let k = 0; k < split.outputs.length; k++) {
        for (let i = 0; i < np; i++) {
          expect(new Uint8Array(split.outputs[k][i].buffer)).toEqual(new Uint8Array(apart.outputs[k][i].buffer));
        }
      }
      // The sweep has to respect the bandwidth: with none, a stage reads values not final yet.
      const careless = setup(A, P, 1);
      new SplitPipeline(A, P, bandwidths.map(() => 0), careless.stages, partial()).run();
      expect(careless.outputs[4][0]).not.toEqual(apart.outputs[4][0]);
    });
  }
});

it('split passes with Chebyshev\'s start: the start on every row then the passes, bit for bit, on 2 and 3 parts', async () => {
  for (const np of [2, 3]) {
    await withSequential(np, (ranks: PData<number>) => {
      const problem = laplacianFdm(ranks, [14, 14, 14], [1, 1, np]);
      const A = psparse(problem.I, problem.J, problem.V, problem.rows, problem.cols).wait();
      const P = amg(A).prolongators[0];
      const bandwidths = A.ownOwn.localItems.map(() => 14 * 14);
      const partial = (): PData<Float64Array> => A.ownOwn.map((block) => new Float64Array(block.nRows));
      const theta = 1.3;
      // The pre-smoothing of a split level: start, one step (into r's array), the residual.
      const pre = (seed: number) => {
        const on = (rows: PSparseMatrix['cols'], s: number): PVector => pvector(rows, (ids) => Array.from(ids.localToGlobal, (g) => value(g, s)));
        const own = (v: PVector): readonly Float64Array[] => v.ownValues().localItems;
        const [d0, x] = [on(A.cols, seed), on(A.cols, seed + 2)];
        const [r, b, inv, res] = [on(A.rows, seed + 4), on(A.rows, seed + 5), on(A.rows, seed + 6), on(A.rows, seed + 7)].map(own);
        const stages: SplitStage[] = [
          { mode: CycleMode.CHEBYSHEV_STEP, input: d0, alpha: 0.6, beta: 0.2, vectors: [r, r, own(x), inv, own(d0)] },
          { mode: CycleMode.RESIDUAL, input: x, alpha: 0, beta: 0, vectors: [res, b] },
        ];
        return { stages, start: { theta, b, inverse: inv, r, d: own(d0), x: own(x) }, outputs: [own(x), own(d0), r, res] };
      };
      const split = pre(3);
      const pipeline = new SplitPipeline(A, P, bandwidths, split.stages, partial(), split.start);
      pipeline.runStartEdges();
      pipeline.run();
      const apart = pre(3);
      const { b, inverse, r, d, x } = apart.start;
      for (let i = 0; i < np; i++) cycleKernels().chebyshevStart(b[i].length, b[i], inverse[i], theta, r[i], d[i], x[i]);
      const scratch = partial();
      for (const s of apart.stages) rowPass(s.mode, A, s.input, scratch, s.vectors, s.alpha, s.beta);
      for (let k = 0; k < split.outputs.length; k++) {
        for (let i = 0; i < np; i++) {
          expect(new Uint8Array(split.outputs[k][i].buffer)).toEqual(new Uint8Array(apart.outputs[k][i].buffer));
        }
      }
      // The rows other parts read run before the sweep: without them, their ghosts are not the start's.
      const early = pre(3);
      new SplitPipeline(A, P, bandwidths, early.stages, partial(), early.start).run();
      expect(early.outputs[3][0]).not.toEqual(apart.outputs[3][0]);
    });
  }
});

it('row ranges: only those rows run; the native kernels check them (0 ≤ from ≤ to ≤ nRows, 0 ≤ first ≤ last ≤ nRows per stage)', () => {
  const kernels = cycleKernels();
  const block = { nRows: 3, nCols: 3, rowPtr: Int32Array.of(0, 1, 2, 3), colIdx: Int32Array.of(0, 1, 2), values: Float64Array.of(1, 2, 3) };
  const v = (): Float64Array => Float64Array.of(1, 1, 1);
  const rows = (from: number, to: number): void =>
    kernels.cycleRows(CycleMode.RESIDUAL, 1, 3, block.rowPtr, block.colIdx, block.values, v(), new Int32Array(4), v(), v(), v(), v(), v(), v(), 0, 0, from, to);
  // The JavaScript kernels (PA_KERNELS=js) run unchecked, as for every kernel of the library.
  const native = kernels.kind === 'native';
  if (native) expect(() => rows(2, 1)).toThrow(InvalidArgumentError);
  if (native) expect(() => rows(0, 4)).toThrow(/from and to/);
  const out = v();
  kernels.cycleRows(CycleMode.RESIDUAL, 1, 3, block.rowPtr, block.colIdx, block.values, Float64Array.of(1, 1, 1), new Int32Array(4), v(), out, Float64Array.of(5, 5, 5), v(), v(), v(), 0, 0, 1, 2);
  expect([...out]).toEqual([1, 3, 1]);
  const stages = (ranges: Int32Array) => ({ modes: Int32Array.of(CycleMode.RESIDUAL), scalars: Float64Array.of(0, 0), vectors: [v(), out, Float64Array.of(9, 9, 9), v(), v(), v()], ranges });
  if (native) expect(() => kernels.pipeline(3, 1, block, block, stages(Int32Array.of(2, 1)))).toThrow(/ranges of stage 0/);
  kernels.pipeline(3, 1, block, block, stages(Int32Array.of(2, 3)));
  expect([...out]).toEqual([1, 3, 6]);
});
