/**
 * The local product kernels (rows as own and ghost blocks in one pass, values on that pattern): the
 * JavaScript twins against a dense reference, the native addon against the JavaScript twins BIT FOR
 * BIT on random rectangular inputs (empty rows, empty matrices, cancellations, several splits), and
 * the addon's own argument checks.
 *
 * With PA_KERNELS=js, or when the addon is not built, the native comparison is one test saying
 * why; with PA_REQUIRE_NATIVE=1 (CI) that test fails.
 */
import { describe, expect, it } from 'vitest';
import { loadSpgemmBinding } from '../src/sparse/matmul-binding.js';
import { nativeOrReason } from './fixtures/kernels/native-or-reason.js';
import { jsSpgemmKernels, nativeSpgemmKernels, selectSpgemmKernels, type SpgemmKernels } from '../src/sparse/matmul-kernels.js';
import { BackendUnavailableError, InvalidArgumentError } from '../src/errors.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

/** Park–Miller generator: the same inputs on every run. */
function rng(seed: number): () => number {
  let state = seed;
  const next = (): number => {
    state = (state * 48271) % 0x7fffffff;
    return state / 0x7fffffff;
  };
  // The first draws of nearby seeds are close: skip them.
  for (let k = 0; k < 8; k++) next();
  return next;
}

interface Csr {
  nRows: number;
  nCols: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  values: Float64Array;
}

/** A random CSR matrix with unsorted, distinct columns per row and some empty rows. */
function randomCsr(random: () => number, nRows: number, nCols: number, density: number): Csr {
  const rows: [number, number][][] = [];
  for (let i = 0; i < nRows; i++) {
    const row: [number, number][] = [];
    if (random() > 0.15) {
      for (let j = 0; j < nCols; j++) if (random() < density) row.push([j, Math.round((random() - 0.5) * 8) / 4]);
    }
    rows.push(row.sort(() => random() - 0.5));
  }
  const rowPtr = new Int32Array(nRows + 1);
  rows.forEach((row, i) => (rowPtr[i + 1] = rowPtr[i] + row.length));
  const flat = rows.flat();
  return {
    nRows,
    nCols,
    rowPtr,
    colIdx: Int32Array.from(flat, (e) => e[0]),
    values: Float64Array.from(flat, (e) => e[1]),
  };
}

/** Room of each block: its product terms, and one more entry that must stay unwritten. */
function termsOf(a: Csr, b: Csr, nOwn: number): [number, number] {
  let own = 0;
  let ghost = 0;
  for (let e = 0; e < a.rowPtr[a.nRows]; e++) {
    const k = a.colIdx[e];
    for (let f = b.rowPtr[k]; f < b.rowPtr[k + 1]; f++) {
      if (b.colIdx[f] < nOwn) own++;
      else ghost++;
    }
  }
  return [own, ghost];
}

interface Blocks {
  oo: Csr;
  og: Csr;
}

