/**
 * Rows in file order. Every format of `src/io` stores rows in global order, so a writer needs each
 * part's own rows as one contiguous block of global ids, the blocks in part order. When the
 * partition already is like that (1-D uniform or variable partitions, grid partitions split along
 * the last direction only) the own rows are used as they are; otherwise (a box of a 2-D grid, a
 * partition from owners) each row is first sent to the part of the 1-D block partition that holds
 * it (one exchange, no part ever holds more than its block). Readers do the converse: each part
 * reads one block and the rows then go to the parts that own them in the requested range.
 *
 * @module
 */
import { DimensionMismatchError } from '../errors.js';
import { expectInstance } from '../argument-checks.js';
import type { CsrMatrix } from '../kernels/csr.js';
import { largeArrays } from '../kernels/large-arrays.js';
import { exchange, exchangeGraph } from '../pdata/exchange.js';
import { PData, pmap } from '../pdata/pdata.js';
import { gather, getAny } from '../pdata/primitives.js';
import type { LocalIndices } from '../partitions/local-indices.js';
import { findOwner } from '../partitions/find-owner.js';
import { PRange } from '../partitions/prange.js';
import { blockOwner, blockStart, uniformPartition } from '../partitions/uniform-partition.js';
import { psparse } from '../sparse/psparse.js';
import type { PSparseMatrix } from '../sparse/psparse-matrix.js';
import { consistent, PVector } from '../vectors/pvector.js';
import { csrRows, isContiguous, type RowSource } from './row-source.js';

/** A part's rows `first .. first + count - 1` of a vector. */
export interface VectorBlock {
  readonly first: number;
  readonly values: Float64Array;
}

/** A part's rows `first .. first + count - 1` of a matrix, CSR with global column ids (ascending in each row). */
export interface MatrixBlock {
  readonly first: number;
  readonly count: number;
  /** `count + 1` offsets into `cols`/`values`. */
  readonly rowPtr: Float64Array;
  readonly cols: Float64Array;
  readonly values: Float64Array;
}

/** A part's rows to read: `first .. first + count - 1`. */
export interface RowSpan {
  readonly first: number;
  readonly count: number;
}

/**
 * Whether the own ids of `rows` are contiguous blocks in part order (collective: one gather of
 * three numbers per part). Parts owning nothing fit anywhere.
 */
export function ownsBlocksInOrder(rows: PRange): boolean {
  const info = rows.partition.map((ids) => {
    const { own } = ids;
    return [own.count > 0 ? own.at(0) : 0, own.count, isContiguous(own) ? 1 : 0];
  });
  let next = 0;
  for (const [first, count, run] of getAny(gather(info, { destination: 'all' }))) {
    if (count === 0) continue;
    if (run === 0 || first !== next) return false;
    next += count;
  }
  return true;
}

/** The span of the 1-D block partition of `0..n-1` that part `p` of `np` holds. */
export function blockSpan(p: number, n: number, np: number): RowSpan {
  const first = blockStart(p, n, np);
  return { first, count: blockStart(p + 1, n, np) - first };
}

/**
 * Sends each part's message for part q (a flat list of numbers) to q (collective); returns per part
 * the lists it holds: its message to itself first, then the received ones in ascending part order.
 */
function sendToBlocks(messages: PData<Map<number, number[]>>): PData<number[][]> {
  const targets = messages.map((byPart, p) => [...byPart.keys()].filter((q) => q !== p).sort((a, b) => a - b));
  const graph = exchangeGraph(targets);
  const send = pmap((byPart: Map<number, number[]>, to: number[]) => to.map((q) => Float64Array.from(byPart.get(q) ?? [])), messages, targets);
  const received = exchange(send, graph).wait();
  return pmap(
    (byPart: Map<number, number[]>, got: Float64Array[], p: number) => [byPart.get(p) ?? [], ...got.map((m) => Array.from(m))],
    messages,
    received,
  );
}

