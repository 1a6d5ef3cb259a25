/**
 * The V-cycle's fused row passes (src/solvers/amg/cycle-kernels.ts): the JavaScript loops against
 * an SpMV followed by the vector work it replaces, the native addon against the JavaScript loops
 * BIT FOR BIT (every mode, split into the two phases or not; Chebyshev's start from a zero
 * guess; the pipelined passes against the same stages one after another), and the argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';
import {
  CycleMode,
  jsCycleKernels,
  loadCycleBinding,
  nativeCycleKernels,
  PIPELINE_RESTRICT,
  PIPELINE_START,
  selectCycleKernels,
  type CycleKernels,
  type PipelineStages,
} from '../src/solvers/amg/cycle-kernels.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** Park–Miller generator: the same inputs on every run. */
function rng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 0x7fffffff;
    return state / 0x7fffffff;
  };
}

interface Block {
  nRows: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random block of `nRows` rows over `nCols` columns (some rows empty). */
function randomBlock(random: () => number, nRows: number, nCols: number, density: number): Block {
  const rowPtr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    if (nCols > 0 && random() > 0.2) {
      for (let j = 0; j < nCols; j++) if (random() < density) cols.push(j), values.push(random() - 0.5);
    }
    rowPtr[i + 1] = cols.length;
  }
  return { nRows, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(values) };
}

const MODES = [
  CycleMode.RESIDUAL,
  CycleMode.ADD,
  CycleMode.CHEBYSHEV_FIRST,
  CycleMode.CHEBYSHEV_STEP,
  CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS,
] as const;

interface Case {
  own: Block;
  ghost: Block;
  u: Float64Array;
  uGhost: Float64Array;
  vectors: Float64Array[];
}

/** A square own block (u's own values double as d in the Chebyshev steps) and a ghost block. */
function randomCase(seed: number, withGhosts: boolean): Case {
  const random = rng(seed);
  const n = 40 + Math.floor(random() * 400);
  const nGhost = withGhosts ? 1 + Math.floor(random() * 30) : 0;
  const own = randomBlock(random, n, n, 6 / n);
  const ghost = withGhosts ? randomBlock(random, n, nGhost, 0.1) : randomBlock(random, n, 0, 0);
  const vec = (length: number): Float64Array => Float64Array.from({ length }, () => random() * 2 - 1);
  return { own, ghost, u: vec(n), uGhost: vec(nGhost), vectors: [vec(n), vec(n), vec(n), vec(n), vec(n)] };
}

/** One pass in its two phases, on copies of the case's vectors; returns them. */
function run(kernels: CycleKernels, mode: CycleMode, c: Case, alpha: number, beta: number): Float64Array[] {
  const v: Float64Array[] = c.vectors.map((x) => x.slice());
  // In the Chebyshev steps v4 is d's own values: the input's own values.
  if (mode >= CycleMode.CHEBYSHEV_STEP) v[4] = c.u;
  const partial = new Float64Array(c.own.nRows);
  const { own, ghost } = c;
  kernels.cycleRows(mode, 1, own.nRows, own.rowPtr, own.colIdx, own.values, c.u, ghost.rowPtr, partial, v[0], v[1], v[2], v[3], v[4], alpha, beta);
  if (ghost.rowPtr[ghost.nRows] > 0) {
    kernels.cycleRows(mode, 2, ghost.nRows, ghost.rowPtr, ghost.colIdx, ghost.values, c.uGhost, ghost.rowPtr, partial, v[0], v[1], v[2], v[3], v[4], alpha, beta);
  }
  return v;
}

