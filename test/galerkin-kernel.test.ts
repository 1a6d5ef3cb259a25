/**
 * The kernel of the several-part Galerkin product (`galerkinRows`: rows (R·A)·P of one part, A
 * and P as the distributed matrices hold them, plus other parts' sums, split into own and ghost
 * blocks): the JavaScript twin against a dense triple product (exact: every value is a multiple of
 * 1/4, so no sum rounds), the native addon against the twin BIT FOR BIT on random values, also
 * when the room runs out and the call resumes, and the addon's argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { loadSpgemmBinding } from '../src/sparse/matmul-binding.js';
import { nativeOrReason } from './fixtures/kernels/native-or-reason.js';
import { jsSpgemmKernels, nativeSpgemmKernels, type SpgemmKernels } from '../src/sparse/matmul-kernels.js';
import { seededRng as rng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';


interface Csr {
  nRows: number;
  nCols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random CSR matrix (distinct columns per row in random order, some empty rows). */
function randomCsr(random: () => number, nRows: number, nCols: number, density: number, value: () => number): Csr {
  const rows: [number, number][][] = [];
  for (let i = 0; i < nRows; i++) {
    const row: [number, number][] = [];
    if (random() > 0.15) for (let j = 0; j < nCols; j++) if (random() < density) row.push([j, value()]);
    rows.push(row.sort(() => random() - 0.5));
  }
  const rowPtr = new Int32Array(nRows + 1);
  rows.forEach((row, i) => (rowPtr[i + 1] = rowPtr[i] + row.length));
  const flat = rows.flat();
  return { nRows, nCols, rowPtr, colIdx: Int32Array.from(flat, (e) => e[0]), values: Float64Array.from(flat, (e) => e[1]) };
}

interface Case {
  seed: number;
  r: Csr;
  aOwn: Csr;
  aGhost: Csr;
  p1: Csr;
  p2: Csr;
  extra: Csr | undefined;
  nOwn: number;
}

/** R (m × nFine), A = [aOwn | aGhost], P's rows (P1 on the own fine rows, P2 on all), extra terms. */
function randomCase(s: number, dyadic: boolean): Case {
  const seed = 500 + 104729 * s;
  const random = rng(seed);
  const value = dyadic ? () => Math.round((random() - 0.5) * 8) / 4 : () => random() - 0.5;
  const int = (n: number): number => Math.floor(random() * n);
  const nFine = int(12);
  const nGhost = int(6);
  const m = int(8);
  const nCols = 1 + int(10);
  const nOwn = s % 3 === 0 ? nCols : int(nCols + 1);
  const density = 0.1 + random() * 0.4;
  return {
    seed,
    r: randomCsr(random, m, nFine, density, value),
    aOwn: randomCsr(random, nFine, nFine, density, value),
    aGhost: randomCsr(random, nFine, nGhost, density, value),
    p1: randomCsr(random, nFine, nOwn, density, value),
    p2: randomCsr(random, nFine + nGhost, nCols, density / 2, value),
    extra: s % 2 === 0 ? randomCsr(random, m, nCols, density, value) : undefined,
    nOwn,
  };
}

const none = { rowPtr: new Int32Array(0), colIdx: new Int32Array(0), values: new Float64Array(0) };