/** The own values of `v` as blocks in file order (collective). */
export function vectorBlocks(v: PVector): PData<VectorBlock> {
  const { rows } = v;
  if (ownsBlocksInOrder(rows)) {
    return pmap((ids: LocalIndices, own: Float64Array) => ({ first: own.length > 0 ? ids.own.at(0) : 0, values: own }), rows.partition, v.ownValues());
  }
  const { n, np } = rows;
  const messages = pmap((ids: LocalIndices, own: Float64Array) => {
    const byPart = new Map<number, number[]>();
    for (let i = 0; i < own.length; i++) {
      const gid = ids.own.at(i);
      const q = blockOwner(gid, n, np);
      let list = byPart.get(q);
      if (list === undefined) byPart.set(q, (list = []));
      list.push(gid, own[i]);
    }
    return byPart;
  }, rows.partition, v.ownValues());
  return sendToBlocks(messages).map((lists, p) => {
    const span = blockSpan(p, n, np);
    const values = new Float64Array(span.count);
    for (const list of lists) for (let k = 0; k < list.length; k += 2) values[list[k] - span.first] = list[k + 1];
    return { first: span.first, values };
  });
}

/** The rows of a block already in file order. */
export function blockRows(block: MatrixBlock): RowSource {
  const { rowPtr, cols: blockCols, values: blockValues } = block;
  return {
    first: block.first,
    count: block.count,
    nnz: blockValues.length,
    length: (i) => rowPtr[i + 1] - rowPtr[i],
    row(i, cols, values, at) {
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++, at++) {
        cols[at] = blockCols[e];
        values[at] = blockValues[e];
      }
    },
  };
}

/** A part's rows as one block (CSR with global column ids, ascending in each row). */
function blockOf(source: RowSource): MatrixBlock {
  const { count, nnz } = source;
  // large arrays: the whole matrix passes through them (see readAt in byte-io.ts)
  const rowPtr = largeArrays.float64(count + 1);
  const cols = largeArrays.float64(nnz);
  const values = largeArrays.float64(nnz);
  for (let i = 0; i < count; i++) {
    const k = rowPtr[i];
    source.row(i, cols, values, k);
    rowPtr[i + 1] = k + source.length(i);
  }
  return { first: source.first, count, rowPtr, cols, values };
}

/**
 * The own rows of `A` in file order, as row sources (collective): read from the matrix's own
 * blocks when its own rows already are in file order, else moved as in {@link matrixBlocks}.
 */
export function matrixRows(A: PSparseMatrix): PData<RowSource> {
  if (ownsBlocksInOrder(A.rows)) return pmap(csrRows, A.rows.partition, A.cols.partition, A.ownOwn, A.ownGhost);
  return matrixBlocks(A).map(blockRows);
}

/** The own rows of `A` as blocks in file order (collective). */
export function matrixBlocks(A: PSparseMatrix): PData<MatrixBlock> {
  const { rows, cols } = A;
  const local = pmap((r: LocalIndices, c: LocalIndices, oo: CsrMatrix, og: CsrMatrix) => blockOf(csrRows(r, c, oo, og)), rows.partition, cols.partition, A.ownOwn, A.ownGhost);
  if (ownsBlocksInOrder(rows)) return local;
  const { n, np } = rows;
  // message per target part: gid, length, the columns, the values, for each row
  const messages = pmap((ids: LocalIndices, block: MatrixBlock) => {
    const byPart = new Map<number, number[]>();
    for (let i = 0; i < block.count; i++) {
      const gid = ids.own.at(i);
      const q = blockOwner(gid, n, np);
      let list = byPart.get(q);
      if (list === undefined) byPart.set(q, (list = []));
      const lo = block.rowPtr[i];
      const hi = block.rowPtr[i + 1];
      list.push(gid, hi - lo);
      for (let e = lo; e < hi; e++) list.push(block.cols[e]);
      for (let e = lo; e < hi; e++) list.push(block.values[e]);
    }
    return byPart;
  }, rows.partition, local);
  return sendToBlocks(messages).map((lists, p) => {
    const span = blockSpan(p, n, np);
    const where = new Array<{ list: number[]; at: number; length: number }>(span.count);
    let nnz = 0;
    for (const list of lists) {
      for (let k = 0; k < list.length; ) {
        const length = list[k + 1];
        where[list[k] - span.first] = { list, at: k + 2, length };
        nnz += length;
        k += 2 + 2 * length;
      }
    }
    const rowPtr = new Float64Array(span.count + 1);
    const colIds = new Float64Array(nnz);
    const values = new Float64Array(nnz);
    let e = 0;
    for (let i = 0; i < span.count; i++) {
      const { list, at, length } = where[i];
      for (let j = 0; j < length; j++, e++) {
        colIds[e] = list[at + j];
        values[e] = list[at + length + j];
      }
      rowPtr[i + 1] = e;
    }
    return { first: span.first, count: span.count, rowPtr, cols: colIds, values };
  });
}