/** What each mode must compute: w = own·u + ghost·uGhost (in that order), then the vector work. */
function reference(mode: CycleMode, c: Case, alpha: number, beta: number): Float64Array[] {
  const v: Float64Array[] = c.vectors.map((x) => x.slice());
  if (mode >= CycleMode.CHEBYSHEV_STEP) v[4] = c.u;
  for (let i = 0; i < c.own.nRows; i++) {
    let w = 0;
    for (let e = c.own.rowPtr[i]; e < c.own.rowPtr[i + 1]; e++) w += c.own.values[e] * c.u[c.own.colIdx[e]];
    for (let e = c.ghost.rowPtr[i]; e < c.ghost.rowPtr[i + 1]; e++) w += c.ghost.values[e] * c.uGhost[c.ghost.colIdx[e]];
    if (mode === CycleMode.RESIDUAL) v[0][i] = v[1][i] - w;
    else if (mode === CycleMode.ADD) v[0][i] += w;
    else if (mode === CycleMode.CHEBYSHEV_FIRST) {
      v[0][i] = v[3][i] * (v[2][i] - w);
      v[1][i] = v[0][i] / alpha;
    } else {
      if (mode === CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS) v[2][i] += v[4][i];
      v[0][i] -= v[3][i] * w;
      v[1][i] = alpha * v[4][i] + beta * v[0][i];
      v[2][i] += v[1][i];
    }
  }
  return v;
}

/**
 * A stencil's block: row i has the columns i + o for the offsets o inside 0 .. nRows − 1, so every
 * interior row has the same length (the native passes then sum four rows side by side).
 */
function stencilBlock(random: () => number, nRows: number, offsets: readonly number[]): Block {
  const rowPtr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (const o of offsets) if (i + o >= 0 && i + o < nRows) cols.push(i + o), values.push(o === 0 ? 4 + random() : random() - 0.5);
    rowPtr[i + 1] = cols.length;
  }
  return { nRows, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(values) };
}

/** As randomCase, with a stencil's own block of 403 rows (not a multiple of four). */
function stencilCase(seed: number, withGhosts: boolean): Case {
  const random = rng(seed);
  const n = 403;
  const nGhost = withGhosts ? 12 : 0;
  const own = stencilBlock(random, n, [-20, -1, 0, 1, 20]);
  const ghost = randomBlock(random, n, nGhost, withGhosts ? 0.1 : 0);
  const vec = (length: number): Float64Array => Float64Array.from({ length }, () => random() * 2 - 1);
  return { own, ghost, u: vec(n), uGhost: vec(nGhost), vectors: [vec(n), vec(n), vec(n), vec(n), vec(n)] };
}

const CASES = [
  ...Array.from({ length: 12 }, (_, s) => randomCase(17 + 7919 * s, s % 3 !== 0)),
  stencilCase(29, false),
  stencilCase(31, true),
];

function expectSameBits(got: Float64Array[], expected: Float64Array[], what: string): void {
  got.forEach((x, k) => x.forEach((value, i) => expect(Object.is(value, expected[k][i]), `${what}: v${k}[${i}]`).toBe(true)));
}

/** chebyshevStart on fresh output arrays (n values of random inputs; the arrays are longer: only n are written). */
function start(kernels: CycleKernels, seed: number, n: number): { theta: number; arrays: Float64Array[] } {
  const random = rng(seed);
  const vec = (): Float64Array => Float64Array.from({ length: n + 3 }, () => random() * 4 - 2);
  const [b, inverse] = [vec(), vec()];
  const theta = 0.75 + random();
  const out = [new Float64Array(n + 3), new Float64Array(n + 3), new Float64Array(n + 3)];
  kernels.chebyshevStart(n, b, inverse, theta, out[0], out[1], out[2]);
  return { theta, arrays: [b, inverse, ...out] };
}

/** A random banded block: row i's columns within `band` of i (the diagonal always), ascending. */
function bandedBlock(random: () => number, nRows: number, band: number, perRow: number): Block {
  const rowPtr = new Int32Array(nRows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    for (let j = Math.max(0, i - band); j <= Math.min(nRows - 1, i + band); j++) {
      if (j === i || random() < perRow / (2 * band + 1)) cols.push(j), values.push(j === i ? 4 + random() : random() - 0.5);
    }
    rowPtr[i + 1] = cols.length;
  }
  return { nRows, rowPtr, colIdx: Int32Array.from(cols), values: Float64Array.from(values) };
}

interface PipelineCase {
  a: Block & { nCols: number };
  p: Block & { nCols: number };
  band: number;
  /** x, b, D⁻¹, r, d0, d1 (nRows each) and the coarse correction (p.nCols). */
  vectors: Float64Array[];
}