/** Runs the kernel to the end, starting with `room` entries per block and doubling it when short. */
function run(k: SpgemmKernels, c: Case, room = 1 << 12): { oo: Csr; og: Csr; calls: number } {
  const nAll = c.p2.nRows;
  const nCols = c.p2.nCols;
  const m = c.r.nRows;
  const fineMarker = new Int32Array(nAll).fill(-1);
  const coarseMarker = new Int32Array(nCols).fill(-1);
  const [fineAcc, fineList, coarseAcc, coarseList] = [new Float64Array(nAll), new Int32Array(nAll + 1), new Float64Array(nCols), new Int32Array(nCols)];
  const blocks = [0, 1].map(() => ({ rowPtr: new Int32Array(m + 1), colIdx: new Int32Array(room), values: new Float64Array(room) }));
  const x = c.extra ?? none;
  let done = 0;
  let calls = 0;
  for (;;) {
    calls++;
    const [own, ghost] = blocks;
    done = k.galerkinRows(
      done, m, c.aOwn.nRows, c.nOwn, c.r.rowPtr, c.r.colIdx, c.r.values, c.aOwn.rowPtr, c.aOwn.colIdx, c.aOwn.values,
      c.aGhost.rowPtr, c.aGhost.colIdx, c.aGhost.values, c.p1.rowPtr, c.p1.colIdx, c.p1.values, c.p2.rowPtr, c.p2.colIdx,
      c.p2.values, x.rowPtr, x.colIdx, x.values, fineMarker, fineAcc, fineList, coarseMarker, coarseAcc, coarseList,
      own.rowPtr, own.colIdx, own.values, ghost.rowPtr, ghost.colIdx, ghost.values,
    );
    if (done === m) break;
    for (const b of blocks) {
      const grown = { colIdx: new Int32Array(2 * b.colIdx.length + 1), values: new Float64Array(2 * b.values.length + 1) };
      grown.colIdx.set(b.colIdx);
      grown.values.set(b.values);
      Object.assign(b, grown);
    }
  }
  // Scratch left as found: markers −1 (or a row id), accumulators zero.
  expect(fineAcc.every((v) => v === 0) && coarseAcc.every((v) => v === 0)).toBe(true);
  const [oo, og] = blocks.map((b, q) => {
    const nnz = b.rowPtr[m];
    return { nRows: m, nCols: q === 0 ? c.nOwn : nCols - c.nOwn, rowPtr: b.rowPtr, colIdx: b.colIdx.slice(0, nnz), values: b.values.slice(0, nnz) };
  });
  return { oo, og, calls };
}

/** The dense product R·[aOwn | aGhost]·P (+ extra), P's row k being P1's (k < nFine) plus P2's. */
function dense(c: Case): number[][] {
  const nFine = c.aOwn.nRows;
  const nAll = c.p2.nRows;
  const nCols = c.p2.nCols;
  const toDense = (m: Csr, nRows: number, width: number, colOffset = 0): number[][] => {
    const out = Array.from({ length: nRows }, () => new Array<number>(width).fill(0));
    for (let i = 0; i < m.nRows; i++) for (let e = m.rowPtr[i]; e < m.rowPtr[i + 1]; e++) out[i][colOffset + m.colIdx[e]] += m.values[e];
    return out;
  };
  const r = toDense(c.r, c.r.nRows, nFine);
  const a = toDense(c.aOwn, nFine, nAll);
  const ag = toDense(c.aGhost, nFine, nAll, nFine);
  const p = toDense(c.p2, nAll, nCols);
  const p1 = toDense(c.p1, nFine, nCols);
  const x = c.extra === undefined ? undefined : toDense(c.extra, c.r.nRows, nCols);
  return r.map((row, i) => {
    const out = new Array<number>(nCols).fill(0);
    row.forEach((rv, f) => {
      for (let k = 0; k < nAll; k++) {
        const av = a[f][k] + ag[f][k];
        if (av !== 0) for (let j = 0; j < nCols; j++) out[j] += rv * av * (p[k][j] + (k < nFine ? p1[k][j] : 0));
      }
    });
    if (x !== undefined) x[i].forEach((v, j) => (out[j] += v));
    return out;
  });
}

describe('galerkinRows (JavaScript) vs a dense triple product', () => {
  it('values (exact: multiples of 1/4), sorted columns split at nOwn, on 60 random cases with resumed calls', () => {
    let resumed = 0;
    for (let s = 0; s < 60; s++) {
      const c = randomCase(s, true);
      const { oo, og, calls } = run(jsSpgemmKernels, c, s % 4 === 0 ? 1 : 1 << 12);
      if (calls > 1) resumed++;
      expect(run(jsSpgemmKernels, c).oo, `seed ${c.seed}: resuming changes nothing`).toEqual(oo);
      const expected = dense(c);
      for (let i = 0; i < c.r.nRows; i++) {
        const cols = [
          ...Array.from(oo.colIdx.subarray(oo.rowPtr[i], oo.rowPtr[i + 1])),
          ...Array.from(og.colIdx.subarray(og.rowPtr[i], og.rowPtr[i + 1]), (j) => j + c.nOwn),
        ];
        const values = [...oo.values.subarray(oo.rowPtr[i], oo.rowPtr[i + 1]), ...og.values.subarray(og.rowPtr[i], og.rowPtr[i + 1])];
        expect(cols, `seed ${c.seed} row ${i}: ascending`).toEqual([...cols].sort((x, y) => x - y));
        // Entries outside the pattern are zero; inside it, the sums (which may cancel to zero).
        const got = new Array<number>(c.p2.nCols).fill(0);
        cols.forEach((j, q) => (got[j] = values[q]));
        expect(got, `seed ${c.seed} row ${i}`).toEqual(expected[i]);
      }
    }
    expect(resumed).toBeGreaterThan(3);
  });
});

