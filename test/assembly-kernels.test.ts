/**
 * psparse's assembly loops: the native set (every call in the addon: minWork 0) against the
 * JavaScript twin, integer for integer and bit for bit, on random triplets with duplicates,
 * ignored entries, rows and columns owned elsewhere, own ids as ranges and as 3-D boxes, and rows
 * long enough for the sorted (not insertion) path; and the twin's CSR pattern and sums against an
 * independent reference built with a Map.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 that test fails.
 */
import { describe, expect, it } from 'vitest';
import { nativeAssemblyKernels, ownBoxSpec, type AssemblyKernels } from '../src/kernels/assembly-kernels.js';
import { loadAssemblyBinding } from '../src/kernels/assembly-binding.js';
import { jsAssemblyKernels } from '../src/kernels/js-assembly-kernels.js';
import { seededRng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

interface Case {
  readonly I: Float64Array;
  readonly J: Float64Array;
  readonly V: Float64Array;
  readonly box: Float64Array;
  readonly n: number;
  readonly nOwn: number;
}

/** Random triplets on a grid of `dims`, this part owning the box lo..hi; `long` puts many triplets in a few rows. */
function randomCase(seed: number, dims: number[], lo: number[], hi: number[], m: number, long: boolean): Case {
  const rng = seededRng(seed);
  const n = dims.reduce((a, b) => a * b, 1);
  const nOwn = lo.reduce((a, l, d) => a * (hi[d] - l), 1);
  const box = ownBoxSpec(dims, lo, hi);
  const ownIds: number[] = [];
  for (let g = 0; g < n; g++) {
    let rest = g;
    let inside = true;
    for (let d = 0; d < dims.length; d++) {
      const c = rest % dims[d];
      rest = (rest - c) / dims[d];
      if (c < lo[d] || c >= hi[d]) inside = false;
    }
    if (inside) ownIds.push(g);
  }
  const I = new Float64Array(m);
  const J = new Float64Array(m);
  const V = new Float64Array(m);
  const pick = (): number => (rng() < 0.8 ? ownIds[Math.floor(rng() * (long ? 3 : ownIds.length))] : Math.floor(rng() * n));
  for (let k = 0; k < m; k++) {
    I[k] = rng() < 0.05 ? -1 : pick();
    J[k] = rng() < 0.05 ? -1 : rng() < 0.3 ? Math.floor(rng() * n) : pick();
    V[k] = (rng() - 0.5) * 10 ** Math.floor(rng() * 8);
  }
  return { I, J, V, box, n, nOwn };
}

/** Runs the whole pipeline of psparse's local assembly with `K`; returns every array it produced. */
function assemble(K: AssemblyKernels, c: Case): Record<string, ArrayLike<number> | number> {
  const m = c.I.length;
  const rowCode = new Int32Array(m);
  const colCode = new Int32Array(m);
  const check = K.assemblyCheck(m, c.I, c.J, c.V, c.n, c.n);
  const offRows = K.assemblyClassify(m, c.I, c.I, c.J, c.box, rowCode);
  const offCols = K.assemblyClassify(m, c.J, c.I, c.J, c.box, colCode);
  const codes = { rowCode: rowCode.slice(), colCode: colCode.slice() };
  const off = new Float64Array(offCols);
  const nOff = K.assemblyCollect(m, c.J, rowCode, colCode, off);
  const ghosts = Float64Array.from(new Set(off.subarray(0, nOff))).sort();
  K.assemblyGhostCodes(m, c.J, rowCode, colCode, ghosts, c.nOwn);
  const perm = new Int32Array(m);
  const rowStart = new Int32Array(c.nOwn + 1);
  const ooPtr = new Int32Array(c.nOwn + 1);
  const ogPtr = new Int32Array(c.nOwn + 1);
  K.csrPattern(c.nOwn, c.nOwn, rowCode, colCode, perm, rowStart, ooPtr, ogPtr);
  const ooCol = new Int32Array(ooPtr[c.nOwn]);
  const ogCol = new Int32Array(ogPtr[c.nOwn]);
  const slot = rowCode; // as psparse does: the slots overwrite the row codes
  K.csrFill(c.nOwn, c.nOwn, rowCode, colCode, perm, rowStart, ooCol, ogCol, slot);
  const oo = new Float64Array(ooCol.length);
  const og = new Float64Array(ogCol.length);
  K.addSlots(m, slot, 0, c.V, oo, og);
  const lengths = new Uint8Array(c.nOwn);
  const offsets = new Int16Array(ooCol.length);
  const compact = K.csrCompact(c.nOwn, ooPtr, ooCol, lengths, offsets, 255, 32767);
  return { check, offRows, offCols, ...codes, nOff, ghosts, ooPtr, ogPtr, ooCol, ogCol, slot, oo, og, compact, lengths, offsets };
}

const cases: [string, () => Case][] = [
  ['a range of a 1-D grid', () => randomCase(1, [400], [100], [250], 3000, false)],
  ['a 3-D box', () => randomCase(2, [7, 6, 5], [1, 2, 0], [5, 6, 3], 2500, false)],
  ['a contiguous 3-D slab (turned into a range)', () => randomCase(3, [5, 4, 6], [0, 0, 2], [5, 4, 4], 2500, false)],
  ['long rows (more than 32 entries each)', () => randomCase(4, [300], [0], [150], 4000, true)],
];

describe('assembly kernels, JavaScript twin against a Map reference', () => {
  it.each(cases)('%s', (_name, make) => {
    const c = make();
    const got = assemble(jsAssemblyKernels, c);
    // Reference: per own row, the sorted unique local columns (own first, then ghosts by id) and their sums in input order.
    const ghosts = got.ghosts as Float64Array;
    const rowsOf = new Map<number, Map<number, number>>();
    const ownIndex = (g: number): number => {
      const box = c.box;
      const dims = [box[1], box[2], box[3]].slice(0, box[0]);
      const lo = [box[4], box[5], box[6]];
      const hi = [box[7], box[8], box[9]];
      let rest = g;
      let index = 0;
      let stride = 1;
      for (let d = 0; d < dims.length; d++) {
        const x = rest % dims[d];
        rest = (rest - x) / dims[d];
        if (x < lo[d] || x >= hi[d]) return -1;
        index += (x - lo[d]) * stride;
        stride *= hi[d] - lo[d];
      }
      return index;
    };
    for (let k = 0; k < c.I.length; k++) {
      if (c.I[k] < 0 || c.J[k] < 0) continue;
      const r = ownIndex(c.I[k]);
      if (r < 0) continue;
      const own = ownIndex(c.J[k]);
      const col = own >= 0 ? own : c.nOwn + ghosts.indexOf(c.J[k]);
      const row = rowsOf.get(r) ?? new Map<number, number>();
      row.set(col, (row.get(col) ?? 0) + c.V[k]);
      rowsOf.set(r, row);
    }
    const ooPtr = got.ooPtr as Int32Array;
    const ogPtr = got.ogPtr as Int32Array;
    for (let r = 0; r < c.nOwn; r++) {
      const row = [...(rowsOf.get(r) ?? new Map<number, number>()).entries()].sort((a, b) => a[0] - b[0]);
      const own = row.filter(([col]) => col < c.nOwn);
      const ghost = row.filter(([col]) => col >= c.nOwn);
      expect(Array.from((got.ooCol as Int32Array).subarray(ooPtr[r], ooPtr[r + 1]))).toEqual(own.map(([col]) => col));
      expect(Array.from((got.oo as Float64Array).subarray(ooPtr[r], ooPtr[r + 1]))).toEqual(own.map(([, v]) => v));
      expect(Array.from((got.ogCol as Int32Array).subarray(ogPtr[r], ogPtr[r + 1]))).toEqual(ghost.map(([col]) => col - c.nOwn));
      expect(Array.from((got.og as Float64Array).subarray(ogPtr[r], ogPtr[r + 1]))).toEqual(ghost.map(([, v]) => v));
    }
    expect(got.check).toBe(-1);
  });

  it('assemblyCheck finds the first bad id or value, and csrCompact the first row that does not fit', () => {
    const ids = Float64Array.of(0, 1, 2, 3);
    expect(jsAssemblyKernels.assemblyCheck(4, ids, ids, Float64Array.of(1, 1, NaN, 1), 4, 4)).toBe(2);
    expect(jsAssemblyKernels.assemblyCheck(4, ids, Float64Array.of(0, 1.5, 2, 3), Float64Array.of(1, 1, 1, 1), 4, 4)).toBe(1);
    expect(jsAssemblyKernels.assemblyCheck(4, Float64Array.of(-1, 1, 2, 4), ids, Float64Array.of(NaN, 1, 1, 1), 4, 4)).toBe(3);
    const lengths = new Uint8Array(2);
    const offsets = new Int16Array(3);
    expect(jsAssemblyKernels.csrCompact(2, Int32Array.of(0, 1, 3), Int32Array.of(0, 1, 40000), lengths, offsets, 255, 32767)).toBe(3);
    expect(jsAssemblyKernels.csrCompact(2, Int32Array.of(0, 1, 3), Int32Array.of(0, 1, 2), lengths, offsets, 1, 32767)).toBe(2);
  });

  it('csrInverseDiagonal inverts each row\'s diagonal and names the first row without a finite nonzero one', () => {
    // rows: [4 . 1], [2 8 .], then row 2 as given
    const rowPtr = Int32Array.of(0, 2, 4, 5);
    const out = new Float64Array(3);
    const K = jsAssemblyKernels;
    expect(K.csrInverseDiagonal(3, rowPtr, Int32Array.of(0, 2, 0, 1, 2), Float64Array.of(4, 1, 2, 8, 5), out)).toBe(-1);
    expect(Array.from(out)).toEqual([0.25, 0.125, 0.2]);
    expect(K.csrInverseDiagonal(3, rowPtr, Int32Array.of(0, 2, 0, 1, 1), Float64Array.of(4, 1, 2, 8, 5), out)).toBe(2);
    expect(K.csrInverseDiagonal(3, rowPtr, Int32Array.of(0, 2, 0, 1, 2), Float64Array.of(4, 1, 2, 0, 5), out)).toBe(1);
    expect(K.csrInverseDiagonal(3, rowPtr, Int32Array.of(0, 2, 0, 1, 2), Float64Array.of(NaN, 1, 2, 8, 5), out)).toBe(0);
    expect(K.csrInverseDiagonal(3, rowPtr, Int32Array.of(0, 2, 0, 1, 2), Float64Array.of(4, 1, 2, 8, -Infinity), out)).toBe(2);
  });
});

function nativeSet(): AssemblyKernels | string {
  if (process.env.PA_KERNELS === 'js') return 'PA_KERNELS=js disables them';
  try {
    return nativeAssemblyKernels(loadAssemblyBinding(), 0);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('assembly kernels, native against the JavaScript twin', () => {
  const native = nativeSet();
  if (typeof native === 'string') {
    it(`are unavailable (${native})`, () => {
      expect(ci, 'PA_REQUIRE_NATIVE is set but the native assembly kernels do not load').toBe(false);
    });
    return;
  }
  it.each(cases)('%s: the same integers and bits', (_name, make) => {
    const c = make();
    const expected = assemble(jsAssemblyKernels, c);
    const got = assemble(native, c);
    for (const key of Object.keys(expected)) {
      const a = expected[key];
      const b = got[key];
      if (typeof a === 'number') expect(b, key).toBe(a);
      else expect(Array.from(b as ArrayLike<number>), key).toEqual(Array.from(a));
    }
  });

  it('finds the same first bad triplet', () => {
    const ids = Float64Array.of(0, 1, 2, 3, -0.5, Infinity);
    for (const V of [Float64Array.of(1, 1, 1, Infinity, NaN, 1), Float64Array.of(1, 1, 1, 1, NaN, 1)]) {
      expect(native.assemblyCheck(6, ids, ids, V, 4, 4)).toBe(jsAssemblyKernels.assemblyCheck(6, ids, ids, V, 4, 4));
    }
  });

  it('finds the first bad triplet anywhere in a block, in either lane, of every kind', () => {
    // The native check tests blocks of 1024 triplets two at a time, then rescans a failing block.
    const m = 3001;
    const n = 2 ** 53;
    // [I, J, V, bad]: fractions, NaN, infinities and ids >= n are bad; negative ids (even -Infinity)
    // mark an ignored triplet, whose value is not checked; -0 and integers from 2^52 on are fine.
    const kinds: [number, number, number, boolean][] = [
      [0.5, 0, 1, true], [2 ** 51 + 0.5, 0, 1, true], [0, NaN, 1, true], [Infinity, 0, 1, true], [n, 0, 1, true],
      [0, 0, NaN, true], [0, 0, -Infinity, true], [-1, 0, NaN, false], [0, -Infinity, Infinity, false],
      [-0, 0, 1, false], [2 ** 52 + 2, 2 ** 53 - 1, 1, false], [n - 1, 0, 1, false],
    ];
    for (const [i, j, v, bad] of kinds) {
      for (const at of [0, 1, 1022, 1023, 1024, 2047, 2048, m - 2, m - 1]) {
        const I = new Float64Array(m).fill(7);
        const J = new Float64Array(m).fill(3);
        const V = new Float64Array(m).fill(1);
        I[at] = i;
        J[at] = j;
        V[at] = v;
        // A second bad triplet later in the same block must not be the one named.
        if (at + 1 < m) V[at + 1] = NaN;
        const expected = bad ? at : at + 1 < m ? at + 1 : -1;
        const label = `I=${i} J=${j} V=${v} at ${at}`;
        expect(jsAssemblyKernels.assemblyCheck(m, I, J, V, n, n), label).toBe(expected);
        expect(native.assemblyCheck(m, I, J, V, n, n), label).toBe(expected);
      }
    }
  });

  it('stencilTriplets: the same count and triplets for ranges and boxes of 1 to 3 directions', () => {
    const grids: [number[], Float64Array][] = [
      [[7], ownBoxSpec([7], [2], [6])],
      [[5, 4], ownBoxSpec([5, 4], [1, 2], [4, 4])],
      [[4, 3, 5], ownBoxSpec([4, 3, 5], [0, 0, 2], [4, 3, 5])], // contiguous: turned into a range
      [[4, 3, 5], ownBoxSpec([4, 3, 5], [1, 0, 1], [3, 2, 4])],
      [[1, 1, 1], ownBoxSpec([1], [0], [1])],
    ];
    for (const [size, box] of grids) {
      const grid = Float64Array.of(size.length, size[0], size[1] ?? 1, size[2] ?? 1);
      const none = new Float64Array(0);
      const m = jsAssemblyKernels.stencilTriplets(grid, box, none, none, none);
      expect(native.stencilTriplets(grid, box, none, none, none)).toBe(m);
      const [a, b] = [jsAssemblyKernels, native].map((k) => {
        const out = [new Float64Array(m), new Float64Array(m), new Float64Array(m)] as const;
        expect(k.stencilTriplets(grid, box, ...out)).toBe(m);
        return out.map((x) => Array.from(x));
      });
      expect(b).toEqual(a);
    }
    // 2-D 3 x 2 grid, rows 1 and 4 (box [1..2) x [0..2)): ids ascend in each row, 4 on the diagonal
    const small = Float64Array.of(2, 3, 2, 1);
    const rows14 = ownBoxSpec([3, 2], [1, 0], [2, 2]);
    const [I, J, V] = [new Float64Array(8), new Float64Array(8), new Float64Array(8)];
    expect(native.stencilTriplets(small, rows14, I, J, V)).toBe(8);
    expect([Array.from(I), Array.from(J), Array.from(V)]).toEqual([
      [1, 1, 1, 1, 4, 4, 4, 4],
      [0, 1, 2, 4, 1, 3, 4, 5],
      [-1, 4, -1, -1, -1, -1, 4, -1],
    ]);
    expect(() => native.stencilTriplets(small, rows14, new Float64Array(7), J, V)).toThrow(RangeError);
  });

  it('csrInverseDiagonal: the same bits and the same first bad row', () => {
    const rng = seededRng(7);
    const nRows = 3000;
    const rowPtr = new Int32Array(nRows + 1);
    const cols: number[] = [];
    for (let i = 0; i < nRows; i++) {
      const row = new Set([i]);
      while (rng() < 0.7) row.add(Math.floor(rng() * nRows));
      cols.push(...[...row].sort((a, b) => a - b));
      rowPtr[i + 1] = cols.length;
    }
    const colIdx = Int32Array.from(cols);
    const values = Float64Array.from(cols, () => (rng() - 0.5) * 10 ** Math.floor(rng() * 8));
    const [a, b] = [new Float64Array(nRows), new Float64Array(nRows)];
    expect(native.csrInverseDiagonal(nRows, rowPtr, colIdx, values, b)).toBe(jsAssemblyKernels.csrInverseDiagonal(nRows, rowPtr, colIdx, values, a));
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(a.every((d) => d !== 0 && Number.isFinite(d))).toBe(true);
    let k = rowPtr[2000];
    while (colIdx[k] !== 2000) k++;
    values[k] = 0;
    colIdx.fill(0, rowPtr[2500], rowPtr[2501]); // row 2500 loses its diagonal
    expect(native.csrInverseDiagonal(nRows, rowPtr, colIdx, values, b)).toBe(2000);
    expect(jsAssemblyKernels.csrInverseDiagonal(nRows, rowPtr, colIdx, values, a)).toBe(2000);
    values[k] = 3;
    expect(native.csrInverseDiagonal(nRows, rowPtr, colIdx, values, b)).toBe(2500);
    expect(jsAssemblyKernels.csrInverseDiagonal(nRows, rowPtr, colIdx, values, a)).toBe(2500);
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  it('throws RangeError instead of writing past an array', () => {
    const codes = Int32Array.of(5, 0);
    expect(() => native.csrPattern(2, 2, codes, Int32Array.of(0, 0), new Int32Array(2), new Int32Array(3), new Int32Array(3), new Int32Array(3))).toThrow(RangeError);
    expect(() => native.addSlots(1, Int32Array.of(3), 0, Float64Array.of(1), new Float64Array(2), new Float64Array(1))).toThrow(RangeError);
  });
});