/** `offsets`: A is a stencil's block (stencilBlock) instead of a random banded one. */
function pipelineCase(seed: number, nRows: number, band: number, offsets?: readonly number[]): PipelineCase {
  const random = rng(seed);
  const nCoarse = Math.max(1, Math.floor(nRows / 8));
  const a = { ...(offsets === undefined ? bandedBlock(random, nRows, band, 6) : stencilBlock(random, nRows, offsets)), nCols: nRows };
  const p = { ...randomBlock(random, nRows, nCoarse, 3 / nCoarse), nCols: nCoarse };
  const vec = (length: number): Float64Array => Float64Array.from({ length }, () => random() * 2 - 1);
  return { a, p, band, vectors: [vec(nRows), vec(nRows), vec(nRows), vec(nRows), vec(nRows), vec(nRows), vec(nCoarse)] };
}

const NONE = new Float64Array(0);

/**
 * The V-cycle's two pipelines on copies of the case's vectors (pre: Chebyshev of degree 3 from a
 * zero guess, the residual into r, its restriction Pᵀr; post: x += P·c, then Chebyshev of degree 3 from x);
 * `sequential`: the same stages as the separate passes (chebyshevStart, cycleRows, and the
 * restriction as R = Pᵀ's rows). Returns the copies.
 */
function runPipelines(kernels: CycleKernels, c: PipelineCase, sequential: boolean): Float64Array[] {
  const [x, b, inv, r, d0, d1, coarse] = c.vectors.map((v) => v.slice());
  const restricted = new Float64Array(c.p.nCols);
  const [theta, a1, b1, a2, b2] = [1.3, 0.4, 0.9, 0.35, 1.1];
  const stages = (modes: number[], scalars: number[], vectors: Float64Array[]): PipelineStages => ({
    modes: Int32Array.from(modes), scalars: Float64Array.from(scalars), vectors,
  });
  const pre = stages(
    [PIPELINE_START, CycleMode.CHEBYSHEV_STEP, CycleMode.CHEBYSHEV_STEP, CycleMode.RESIDUAL, PIPELINE_RESTRICT],
    [theta, 0, a1, b1, a2, b2, 0, 0, 0, 0],
    [NONE, r, d0, x, inv, b, d0, r, d1, x, inv, d0, d1, r, d0, x, inv, d1, x, r, b, NONE, NONE, NONE, NONE, restricted, r, NONE, NONE, NONE],
  );
  const post = stages(
    [CycleMode.ADD, CycleMode.CHEBYSHEV_FIRST, CycleMode.CHEBYSHEV_STEP_ADD_PREVIOUS, CycleMode.CHEBYSHEV_STEP],
    [0, 0, theta, 0, a1, b1, a2, b2],
    [coarse, x, NONE, NONE, NONE, NONE, x, r, d0, b, inv, NONE, d0, r, d1, x, inv, d0, d1, r, d0, x, inv, d1],
  );
  const n = c.a.nRows;
  for (const { modes, scalars, vectors } of sequential ? [] : [pre, post]) {
    kernels.pipeline(n, c.band, c.a, c.p, { modes, scalars, vectors });
  }
  if (sequential) {
    const empty = new Int32Array(n + 1);
    const partial = new Float64Array(n);
    for (const { modes, scalars, vectors } of [pre, post]) {
      modes.forEach((mode, s) => {
        const [u, v0, v1, v2, v3, v4] = vectors.slice(6 * s, 6 * s + 6);
        if (mode === PIPELINE_START) return kernels.chebyshevStart(n, v4, v3, scalars[2 * s], v0, v1, v2);
        if (mode === PIPELINE_RESTRICT) return restrictByRows(c.p, v1, v0);
        const m = mode === CycleMode.ADD ? c.p : c.a;
        kernels.cycleRows(mode as CycleMode, 1, n, m.rowPtr, m.colIdx, m.values, u, empty, partial, v0, v1, v2, v3, v4, scalars[2 * s], scalars[2 * s + 1]);
      });
    }
  }
  return [x, r, d0, d1, restricted];
}

/** out = Pᵀ r as an SpMV from zero with the rows of R = Pᵀ (columns ascending). */
function restrictByRows(p: Block & { nCols: number }, r: Float64Array, out: Float64Array): void {
  const rows: [number, number][][] = Array.from({ length: p.nCols }, () => []);
  for (let i = 0; i < p.nRows; i++) for (let e = p.rowPtr[i]; e < p.rowPtr[i + 1]; e++) rows[p.colIdx[e]].push([i, p.values[e]]);
  rows.forEach((entries, c) => {
    let w = 0;
    for (const [i, value] of entries) w += value * r[i];
    out[c] = w;
  });
}