/** The rows of a CSR matrix whose entries `keep(row, position)` selects, in order. */
function filtered(m: Csr, nRows: number, keep: (i: number, e: number) => boolean, col = (j: number): number => j): Csr {
  const rowPtr = new Int32Array(nRows + 1);
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < nRows; i++) {
    if (i < m.nRows) {
      for (let e = m.rowPtr[i]; e < m.rowPtr[i + 1]; e++) {
        if (keep(i, e)) colIdx.push(col(m.colIdx[e])), values.push(m.values[e]);
      }
    }
    rowPtr[i + 1] = colIdx.length;
  }
  return { nRows, nCols: m.nCols, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

/**
 * The kernels' operands for A·B with B's rows split at `kSplit` as a distributed product holds
 * them: A's entries in columns below kSplit (own block) and the others (ghost block, columns
 * − kSplit); B1 the first kSplit rows' first halves, B2 their second halves, then the other rows.
 * (The test values are multiples of 1/4: every sum is exact, so the order of terms cannot change
 * a value against the dense reference.)
 */
function operands(a: Csr, b: Csr, kSplit: number): [Csr, Csr, Csr, Csr] {
  const half = (i: number): number => b.rowPtr[i] + Math.ceil((b.rowPtr[i + 1] - b.rowPtr[i]) / 2);
  const aOwn = filtered(a, a.nRows, (_, e) => a.colIdx[e] < kSplit);
  const aGhost = filtered(a, a.nRows, (_, e) => a.colIdx[e] >= kSplit, (j) => j - kSplit);
  const b1 = filtered(b, kSplit, (i, e) => e < half(i));
  const b2 = filtered(b, b.nRows, (i, e) => i >= kSplit || e >= half(i));
  return [aOwn, aGhost, b1, b2];
}

/** The 13 operands the kernels take first (nRows, A's blocks, B1, B2). */
function operandArgs(a: Csr, b: Csr, kSplit: number): unknown[] {
  const [aOwn, aGhost, b1, b2] = operands(a, b, kSplit);
  return [a.nRows, ...[aOwn, aGhost, b1, b2].flatMap((m) => [m.rowPtr, m.colIdx, m.values])];
}

/**
 * A·B by spgemmRows as blocks split at `nOwn` (B's rows split at `kSplit`), checked on the way:
 * spgemmTerms counts the room, spgemmValues gives the same bits on that pattern, room past the
 * entries is not written, and a block one entry short names the row that does not fit.
 */
function runProduct(kernels: SpgemmKernels, a: Csr, b: Csr, nOwn = b.nCols, kSplit = b.nRows): Blocks {
  const [ownTerms, ghostTerms] = termsOf(a, b, nOwn);
  const args = operandArgs(a, b, kSplit);
  // Each kernel takes the 13 operands, then nOwn, then its own arguments.
  const call = (f: (...x: never[]) => void, ...rest: unknown[]): void => (f as (...x: unknown[]) => void)(...args, nOwn, ...rest);
  const counted = new Float64Array(2);
  call(kernels.spgemmTerms.bind(kernels), b.nCols, counted);
  expect([...counted]).toEqual([ownTerms, ghostTerms]);
  const block = (nCols: number, room: number): Csr => ({
    nRows: a.nRows, nCols, rowPtr: new Int32Array(a.nRows + 1), colIdx: new Int32Array(room).fill(-7), values: new Float64Array(room).fill(-7),
  });
  const oo = block(nOwn, ownTerms + 1);
  const og = block(b.nCols - nOwn, ghostTerms + 1);
  const marker = new Int32Array(b.nCols);
  const accumulator = new Float64Array(b.nCols);
  const rows = (o: Csr, g: Csr): void =>
    call(kernels.spgemmRows.bind(kernels), o.rowPtr, o.colIdx, o.values, g.rowPtr, g.colIdx, g.values, marker, accumulator);
  rows(oo, og);
  const trimmed = (x: Csr): Csr => {
    const nnz = x.rowPtr[x.nRows];
    expect([...x.colIdx.subarray(nnz)].every((v) => v === -7) && [...x.values.subarray(nnz)].every((v) => v === -7)).toBe(true);
    return { ...x, colIdx: x.colIdx.slice(0, nnz), values: x.values.slice(0, nnz) };
  };
  const out = { oo: trimmed(oo), og: trimmed(og) };
  // The values pass (refresh) on the same pattern gives the same bits.
  const again = { oo: out.oo.values.map(() => 0), og: out.og.values.map(() => 0) };
  call(kernels.spgemmValues.bind(kernels), out.oo.rowPtr, out.oo.colIdx, again.oo, out.og.rowPtr, out.og.colIdx, again.og, accumulator);
  again.oo.forEach((v, e) => expect(Object.is(v, out.oo.values[e])).toBe(true));
  again.og.forEach((v, e) => expect(Object.is(v, out.og.values[e])).toBe(true));
  const nnz = out.oo.rowPtr[a.nRows] + out.og.rowPtr[a.nRows];
  if (nnz > 0) {
    // A block one entry short (the ghost one when it has entries): the row of its last entry is named.
    const inGhost = out.og.rowPtr[a.nRows] > 0;
    const full = inGhost ? out.og : out.oo;
    const lastRow = full.rowPtr.indexOf(full.rowPtr[a.nRows]) - 1;
    const short = block(full.nCols, full.rowPtr[a.nRows] - 1);
    const other = block(inGhost ? nOwn : b.nCols - nOwn, (inGhost ? ownTerms : ghostTerms) + 1);
    expect(() => (inGhost ? rows(other, short) : rows(short, other))).toThrow(
      new RegExp(`^spgemmRows: row ${lastRow} does not fit in its blocks`),
    );
  }
  return out;
}

/** The blocks as one CSR matrix over B's columns (own ids, then ghost ids + nOwn: ascending per row). */
function merged({ oo, og }: Blocks): Csr {
  const rowPtr = oo.rowPtr.map((x, i) => x + og.rowPtr[i]);
  const colIdx: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < oo.nRows; i++) {
    for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++) colIdx.push(oo.colIdx[e]), values.push(oo.values[e]);
    for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) colIdx.push(og.colIdx[e] + oo.nCols), values.push(og.values[e]);
  }
  return { nRows: oo.nRows, nCols: oo.nCols + og.nCols, rowPtr, colIdx: Int32Array.from(colIdx), values: Float64Array.from(values) };
}

