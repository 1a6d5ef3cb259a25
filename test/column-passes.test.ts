/** The distributed products' small loops (src/sparse/column-passes.ts) and GhostColumns, against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { LocalIndices } from '../src/partitions/local-indices.js';
import { OwnRange } from '../src/partitions/own-ids.js';
import {
  addRowLengths,
  entriesOfRows,
  finalColumns,
  lookUpColumns,
  placeRowLengths,
  rankedColumns,
  runningSum,
  writeListedColumns,
  writeRowLengths,
  writeShifted,
} from '../src/sparse/column-passes.js';
import { GhostColumns } from '../src/sparse/matmul-local.js';

describe('GhostColumns', () => {
  it('numbers candidates in order of first sight and sorts them by global id', () => {
    const ghosts = new GhostColumns();
    ghosts.addAll(Float64Array.of(40, 7), Int32Array.of(2, 0));
    expect([ghosts.add(19, 1), ghosts.add(40, 2), ghosts.add(3, 0)]).toEqual([2, 0, 3]);
    expect([ghosts.gids, ghosts.owners, ghosts.candidateOf(19)]).toEqual([[40, 7, 19, 3], [2, 0, 1, 0], 2]);
    const { rank, sortedGids, sortedOwners } = ghosts.sorted();
    expect([...sortedGids]).toEqual([3, 7, 19, 40]);
    expect([...sortedOwners]).toEqual([0, 0, 1, 2]);
    // Candidate c sits at position rank[c]: 40 last, 7 second, 19 third, 3 first.
    expect([...rank]).toEqual([3, 1, 2, 0]);
  });
});

describe('column passes', () => {
  // Two blocks over 4 rows: own block row lengths 2, 0, 3, 1; ghost block 1, 1, 0, 2.
  const p = Int32Array.of(0, 2, 2, 5, 6);
  const q = Int32Array.of(0, 1, 2, 2, 4);

  it('counts and writes the lengths of chosen rows over both blocks', () => {
    const rows = Int32Array.of(3, 1, 2);
    expect(entriesOfRows(rows, p, q)).toBe(3 + 1 + 3);
    const out = new Float64Array(6).fill(-1);
    writeRowLengths(out, 2, rows, p, q);
    expect([...out]).toEqual([-1, -1, 3, 1, 3, -1]);
  });

  it('lists own columns by their global id and owner, ghosts by theirs', () => {
    // Part 1 owns 10..12; local columns 3 and 4 are ghosts 30 (part 0) and 50 (part 2).
    const out = new Float64Array(8);
    writeListedColumns(out, 1, 4, Int32Array.of(4, 0, 2), 3, 3, new OwnRange(10, 3), Float64Array.of(30, 50), Int32Array.of(0, 2), 1);
    expect([...out]).toEqual([0, 50, 10, 12, 2, 1, 1, 0]);
  });

  it('looks columns up as own ids or candidates, above or below a base, candidate 0 included', () => {
    const ids = new LocalIndices(1, 100, new OwnRange(10, 3));
    // A message listing gids 11, 60, 12, 70, 60 with owners 1, 2, 1, 0, 2 from position 2 and 7.
    const message = Float64Array.of(9, 9, 11, 60, 12, 70, 60, 1, 2, 1, 0, 2);
    const below = new GhostColumns();
    expect([...lookUpColumns(message, 2, 7, 5, 1, ids, below, -1, -1)]).toEqual([1, -1, 2, -2, -1]);
    const above = new GhostColumns();
    above.add(99, 3);
    expect([...lookUpColumns(message, 2, 7, 5, 1, ids, above, 3, 1)]).toEqual([1, 4, 2, 5, 4]);
    expect(above.gids).toEqual([99, 60, 70]);
    // Candidates −1 − c become nOwn + rank[c]: candidate 0 (60) ranks 0, candidate 1 (70) ranks 1.
    expect([...finalColumns(Int32Array.of(1, -1, 2, -2), 3, below.sorted().rank)]).toEqual([1, 3, 2, 4]);
  });

  it('builds row pointers from received lengths and a running sum', () => {
    // Rows 0..2 of B's ghost block (lengths 1, 1, 0), then 3 received rows placed by ghost index.
    const rowPtr = new Int32Array(7);
    rowPtr.set(Int32Array.of(0, 1, 2, 2));
    const receivedRows = Int32Array.of(2, 0, 1);
    placeRowLengths(rowPtr, 3, receivedRows, 0, 3, Float64Array.of(9, 9, 4, 5, 6));
    runningSum(rowPtr, 3, 6);
    expect([...rowPtr]).toEqual([0, 1, 2, 2, 7, 13, 17]);
  });

  it('adds received row lengths to own rows, shifts ids and renumbers columns through a rank', () => {
    const counts = new Int32Array(5);
    addRowLengths(counts, Int32Array.of(3, 1, 3), 0, 2, Float64Array.of(9, 9, 2, 5));
    addRowLengths(counts, Int32Array.of(3, 1, 3), 2, 3, Float64Array.of(9, 9, 4));
    runningSum(counts, 0, 4);
    expect([...counts]).toEqual([0, 0, 5, 5, 11]);
    const shifted = new Int32Array(5).fill(-9);
    writeShifted(shifted, 1, Int32Array.of(7, 8, 10), -5);
    expect([...shifted]).toEqual([-9, 2, 3, 5, -9]);
    const out = new Int32Array(3);
    rankedColumns(out, Int32Array.of(2, 0, 1, 2), 3, 10, Int32Array.of(5, 6, 4));
    expect([...out]).toEqual([14, 15, 16]);
  });
});