/** Where each part reads (see {@link readPlan}). */
export interface ReadPlan {
  readonly rows: PRange;
  readonly spans: PData<RowSpan>;
  /** Whether the spans are the own rows (then no row moves after reading). */
  readonly direct: boolean;
  /** True when `rows` has no ghost on any part (the default range): nothing to make consistent. */
  readonly ghostFree: boolean;
}

/**
 * Where each part reads: the requested range (default the uniform 1-D partition of `n`), the span
 * each part reads, and whether those spans are the own rows (then no row moves after reading).
 * Collective.
 * @throws InvalidArgumentError when `rows` is given and not a PRange; DimensionMismatchError when
 * its size is not the file's.
 */
export function readPlan(
  ranks: PData<number>,
  n: number,
  rows: PRange | undefined,
  what: string,
): ReadPlan {
  if (rows === undefined) {
    const uniform = uniformPartition(ranks, n);
    return { rows: uniform, spans: ranks.map((p) => blockSpan(p, n, ranks.np)), direct: true, ghostFree: true };
  }
  expectInstance(rows, PRange, `${what}: rows`);
  if (rows.n !== n) {
    throw new DimensionMismatchError(`${what}: the file has ${n} rows but the requested rows range has ${rows.n}`);
  }
  if (ownsBlocksInOrder(rows)) {
    return { rows, spans: rows.partition.map((ids) => ({ first: ids.nOwn > 0 ? ids.own.at(0) : 0, count: ids.nOwn })), direct: true, ghostFree: false };
  }
  return { rows, spans: ranks.map((p) => blockSpan(p, n, ranks.np)), direct: false, ghostFree: false };
}

/** Where a part reads its span: into the own part of the new vector's local array when `direct` (no copy follows). */
export interface ReadTarget {
  readonly span: RowSpan;
  /** The vector's local array (direct reads), else undefined. */
  readonly local: Float64Array | undefined;
  /** The span's values go here. */
  readonly into: Float64Array;
}

/** Per part, where to read its span of a vector (allocated, not yet filled). */
export function readTargets(plan: { rows: PRange; spans: PData<RowSpan>; direct: boolean }): PData<ReadTarget> {
  const backend = plan.rows.backend;
  return pmap((ids: LocalIndices, span: RowSpan) => {
    if (!plan.direct) return { span, local: undefined, into: new Float64Array(span.count) };
    const local = backend.allocateFloat64(ids.nLocal);
    return { span, local, into: local.subarray(0, span.count) };
  }, plan.rows.partition, plan.spans);
}

/**
 * The vector read into `targets` (collective: routes the values when the reads were not direct,
 * fills the ghosts unless the range has none).
 */
export function vectorFromTargets(plan: ReadPlan, targets: PData<ReadTarget>): PVector {
  if (plan.direct) {
    const v = new PVector(plan.rows, targets.map((t) => t.local as Float64Array));
    return plan.ghostFree ? v : consistent(v).wait();
  }
  return vectorFromBlocks(plan.rows, false, targets.map((t) => ({ first: t.span.first, values: t.into })));
}

/**
 * The vector of `plan` from runs of consecutive rows (collective): part q's run holds rows
 * `runs[q].first ..` and has `runLengths[q]` values (every part knows every length), the runs in
 * part order covering every row once, as a text file's lines split among the parts. Each part
 * sends every other part the one slice of its run that falls in that part's span (so each value
 * moves at most once, in one message per pair of parts that share rows) and copies its own slice.
 */
