/**
 * Misuse from plain JavaScript (swapped arguments, a missing argument, `null` or misspelt options, a
 * `Pending` where its value was meant) of every public function of PData, the primitives, the
 * exchange, PTimer, PVector, the vector operations, pvectorFromCoo, the CG solver and the Jacobi
 * preconditioner: an InvalidArgumentError saying what was expected, never a raw TypeError and
 * never a silent wrong result.
 */
import { describe, expect, it } from 'vitest';
import {
  CgSolver,
  ExchangeGraph,
  InvalidArgumentError,
  PData,
  PTimer,
  PVector,
  SequentialBackend,
  assemble,
  axpy,
  cg,
  consistent,
  copyInto,
  dot,
  exchange,
  exchangeDiscovering,
  exchangeGraph,
  gather,
  getAny,
  jacobi,
  mapMain,
  multicast,
  norm,
  pfill,
  pmap,
  psparse,
  pvector,
  pvectorFromCoo,
  pzeros,
  reduction,
  scale,
  scan,
  scatter,
  sum,
  uniformPartition,
  withSequential,
} from '../src/index.js';
import { JacobiPreconditioner } from '../src/solvers/preconditioners.js';
import type { PRange } from '../src/partitions/prange.js';
import type { PSparseMatrix } from '../src/sparse/psparse-matrix.js';

/** What a misuse case gets: a 2-part run with a 6-row range, a diagonal matrix on it and vectors. */
interface Fixture {
  readonly ranks: PData<number>;
  readonly rows: PRange;
  readonly A: PSparseMatrix;
  readonly b: PVector;
}

function fixture(ranks: PData<number>): Fixture {
  const rows = uniformPartition(ranks, 6);
  const ids = rows.partition.map((own) => Array.from(own.ownToGlobal));
  const A = psparse(ids, ids, ids.map((gids) => gids.map(() => 2)), rows, rows).wait();
  return { ranks, rows, A, b: pfill(1, A.rows) };
}