const CASES = Array.from({ length: 40 }, (_, s) => {
  const random = rng(1000 + 7919 * s);
  const [m, k, n] = [Math.floor(random() * 30), 1 + Math.floor(random() * 30), 1 + Math.floor(random() * 30)];
  const density = 0.05 + random() * 0.4;
  return { seed: 1000 + 7919 * s, a: randomCsr(random, m, k, density), b: randomCsr(random, k, n, density) };
});

describe('spgemm kernels (JavaScript) vs a dense reference', () => {
  it('patterns, sorted columns and values of 40 random rectangular products', () => {
    for (const { seed, a, b } of CASES) {
      const whole = merged(runProduct(jsSpgemmKernels, a, b));
      const c = merged(runProduct(jsSpgemmKernels, a, b, b.nCols >> 1));
      expect(c, `seed ${seed}: split at nOwn = nCols / 2`).toEqual(whole);
      const rowsSplit = merged(runProduct(jsSpgemmKernels, a, b, b.nCols, b.nRows >> 1));
      expect(rowsSplit, `seed ${seed}: B's rows split at kSplit = nRows / 2`).toEqual(whole);
      for (let i = 0; i < a.nRows; i++) {
        const reach = new Set<number>();
        const sums = new Map<number, number>();
        for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) {
          const kk = a.colIdx[e];
          for (let f = b.rowPtr[kk]; f < b.rowPtr[kk + 1]; f++) {
            reach.add(b.colIdx[f]);
            sums.set(b.colIdx[f], (sums.get(b.colIdx[f]) ?? 0) + a.values[e] * b.values[f]);
          }
        }
        const cols = Array.from(c.colIdx.subarray(c.rowPtr[i], c.rowPtr[i + 1]));
        expect(cols, `seed ${seed} row ${i}`).toEqual([...reach].sort((x, y) => x - y));
        cols.forEach((j, q) => expect(c.values[c.rowPtr[i] + q]).toBe(sums.get(j)));
      }
    }
  });
});

