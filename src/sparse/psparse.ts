/**
 * Building a {@link PSparseMatrix} from per-part COO triplets (`psparse`) and refilling its values
 * (`psparseRefill`).
 *
 * psparse runs in two phases. The symbolic phase finds the owner of every row and column, sends
 * off-part triplets to the owners of their rows, builds the CSR pattern of the own rows and
 * records, for every input triplet and every received triplet, the stored entry it adds to. The
 * numeric phase zeroes the values and adds the contributions in a fixed order: this part's
 * triplets in input order, then the received ones by sender in ascending part id, each in the
 * sender's order. psparseRefill repeats only the numeric phase (the values travel over the same
 * exchange graph), so it gives the same bits as a fresh psparse with the same values.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import { Pending } from '../backends/pending.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { DimensionMismatchError, InvalidArgumentError, NonFiniteValueError, PartitionMismatchError } from '../errors.js';
import { exchange, exchangeDiscovering, exchangeGraph, type ExchangeGraph } from '../pdata/exchange.js';
import { checkGlobalIds, findOwnerOfCheckedIds, type findOwner } from '../partitions/find-owner.js';
import { assemblyKernels } from '../kernels/assembly-kernels.js';
import { kernels } from '../kernels/select-kernels.js';
import { isNumberList, LocalIndices } from '../partitions/local-indices.js';
import { PData, pmap } from '../pdata/pdata.js';
import { PRange } from '../partitions/prange.js';
import {
  addLocal,
  addReceived,
  buildPart,
  codeTriplets,
  contributions,
  IGNORED,
  packTriplets,
  packValues,
  planSends,
  valuesOfTriplets,
  type CodedTriplets,
  type Contributions,
  type PartAssembly,
  type SendPlan,
} from './psparse-assembly.js';
import { assembledMatrix, PSparseMatrix } from './psparse-matrix.js';

const MAX_INT32 = 0x7fffffff;

/**
 * Options of {@link psparse}.
 * @group PSparseMatrix
 */
export interface PSparseOptions {
  /**
   * Every triplet (with non-negative ids) is emitted by the part that owns its row, so nothing is
   * exchanged and no exchange graph is discovered. Default `false`.
   */
  readonly assembled?: boolean;
  /**
   * Keep the assembly pattern (where each triplet's value goes: 4 bytes per input triplet, plus
   * the exchange graph) so that {@link psparseRefill} can replace the values without symbolic work.
   * Default `true`; `false` leaves only the matrix blocks and the ghost bookkeeping in memory.
   */
  readonly reuse?: boolean;
}

/**
 * Builds a distributed sparse matrix from COO triplets: on each part, `V[k]` is added to entry
 * `(I[k], J[k])` (global ids). Triplets whose row is owned by another part are sent to it;
 * duplicates are summed (this part's triplets in input order, then other parts' by ascending part
 * id); triplets with a negative `I` or `J` are ignored. The result has `rows` as given and a new
 * column range with the own ids of `cols` and, as ghosts, exactly the off-part columns its own
 * rows reference (ascending).
 *
 * Collective and split-phase: the triplets are sent now; `wait()` (also collective) receives them
 * and builds the matrix. `I`, `J` and `V` must not change until then.
 *
 * @param I row ids per part (global, may be owned by any part)
 * @param J column ids per part (global)
 * @param V values per part; NaN and ±Infinity are rejected
 * @throws InvalidArgumentError when `I`, `J`, `V` are not PData (a `Pending`: call `.wait()`
 * first), `rows`/`cols` not PRanges, `opts` not an object of the documented keys with boolean
 * values; (naming the part) when a part's `I`, `J` or `V` is not an array or typed array, an id is
 * not an integer number (BigInt, string, 1.5, NaN: the same check as {@link findOwner}), a value
 * of a triplet that is not ignored is not a number, or with `assembled: true` a part emits a row
 * it does not own, or a part owns more than 2^31-1 rows or columns (its blocks could not index
 * them). PartitionMismatchError when `rows` or `cols` belong to another run than `I`,
 * `J`, `V`; DimensionMismatchError when `I`, `J`, `V` differ in length on a part;
 * IndexOutOfRangeError (naming the part and the entry) for an integer id `>= rows.n` / `cols.n`;
 * NonFiniteValueError (naming the part and the entry) for a NaN or infinite value of a triplet
 * that is not ignored. All checked before any communication.
 * @example
 * ```ts
 * // part p emits row p of a diagonal matrix, part 0 adds 1 to entry (0, 0) as well
 * const A = await psparse(
 *   ranks.map((p) => (p === 0 ? [0, 0] : [p])),
 *   ranks.map((p) => (p === 0 ? [0, 0] : [p])),
 *   ranks.map((p) => (p === 0 ? [1, 1] : [2])),
 *   rows, rows);
 * ```
 * @group PSparseMatrix
 */
