/**
 * The assembly kernels' ordered path (csrOrderedPattern, csrOrderedFill), JavaScript and native:
 * on contributions in order it writes exactly what csrPattern + csrFill write (row pointers,
 * column ids, slots), and it declines (returns false) on contributions in no order or with one
 * swap, whose rows csrPattern sorts.
 */
import { describe, expect, it } from 'vitest';
import { nativeAssemblyKernels, ownBoxSpec, type AssemblyKernels } from '../src/kernels/assembly-kernels.js';
import { loadAssemblyBinding } from '../src/kernels/assembly-binding.js';
import { jsAssemblyKernels } from '../src/kernels/js-assembly-kernels.js';
import { seededRng } from './fixtures/kernels/random-inputs.js';

const ci = process.env.PA_REQUIRE_NATIVE === '1' || process.env.PA_REQUIRE_NATIVE === 'true';

interface Codes {
  readonly nRows: number;
  readonly nOwnCols: number;
  readonly rowCode: Int32Array;
  readonly colCode: Int32Array;
}

/**
 * The codes of a 7-point stencil's triplets for the upper half (in direction 2) of a 6 x 5 x 8
 * grid, as psparse leaves them before the pattern: the lower neighbours of the bottom plane are
 * ghosts (codes nOwnCols + position), each first in its row, before the own columns.
 */
function stencilCodes(): Codes {
  const dims = [6, 5, 8];
  const box = ownBoxSpec(dims, [0, 0, 4], [6, 5, 8]);
  const grid = Float64Array.of(3, 6, 5, 8);
  const m = jsAssemblyKernels.stencilTriplets(grid, box, new Float64Array(0), new Float64Array(0), new Float64Array(0));
  const I = new Float64Array(m);
  const J = new Float64Array(m);
  const V = new Float64Array(m);
  jsAssemblyKernels.stencilTriplets(grid, box, I, J, V);
  const nOwn = 6 * 5 * 4;
  const rowCode = new Int32Array(m);
  const colCode = new Int32Array(m);
  jsAssemblyKernels.assemblyClassify(m, I, I, J, box, rowCode);
  const off = jsAssemblyKernels.assemblyClassify(m, J, I, J, box, colCode);
  const ids = new Float64Array(off);
  const n = jsAssemblyKernels.assemblyCollect(m, J, rowCode, colCode, ids);
  const ghosts = Float64Array.from(new Set(ids.subarray(0, n))).sort();
  jsAssemblyKernels.assemblyGhostCodes(m, J, rowCode, colCode, ghosts, nOwn);
  return { nRows: nOwn, nOwnCols: nOwn, rowCode, colCode };
}

/** The stencil's codes with, in each row, every contribution twice and sent (−2) and ignored (−1) ones between them. */
function withDuplicatesAndSkipped(c: Codes): Codes {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let k = 0; k < c.rowCode.length; k++) {
    rows.push(c.rowCode[k], c.rowCode[k]);
    cols.push(c.colCode[k], c.colCode[k]);
    if (k % 3 === 0) rows.push(-2), cols.push(k % c.nOwnCols);
    if (k % 4 === 0) rows.push(-1), cols.push(-1);
  }
  return { ...c, rowCode: Int32Array.from(rows), colCode: Int32Array.from(cols) };
}

/** A row whose ghost column comes between two own ones, each repeated apart: in order block by block. */
function interleavedBlocks(): Codes {
  return {
    nRows: 3,
    nOwnCols: 4,
    rowCode: Int32Array.of(0, 0, 1, 1, 1, 1, 1, 1, 2),
    colCode: Int32Array.of(0, 3, 4, 1, 4, 1, 5, 2, 2),
  };
}

function shuffled(c: Codes, seed: number): Codes {
  const rng = seededRng(seed);
  const order = Array.from(c.rowCode.keys());
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(rng() * (k + 1));
    [order[k], order[j]] = [order[j], order[k]];
  }
  return { ...c, rowCode: Int32Array.from(order, (k) => c.rowCode[k]), colCode: Int32Array.from(order, (k) => c.colCode[k]) };
}

/** One swap of contributions a and b. */
function swapped(c: Codes, a: number, b: number): Codes {
  const rowCode = c.rowCode.slice();
  const colCode = c.colCode.slice();
  [rowCode[a], rowCode[b]] = [rowCode[b], rowCode[a]];
  [colCode[a], colCode[b]] = [colCode[b], colCode[a]];
  return { ...c, rowCode, colCode };
}

/** The last two contributions of the last row, both own columns, swapped. */
function lastRowSwapped(c: Codes): Codes {
  let k = c.rowCode.length - 2;
  while (!(c.rowCode[k] === c.rowCode[k + 1] && c.colCode[k] < c.colCode[k + 1] && c.colCode[k + 1] < c.nOwnCols)) k--;
  return swapped(c, k, k + 1);
}

type Built = Record<string, number[]>;

