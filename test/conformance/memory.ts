/**
 * Memory that scales with the data a part holds, not with the id range (issue 10, item 8). These
 * cases are run by `test/memory-scaling.test.ts` in processes whose address space is limited to a
 * few GB (`ulimit -v`), so an allocation in proportion to an id range near 2^32 fails there
 * instead of filling the machine.
 */
import assert from 'node:assert/strict';
import {
  InvalidArgumentError,
  LocalIndices,
  PRange,
  pfill,
  pvector,
  uniformPartition,
  type PData,
} from '../../src/index.js';
import { arrayLimits } from '../../src/kernels/large-arrays.js';
import { psparse } from '../../src/sparse/psparse.js';
import { mul, type PSparseMatrix } from '../../src/sparse/psparse-matrix.js';
import { onParts } from './case.js';

const BASE = 2 ** 32;
const ROWS = 6;

/**
 * Triplets of the 6 × (2^32 + 6) matrix with A[i][BASE + i] = i + 1 and A[i][BASE - 1 - i] = −(i + 1)
 * (the first split in two pieces that sum to it), each row emitted by the part after its owner,
 * so every triplet travels.
 */
function wideTriplets(ranks: PData<number>, rows: PRange) {
  const np = ranks.np;
  const owner = (i: number): number => rows.ownerOf?.(i) ?? -1;
  const emitted = ranks.map((p) => {
    const I: number[] = [];
    const J: number[] = [];
    const V: number[] = [];
    for (let i = 0; i < ROWS; i++) {
      if ((owner(i) + 1) % np !== p) continue;
      I.push(i, i, i);
      J.push(BASE + i, BASE - 1 - i, BASE + i);
      V.push(0.25 * (i + 1), -(i + 1), 0.75 * (i + 1));
    }
    return { I, J, V };
  });
  return { I: emitted.map((t) => t.I), J: emitted.map((t) => t.J), V: emitted.map((t) => t.V) };
}

/** Every stored entry of the own rows, as `row: {globalColumn: value}`. */
function storedEntries(A: PSparseMatrix): Record<number, Record<number, number>> {
  const entries: Record<number, Record<number, number>> = {};
  const rowIds = A.rows.partition.localItems;
  const colIds = A.cols.partition.localItems;
  A.ownOwn.localItems.forEach((oo, k) => {
    const og = A.ownGhost.localItems[k];
    for (let i = 0; i < oo.nRows; i++) {
      const row: Record<number, number> = {};
      for (let e = oo.rowPtr[i]; e < oo.rowPtr[i + 1]; e++) row[colIds[k].own.at(oo.colIdx[e])] = oo.values[e];
      for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) row[colIds[k].ghostToGlobal[og.colIdx[e]]] = og.values[e];
      entries[rowIds[k].own.at(i)] = row;
    }
  });
  return entries;
}

function expectedRow(i: number): Record<number, number> {
  return { [BASE + i]: i + 1, [BASE - 1 - i]: -(i + 1) };
}

/**
 * Columns of a block partition of 2^32 + 6 ids (about 1.4e9 own columns per part on 3 parts, 1.1e9
 * on 4): psparse's CSR compression used to allocate an Int32Array per own column (5.7 GB a part on
 * 3 parts); it must need memory for the 12 triplets only. (One or two parts would own more columns
 * than Int32 CSR blocks can index, a typed error checked in test/sparse-misuse.test.ts.)
 */
export const wideBlockColumnRangeCostsTheTriplets = onParts([3, 4], async (ranks: PData<number>) => {
  const rows = uniformPartition(ranks, ROWS);
  const cols = uniformPartition(ranks, BASE + ROWS);
  const { I, J, V } = wideTriplets(ranks, rows);
  const A = await psparse(I, J, V, rows, cols);
  assert.equal(A.nnz, 2 * ROWS);
  const entries = storedEntries(A);
  for (const [row, columns] of Object.entries(entries)) assert.deepEqual(columns, expectedRow(Number(row)));
  A.cols.partition.forEach((ids, p) => {
    const ownRows = Object.keys(entries).filter((i) => rows.ownerOf?.(Number(i)) === p);
    const referenced = ownRows.flatMap((i) => Object.keys(entries[Number(i)]).map(Number));
    const ghosts = [...new Set(referenced.filter((g) => cols.ownerOf?.(g) !== p))].sort((a, b) => a - b);
    assert.deepEqual(Array.from(ids.ghostToGlobal), ghosts);
  });
});