export function psparse(
  I: PData<ArrayLike<number>>,
  J: PData<ArrayLike<number>>,
  V: PData<ArrayLike<number>>,
  rows: PRange,
  cols: PRange,
  opts?: PSparseOptions,
): Pending<PSparseMatrix> {
  expectInstance(I, PData, 'psparse: I');
  expectInstance(J, PData, 'psparse: J');
  expectInstance(V, PData, 'psparse: V');
  expectInstance(rows, PRange, 'psparse: rows');
  expectInstance(cols, PRange, 'psparse: cols');
  const options = checkOptions(opts, ['assembled', 'reuse'], 'psparse');
  for (const key of ['assembled', 'reuse'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') {
      throw new InvalidArgumentError(`psparse: option ${key} must be a boolean, got ${describeValue(options[key])}`);
    }
  }
  const backend = I.backend;
  if (J.backend !== backend || V.backend !== backend) {
    throw new PartitionMismatchError('psparse: I, J and V belong to different runs (different ranks)');
  }
  if (rows.backend !== backend || cols.backend !== backend) {
    throw new PartitionMismatchError('psparse: rows and cols must belong to the run (ranks) of I, J and V');
  }
  const assembled = options.assembled === true;
  const coded = pmap(
    (Ip: unknown, Jp: unknown, Vp: unknown, rowIds: LocalIndices, colIds: LocalIndices, p: number) => {
      checkIndexable(rowIds.nOwn, 'rows', p);
      checkIndexable(colIds.nOwn, 'columns', p);
      const t = checkedTriplets(Ip, Jp, Vp, rows.n, cols.n, p);
      const c = codeTriplets(t.I, t.J, t.V, rowIds, colIds, backend);
      // Names the first triplet whose row this part does not own.
      if (assembled && c.offIndex.length > 0) checkTriplets(Ip, Jp, Vp, rows.n, cols.n, rowIds, p);
      return c;
    },
    I,
    J,
    V,
    rows.partition,
    cols.partition,
  );

  const np = rows.np;
  const rowOwners = assembled ? coded.map(() => new Int32Array(0)) : findOwnerOfCheckedIds(rows, coded.map((c) => c.offRowIds));
  const plans = pmap((c: CodedTriplets, owners: Int32Array) => planSends(c.offIndex, owners, np), coded, rowOwners);
  const packed = pmap(packTriplets, plans, coded);
  let inFlight: Pending<{ graph: ExchangeGraph; received: PData<Float64Array[]> }>;
  if (assembled) {
    const graph = exchangeGraph(I.map(() => []), { rcv: I.map(() => []) });
    inFlight = exchange(packed, graph).map((received) => ({ graph, received }));
  } else {
    // The owners learn who sends them triplets in the exchange itself.
    inFlight = exchangeDiscovering(packed, plans.map((plan) => plan.destinations));
  }

  return new Pending(() => {
    const { graph, received } = inFlight.wait();
    const joined = pmap(
      (c: CodedTriplets, got: Float64Array[], rowIds: LocalIndices, colIds: LocalIndices) => contributions(c, got, rowIds, colIds, backend),
      coded,
      received,
      rows.partition,
      cols.partition,
    );
    const ghosts = joined.map((c) => c.ghosts);
    const ghostOwners = findOwnerOfCheckedIds(cols, ghosts);
    const finalCols = new PRange(
      cols.n,
      pmap((ids: LocalIndices, g: Float64Array, owners: Int32Array) => new LocalIndices(ids.partId, ids.n, ids.own, g, owners), cols.partition, ghosts, ghostOwners),
      cols.ownerOf,
    );
    const built = pmap(
      (c: Contributions, plan: SendPlan, rowIds: LocalIndices, colIds: LocalIndices, rcv: Int32Array) =>
        buildPart(c, plan, rowIds, colIds, rcv, backend),
      joined,
      plans,
      rows.partition,
      finalCols.partition,
      graph.rcv,
    );
    const parts = built.map((b) => b.part);
    const ownOwn = built.map((b) => b.ownOwn);
    const ownGhost = built.map((b) => b.ownGhost);
    pmap(
      (part: PartAssembly, oo: CsrMatrix, og: CsrMatrix, Vp: ArrayLike<number>, got: Float64Array[]) => {
        addLocal(part, oo.values, og.values, Vp, true);
        addReceived(part, oo.values, og.values, valuesOfTriplets(got));
      },
      parts,
      ownOwn,
      ownGhost,
      V,
      received,
    );
    return assembledMatrix(rows, finalCols, ownOwn, ownGhost, options.reuse === false ? undefined : { graph, parts });
  });
}