describe('rankRowEntries (JavaScript)', () => {
  it('lists each column once in order of first sight, ranks and values per entry, own then ghost, slot left at −1', () => {
    // Own block (4 columns): row 0 = [c2, c0], row 1 = [], row 2 = [c0, c3]; ghost block (2 columns,
    // counted from 4): row 0 = [g1], row 2 = [g1, g0].
    const oo = { rowPtr: Int32Array.of(0, 2, 2, 4), colIdx: Int32Array.of(2, 0, 0, 3), values: Float64Array.of(1, 2, 3, 4) };
    const og = { rowPtr: Int32Array.of(0, 1, 1, 3), colIdx: Int32Array.of(1, 1, 0), values: Float64Array.of(5, 6, 7) };
    const slot = new Int32Array(6).fill(-1);
    const [entryRank, listed, values] = [new Int32Array(7), new Int32Array(7), new Float64Array(7)];
    // Rows 2 then 0 (a message's order, not ascending): c0, c3, g1, g0, then c2 (new), c0, g1.
    const n = jsSpgemmKernels.rankRowEntries(Int32Array.of(2, 0), oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, og.colIdx, og.values, 4, slot, entryRank, listed, values);
    expect(n).toBe(5);
    expect(Array.from(listed.subarray(0, n))).toEqual([0, 3, 5, 4, 2]);
    expect(Array.from(entryRank)).toEqual([0, 1, 2, 3, 4, 0, 2]);
    expect(Array.from(values)).toEqual([3, 4, 6, 7, 1, 2, 5]);
    expect(Array.from(slot)).toEqual([-1, -1, -1, -1, -1, -1]);
  });

  it('placeReceivedRows puts each message row into its target row: columns through the final list, values in order', () => {
    // Target matrix: 4 rows with lengths 1, 0, 2, 1 (row pointers set); message rows go to rows 2 and 0.
    const rowPtr = Int32Array.of(0, 1, 1, 3, 4);
    const colIdx = new Int32Array(4).fill(-1);
    const values = new Float64Array(4).fill(-1);
    // Message: 5 leading numbers, then ranks [2, 0, 1] at 5, values [0.5, 1.5, 2.5] at 8.
    const message = Float64Array.of(9, 9, 9, 9, 9, 2, 0, 1, 0.5, 1.5, 2.5);
    jsSpgemmKernels.placeReceivedRows(Int32Array.of(2, 0), rowPtr, message, 5, 8, Int32Array.of(10, 20, 30), colIdx, values);
    expect(Array.from(colIdx)).toEqual([20, 30, 10, -1]);
    expect(Array.from(values)).toEqual([2.5, 0.5, 1.5, -1]);
  });
});