const PIPELINE_CASES = [
  pipelineCase(3, 300, 20),
  pipelineCase(5, 9000, 40),
  pipelineCase(7, 10000, 3000),
  pipelineCase(9, 5000, 4999),
  pipelineCase(11, 4099, 60, [-60, -7, -1, 0, 1, 7, 60]),
];

describe('AMG cycle passes (JavaScript)', () => {
  it('a pipeline equals its stages run as separate passes', () => {
    PIPELINE_CASES.forEach((c, k) => expectSameBits(runPipelines(jsCycleKernels, c, false), runPipelines(jsCycleKernels, c, true), `pipeline case ${k}`));
  });

  it('chebyshevStart: r = D⁻¹b, d = r / θ, x = d on the first n values', () => {
    for (const n of [0, 7, 1500]) {
      const { theta, arrays } = start(jsCycleKernels, 5 + n, n);
      const [b, inverse, r, d, x] = arrays;
      for (let i = 0; i < n; i++) {
        expect(r[i]).toBe(inverse[i] * b[i]);
        expect(d[i]).toBe(r[i] / theta);
        expect(x[i]).toBe(d[i]);
      }
      expect([r[n], d[n], x[n]]).toEqual([0, 0, 0]);
    }
  });

  it('every mode equals an SpMV (own block, then ghost block) followed by its vector work', () => {
    CASES.forEach((c, s) => {
      for (const mode of MODES) expectSameBits(run(jsCycleKernels, mode, c, 0.7, -1.3), reference(mode, c, 0.7, -1.3), `case ${s} mode ${mode}`);
    });
  });
});

function nativeKernels(): { kernels: CycleKernels } | { reason: string } {
  if (process.env.PA_KERNELS === 'js') return { reason: 'PA_KERNELS=js disables them' };
  try {
    return { kernels: nativeCycleKernels(loadCycleBinding()) };
  } catch (error) {
    return { reason: error instanceof Error ? error.message : String(error) };
  }
}