/**
 * Replaces the values of a matrix built by {@link psparse} with new triplet values (same `I`, `J`
 * as the original call, so only values move): collective and split-phase, no symbolic work. The
 * result has the same bits as a fresh `psparse(I, J, V, ...)`. The matrix's values are only
 * meaningful after `wait()`.
 *
 * @param V per part, as many values as the `I`/`J` used to build `A`; NaN and ±Infinity rejected
 * @throws InvalidArgumentError when `A` is not a PSparseMatrix or `V` not a PData (a `Pending`:
 * call `.wait()` first), when `A` was not built by psparse, (with the part) when a part's `V` is
 * not an array or typed array, or (part and entry) a value of a triplet that is not ignored is not
 * a number; PartitionMismatchError when `V` belongs to another run; DimensionMismatchError when a
 * part's `V` has another length than its original triplets; NonFiniteValueError (part and entry) for a non-finite value of a triplet that is not
 * ignored. All checked before any communication or change to `A`.
 * @example
 * ```ts
 * await psparseRefill(A, ranks.map(() => newValues));
 * ```
 * @group PSparseMatrix
 */
export function psparseRefill(A: PSparseMatrix, V: PData<ArrayLike<number>>): Pending<void> {
  expectInstance(A, PSparseMatrix, 'psparseRefill: A');
  expectInstance(V, PData, 'psparseRefill: V');
  const assembly = A.assembly;
  if (assembly === undefined) {
    throw new InvalidArgumentError(
      'psparseRefill: the matrix has no assembly pattern (it was not built by psparse, or was built with reuse: false)',
    );
  }
  if (V.backend !== A.rows.backend) {
    throw new PartitionMismatchError('psparseRefill: V belongs to another run (ranks) than the matrix');
  }
  pmap(
    (part: PartAssembly, Vp: ArrayLike<number>, p: number) => {
      const m = part.localSlot.length;
      if (!isNumberList(Vp)) {
        throw new InvalidArgumentError(`psparseRefill: V must be an array of values, got ${describeValue(Vp)}`, {
          partId: p,
        });
      }
      if (Vp.length !== m) {
        throw new DimensionMismatchError(`psparseRefill: V has ${Vp.length} entries, the matrix was built from ${m} triplets`, {
          partId: p,
        });
      }
      // A finite sum means every value is finite (a NaN or an infinity makes any sum NaN or
      // infinite): one native pass, where the interpreted loop over values and slots cost 3-6 ms
      // per part at n = 30 (a refill's first call runs it unoptimized); overflow and NaNs in
      // ignored triplets fall through to that loop.
      if (Vp instanceof Float64Array && (Number.isFinite(kernels.sum(m, Vp)) || allFiniteWhereKept(Vp, part.localSlot))) return;
      for (let k = 0; k < m; k++) {
        if (part.localSlot[k] !== IGNORED) checkValue(Vp[k], k, 'psparseRefill', p);
      }
    },
    assembly.parts,
    V,
  );
  const inFlight = exchange(pmap(packValues, assembly.parts, V), assembly.graph);
  pmap(
    (part: PartAssembly, oo: CsrMatrix, og: CsrMatrix, Vp: ArrayLike<number>) => addLocal(part, oo.values, og.values, Vp),
    assembly.parts,
    A.ownOwn,
    A.ownGhost,
    V,
  );
  return new Pending(() => {
    pmap(
      (part: PartAssembly, oo: CsrMatrix, og: CsrMatrix, got: Float64Array[]) =>
        addReceived(part, oo.values, og.values, got),
      assembly.parts,
      A.ownOwn,
      A.ownGhost,
      inFlight.wait(),
    );
  });
}

