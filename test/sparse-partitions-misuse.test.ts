/**
 * Misuse of the partition, sparse-matrix and gallery functions from plain JavaScript (issue 10,
 * items 6 and 7): each is a typed error saying what was expected, with the part where it applies,
 * thrown before any communication. One table; without the run-time checks each row but one (the
 * `rowPtr` length, checked before) fails with a raw TypeError, a silent wrong result or another
 * error code.
 */
import { describe, expect, it } from 'vitest';
import {
  DimensionMismatchError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  LocalIndices,
  OwnBox,
  OwnList,
  OwnRange,
  PRange,
  Pending,
  findOwner,
  partitionFromOwners,
  pzeros,
  uniformPartition,
  unionGhost,
  variablePartition,
  withSequential,
  type CsrMatrix,
  type PData,
} from '../src/index.js';
import { laplacianFdm } from '../src/gallery/laplacian-fdm.js';
import { laplacianFem } from '../src/gallery/laplacian-fem.js';
import { StructuredGrid } from '../src/gallery/grid.js';
import { psparse, psparseRefill } from '../src/sparse/psparse.js';
import { centralize, mul, PSparseMatrix, spmv } from '../src/sparse/psparse-matrix.js';

type ErrorClass = typeof InvalidArgumentError | typeof IndexOutOfRangeError | typeof DimensionMismatchError;

interface Misuse {
  /** What is done wrong, as the test's name. */
  readonly what: string;
  readonly np: number;
  readonly run: (ranks: PData<number>) => unknown;
  readonly error: ErrorClass;
  readonly partId?: number;
  readonly message: string;
}

/** The 4 × 4 diagonal matrix diag(1, 2, 3, 4), rows owned in blocks. */
function diagonal(ranks: PData<number>): PSparseMatrix {
  const rows = uniformPartition(ranks, 4);
  const I = rows.partition.map((ids) => Array.from(ids.ownToGlobal));
  return psparse(I, I, I.map((ids) => ids.map((i) => i + 1)), rows, rows).wait();
}

/** One part, one row, two own columns: `ownOwn` as given, an empty `ownGhost`. */
function oneRow(ranks: PData<number>, ownOwn: Partial<CsrMatrix> & Record<string, unknown>): PSparseMatrix {
  const rows = new PRange(1, ranks.map((p) => new LocalIndices(p, 1, new OwnRange(0, 1))));
  const cols = new PRange(2, ranks.map((p) => new LocalIndices(p, 2, new OwnRange(0, 2))));
  const block = { nRows: 1, nCols: 2, rowPtr: Int32Array.of(0, 1), colIdx: Int32Array.of(0), values: Float64Array.of(1), ...ownOwn };
  const empty = { nRows: 1, nCols: 0, rowPtr: Int32Array.of(0, 0), colIdx: new Int32Array(0), values: new Float64Array(0) };
  return new PSparseMatrix(rows, cols, ranks.map(() => block as CsrMatrix), ranks.map(() => empty));
}

const four = (ranks: PData<number>): PRange => uniformPartition(ranks, 4);
const lists = (ranks: PData<number>, perPart: unknown): PData<number[]> => ranks.map(() => perPart as number[]);

