/**
 * The exported classes a user gets from a factory refuse a direct `new` with a typed error naming
 * the factory; the public constructors (AmgPreconditioner, OwnBox, OwnList, Pending, MpiBackend)
 * check their arguments; formatScientific checks its digits. Before, each of these calls died
 * with a TypeError from deep inside, or built an object that failed later (a pool of -1 workers).
 */
import { describe, expect, it } from 'vitest';
import {
  AmgPreconditioner,
  BandedBlockBandedMatrix,
  Cluster,
  GhostedBlock,
  Ilu0Preconditioner,
  InvalidArgumentError,
  MpiBackend,
  OwnBox,
  OwnList,
  PArray,
  Pending,
  SharedArray,
  SsorPreconditioner,
  ThreadsBackend,
  WorkerPool,
  amg,
  formatScientific,
  laplacianFdm,
  pfill,
  psparse,
  pzeros,
  withSequential,
} from '../src/index.js';

/** Calls a constructor as plain JavaScript would, with whatever arguments. */
function construct(ctor: unknown, ...args: unknown[]): unknown {
  return new (ctor as new (...a: unknown[]) => unknown)(...args);
}

describe('classes built by a factory refuse new', () => {
  const cases: [string, unknown, string][] = [
    ['Ilu0Preconditioner', Ilu0Preconditioner, 'ilu0(A)'],
    ['SsorPreconditioner', SsorPreconditioner, 'ssor(A)'],
    ['PArray', PArray, 'parray(ranks, shape)'],
    ['GhostedBlock', GhostedBlock, 'PArray.ghosted(indices)'],
    ['SharedArray', SharedArray, 'sharedArray(ranks, length)'],
    ['BandedBlockBandedMatrix', BandedBlockBandedMatrix, 'bandedBlockBanded(ranks, options)'],
    ['WorkerPool', WorkerPool, 'workerPool(options)'],
    ['Cluster', Cluster, 'cluster(options)'],
  ];
  it.each(cases)('new %s names its factory, whatever the arguments', async (name, ctor, factory) => {
    const error = new InvalidArgumentError(`${name} is built by ${factory}, not with new`);
    await withSequential(2, (ranks) => {
      const { I, J, V, rows, cols } = laplacianFdm(ranks, [3, 3, 3], [1, 1, 2]);
      const A = psparse(I, J, V, rows, cols).wait();
      for (const args of [[], [A], [ranks, 4], [A.rows, ranks, 1], [2, undefined]]) {
        expect(() => construct(ctor, ...args)).toThrow(error);
      }
    });
  });

  it('ThreadsBackend is built inside each worker of withThreads', () => {
    expect(() => construct(ThreadsBackend)).toThrow(
      new InvalidArgumentError('ThreadsBackend is built by withThreads inside each worker, not with new (got undefined)'),
    );
  });
});

describe('public constructors check their arguments', () => {
  it('new AmgPreconditioner(A, options) is amg(A, options), with its checks', async () => {
    await withSequential(2, (ranks) => {
      const { I, J, V, rows, cols } = laplacianFdm(ranks, [6, 6, 6], [1, 1, 2]);
      const A = psparse(I, J, V, rows, cols).wait();
      expect(() => construct(AmgPreconditioner)).toThrow(
        new InvalidArgumentError('amg: A must be a PSparseMatrix, got undefined'),
      );
      expect(() => new AmgPreconditioner(A, { theta: 2 })).toThrow(
        new InvalidArgumentError('amg: option theta must be a number in [0, 1), got 2'),
      );
      const direct = new AmgPreconditioner(A, { coarseSize: 20 });
      const factory = amg(A, { coarseSize: 20 });
      expect(direct.levels.length).toBeGreaterThan(1);
      expect(direct.levels).toEqual(factory.levels);
      const r = pfill(1, A.rows);
      const [z1, z2] = [pzeros(A.rows), pzeros(A.rows)];
      direct.apply(z1, r);
      factory.apply(z2, r);
      expect(z1.values.localItems).toEqual(z2.values.localItems);
      expect(Math.max(...z1.values.localItems.map((z) => Math.max(...z)))).toBeGreaterThan(0);
    });
  });

  it('OwnBox needs number arrays with one entry per direction; OwnList a Float64Array', () => {
    expect(() => new OwnBox(undefined as unknown as number[], [0], [1])).toThrow(
      new InvalidArgumentError('OwnBox: dims must be an array of numbers, got undefined'),
    );
    expect(() => new OwnBox([4, 4], 'x' as unknown as number[], [2, 2])).toThrow(
      new InvalidArgumentError('OwnBox: lo must be an array of numbers, got "x"'),
    );
    expect(() => new OwnBox([4, 4], [0, 0], [2])).toThrow(
      new InvalidArgumentError('OwnBox: dims, lo and hi must have one entry per direction, got 2, 2 and 1'),
    );
    expect(new OwnBox([4, 4], [0, 2], [2, 4]).count).toBe(4);
    expect(() => new OwnList([1, 2] as unknown as Float64Array)).toThrow(
      new InvalidArgumentError('OwnList: ids must be a Float64Array, got an array of 2'),
    );
    expect(new OwnList(Float64Array.of(5, 3)).indexOf(3)).toBe(1);
  });

  it('Pending and Pending.map need a function; MpiBackend an MPI binding', () => {
    expect(() => construct(Pending, 42)).toThrow(new InvalidArgumentError('Pending: finish must be a function, got number'));
    expect(new Pending(() => 7).wait()).toBe(7);
    expect(() => new Pending(() => 7).map(undefined as unknown as (v: number) => number)).toThrow(
      new InvalidArgumentError('Pending.map: f must be a function, got undefined'),
    );
    expect(new Pending(() => 7).map((v) => v * 3).wait()).toBe(21);
    expect(() => construct(MpiBackend, {})).toThrow(
      new InvalidArgumentError("MpiBackend: binding must be the MPI addon's binding (loadMpiBinding()), got an object"),
    );
  });

  it('formatScientific needs a number and 0 to 100 digits', () => {
    expect(() => formatScientific(3, -1)).toThrow(
      new InvalidArgumentError('formatScientific: digits must be an integer from 0 to 100, got -1'),
    );
    expect(() => formatScientific(3, 1.5)).toThrow(
      new InvalidArgumentError('formatScientific: digits must be an integer from 0 to 100, got 1.5'),
    );
    expect(() => formatScientific('3' as unknown as number, 2)).toThrow(
      new InvalidArgumentError('formatScientific: x must be a number, got "3"'),
    );
    expect(formatScientific(3, 0)).toBe('3e+00');
  });
});