/** The CSR blocks index a part's own rows and columns with Int32 local ids. */
function checkIndexable(nOwn: number, what: string, partId: number): void {
  if (nOwn > MAX_INT32) {
    throw new InvalidArgumentError(
      `psparse: this part owns ${nOwn} ${what}, more than the 2^31-1 that Int32 CSR blocks can index (use more parts)`,
      { partId },
    );
  }
}

/** Whether every value of a triplet that is not ignored is finite (`v - v` is 0 exactly for finite v). */
function allFiniteWhereKept(V: Float64Array, slots: Int32Array): boolean {
  for (let k = 0; k < V.length; k++) if (V[k] - V[k] !== 0 && slots[k] !== IGNORED) return false;
  return true;
}

/** A value of a triplet that is not ignored: a finite number. */
function checkValue(value: unknown, k: number, what: string, partId: number): void {
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`${what}: V[${k}] = ${describeValue(value)} is not a number`, { partId });
  }
  if (!Number.isFinite(value)) {
    throw new NonFiniteValueError(`${what}: V[${k}] = ${value} is not finite (NaN and ±Infinity are rejected)`, {
      partId,
    });
  }
}

function checkTriplets(
  I: unknown,
  J: unknown,
  V: unknown,
  nRows: number,
  nCols: number,
  ownRowsOnly: LocalIndices | undefined,
  partId: number,
): void {
  checkGlobalIds(I, nRows, partId, 'psparse', (k) => (k < 0 ? 'I' : `row id I[${k}]`));
  checkGlobalIds(J, nCols, partId, 'psparse', (k) => (k < 0 ? 'J' : `column id J[${k}]`));
  if (!isNumberList(V)) {
    throw new InvalidArgumentError(`psparse: V must be an array of values, got ${describeValue(V)}`, { partId });
  }
  if (I.length !== J.length || I.length !== V.length) {
    throw new DimensionMismatchError(
      `psparse: I, J and V must have the same length, got ${I.length}, ${J.length} and ${V.length}`,
      { partId },
    );
  }
  for (let k = 0; k < I.length; k++) {
    const i = I[k];
    if (i < 0 || J[k] < 0) continue;
    checkValue(V[k], k, 'psparse', partId);
    if (ownRowsOnly !== undefined && ownRowsOnly.globalToOwn(i) < 0) {
      throw new InvalidArgumentError(
        `psparse with assembled: true: row I[${k}] = ${i} is not owned by the part that emits it`,
        { partId },
      );
    }
  }
}

/**
 * A part's triplets checked (the errors of {@link checkTriplets}) and as Float64Arrays: the
 * assembly kernels check Float64Array input in one pass and the detailed checks run only to name
 * a problem they found; other arrays are checked entry by entry and copied.
 */
function checkedTriplets(
  I: unknown,
  J: unknown,
  V: unknown,
  nRows: number,
  nCols: number,
  partId: number,
): { I: Float64Array; J: Float64Array; V: ArrayLike<number> } {
  if (I instanceof Float64Array && J instanceof Float64Array && V instanceof Float64Array && I.length === J.length && I.length === V.length) {
    if (assemblyKernels.assemblyCheck(I.length, I, J, V, nRows, nCols) >= 0) checkTriplets(I, J, V, nRows, nCols, undefined, partId);
    return { I, J, V };
  }
  checkTriplets(I, J, V, nRows, nCols, undefined, partId);
  const ids = (list: ArrayLike<number>): Float64Array => (list instanceof Float64Array ? list : Float64Array.from(list));
  return { I: ids(I as ArrayLike<number>), J: ids(J as ArrayLike<number>), V: V as ArrayLike<number> };
}