const MISUSES: readonly Misuse[] = [
  // psparse
  {
    what: 'psparse with numbers instead of arrays (I = 5)',
    np: 2,
    run: (ranks) => psparse(ranks.map(() => 5) as never, lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: I must be an array of global ids, got 5 (part 0)',
  },
  {
    what: 'psparse with a BigInt id',
    np: 2,
    run: (ranks) => psparse(lists(ranks, [1n]), lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: row id I[0] = 1n is not an integer (part 0)',
  },
  {
    what: 'psparse with a string column id',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0, 1]), lists(ranks, [0, '1']), lists(ranks, [1, 1]), four(ranks), four(ranks)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: column id J[1] = "1" is not an integer (part 0)',
  },
  {
    what: 'psparse with a string value',
    np: 2,
    run: (ranks) => psparse(lists(ranks, [0, 1]), lists(ranks, [0, 1]), lists(ranks, [1, 'abc']), four(ranks), four(ranks)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: V[1] = "abc" is not a number (part 0)',
  },
  {
    what: 'psparse with V a number',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0]), lists(ranks, [0]), ranks.map(() => 1) as never, four(ranks), four(ranks)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: V must be an array of values, got 1 (part 0)',
  },
  {
    what: 'psparse with a Pending instead of I',
    np: 1,
    run: (ranks) => psparse(Pending.done(lists(ranks, [0])) as never, lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks)),
    error: InvalidArgumentError,
    message: 'psparse: I must be a PData, got a Pending (call .wait() first)',
  },
  {
    what: 'psparse with rows that are not a PRange',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0]), lists(ranks, [0]), lists(ranks, [1]), 4 as never, four(ranks)),
    error: InvalidArgumentError,
    message: 'psparse: rows must be a PRange, got 4',
  },
  {
    what: 'psparse with null options',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0]), lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks), null as never),
    error: InvalidArgumentError,
    message: 'psparse: options must be an object, got null',
  },
  {
    what: 'psparse with an unknown option',
    np: 1,
    run: (ranks) =>
      psparse(lists(ranks, [0]), lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks), { reuse: true, asembled: true } as never),
    error: InvalidArgumentError,
    message: "psparse: unknown option 'asembled' (accepted: assembled, reuse)",
  },
  {
    what: 'psparse with a non-boolean option',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0]), lists(ranks, [0]), lists(ranks, [1]), four(ranks), four(ranks), { assembled: 'yes' } as never),
    error: InvalidArgumentError,
    message: 'psparse: option assembled must be a boolean, got "yes"',
  },
  {
    what: 'psparse on a part owning more columns than Int32 blocks can index',
    np: 1,
    run: (ranks) => psparse(lists(ranks, [0]), lists(ranks, [2 ** 31 + 1]), lists(ranks, [1]), four(ranks), uniformPartition(ranks, 2 ** 32)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparse: this part owns 4294967296 columns, more than the 2^31-1 that Int32 CSR blocks can index (use more parts) (part 0)',
  },
  // psparseRefill
  {
    what: 'psparseRefill without a matrix',
    np: 1,
    run: (ranks) => psparseRefill(undefined as never, lists(ranks, [1])),
    error: InvalidArgumentError,
    message: 'psparseRefill: A must be a PSparseMatrix, got undefined',
  },
  {
    what: 'psparseRefill with a number instead of the values',
    np: 2,
    run: (ranks) => psparseRefill(diagonal(ranks), ranks.map(() => 2) as never),
    error: InvalidArgumentError,
    partId: 0,
    message: 'psparseRefill: V must be an array of values, got 2 (part 0)',
  },
  {
    what: 'psparseRefill with a string value',
    np: 2,
    run: (ranks) => psparseRefill(diagonal(ranks), ranks.map((p) => (p === 1 ? [1, '2'] : [1, 2])) as never),
    error: InvalidArgumentError,
    partId: 1,
    message: 'psparseRefill: V[1] = "2" is not a number (part 1)',
  },
  // spmv, mul, centralize
  {
    what: 'mul without a matrix',
    np: 2,
    run: (ranks) => mul(undefined as never, pzeros(four(ranks))),
    error: InvalidArgumentError,
    message: 'mul: A must be a PSparseMatrix, got undefined',
  },
  {
    what: 'mul with a number for x',
    np: 2,
    run: (ranks) => mul(diagonal(ranks), 1 as never),
    error: InvalidArgumentError,
    message: 'mul: x must be a PVector, got 1',
  },
  {
    what: 'spmv with the Pending of psparse instead of the matrix',
    np: 2,
    run: (ranks) => {
      const rows = four(ranks);
      const I = rows.partition.map((ids) => Array.from(ids.ownToGlobal));
      const pending = psparse(I, I, I, rows, rows);
      try {
        spmv(pzeros(rows), pending as never, pzeros(rows));
      } finally {
        pending.wait();
      }
    },
    error: InvalidArgumentError,
    message: 'spmv: A must be a PSparseMatrix, got a Pending (call .wait() first)',
  },
  {
    what: 'centralize of a plain object',
    np: 1,
    run: () => centralize({} as never),
    error: InvalidArgumentError,
    message: 'centralize: A must be a PSparseMatrix, got an object',
  },
  // new PSparseMatrix
  {
    what: 'a matrix block with a column id >= nCols',
    np: 1,
    run: (ranks) => oneRow(ranks, { colIdx: Int32Array.of(2) }),
    error: InvalidArgumentError,
    partId: 0,
    message: 'PSparseMatrix: ownOwn block: column id colIdx[0] = 2 is outside 0..1 (part 0)',
  },
  {
    what: 'a matrix block with a negative column id',
    np: 1,
    run: (ranks) => oneRow(ranks, { colIdx: Int32Array.of(-1) }),
    error: InvalidArgumentError,
    partId: 0,
    message: 'PSparseMatrix: ownOwn block: column id colIdx[0] = -1 is outside 0..1 (part 0)',
  },
  {
    what: 'a matrix block whose rowPtr does not start at 0',
    np: 1,
    run: (ranks) => oneRow(ranks, { rowPtr: Int32Array.of(1, 1) }),
    error: InvalidArgumentError,
    partId: 0,
    message: 'PSparseMatrix: ownOwn block: rowPtr[0] = 1, expected 0 (part 0)',
  },
  {
    what: 'a matrix block whose rowPtr decreases',
    np: 1,
    run: (ranks) => {
      const rows = new PRange(2, ranks.map((p) => new LocalIndices(p, 2, new OwnRange(0, 2))));
      const block = { nRows: 2, nCols: 2, rowPtr: Int32Array.of(0, 2, 1), colIdx: Int32Array.of(0), values: Float64Array.of(1) };
      const empty = { nRows: 2, nCols: 0, rowPtr: new Int32Array(3), colIdx: new Int32Array(0), values: new Float64Array(0) };
      return new PSparseMatrix(rows, rows, ranks.map(() => block), ranks.map(() => empty));
    },
    error: InvalidArgumentError,
    partId: 0,
    message: 'PSparseMatrix: ownOwn block: rowPtr decreases at row 1 (2 then 1) (part 0)',
  },
  {
    what: 'a matrix block with rowPtr too short',
    np: 1,
    run: (ranks) => oneRow(ranks, { rowPtr: Int32Array.of(1) }),
    error: DimensionMismatchError,
    partId: 0,
    message: 'PSparseMatrix: ownOwn block has rowPtr of length 1 (expected 2), 1 column ids and 1 values (part 0)',
  },
  {
    what: 'a matrix block of plain arrays',
    np: 1,
    run: (ranks) => oneRow(ranks, { colIdx: [0] as never }),
    error: InvalidArgumentError,
    partId: 0,
    message:
      'PSparseMatrix: ownOwn block must be a CSR matrix { nRows, nCols, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array }, got an object (part 0)',
  },
  // findOwner, unionGhost
  {
    what: 'findOwner with a number for gids',
    np: 1,
    run: (ranks) => findOwner(four(ranks), 5 as never),
    error: InvalidArgumentError,
    message: 'findOwner: gids must be a PData, got 5',
  },
  {
    what: 'findOwner with a part giving a number for its ids',
    np: 2,
    run: (ranks) => findOwner(four(ranks), ranks.map((p) => (p === 1 ? 3 : [3])) as never),
    error: InvalidArgumentError,
    partId: 1,
    message: 'findOwner: gids must be an array of global ids, got 3 (part 1)',
  },
  {
    what: 'findOwner with a BigInt id',
    np: 1,
    run: (ranks) => findOwner(four(ranks), lists(ranks, [2n])),
    error: InvalidArgumentError,
    partId: 0,
    message: 'findOwner: gids[0] = 2n is not an integer (part 0)',
  },
  {
    what: 'findOwner with NaN',
    np: 1,
    run: (ranks) => findOwner(four(ranks), lists(ranks, [0, NaN])),
    error: InvalidArgumentError,
    partId: 0,
    message: 'findOwner: gids[1] = NaN is not an integer (part 0)',
  },
  {
    what: 'unionGhost with a non-integer id (the code of findOwner and psparse)',
    np: 2,
    run: (ranks) => unionGhost(four(ranks), lists(ranks, [2.5]), lists(ranks, [1])),
    error: InvalidArgumentError,
    partId: 0,
    message: 'unionGhost: gids[0] = 2.5 is not an integer (part 0)',
  },
  {
    what: 'unionGhost with a number for the owners of a part',
    np: 2,
    run: (ranks) => unionGhost(four(ranks), lists(ranks, [3]), ranks.map(() => 1) as never),
    error: InvalidArgumentError,
    partId: 0,
    message: 'unionGhost: owners must be an array of part ids, got 1 (part 0)',
  },
  {
    what: 'unionGhost with a Pending for the owners',
    np: 2,
    run: (ranks) => unionGhost(four(ranks), lists(ranks, [3]), Pending.done(lists(ranks, [1])) as never),
    error: InvalidArgumentError,
    message: 'unionGhost: owners must be a PData, got a Pending (call .wait() first)',
  },
  // partitions
  {
    what: 'uniformPartition without ranks',
    np: 1,
    run: () => uniformPartition(undefined as never, 4),
    error: InvalidArgumentError,
    message: 'uniformPartition: ranks must be a PData, got undefined',
  },
  {
    what: 'uniformPartition with null options',
    np: 2,
    run: (ranks) => uniformPartition(ranks, [2], [4], null as never),
    error: InvalidArgumentError,
    message: 'uniformPartition: options must be an object, got null',
  },
  {
    what: 'uniformPartition with an unknown option',
    np: 2,
    run: (ranks) => uniformPartition(ranks, [2], [4], { ghosts: 1 } as never),
    error: InvalidArgumentError,
    message: "uniformPartition: unknown option 'ghosts' (accepted: ghost, periodic)",
  },
  {
    what: 'uniformPartition(ranks, n) with grid options',
    np: 2,
    run: (ranks) => (uniformPartition as (...args: unknown[]) => PRange)(ranks, 4, undefined, { ghost: true }),
    error: InvalidArgumentError,
    message:
      'uniformPartition(ranks, n) takes no more arguments (for a grid: uniformPartition(ranks, partsPerDir, nPerDir, opts))',
  },
  {
    what: 'variablePartition with a number for the sizes',
    np: 2,
    run: (ranks) => variablePartition(ranks, 5 as never),
    error: InvalidArgumentError,
    message: 'variablePartition: nOwn must be a PData, got 5',
  },
  {
    what: 'partitionFromOwners with a number for the owners',
    np: 2,
    run: (ranks) => partitionFromOwners(ranks, 5 as never),
    error: InvalidArgumentError,
    message: 'partitionFromOwners: owners must be an array of part ids, got 5',
  },
  {
    what: 'PRange with a negative size',
    np: 1,
    run: (ranks) => new PRange(-1, ranks.map((p) => new LocalIndices(p, 0, new OwnRange(0, 0)))),
    error: InvalidArgumentError,
    message: 'PRange: n must be a non-negative safe integer, got -1',
  },
  {
    what: 'PRange with the ranks instead of the indices',
    np: 2,
    run: (ranks) => new PRange(4, ranks as never),
    error: InvalidArgumentError,
    partId: 0,
    message: 'PRange: each part of partition must be a LocalIndices, got 0 (part 0)',
  },
  {
    what: 'PRange with an owner function that is not a function',
    np: 1,
    run: (ranks) => new PRange(4, four(ranks).partition, 3 as never),
    error: InvalidArgumentError,
    message: 'PRange: ownerOf must be a function or undefined, got 3',
  },
  {
    what: 'LocalIndices with an own range past n',
    np: 1,
    run: () => new LocalIndices(0, 10, new OwnRange(8, 5)),
    error: InvalidArgumentError,
    partId: 0,
    message: 'LocalIndices: own range 8..12 is not inside 0..9 (part 0)',
  },
  {
    what: 'LocalIndices with a box of another grid size',
    np: 1,
    run: () => new LocalIndices(0, 10, new OwnBox([4, 4], [0, 0], [2, 2])),
    error: InvalidArgumentError,
    partId: 0,
    message: "LocalIndices: own box's grid [4, 4] has 16 ids, the range has n = 10 (part 0)",
  },
  {
    what: 'LocalIndices with a list holding an id twice',
    np: 1,
    run: () => new LocalIndices(0, 10, new OwnList(Float64Array.of(3, 4, 3))),
    error: InvalidArgumentError,
    partId: 0,
    message: 'own global ids are listed twice (part 0)',
  },
  {
    what: 'LocalIndices with a list id outside the range',
    np: 1,
    run: () => new LocalIndices(0, 10, new OwnList(Float64Array.of(3, 10))),
    error: IndexOutOfRangeError,
    partId: 0,
    message: 'own global id 10 is outside 0..9 (part 0)',
  },
  {
    what: 'LocalIndices with a number for the own ids',
    np: 1,
    run: () => new LocalIndices(0, 10, 5 as never),
    error: InvalidArgumentError,
    partId: 0,
    message: 'LocalIndices: own must be an OwnRange, OwnBox or OwnList, got 5 (part 0)',
  },
  {
    what: 'LocalIndices with a negative part id',
    np: 1,
    run: () => new LocalIndices(-1, 10, new OwnRange(0, 1)),
    error: InvalidArgumentError,
    message: 'LocalIndices: partId must be a non-negative integer, got -1',
  },
  {
    what: 'LocalIndices with a non-integer ghost id',
    np: 1,
    run: () => new LocalIndices(0, 10, new OwnRange(0, 1), [2.5], [1]),
    error: InvalidArgumentError,
    partId: 0,
    message: 'ghost global id 2.5 is not an integer (part 0)',
  },
  {
    what: 'LocalIndices.fromLists with a number for the own ids',
    np: 1,
    run: () => LocalIndices.fromLists(0, 10, 3 as never),
    error: InvalidArgumentError,
    partId: 0,
    message: 'LocalIndices.fromLists: ownToGlobal must be an array, got 3 (part 0)',
  },
  // gallery
  {
    what: 'laplacianFdm without ranks',
    np: 1,
    run: () => laplacianFdm(undefined as never, [4], [1]),
    error: InvalidArgumentError,
    message: 'laplacianFdm: ranks must be a PData, got undefined',
  },
  {
    what: 'laplacianFdm with null options',
    np: 1,
    run: (ranks) => laplacianFdm(ranks, [4], [1], null as never),
    error: InvalidArgumentError,
    message: 'laplacianFdm: options must be an object, got null',
  },
  {
    what: 'laplacianFem with an unknown option',
    np: 1,
    run: (ranks) => laplacianFem(ranks, [4], [1], { dirichlets: () => 0 } as never),
    error: InvalidArgumentError,
    message: "laplacianFem: unknown option 'dirichlets' (accepted: dirichlet)",
  },
  {
    what: 'laplacianFem with a dirichlet that is not a function',
    np: 1,
    run: (ranks) => laplacianFem(ranks, [4], [1], { dirichlet: 0 as never }),
    error: InvalidArgumentError,
    message: 'laplacianFem: dirichlet must be a function, got 0',
  },
];

describe('misuse of partitions, sparse matrices and the gallery is a typed error', () => {
  it.each(MISUSES.map((m) => [m.what, m] as const))('%s', async (_what, misuse) => {
    const error = await withSequential(misuse.np, misuse.run).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(misuse.error);
    expect(error).toMatchObject({ message: misuse.message, partId: misuse.partId });
  });
});

describe('StructuredGrid (the gallery grid helper)', () => {
  it('maps ids to column-major coordinates and back, -1 outside', () => {
    const grid = new StructuredGrid([4, 3, 2]);
    expect(grid.strides).toEqual([1, 4, 12]);
    const coords = [0, 0, 0];
    for (let id = 0; id < 24; id++) {
      grid.coordsOf(id, coords);
      expect(coords).toEqual([id % 4, Math.floor(id / 4) % 3, Math.floor(id / 12)]);
      expect(grid.idOf(coords)).toBe(id);
    }
    expect(grid.idOf([4, 0, 0])).toBe(-1);
    expect(grid.idOf([0, -1, 0])).toBe(-1);
    expect(grid.idOf([0, 0, 2])).toBe(-1);
  });
});