/**
 * Columns that are a few ids near 2^32, each part owning two of them and no part owning the rest
 * of 0..2^32+2np-1, with no owner function: the owner lookup's directory used to allocate an
 * Int32Array per id of its home block (n/np entries). Built, multiplied and checked with a few
 * kilobytes.
 */
export async function sparseColumnIdsNear2To32(ranks: PData<number>): Promise<void> {
  const np = ranks.np;
  const n = BASE + 2 * np;
  const cols = new PRange(n, ranks.map((p) => LocalIndices.fromLists(p, n, [BASE + 2 * p, BASE + 2 * p + 1])));
  const rows = uniformPartition(ranks, ROWS);
  // Row i couples the columns BASE + (i mod 2np) and BASE + ((i + 1) mod 2np), emitted by part i mod np.
  const column = (i: number, k: number): number => BASE + ((i + k) % (2 * np));
  const emitted = ranks.map((p) => {
    const mine = Array.from({ length: ROWS }, (_, i) => i).filter((i) => i % np === p);
    return {
      I: mine.flatMap((i) => [i, i]),
      J: mine.flatMap((i) => [column(i, 0), column(i, 1)]),
      V: mine.flatMap((i) => [i + 1, -0.5]),
    };
  });
  const A = await psparse(
    emitted.map((t) => t.I),
    emitted.map((t) => t.J),
    emitted.map((t) => t.V),
    rows,
    cols,
  );
  const x = pvector(A.cols, (ids) => Array.from(ids.localToGlobal, (g) => g - BASE + 1));
  const y = mul(A, x);
  const rowIds = y.rows.partition.localItems;
  y.ownValues().forEach((values, p) => {
    const ids = rowIds[y.rows.partition.partIds.indexOf(p)];
    values.forEach((got, r) => {
      const i = ids.own.at(r);
      // Columns c0 and c1 coincide only when 2np = 1, which cannot happen.
      const expected = (i + 1) * (column(i, 0) - BASE + 1) - 0.5 * (column(i, 1) - BASE + 1);
      assert.equal(got, expected, `row ${i}`);
    });
  });
}

/**
 * A vector on 2^33 ids over 3 parts asks for 2863311530 float64 a part (22.9 GB): the request
 * must fail at once with the bytes, not be handed out lazily and die while it is filled. On a
 * machine where that would fit the rule, the range grows until a part's array does not.
 */
export function pfillThatCannotFitFailsAtOnce(ranks: PData<number>): void {
  const np = ranks.np;
  const { maxLength, memoryBytes } = arrayLimits();
  const mostBytes = Math.floor(memoryBytes / 2);
  const n = Math.max(2 ** 33, np * (Math.min(maxLength, Math.floor(mostBytes / 8)) + 1));
  const rows = uniformPartition(ranks, n);
  const started = Date.now();
  assert.throws(
    () => pfill(1, rows),
    (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError, String(error));
      const length = rows.partition.localItems[0].nOwn;
      const partId = rows.partition.partIds[0];
      const asked = `allocateFloat64: ${length} elements of 8 bytes (${8 * length} bytes) do not fit in this process`;
      const why =
        length > maxLength
          ? `a typed array holds at most ${maxLength} elements`
          : `one array may take at most ${mostBytes} bytes (half of ${memoryBytes} bytes of memory)`;
      // Threads and MPI name the part; Sequential's allocator is not told which part asks.
      const where = error.partId === undefined ? '' : ` (part ${partId})`;
      assert.equal(error.message, `${asked}: ${why}${where}`);
      assert.ok(error.partId === undefined || error.partId === partId, `partId ${error.partId}`);
      return true;
    },
  );
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
}