const native = nativeOrReason(loadSpgemmBinding);
if ('binding' in native) {
  const kernels = nativeSpgemmKernels(native.binding);
  describe('galerkinRows: native vs JavaScript', () => {
    it('same bits on 60 random cases (any values), also when calls resume', () => {
      for (let s = 0; s < 60; s++) {
        const c = randomCase(s, false);
        const js = run(jsSpgemmKernels, c);
        for (const room of [1 << 12, 1]) {
          const nat = run(kernels, c, room);
          for (const which of ['oo', 'og'] as const) {
            expect(nat[which].rowPtr).toEqual(js[which].rowPtr);
            expect(nat[which].colIdx).toEqual(js[which].colIdx);
            nat[which].values.forEach((v, e) => expect(Object.is(v, js[which].values[e])).toBe(true));
          }
        }
      }
    });

    it('the addon checks what it indexes', () => {
      const c = Array.from({ length: 60 }, (_, s) => randomCase(s, false)).find(
        (x) => x.r.rowPtr[x.r.nRows] > 0 && x.aOwn.rowPtr[x.aOwn.nRows] > 0 && x.extra !== undefined && x.extra.rowPtr[x.extra.nRows] > 0,
      )!;
      const nAll = c.p2.nRows;
      const nCols = c.p2.nCols;
      const m = c.r.nRows;
      const x = c.extra!;
      const call = (over: { rCol?: Int32Array; aCol?: Int32Array; xCol?: Int32Array; fine?: number; list?: number; nOwn?: number; start?: number }): number => {
        const ownPtr = new Int32Array(m + 1);
        ownPtr[0] = over.start ?? 0;
        const fine = over.fine ?? nAll;
        return native.binding.galerkinRows(
          0, m, c.aOwn.nRows, over.nOwn ?? c.nOwn, c.r.rowPtr, over.rCol ?? c.r.colIdx, c.r.values, c.aOwn.rowPtr,
          over.aCol ?? c.aOwn.colIdx, c.aOwn.values, c.aGhost.rowPtr, c.aGhost.colIdx, c.aGhost.values, c.p1.rowPtr,
          c.p1.colIdx, c.p1.values, c.p2.rowPtr, c.p2.colIdx, c.p2.values, x.rowPtr, over.xCol ?? x.colIdx, x.values,
          new Int32Array(fine).fill(-1), new Float64Array(fine), new Int32Array(over.list ?? fine + 1), new Int32Array(nCols).fill(-1),
          new Float64Array(nCols), new Int32Array(nCols), ownPtr, new Int32Array(1024), new Float64Array(1024),
          new Int32Array(m + 1), new Int32Array(1024), new Float64Array(1024),
        );
      };
      expect(call({})).toBe(m);
      const bad = (ids: Int32Array, value: number): Int32Array => {
        const out = ids.slice();
        out[0] = value;
        return out;
      };
      expect(() => call({ rCol: bad(c.r.colIdx, c.aOwn.nRows) })).toThrow(/rColIdx\[0\] = \d+ is outside/);
      expect(() => call({ aCol: bad(c.aOwn.colIdx, -1) })).toThrow(/aColIdx\[0\] = -1 is outside/);
      expect(() => call({ xCol: bad(x.colIdx, nCols) })).toThrow(/extraColIdx\[0\] = \d+ is outside/);
      expect(() => call({ fine: nAll - 1 })).toThrow(/p2 has \d+ rows/);
      expect(() => call({ list: nAll })).toThrow(/fineList has length \d+, needs at least/);
      expect(() => call({ nOwn: nCols + 1 })).toThrow(/nOwn must be an integer/);
      expect(() => call({ start: 2000 })).toThrow(/rowPtr\[firstRow\] = 2000 is outside/);
      expect(() => (native.binding.galerkinRows as (...args: unknown[]) => number)(0, 0, 0)).toThrow(/expected 34 arguments/);
    });
  });
} else {
  it(`galerkinRows: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native sparse products: ${native.reason}`);
    console.warn(`native-vs-JS galerkinRows comparison not run: ${native.reason}`);
  });
}