function general(K: AssemblyKernels, c: Codes): Built {
  const total = c.rowCode.length;
  const ooPtr = new Int32Array(c.nRows + 1);
  const ogPtr = new Int32Array(c.nRows + 1);
  const perm = new Int32Array(total);
  const rowStart = new Int32Array(c.nRows + 1);
  K.csrPattern(c.nRows, c.nOwnCols, c.rowCode, c.colCode, perm, rowStart, ooPtr, ogPtr);
  const ooCol = new Int32Array(ooPtr[c.nRows]);
  const ogCol = new Int32Array(ogPtr[c.nRows]);
  const slot = c.rowCode.slice();
  K.csrFill(c.nRows, c.nOwnCols, slot, c.colCode, perm, rowStart, ooCol, ogCol, slot);
  return { ooPtr: [...ooPtr], ogPtr: [...ogPtr], ooCol: [...ooCol], ogCol: [...ogCol], slot: [...slot] };
}

/** The ordered path, or undefined when it declines. */
function ordered(K: AssemblyKernels, c: Codes): Built | undefined {
  // Stale values in the pointers: the kernel must write every one.
  const ooPtr = new Int32Array(c.nRows + 1).fill(99);
  const ogPtr = new Int32Array(c.nRows + 1).fill(99);
  if (!K.csrOrderedPattern(c.nRows, c.nOwnCols, c.rowCode, c.colCode, ooPtr, ogPtr)) return undefined;
  const ooCol = new Int32Array(ooPtr[c.nRows]);
  const ogCol = new Int32Array(ogPtr[c.nRows]);
  const slot = c.rowCode.slice();
  K.csrOrderedFill(c.nOwnCols, slot, c.colCode, ooCol, ogCol, slot);
  return { ooPtr: [...ooPtr], ogPtr: [...ogPtr], ooCol: [...ooCol], ogCol: [...ogCol], slot: [...slot] };
}

function nativeSet(): AssemblyKernels | string {
  if (process.env.PA_KERNELS === 'js') return 'PA_KERNELS=js';
  try {
    return nativeAssemblyKernels(loadAssemblyBinding(), 0);
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

const inOrder: [string, () => Codes][] = [
  ['a stencil with ghost columns', stencilCodes],
  ['duplicates, sent and ignored contributions between', () => withDuplicatesAndSkipped(stencilCodes())],
  ['own and ghost columns interleaved, repeats apart', interleavedBlocks],
];
const outOfOrder: [string, () => Codes][] = [
  ['shuffled', () => shuffled(stencilCodes(), 7)],
  ['one swap of two own columns in the last row', () => lastRowSwapped(stencilCodes())],
  ['one swap of two rows', () => swapped(stencilCodes(), 400, 600)],
];

const native = nativeSet();
const sets: [string, AssemblyKernels][] = [['js', jsAssemblyKernels]];
if (typeof native !== 'string') sets.push(['native', native]);

describe.each(sets)('ordered CSR build (%s)', (_kind, K) => {
  it.each(inOrder)('%s: the integers of csrPattern + csrFill', (_name, make) => {
    const c = make();
    const expected = general(jsAssemblyKernels, c);
    expect(ordered(K, c)).toEqual(expected);
  });

  it('a stencil keeps 7-point rows: 7 entries in an interior row, a bottom-plane row\'s lower neighbour in the ghost block', () => {
    const got = ordered(K, stencilCodes());
    expect(got).toBeDefined();
    const { ooPtr, ogPtr } = got as Built;
    const interior = 1 + 6 + 6 * 5; // coordinates (1, 1, 1)
    expect(ooPtr[interior + 1] - ooPtr[interior]).toBe(7);
    const bottom = 1 + 6; // local coordinates (1, 1, 0): its lower neighbour is a ghost
    expect(ogPtr[bottom + 1] - ogPtr[bottom]).toBe(1);
    expect(ooPtr[bottom + 1] - ooPtr[bottom]).toBe(6);
    expect(ogPtr[120]).toBe(30);
  });

  it.each(outOfOrder)('%s: declines', (_name, make) => {
    const c = make();
    const ooPtr = new Int32Array(c.nRows + 1);
    expect(K.csrOrderedPattern(c.nRows, c.nOwnCols, c.rowCode, c.colCode, ooPtr, new Int32Array(c.nRows + 1))).toBe(false);
  });

  it('throws RangeError for a row past nRows and for blocks too small', () => {
    const rowCode = Int32Array.of(0, 5);
    const colCode = Int32Array.of(0, 0);
    expect(() => K.csrOrderedPattern(2, 2, rowCode, colCode, new Int32Array(3), new Int32Array(3))).toThrow(RangeError);
    expect(() => K.csrOrderedFill(2, Int32Array.of(0, 1), Int32Array.of(0, 1), new Int32Array(1), new Int32Array(0), new Int32Array(2))).toThrow(RangeError);
  });
});

describe('native ordered CSR build', () => {
  it('loads (or says why not)', () => {
    if (typeof native === 'string') expect(ci, `PA_REQUIRE_NATIVE is set but: ${native}`).toBe(false);
    else expect(native.kind).toBe('native');
  });
});