/** Misuse is what these calls are about: a value given where the types would not allow it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loose = <F>(f: F): any => f;
const add = (x: number, y: number): number => x + y;
const pending = (f: Fixture): unknown => consistent(pzeros(f.rows));

const cases: [string, (f: Fixture) => unknown, string, number?][] = [
  // PData
  ['new PData(backend, 5)', (f) => new PData(f.ranks.backend, loose(5)), 'PData: items must be an array (one item per local part), got 5'],
  ['new PData(undefined, [])', () => new PData(loose(undefined), []), 'PData: backend must be a Backend, got undefined'],
  ['ranks.map(5)', (f) => f.ranks.map(loose(5)), 'map: f must be a function, got 5'],
  ['ranks.forEach(null)', (f) => f.ranks.forEach(loose(null)), 'forEach: f must be a function, got null'],
  ['pmap(ranks, ranks) (swapped)', (f) => loose(pmap)(f.ranks, f.ranks), 'pmap: f must be a function, got a PData'],
  ['pmap(f, [1, 2])', () => loose(pmap)((x: number) => x, [1, 2]), 'pmap: argument 2 must be a PData, got an array of 2'],
  // primitives
  ['getAny([1])', () => getAny(loose([1])), 'getAny: a must be a PData, got an array of 1'],
  ['gather([1, 2])', () => gather(loose([1, 2])), 'gather: a must be a PData, got an array of 2'],
  ['gather(a, null)', (f) => gather(f.ranks, loose(null)), 'gather: options must be an object, got null'],
  ['gather(a, { dest: 1 })', (f) => gather(f.ranks, loose({ dest: 1 })), "gather: unknown option 'dest' (accepted: destination)"],
  ['gather(a, pending)', (f) => gather(f.ranks, loose(pending(f))), 'gather: options must be an object, got a Pending'],
  ['scatter(a, { source: "all" })', (f) => scatter(loose(f.ranks), loose({ source: 'all' })), 'scatter source must be a part id in 0..1, got "all"'],
  ['scatter(5)', () => scatter(loose(5)), 'scatter: a must be a PData, got 5'],
  ['multicast(a, null)', (f) => multicast(f.ranks, loose(null)), 'multicast: options must be an object, got null'],
  ['multicast(a, { root: 1 })', (f) => multicast(f.ranks, loose({ root: 1 })), "multicast: unknown option 'root' (accepted: source)"],
  ['reduction(a, op) (swapped)', (f) => loose(reduction)(f.ranks, add, { init: 0 }), 'reduction: op must be a function, got a PData'],
  ['reduction(op, [1, 2])', () => reduction(add, loose([1, 2]), { init: 0 }), 'reduction: a must be a PData, got an array of 2'],
  ['reduction(op, a, null)', (f) => reduction(add, f.ranks, loose(null)), 'reduction: options must be an object, got null'],
  [
    'reduction(op, a, { destination: "everyone" })',
    (f) => reduction(add, f.ranks, loose({ destination: 'everyone', init: 0 })),
    'reduction destination must be \'all\' or a part id in 0..1, got "everyone"',
  ],
  [
    'reduction(op, a, { init, dest })',
    (f) => reduction(add, f.ranks, loose({ init: 0, dest: 1 })),
    "reduction: unknown option 'dest' (accepted: destination, init)",
  ],
  ['scan(a, op) (swapped)', (f) => loose(scan)(f.ranks, add, { type: 'inclusive', init: 0 }), 'scan: op must be a function, got a PData'],
  ['scan(op, a, null)', (f) => scan(add, f.ranks, loose(null)), 'scan: options must be an object, got null'],
  ['scan without type', (f) => scan(add, f.ranks, loose({ init: 0 })), "scan type must be 'inclusive' or 'exclusive', got undefined"],
  ['mapMain(a, 5)', (f) => mapMain(f.ranks, loose(5)), 'mapMain: f must be a function, got 5'],
  ['mapMain(f, a) (swapped)', (f) => loose(mapMain)((p: number) => p, f.ranks), 'mapMain: a must be a PData, got a function'],
  ['mapMain(a, f, { main: "first" })', (f) => mapMain(f.ranks, (p) => p, loose({ main: 'first' })), 'mapMain main must be \'all\' or a part id in 0..1, got "first"'],
  ['mapMain(a, f, null)', (f) => mapMain(f.ranks, (p) => p, loose(null)), 'mapMain: options must be an object, got null'],
  // exchange
  ['exchangeGraph([[1], [0]])', () => exchangeGraph(loose([[1], [0]])), 'exchangeGraph: snd must be a PData, got an array of 2'],
  [
    'exchangeGraph(snd, { symetric: true })',
    (f) => exchangeGraph(f.ranks.map(() => []), loose({ symetric: true })),
    "exchangeGraph: unknown option 'symetric' (accepted: rcv, symmetric)",
  ],
  ['exchangeGraph(snd, { rcv: [] })', (f) => exchangeGraph(f.ranks.map(() => []), loose({ rcv: [] })), 'exchangeGraph: rcv must be a PData, got an array of 0'],
  ['exchangeGraph of numbers', (f) => exchangeGraph(f.ranks.map(() => loose(1))), 'exchange graph send list must be an array of part ids, got 1 (part 0)', 0],
  ['exchange(send, {})', (f) => exchange(f.ranks.map(() => []), loose({})), 'exchange: graph must be a ExchangeGraph, got an object'],
  ['exchange(graph, send) (swapped)', (f) => loose(exchange)(exchangeGraph(f.ranks.map(() => [])), f.ranks.map(() => [])), 'exchange: send must be a PData, got a ExchangeGraph'],
  ['exchangeDiscovering(send, [[1], [0]])', (f) => exchangeDiscovering(f.ranks.map(() => []), loose([[1], [0]])), 'exchange: snd must be a PData, got an array of 2'],
  ['exchangeDiscovering([[]], snd)', (f) => exchangeDiscovering(loose([[]]), f.ranks.map(() => [])), 'exchange: send must be a PData, got an array of 1'],
  [
    'exchangeDiscovering with fewer items than targets',
    (f) => exchangeDiscovering(f.ranks.map(() => []), f.ranks.map((p) => [1 - p])),
    'exchange: part sends 0 items but its send list has 1 targets (part 0)',
    0,
  ],
  [
    'exchangeDiscovering to a part that does not exist',
    (f) => exchangeDiscovering(f.ranks.map(() => [1]), f.ranks.map(() => [5])),
    'exchange graph send list lists 5, not a part id in 0..1 (part 0)',
    0,
  ],
  ['new ExchangeGraph([], [])', () => new ExchangeGraph(loose([]), loose([])), 'ExchangeGraph: snd must be a PData, got an array of 0'],
  // PTimer
  ['new PTimer(4)', () => new PTimer(loose(4)), 'PTimer: ranks must be a PData, got 4'],
  ['timer.tic(null)', (f) => new PTimer(f.ranks).tic(loose(null)), 'PTimer.tic: options must be an object, got null'],
  ['timer.tic({ barrier: "yes" })', (f) => new PTimer(f.ranks).tic(loose({ barrier: 'yes' })), 'PTimer.tic: barrier must be a boolean, got "yes"'],
  ['timer.toc(5)', (f) => new PTimer(f.ranks).toc(loose(5)), 'PTimer.toc: the section name must be a non-empty string, got 5'],
  // PVector
  ['pfill(rows, 1) (swapped)', (f) => pfill(loose(f.rows), loose(1)), 'pfill: value must be a number, got a PRange'],
  ['pfill(1, 1)', () => pfill(1, loose(1)), 'pfill: rows must be a PRange, got 1'],
  ['pzeros()', () => loose(pzeros)(), 'pzeros: rows must be a PRange, got undefined'],
  ['pzeros(ranks)', (f) => pzeros(loose(f.ranks)), 'pzeros: rows must be a PRange, got a PData'],
  ['pvector(rows, 5)', (f) => pvector(f.rows, loose(5)), 'pvector: f must be a function, got 5'],
  ['pvector(f, rows) (swapped)', (f) => loose(pvector)(() => [], f.rows), 'pvector: rows must be a PRange, got a function'],
  ['new PVector(rows, [array])', (f) => new PVector(f.rows, loose([new Float64Array(3)])), 'PVector: values must be a PData, got an array of 1'],
  ['new PVector(undefined, values)', (f) => new PVector(loose(undefined), f.b.values), 'PVector: rows must be a PRange, got undefined'],
  ['consistent(pending)', (f) => consistent(loose(pending(f))), 'consistent: v must be a PVector, got a Pending (call .wait() first)'],
  ['assemble(5)', () => assemble(loose(5)), 'assemble: v must be a PVector, got 5'],
  // vector operations
  ['dot(v, 1)', (f) => dot(f.b, loose(1)), 'dot: b must be a PVector, got 1'],
  ['dot(pending, v)', (f) => dot(loose(pending(f)), f.b), 'dot: a must be a PVector, got a Pending (call .wait() first)'],
  ['norm(undefined)', () => loose(norm)(), 'norm: a must be a PVector or a PArray, got undefined'],
  ['sum([1])', () => sum(loose([1])), 'sum: a must be a PVector or a PArray, got an array of 1'],
  ['axpy(v, v, v)', (f) => axpy(loose(f.b), f.b, f.b), 'axpy: alpha must be a number, got a PVector'],
  ['axpy(2, v)', (f) => loose(axpy)(2, f.b), 'axpy: y must be a PVector, got undefined'],
  ['scale("2", v)', (f) => scale(loose('2'), f.b), 'scale: alpha must be a number, got "2"'],
  ['scale(v, 2) (swapped)', (f) => scale(loose(f.b), loose(2)), 'scale: alpha must be a number, got a PVector'],
  ['copyInto(v, null)', (f) => copyInto(f.b, loose(null)), 'copyInto: src must be a PVector, got null'],
  // pvectorFromCoo
  ['pvectorFromCoo([0], [1], rows)', (f) => pvectorFromCoo(loose([0]), loose([1]), f.rows), 'pvectorFromCoo: I must be a PData, got an array of 1'],
  ['pvectorFromCoo(I, V, pending)', (f) => pvectorFromCoo(f.ranks.map(() => []), f.ranks.map(() => []), loose(pending(f))), 'pvectorFromCoo: rows must be a PRange, got a Pending (call .wait() first)'],
  [
    'pvectorFromCoo with numbers for I and V',
    (f) => pvectorFromCoo(f.ranks.map(() => loose(5)), f.ranks.map(() => loose(1)), f.rows),
    'pvectorFromCoo: I must hold an array of global ids on every part, got 5 (part 0)',
    0,
  ],
  [
    'pvectorFromCoo with a number for V',
    (f) => pvectorFromCoo(f.ranks.map(() => [0]), f.ranks.map((p) => loose(p === 1 ? 1 : [1])), f.rows),
    'pvectorFromCoo: V must hold an array of values on every part, got 1 (part 1)',
    1,
  ],
  [
    'pvectorFromCoo with a non-integer id (the code findOwner and psparse give)',
    (f) => pvectorFromCoo(f.ranks.map((p) => (p === 1 ? [0, 1.5] : [0])), f.ranks.map((p) => (p === 1 ? [1, 1] : [1])), f.rows),
    'pvectorFromCoo: I[1] = 1.5 is not an integer (part 1)',
    1,
  ],
  [
    'pvectorFromCoo with a string value',
    (f) => pvectorFromCoo(f.ranks.map(() => [0]), f.ranks.map((p) => loose(p === 1 ? ['1'] : [1])), f.rows),
    'pvectorFromCoo: V[0] = "1" is not a number (part 1)',
    1,
  ],
  // cg, CgSolver, jacobi
  ['cg(A) (no b)', (f) => loose(cg)(f.A), 'cg: b must be a PVector, got undefined'],
  ['cg(pending A, b)', (f) => cg(loose(psparse(f.ranks.map(() => []), f.ranks.map(() => []), f.ranks.map(() => []), f.rows, f.rows)), f.b), 'cg: A must be a PSparseMatrix, got a Pending (call .wait() first)'],
  ['cg(A, pending b)', (f) => cg(f.A, loose(pending(f))), 'cg: b must be a PVector, got a Pending (call .wait() first)'],
  ['cg(b, A) (swapped)', (f) => cg(loose(f.b), loose(f.A)), 'cg: A must be a PSparseMatrix, got a PVector'],
  ['cg(A, b, null)', (f) => cg(f.A, f.b, loose(null)), 'cg: options must be an object, got null'],
  [
    'cg(A, b, { tol: 1e-6 })',
    (f) => cg(f.A, f.b, loose({ tol: 1e-6 })),
    "cg: unknown option 'tol' (accepted: rtol, atol, maxIters, preconditioner, onIteration, compactIndices, monitor, normType, x0)",
  ],
  ['cg(A, b, { x0: 5 })', (f) => cg(f.A, f.b, loose({ x0: 5 })), 'cg: x0 must be a PVector, got 5'],
  ['cg(A, b, { onIteration: 1 })', (f) => cg(f.A, f.b, loose({ onIteration: 1 })), 'cg: onIteration must be a function, got 1'],
  ['cg(A, b, { compactIndices: "no" })', (f) => cg(f.A, f.b, loose({ compactIndices: 'no' })), 'cg: compactIndices must be a boolean, got "no"'],
  [
    'cg(A, b, { preconditioner: jacobi }) (not called)',
    (f) => cg(f.A, f.b, loose({ preconditioner: jacobi })),
    "cg: preconditioner must be one of 'none', 'jacobi', 'ssor', 'ilu0', 'amg' or an object with an apply(z, r) method, got a function",
  ],
  ['new CgSolver()', () => new CgSolver(loose(undefined)), 'CgSolver: A must be a PSparseMatrix, got undefined'],
  [
    'new CgSolver(A, { x0 })',
    (f) => new CgSolver(f.A, loose({ x0: f.b })),
    "CgSolver: unknown option 'x0' (accepted: rtol, atol, maxIters, preconditioner, onIteration, compactIndices, monitor, normType)",
  ],
  ['new CgSolver(A, null)', (f) => new CgSolver(f.A, loose(null)), 'CgSolver: options must be an object, got null'],
  ['solver.solve()', (f) => loose(new CgSolver(f.A)).solve(), 'CgSolver.solve: b must be a PVector, got undefined'],
  ['solver.solve(b, null)', (f) => new CgSolver(f.A).solve(f.b, loose(null)), 'CgSolver.solve: options must be an object, got null'],
  ['solver.solve(b, { y })', (f) => new CgSolver(f.A).solve(f.b, loose({ y: f.b })), "CgSolver.solve: unknown option 'y' (accepted: x0, x)"],
  ['solver.solve(b, { x: pending })', (f) => new CgSolver(f.A).solve(f.b, loose({ x: pending(f) })), 'CgSolver.solve: x must be a PVector, got a Pending (call .wait() first)'],
  ['solver.solve(b, { x0: 0 })', (f) => new CgSolver(f.A).solve(f.b, loose({ x0: 0 })), 'CgSolver.solve: x0 must be a PVector, got 0'],
  ['jacobi()', () => loose(jacobi)(), 'jacobi: A must be a PSparseMatrix, got undefined'],
  ['jacobi(A).apply(5, b)', (f) => jacobi(f.A).apply(loose(5), f.b), 'JacobiPreconditioner.apply: z must be a PVector, got 5'],
  ['new JacobiPreconditioner(rows, [])', (f) => new JacobiPreconditioner(f.rows, loose([])), 'JacobiPreconditioner: inverseDiagonal must be a PData, got an array of 0'],
];

describe('public functions refuse misuse with an InvalidArgumentError saying what was expected', () => {
  it.each(cases)('%s', async (_name, call, message, partId) => {
    const error = await withSequential(2, (ranks) => {
      const f = fixture(ranks);
      try {
        call(f);
      } catch (e) {
        return e;
      }
      return new Error('no error was thrown');
    });
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', partId, message });
  });
});

describe('running a driver', () => {
  it('withSequential(2, "main") is a typed error, not a TypeError', async () => {
    const run = withSequential(2, loose('main'));
    await expect(run).rejects.toThrow(InvalidArgumentError);
    await expect(run).rejects.toThrow('withSequential: main must be a function, got "main"');
  });

  it('withSequential("2", main) names the value it got', async () => {
    await expect(withSequential(loose('2'), () => 1)).rejects.toThrow('np must be an integer >= 1, got "2"');
    expect(() => new SequentialBackend(loose(undefined))).toThrow('np must be an integer >= 1, got undefined');
  });
});