const native = nativeKernels();
if ('kernels' in native) {
  describe('AMG cycle passes: native vs JavaScript', () => {
    it('same bits in every mode, with and without ghost blocks', () => {
      CASES.forEach((c, s) => {
        for (const mode of MODES) expectSameBits(run(native.kernels, mode, c, 0.3, 2.1), run(jsCycleKernels, mode, c, 0.3, 2.1), `case ${s} mode ${mode}`);
      });
    });

    it('a pass whose input shares memory with its output finishes each row before the next one, as in JavaScript', () => {
      const c = CASES[CASES.length - 2];
      const { own, ghost } = c;
      const n = own.nRows;
      const partial = new Float64Array(n);
      for (const mode of [CycleMode.RESIDUAL, CycleMode.ADD]) {
        // u is v0 itself, and then a view of v0's memory that starts one value later.
        for (const shift of [0, 1]) {
          const outputs = [native.kernels, jsCycleKernels].map((kernels) => {
            const v0 = Float64Array.from({ length: n + shift }, (_, i) => c.u[i % n]);
            kernels.cycleRows(mode, 1, n, own.rowPtr, own.colIdx, own.values, v0.subarray(shift), ghost.rowPtr, partial, v0, c.vectors[1], NONE, NONE, NONE, 0, 0);
            return [v0];
          });
          expectSameBits(outputs[0], outputs[1], `mode ${mode}, shift ${shift}`);
        }
        // The same in a pipeline's stage.
        const stageRun = (kernels: CycleKernels): Float64Array[] => {
          const v0 = Float64Array.from(c.u);
          const stages: PipelineStages = { modes: Int32Array.of(CycleMode.RESIDUAL), scalars: Float64Array.of(0, 0), vectors: [v0, v0, c.vectors[1], NONE, NONE, NONE] };
          kernels.pipeline(n, 20, { ...own, nCols: n }, { ...own, nCols: n }, stages);
          return [v0];
        };
        expectSameBits(stageRun(native.kernels), stageRun(jsCycleKernels), `pipeline, mode ${mode}`);
      }
      // In place, each row reads the rows before it as already finished: not the separate-vector result.
      const inPlace = Float64Array.from(c.u);
      native.kernels.cycleRows(CycleMode.RESIDUAL, 1, n, own.rowPtr, own.colIdx, own.values, inPlace, ghost.rowPtr, partial, inPlace, c.vectors[1], NONE, NONE, NONE, 0, 0);
      const apart = new Float64Array(n);
      native.kernels.cycleRows(CycleMode.RESIDUAL, 1, n, own.rowPtr, own.colIdx, own.values, c.u, ghost.rowPtr, partial, apart, c.vectors[1], NONE, NONE, NONE, 0, 0);
      expect(inPlace).not.toEqual(apart);
    });

    it('pipelines: same bits as the separate passes, whatever the bandwidth; and their checks', () => {
      PIPELINE_CASES.forEach((c, k) => {
        const js = runPipelines(jsCycleKernels, c, true);
        expectSameBits(runPipelines(native.kernels, c, false), js, `pipeline case ${k}`);
        // The bandwidth is what orders the stages: with 0 the later stages read values not final yet.
        if (k === 1) expect(runPipelines(native.kernels, { ...c, band: 0 }, false)[0]).not.toEqual(js[0]);
      });
      const c = PIPELINE_CASES[1];
      const n = c.a.nRows;
      const v = (length = n): Float64Array => new Float64Array(length);
      const stage = (mode: number, vectors: Float64Array[]): PipelineStages => ({ modes: Int32Array.of(mode), scalars: Float64Array.of(1, 0), vectors });
      const good = [v(), v(), v(), NONE, NONE, NONE];
      expect(() => native.kernels.pipeline(n, 40, c.a, c.p, stage(CycleMode.RESIDUAL, good))).not.toThrow();
      expect(() => native.kernels.pipeline(n, 40, c.a, c.p, stage(9, good))).toThrow(/modes\[0\] = 9 is not a stage/);
      expect(() => native.kernels.pipeline(n, 40, c.a, c.p, stage(CycleMode.RESIDUAL, [v(), v(), v(n - 1), NONE, NONE, NONE]))).toThrow(/needs at least/);
      expect(() => native.kernels.pipeline(n, -1, c.a, c.p, stage(CycleMode.RESIDUAL, good))).toThrow(/bandwidth/);
      // The addon's own checks, called directly.
      const binding = loadCycleBinding();
      const direct = (mode: number, vectors: unknown, u = v()): void =>
        binding.cyclePipeline(n, 40, c.a.rowPtr, c.a.colIdx, c.a.values, c.p.rowPtr, c.p.colIdx, c.p.values, c.p.nCols, Int32Array.of(mode), Float64Array.of(1, 0), (vectors ?? [u, v(), v(), NONE, NONE, NONE]) as Float64Array[]);
      expect(() => direct(CycleMode.RESIDUAL, undefined)).not.toThrow();
      expect(() => direct(CycleMode.ADD, undefined, v(c.p.nCols - 1))).toThrow(/u has length/);
      expect(() => direct(CycleMode.RESIDUAL, 'vectors')).toThrow(TypeError);
      expect(() => direct(8, undefined)).toThrow(/is not a stage/);
      expect(() => direct(PIPELINE_RESTRICT, [NONE, v(c.p.nCols), v(), NONE, NONE, NONE])).not.toThrow();
      expect(() => direct(PIPELINE_RESTRICT, [NONE, v(c.p.nCols - 1), v(), NONE, NONE, NONE])).toThrow(/needs at least/);
      expect(() => direct(CycleMode.CHEBYSHEV_STEP, undefined)).toThrow(/needs at least/);
      expect(() => (binding.cyclePipeline as (...args: unknown[]) => void)(n, 40)).toThrow(/cyclePipeline: expected 12 arguments/);
    });

    it('a restriction over a block with rows without entries at its ends (a ghost block): same bits, row pointers checked only where rows have entries', () => {
      const random = rng(91);
      const nRows = 700;
      const nCoarse = 40;
      // Entries on rows [lo, hi) only (some of them empty too), and the whole block empty.
      for (const [lo, hi] of [[0, 700], [0, 1], [699, 700], [350, 360], [200, 650], [0, 0]]) {
        const rowPtr = new Int32Array(nRows + 1);
        const colIdx: number[] = [];
        const values: number[] = [];
        for (let i = 0; i < nRows; i++) {
          if (i >= lo && i < hi && (i === lo || i === hi - 1 || random() > 0.3)) {
            for (let k = 0; k < 3; k++) colIdx.push(Math.floor(random() * nCoarse)), values.push(random() - 0.5);
          }
          rowPtr[i + 1] = colIdx.length;
        }
        const block = { nRows, nCols: nCoarse, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
        const r = Float64Array.from({ length: nRows }, () => random() - 0.5);
        for (const ranges of [undefined, Int32Array.of(100, 690)]) {
          const scatter = (kernels: CycleKernels): Float64Array[] => {
            const coarse = Float64Array.from({ length: nCoarse }, (_, c) => c / 7);
            kernels.pipeline(nRows, 0, block, block, { modes: Int32Array.of(PIPELINE_RESTRICT), scalars: new Float64Array(2), vectors: [NONE, coarse, r, NONE, NONE, NONE], ranges });
            return [coarse];
          };
          expectSameBits(scatter(native.kernels), scatter(jsCycleKernels), `entries on rows ${lo}..${hi}, ranges ${String(ranges)}`);
        }
      }
      // Row pointers that decrease among the rows without entries before the first row with some
      // are not read: no error; among the rows with entries: the error.
      const rowPtr = Int32Array.from({ length: 11 }, (_, i) => Math.max(0, i - 5));
      const bad = (at: number): Int32Array => {
        const copy = rowPtr.slice();
        copy[at] = -1;
        return copy;
      };
      const call = (ptr: Int32Array): void =>
        loadCycleBinding().cyclePipeline(10, 0, ptr, new Int32Array(5), new Float64Array(5), ptr, new Int32Array(5), new Float64Array(5), 1,
          Int32Array.of(PIPELINE_RESTRICT), new Float64Array(2), [NONE, new Float64Array(1), new Float64Array(10), NONE, NONE, NONE]);
      expect(() => call(rowPtr)).not.toThrow();
      expect(() => call(bad(2))).not.toThrow();
      expect(() => call(bad(7))).toThrow(/pRowPtr/);
    });

    it('chebyshevStart: same bits, and its checks', () => {
      for (const n of [7, 600, 5000]) {
        const ours = start(native.kernels, 11 + n, n).arrays;
        start(jsCycleKernels, 11 + n, n).arrays.forEach((a, k) => a.forEach((v, i) => expect(Object.is(v, ours[k][i]), `n ${n}: array ${k}[${i}]`).toBe(true)));
      }
      const v = (length: number): Float64Array => new Float64Array(length);
      expect(() => native.kernels.chebyshevStart(600, v(600), v(599), 1, v(600), v(600), v(600))).toThrow(/inverse/);
      const binding = loadCycleBinding();
      expect(() => binding.chebyshevStart(600, v(600), v(600), 1, v(600), v(600), v(599))).toThrow(/x has length 599/);
      expect(() => binding.chebyshevStart(600, v(600), v(600), 1, v(600), new Int32Array(600) as never, v(600))).toThrow(TypeError);
    });

    it('checks types, modes, phases, lengths and row pointers before any pass', () => {
      const c = CASES[1];
      const { own, ghost } = c;
      const n = own.nRows;
      const v = (length = n): Float64Array => new Float64Array(length);
      const call = (over: { mode?: number; phase?: number; rowPtr?: Int32Array; partial?: Float64Array; v2?: Float64Array; colIdx?: Int32Array }): void =>
        native.kernels.cycleRows(
          (over.mode ?? CycleMode.CHEBYSHEV_FIRST) as CycleMode, (over.phase ?? 1) as 1, n, over.rowPtr ?? own.rowPtr, over.colIdx ?? own.colIdx,
          own.values, c.u, ghost.rowPtr, over.partial ?? v(), v(), v(), over.v2 ?? v(), v(), v(0), 1, 0,
        );
      expect(() => call({})).not.toThrow();
      expect(() => call({ mode: 5 })).toThrow(InvalidArgumentError);
      expect(() => call({ phase: 0 })).toThrow(/phase must be 1 or 2/);
      expect(() => call({ partial: v(n - 1) })).toThrow(/partial/);
      expect(() => call({ v2: v(3) })).toThrow(/v2/);
      expect(() => call({ mode: CycleMode.CHEBYSHEV_STEP })).toThrow(/v4/);
      expect(() => call({ colIdx: own.colIdx.subarray(0, own.rowPtr[n] - 1) })).toThrow(/rowPtr\[nRows\]/);
      // The addon's own checks, called directly.
      const binding = loadCycleBinding();
      const direct = (rowPtr: Int32Array, u: unknown = c.u): void =>
        binding.cycleRows(CycleMode.ADD, 1, n, rowPtr, own.colIdx, own.values, u as Float64Array, ghost.rowPtr, v(), v(), v(0), v(0), v(0), v(0), 0, 0);
      expect(() => direct(own.rowPtr)).not.toThrow();
      expect(() => direct(own.rowPtr, new Int32Array(n))).toThrow(TypeError);
      const decreasing = own.rowPtr.slice();
      decreasing[2] = decreasing[own.nRows];
      decreasing[3] = 0;
      expect(() => direct(decreasing)).toThrow(/rowPtr decreases at row 2|rowPtr\[nRows\]/);
      expect(() => direct(Int32Array.of(1, ...own.rowPtr.subarray(1)))).toThrow(/rowPtr\[0\] must be 0/);
      // A pass over rows from..to − 1 checks the row pointers it reads, not the whole block's.
      const ranged = (rowPtr: Int32Array, from: number, to: number): void =>
        binding.cycleRows(CycleMode.ADD, 1, n, rowPtr, own.colIdx, own.values, c.u, ghost.rowPtr, v(), v(), v(0), v(0), v(0), v(0), 0, 0, from, to);
      expect(() => ranged(decreasing, 4, n)).not.toThrow();
      expect(() => ranged(decreasing, 1, n)).toThrow(/rowPtr decreases at row 2/);
      const negative = own.rowPtr.slice();
      negative[4] = -1;
      negative[5] = -1;
      expect(() => ranged(negative, 4, 6)).toThrow(/rowPtr is negative at row 4/);
      const pastEnd = own.rowPtr.slice();
      pastEnd[n - 1] = own.rowPtr[n] + 1;
      expect(() => ranged(pastEnd, 0, n - 2)).not.toThrow();
      expect(() => ranged(pastEnd, n - 3, n - 1)).toThrow(/rowPtr points past the end/);
      // A pipeline checks the rows its stages' ranges read, per matrix.
      const stage = { modes: Int32Array.of(CycleMode.ADD), scalars: new Float64Array(2), vectors: [new Float64Array(n), v(), v(0), v(0), v(0), v(0)] };
      const pipe = (rowPtr: Int32Array, from: number, to: number): void =>
        binding.cyclePipeline(n, 0, own.rowPtr, own.colIdx, own.values, rowPtr, own.colIdx, own.values, n, stage.modes, stage.scalars, stage.vectors, Int32Array.of(from, to));
      expect(() => pipe(decreasing, 4, n)).not.toThrow();
      expect(() => pipe(decreasing, 2, n)).toThrow(/pRowPtr decreases at row 2/);
    });
  });
} else {
  it(`AMG cycle passes: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native AMG cycle passes: ${native.reason}`);
    console.warn(`native-vs-JS AMG cycle comparison not run: ${native.reason}`);
  });
}

describe('AMG cycle kernel selection', () => {
  const missing = (): never => {
    throw new BackendUnavailableError('The native AMG cycle kernels are unavailable', ['not built'], []);
  };
  it('PA_KERNELS=js, fallback without the addon, and the settings that require it', () => {
    expect(selectCycleKernels({ PA_KERNELS: 'js' }, missing).kind).toBe('js');
    expect(selectCycleKernels({}, missing).kind).toBe('js');
    expect(() => selectCycleKernels({ PA_KERNELS: 'native' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectCycleKernels({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectCycleKernels({ PA_KERNELS: 'fast' }, missing)).toThrow(InvalidArgumentError);
  });
});