export function vectorFromRuns(plan: ReadPlan, runs: PData<VectorBlock>, runLengths: readonly number[]): PVector {
  const np = runs.np;
  const runStarts = [0];
  for (const length of runLengths) runStarts.push(runStarts[runStarts.length - 1] + length);
  const n = runStarts[np];
  // every part's span: computed alone for the uniform blocks, else gathered
  const spans: RowSpan[] = plan.ghostFree || !plan.direct
    ? Array.from({ length: np }, (_, q) => blockSpan(q, n, np))
    : getAny(gather(plan.spans, { destination: 'all' }));
  const overlap = (run: number, span: number): [number, number] => [
    Math.max(runStarts[run], spans[span].first),
    Math.min(runStarts[run + 1], spans[span].first + spans[span].count),
  ];
  const shares = (run: number, span: number): boolean => {
    const [lo, hi] = overlap(run, span);
    return lo < hi;
  };
  const others = (p: number, keep: (q: number) => boolean): number[] => Array.from({ length: np }, (_, q) => q).filter((q) => q !== p && keep(q));
  const sendTo = runs.map((_, p) => others(p, (q) => shares(p, q)));
  const receiveFrom = runs.map((_, p) => others(p, (q) => shares(q, p)));
  const graph = exchangeGraph(sendTo, { rcv: receiveFrom });
  const send = pmap((run: VectorBlock, to: number[], p: number) => to.map((q) => {
    const [lo, hi] = overlap(p, q);
    return run.values.subarray(lo - runStarts[p], hi - runStarts[p]);
  }), runs, sendTo);
  const received = exchange(send, graph).wait();
  const targets = readTargets(plan);
  pmap((target: ReadTarget, run: VectorBlock, from: number[], got: Float64Array[], p: number) => {
    const first = spans[p].first;
    const [lo, hi] = overlap(p, p);
    if (lo < hi) target.into.set(run.values.subarray(lo - runStarts[p], hi - runStarts[p]), lo - first);
    from.forEach((q, k) => target.into.set(got[k], overlap(q, p)[0] - first));
  }, targets, runs, receiveFrom, received);
  return vectorFromTargets(plan, targets);
}

/** The vector on `rows` whose rows `block.first ..` are `block.values` on each part (collective). */
export function vectorFromBlocks(rows: PRange, direct: boolean, blocks: PData<VectorBlock>): PVector {
  const backend = rows.backend;
  if (direct) {
    const values = pmap((ids: LocalIndices, block: VectorBlock) => {
      const local = backend.allocateFloat64(ids.nLocal);
      local.set(block.values);
      return local;
    }, rows.partition, blocks);
    return consistent(new PVector(rows, values)).wait();
  }
  const gids = blocks.map((block) => Float64Array.from({ length: block.values.length }, (_, i) => block.first + i));
  const owners = findOwner(rows, gids);
  const messages = pmap((block: VectorBlock, owner: Int32Array) => {
    const byPart = new Map<number, number[]>();
    for (let i = 0; i < owner.length; i++) {
      let list = byPart.get(owner[i]);
      if (list === undefined) byPart.set(owner[i], (list = []));
      list.push(block.first + i, block.values[i]);
    }
    return byPart;
  }, blocks, owners);
  const lists = sendToBlocks(messages);
  const values = pmap((ids: LocalIndices, got: number[][]) => {
    const local = backend.allocateFloat64(ids.nLocal);
    for (const list of got) for (let k = 0; k < list.length; k += 2) local[ids.globalToOwn(list[k])] = list[k + 1];
    return local;
  }, rows.partition, lists);
  return consistent(new PVector(rows, values)).wait();
}

/**
 * The matrix on `rows` × `cols` from COO triplets read by each part (collective): with `assembled`
 * every triplet's row is owned by the part that read it, so nothing moves.
 */
export function matrixFromTriplets(
  rows: PRange,
  cols: PRange,
  triplets: PData<{ I: Float64Array; J: Float64Array; V: Float64Array }>,
  assembled: boolean,
): PSparseMatrix {
  return psparse(
    triplets.map((t) => t.I),
    triplets.map((t) => t.J),
    triplets.map((t) => t.V),
    rows,
    cols,
    { assembled, reuse: false },
  ).wait();
}

/** The column range of a read matrix: the one given, else the rows when square, else uniform. */
export function readCols(ranks: PData<number>, rows: PRange, nCols: number, cols: PRange | undefined, what: string): PRange {
  if (cols === undefined) return nCols === rows.n ? rows : uniformPartition(ranks, nCols);
  expectInstance(cols, PRange, `${what}: cols`);
  if (cols.n !== nCols) {
    throw new DimensionMismatchError(`${what}: the file has ${nCols} columns but the requested cols range has ${cols.n}`);
  }
  return cols;
}