const native = nativeOrReason(loadSpgemmBinding);
if ('binding' in native) {
  const kernels = nativeSpgemmKernels(native.binding);
  describe('spgemm kernels: native vs JavaScript', () => {
    it('same bits on 40 random rectangular products', () => {
      for (const { a, b } of CASES) {
        for (const [nOwn, kSplit] of [[b.nCols, b.nRows], [b.nCols >> 1, b.nRows], [0, b.nRows], [b.nCols >> 1, b.nRows >> 1], [b.nCols, 0]]) {
          const js = runProduct(jsSpgemmKernels, a, b, nOwn, kSplit);
          const nat = runProduct(kernels, a, b, nOwn, kSplit);
          for (const which of ['oo', 'og'] as const) {
            expect(nat[which].rowPtr).toEqual(js[which].rowPtr);
            expect(nat[which].colIdx).toEqual(js[which].colIdx);
            nat[which].values.forEach((v, e) => expect(Object.is(v, js[which].values[e])).toBe(true));
          }
        }
      }
    });

    it('rankRowEntries: the same lists, ranks and values as the JavaScript twin; the addon checks rows, ids and lengths', () => {
      const random = rng(4099);
      for (let s = 0; s < 10; s++) {
        const oo = randomCsr(random, 30, 20, 0.15);
        const og = randomCsr(random, 30, 7, 0.2);
        const rows = Int32Array.from({ length: 12 }, () => Math.floor(random() * 30));
        let count = 0;
        for (const r of rows) count += oo.rowPtr[r + 1] - oo.rowPtr[r] + og.rowPtr[r + 1] - og.rowPtr[r];
        const run = (k: SpgemmKernels): { n: number; slot: Int32Array; entryRank: Int32Array; listed: Int32Array; values: Float64Array } => {
          const out = { slot: new Int32Array(27).fill(-1), entryRank: new Int32Array(count), listed: new Int32Array(count), values: new Float64Array(count) };
          const n = k.rankRowEntries(rows, oo.rowPtr, oo.colIdx, oo.values, og.rowPtr, og.colIdx, og.values, 20, out.slot, out.entryRank, out.listed, out.values);
          return { n, ...out };
        };
        expect(run(kernels), `case ${s}`).toEqual(run(jsSpgemmKernels));
      }
      const oo = randomCsr(random, 10, 6, 0.5);
      const og = randomCsr(random, 10, 3, 0.5);
      const nnz = oo.rowPtr[10] + og.rowPtr[10];
      const call = (over: { rows?: Int32Array; ooColIdx?: Int32Array; slot?: Int32Array; values?: Float64Array }): number =>
        native.binding.rankRowEntries(
          over.rows ?? Int32Array.from({ length: 10 }, (_, i) => i), oo.rowPtr, over.ooColIdx ?? oo.colIdx, oo.values, og.rowPtr, og.colIdx, og.values, 6,
          over.slot ?? new Int32Array(9).fill(-1), new Int32Array(nnz), new Int32Array(nnz), over.values ?? new Float64Array(nnz),
        );
      expect(call({})).toBeGreaterThan(0);
      expect(() => call({ rows: Int32Array.of(0, 10) })).toThrow(/rows\[1\]/);
      expect(() => call({ ooColIdx: Int32Array.from(oo.colIdx, (x, e) => (e === 0 ? 6 : x)) })).toThrow(/ooColIdx\[0\]/);
      expect(() => call({ slot: new Int32Array(8).fill(-1) })).toThrow(/ogColIdx/);
      expect(() => call({ values: new Float64Array(nnz - 1) })).toThrow(/values/);
    });

    it('placeReceivedRows: the placement of the JavaScript twin; the addon checks rows, ranges, the message and its ranks', () => {
      const random = rng(7919);
      const lengths = Int32Array.from({ length: 40 }, () => Math.floor(random() * 5));
      const rowPtr = new Int32Array(41);
      lengths.forEach((n, i) => (rowPtr[i + 1] = rowPtr[i] + n));
      const rowOf = Int32Array.from({ length: 15 }, (_, t) => 3 + 2 * t);
      let count = 0;
      for (const r of rowOf) count += lengths[r];
      const finalColumn = Int32Array.from({ length: 9 }, () => Math.floor(random() * 1000));
      const message = new Float64Array(4 + 2 * count);
      for (let e = 0; e < count; e++) {
        message[4 + e] = Math.floor(random() * 9);
        message[4 + count + e] = random() - 0.5;
      }
      const run = (k: SpgemmKernels, over: { rowOf?: Int32Array; message?: Float64Array; colIdx?: Int32Array } = {}): { colIdx: Int32Array; values: Float64Array } => {
        const out = { colIdx: over.colIdx ?? new Int32Array(rowPtr[40]).fill(-1), values: new Float64Array(rowPtr[40]) };
        k.placeReceivedRows(over.rowOf ?? rowOf, rowPtr, over.message ?? message, 4, 4 + count, finalColumn, out.colIdx, out.values);
        return out;
      };
      const nat = run(kernels);
      expect(nat).toEqual(run(jsSpgemmKernels));
      expect(Array.from(nat.colIdx).filter((c) => c >= 0).length).toBe(count);
      expect(() => run(kernels, { rowOf: Int32Array.of(40) })).toThrow(/rowOf\[0\]/);
      expect(() => run(kernels, { message: message.subarray(0, message.length - 1) })).toThrow(/message has/);
      expect(() => run(kernels, { message: Float64Array.from(message, (x, e) => (e === 4 ? 9 : x)) })).toThrow(/message rank 0/);
      const filled = lengths.findIndex((n) => n > 0);
      expect(() => run(kernels, { rowOf: Int32Array.of(filled), colIdx: new Int32Array(rowPtr[filled + 1] - 1) })).toThrow(/rowPtr's row/);
    });

    it('transposes (pattern, entry sources and values) as the JavaScript twins do', () => {
      for (const { a } of CASES) {
        const nnz = a.rowPtr[a.nRows];
        const run = (k: SpgemmKernels): { ptr: Int32Array; rows: Int32Array; source: Int32Array; values: Float64Array } => {
          const out = { ptr: new Int32Array(a.nCols + 1), rows: new Int32Array(nnz), source: new Int32Array(nnz), values: new Float64Array(nnz) };
          const none = new Float64Array(0);
          k.csrTranspose(a.nRows, a.nCols, a.rowPtr, a.colIdx, none, out.ptr, out.rows, out.source, none);
          for (let e = 0; e < nnz; e++) out.values[e] = a.values[out.source[e]];
          // The values written on the way equal the gathered ones, and the pattern is the same.
          const direct = { ptr: new Int32Array(a.nCols + 1), rows: new Int32Array(nnz), source: new Int32Array(nnz), values: new Float64Array(nnz) };
          k.csrTranspose(a.nRows, a.nCols, a.rowPtr, a.colIdx, a.values, direct.ptr, direct.rows, direct.source, direct.values);
          expect(direct).toEqual(out);
          return out;
        };
        const js = run(jsSpgemmKernels);
        expect(run(kernels)).toEqual(js);
        // Row j of the transpose holds column j of A, rows ascending, with A's values.
        for (let j = 0; j < a.nCols; j++) {
          const expected: [number, number][] = [];
          for (let i = 0; i < a.nRows; i++) {
            for (let e = a.rowPtr[i]; e < a.rowPtr[i + 1]; e++) if (a.colIdx[e] === j) expected.push([i, a.values[e]]);
          }
          const got = Array.from(js.rows.subarray(js.ptr[j], js.ptr[j + 1]), (i, q) => [i, js.values[js.ptr[j] + q]]);
          expect(got).toEqual(expected);
        }
      }
      const { a } = CASES.find((c) => c.a.rowPtr[c.a.nRows] > 0)!;
      const nnz = a.rowPtr[a.nRows];
      const none = new Float64Array(0);
      expect(() => native.binding.csrTranspose(a.nRows, 0, a.rowPtr, a.colIdx, none, new Int32Array(1), new Int32Array(nnz), new Int32Array(nnz), none)).toThrow(
        /colIdx\[0\] = \d+ is outside/,
      );
      expect(() =>
        native.binding.csrTranspose(a.nRows, a.nCols, a.rowPtr, a.colIdx, a.values, new Int32Array(a.nCols + 1), new Int32Array(nnz), new Int32Array(nnz), none),
      ).toThrow(/values and tValues must both be empty/);
    });

    it('the addon checks what it indexes: types, lengths, ids, row pointers, room, split', () => {
      const { a, b } = CASES.find((c) => c.a.nRows > 2 && c.a.rowPtr[c.a.nRows] > 0 && c.b.rowPtr[c.b.nRows] > 0)!;
      const binding = native.binding;
      const [ownTerms] = termsOf(a, b, b.nCols);
      const ptr = (): Int32Array => new Int32Array(a.nRows + 1);
      const none = [ptr(), new Int32Array(0), new Float64Array(0)] as const;
      const noB2 = [new Int32Array(b.nRows + 1), new Int32Array(0), new Float64Array(0)] as const;
      const rows = (over: { aCol?: Int32Array; aPtr?: Int32Array; nRows?: number; nOwn?: number; marker?: Int32Array; room?: number; b2Ptr?: Int32Array }): void =>
        binding.spgemmRows(
          over.nRows ?? a.nRows, over.aPtr ?? a.rowPtr, over.aCol ?? a.colIdx, a.values, ...none, b.rowPtr, b.colIdx, b.values,
          over.b2Ptr ?? noB2[0], noB2[1], noB2[2], over.nOwn ?? b.nCols,
          ptr(), new Int32Array(over.room ?? ownTerms), new Float64Array(over.room ?? ownTerms), ...none,
          over.marker ?? new Int32Array(b.nCols), new Float64Array(b.nCols),
        );
      expect(() => rows({})).not.toThrow();
      expect(() => rows({ marker: new Float64Array(3) as never })).toThrow(TypeError);
      expect(() => rows({ nRows: a.nRows + 5 })).toThrow(/aRowPtr has length/);
      expect(() => rows({ marker: new Int32Array(0) })).toThrow(/accumulator|b1ColIdx\[\d+\] = \d+ is outside/);
      const badCols = a.colIdx.slice();
      badCols[0] = b.nRows;
      expect(() => rows({ aCol: badCols })).toThrow(/aColIdx\[0\] = \d+ is outside/);
      const badPtr = a.rowPtr.slice();
      badPtr[1] = badPtr[a.nRows] + 1;
      expect(() => rows({ aPtr: badPtr })).toThrow(RangeError);
      expect(() => rows({ nOwn: b.nCols + 1 })).toThrow(/nOwn = \d+ exceeds/);
      expect(() => rows({ room: 0 })).toThrow(/does not fit in its blocks \(room for 0 own and 0 ghost entries\)/);
      expect(() => rows({ b2Ptr: new Int32Array(b.nRows) })).toThrow(/B2 has \d+ rows, fewer than B1's/);
      // spgemmValues checks the pattern it is given: ids within their block, row pointers within the ids.
      const oo = { rowPtr: ptr(), colIdx: new Int32Array(ownTerms), values: new Float64Array(ownTerms) };
      binding.spgemmRows(a.nRows, a.rowPtr, a.colIdx, a.values, ...none, b.rowPtr, b.colIdx, b.values, ...noB2, b.nCols, oo.rowPtr, oo.colIdx, oo.values, ...none, new Int32Array(b.nCols), new Float64Array(b.nCols));
      const values = (colIdx: Int32Array, rowPtr = oo.rowPtr): void =>
        binding.spgemmValues(a.nRows, a.rowPtr, a.colIdx, a.values, ...none, b.rowPtr, b.colIdx, b.values, ...noB2, b.nCols, rowPtr, colIdx, oo.values, ...none, new Float64Array(b.nCols));
      expect(() => values(oo.colIdx)).not.toThrow();
      const nnz = oo.rowPtr[a.nRows];
      if (nnz > 0) {
        const wrong = oo.colIdx.slice();
        wrong[nnz - 1] = b.nCols;
        expect(() => values(wrong)).toThrow(/ooColIdx\[\d+\] = \d+ is outside/);
      }
      const long = oo.rowPtr.slice();
      long[a.nRows] = ownTerms + 1;
      expect(() => values(oo.colIdx, long)).toThrow(/ooRowPtr points past the end/);
      const terms = new Float64Array(2);
      binding.spgemmTerms(a.nRows, a.rowPtr, a.colIdx, a.values, ...none, b.rowPtr, b.colIdx, b.values, ...noB2, b.nCols, b.nCols, terms);
      expect(terms[0]).toBe(ownTerms);
      expect(() => binding.spgemmTerms(a.nRows, a.rowPtr, a.colIdx, a.values, ...none, b.rowPtr, b.colIdx, b.values, ...noB2, b.nCols, b.nCols, new Float64Array(1))).toThrow(/terms has length 1/);
    });
  });
} else {
  it(`spgemm kernels: native unavailable, native-vs-JS comparison not run (${native.reason.split('\n')[0]})`, () => {
    if (ci) expect.fail(`PA_REQUIRE_NATIVE=1 requires the native sparse products: ${native.reason}`);
    console.warn(`native-vs-JS spgemm comparison not run: ${native.reason}`);
  });
}

describe('spgemm kernel selection', () => {
  const missing = (): never => {
    throw new BackendUnavailableError('The native sparse products are unavailable', ['not built'], []);
  };
  it('PA_KERNELS=js, fallback without the addon, and the settings that require it', () => {
    expect(selectSpgemmKernels({ PA_KERNELS: 'js' }, missing).kind).toBe('js');
    expect(selectSpgemmKernels({}, missing).kind).toBe('js');
    expect(() => selectSpgemmKernels({ PA_KERNELS: 'native' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSpgemmKernels({ PA_REQUIRE_NATIVE: '1' }, missing)).toThrow(BackendUnavailableError);
    expect(() => selectSpgemmKernels({ PA_KERNELS: 'fast' }, missing)).toThrow(InvalidArgumentError);
  });
});
