/**
 * The smoothed prolongator P = (I − ω D⁻¹A)·P0 of a level whose matrix has ghost entries (several
 * parts), straight from the aggregates as on one part (local-setup.ts), instead of the tentative
 * matrix P0 and the general distributed product A·P0.
 *
 * Aggregates never leave a part, so A's own-own block reaches only own aggregates and its ghost
 * block only the aggregates of the ghost rows' owners. The own block of P is the one-part kernel
 * on the own-own block (`smoothedProlongator`); the ghost block needs, per ghost column of A, the
 * global id of that row's aggregate and P0's value there (1/sqrt(aggregate size)), which the
 * owners send once along A.cols' ghost plan: two numbers per ghost row, where A·P0 sent the rows of
 * P0 with their column ids and owners, then built, counted and multiplied a product. Every sum
 * runs in the order A·P0 then the smoothing took (a row's ghost-block entries in stored order,
 * then the scaling by −ω/a_ii), so P has the same pattern, columns and bits as before, on every
 * backend.
 *
 * @module
 */
import type { CsrMatrix } from '../../kernels/csr.js';
import { largeArrays } from '../../kernels/large-arrays.js';
import { ghostPlan, type PartGhostPlan } from '../../partitions/ghost-plan.js';
import { LocalIndices } from '../../partitions/local-indices.js';
import { OwnRange } from '../../partitions/own-ids.js';
import { PRange } from '../../partitions/prange.js';
import { exchange, ExchangeGraph } from '../../pdata/exchange.js';
import { pmap, type PData } from '../../pdata/pdata.js';
import { assembledMatrix, type PSparseMatrix } from '../../sparse/psparse-matrix.js';
import type { Aggregates } from './aggregation.js';
import { fillProlongator, omega, type LocalProlongator, type Room, type SmoothingData } from './local-setup.js';
import { setupKernels } from './setup-kernels.js';

/** One part's prolongator and what a refresh rewrites. */
interface PartProlongator {
  readonly own: CsrMatrix;
  readonly ghost: CsrMatrix;
  /** P's arrays for the own block, with room for A's own-own entries. */
  readonly room: Room;
  /** Per ghost column of A: P's ghost column of its row's aggregate (−1: the row is in none). */
  readonly ghostColumn: Int32Array;
  /** Per ghost column of A: P0's value in that row (1/sqrt(its aggregate's size)). */
  readonly ghostP0: Float64Array;
  readonly colIds: LocalIndices;
}

/**
 * P = (I − ω D⁻¹A)·P0, ω = 4/(3ρ), for a matrix with ghost entries (collective: one exchange along
 * A.cols' ghost plan). P has A's rows and, as columns, `coarseRows`' own ids with exactly the ghost
 * aggregates its rows reference (ascending global id), as the product A·P0 gave.
 *
 * @param A the level's matrix (its rows and columns have the same own ids, checked by `amg`)
 * @param aggregates per part, the aggregate of each own row, numbered as `coarseRows`' own ids
 * @param coarseRows the coarse range: part p owns its aggregates
 * @param level the inverse diagonal and the spectral bound ρ of D⁻¹A
 */
export function ghostedProlongator(
  A: PSparseMatrix,
  aggregates: PData<Aggregates>,
  coarseRows: PRange,
  level: SmoothingData,
): LocalProlongator {
  const plan = ghostPlan(A.cols);
  // Owners send what their neighbours ghost: the owners-to-holders direction.
  const graph = new ExchangeGraph(
    plan.parts.map((part) => part.holders),
    plan.parts.map((part) => part.owners),
  );
  const sent = exchange(pmap(packAggregates, plan.parts, aggregates, coarseRows.partition), graph);
  const parts = pmap(
    (p: PartGhostPlan, ids: LocalIndices, og: CsrMatrix, received: Float64Array[], coarseIds: LocalIndices) =>
      ghostColumns(p, ids, og, received, coarseIds),
    plan.parts,
    A.cols.partition,
    A.ownGhost,
    sent.wait(),
    coarseRows.partition,
  );
  const built = pmap(
    (
      columns: ReturnType<typeof ghostColumns>,
      oo: CsrMatrix,
      og: CsrMatrix,
      found: Aggregates,
      inverse: Float64Array,
    ): PartProlongator => {
      const room = {
        rowPtr: largeArrays.int32(oo.nRows + 1),
        colIdx: largeArrays.int32(oo.rowPtr[oo.nRows]),
        values: largeArrays.float64(oo.rowPtr[oo.nRows]),
      };
      const nnz = fillProlongator(oo, found, inverse, omega(level), room);
      const own = {
        nRows: oo.nRows,
        nCols: found.count,
        rowPtr: room.rowPtr,
        colIdx: room.colIdx.subarray(0, nnz),
        values: room.values.subarray(0, nnz),
      };
      const ghost = ghostBlock(og, columns.ghostColumn, columns.ghostP0, columns.colIds.nGhost, inverse, omega(level));
      return { own, ghost, room, ...columns };
    },
    parts,
    A.ownOwn,
    A.ownGhost,
    aggregates,
    level.inverseDiagonal,
  );
  const cols = new PRange(coarseRows.n, built.map((part) => part.colIds), coarseRows.ownerOf);
  // Built valid (ascending offsets and columns below each block's width): no per-entry check.
  const P = assembledMatrix(
    A.rows,
    cols,
    built.map((part) => part.own),
    built.map((part) => part.ghost),
  );
  return {
    P,
    refresh(data: SmoothingData) {
      pmap(
        (part: PartProlongator, oo: CsrMatrix, og: CsrMatrix, found: Aggregates, inverse: Float64Array) => {
          fillProlongator(oo, found, inverse, omega(data), part.room);
          refreshGhostBlock(part.ghost, og, part.ghostColumn, part.ghostP0, inverse, omega(data));
        },
        built,
        A.ownOwn,
        A.ownGhost,
        aggregates,
        data.inverseDiagonal,
      );
    },
  };
}

/**
 * Per holder, for each own row it ghosts: the global id of the row's aggregate (−1: none), then
 * P0's value. The passes over the rows are kernel calls (setup-kernels.ts' aggregateWeights,
 * packAggregateRows; native when built): JavaScript loops over them (5·10⁵ own rows at n = 100
 * on two parts) would run cold, once per level.
 */
function packAggregates(plan: PartGhostPlan, { aggregateOf, count }: Aggregates, coarseIds: LocalIndices): Float64Array[] {
  if (plan.holders.length === 0) return [];
  const kernels = setupKernels();
  // From the large-array pool and handed back: fresh pages cost more to write the first time.
  const weight = largeArrays.float64(count);
  kernels.aggregateWeights(aggregateOf.length, aggregateOf, count, weight);
  // The AMG's coarse ranges are contiguous (variablePartition); other own ids are mapped after.
  const own = coarseIds.own;
  const contiguous = own instanceof OwnRange;
  const messages = Array.from(plan.holders, (_, h) => {
    const rows = plan.holderLids.subarray(plan.holderPtrs[h], plan.holderPtrs[h + 1]);
    const out = new Float64Array(2 * rows.length);
    kernels.packAggregateRows(rows.length, rows, aggregateOf, weight, contiguous ? own.first : 0, out);
    if (!contiguous) for (let k = 0; k < rows.length; k++) if (out[2 * k] >= 0) out[2 * k] = own.at(out[2 * k]);
    return out;
  });
  largeArrays.recycle(weight);
  return messages;
}

/**
 * P's ghost columns: the aggregates of A's ghost rows that some ghost entry reaches, in ascending
 * global id, owned by the rows' owners; per ghost column of A, its P column and P0 value.
 */
function ghostColumns(
  plan: PartGhostPlan,
  ids: LocalIndices,
  og: CsrMatrix,
  received: Float64Array[],
  coarseIds: LocalIndices,
): { ghostColumn: Int32Array; ghostP0: Float64Array; colIds: LocalIndices } {
  const nGhost = ids.nGhost;
  const aggregateGid = new Float64Array(nGhost).fill(-1);
  const ghostP0 = new Float64Array(nGhost);
  const kernels = setupKernels();
  // One kernel call per message (native when built): a JavaScript loop over the ghosts would run
  // cold, once per level.
  for (let i = 0; i < received.length; i++) {
    const lids = plan.ghostLids.subarray(plan.ownerPtrs[i], plan.ownerPtrs[i + 1]);
    kernels.placePairs(lids.length, lids, ids.nOwn, received[i], aggregateGid, ghostP0);
  }
  // The ghost rows the ghost block reaches (a ghost column of A may be referenced by no entry
  // only if A.cols has more ghosts than the block uses; psparse and the products never do) and
  // their aggregates: one kernel call (native when built), where JavaScript Maps over the ghosts
  // ran cold, once per level.
  const room = new Float64Array(nGhost);
  const firstGhost = new Int32Array(nGhost);
  const ghostColumn = new Int32Array(nGhost);
  const count = kernels.ghostAggregateColumns(
    nGhost, aggregateGid, og.rowPtr[og.nRows], og.colIdx, new Int32Array(nGhost), room, firstGhost, ghostColumn,
  );
  const gids = room.slice(0, count);
  const ghostToOwner = new Int32Array(count);
  for (let c = 0; c < count; c++) ghostToOwner[c] = ids.ghostToOwner[firstGhost[c]];
  const colIds = new LocalIndices(coarseIds.partId, coarseIds.n, coarseIds.own, gids, ghostToOwner);
  return { ghostColumn, ghostP0, colIds };
}

/**
 * P's ghost block: row i sums a_ig·p0_g over A's ghost-block entries in stored order per ghost
 * aggregate (columns ascending), then scales by −ω/a_ii (no P0 term: a row's own aggregate is own).
 * One kernel call (setup-kernels.ts' prolongatorGhostBlock, native when built): a JavaScript loop
 * over the entries runs cold, once per level.
 */
function ghostBlock(
  og: CsrMatrix,
  ghostColumn: Int32Array,
  ghostP0: Float64Array,
  nCols: number,
  inverse: Float64Array,
  omega: number,
): CsrMatrix {
  const { nRows, rowPtr: aPtr } = og;
  const rowPtr = largeArrays.int32(nRows + 1);
  const room = aPtr[nRows];
  const colIdx = new Int32Array(room);
  const values = new Float64Array(room);
  const marker = new Int32Array(nCols).fill(-1);
  const accumulator = new Float64Array(nCols);
  const next = setupKernels().prolongatorGhostBlock(
    nRows, aPtr, og.colIdx, og.values, ghostColumn, ghostP0, nCols, inverse, omega, marker, accumulator, rowPtr, colIdx, values,
  );
  return { nRows, nCols, rowPtr, colIdx: colIdx.subarray(0, next), values: values.subarray(0, next) };
}

/** Recomputes the ghost block's values in place (same pattern) for A's current values. */
function refreshGhostBlock(
  ghost: CsrMatrix,
  og: CsrMatrix,
  ghostColumn: Int32Array,
  ghostP0: Float64Array,
  inverse: Float64Array,
  omega: number,
): void {
  const { nRows, rowPtr, colIdx } = ghost;
  const values = ghost.values as Float64Array;
  const accumulator = new Float64Array(ghost.nCols);
  for (let i = 0; i < nRows; i++) {
    for (let e = og.rowPtr[i]; e < og.rowPtr[i + 1]; e++) {
      const c = ghostColumn[og.colIdx[e]];
      if (c >= 0) accumulator[c] += og.values[e] * ghostP0[og.colIdx[e]];
    }
    const scale = -omega * inverse[i];
    for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
      values[k] = scale * accumulator[colIdx[k]];
      accumulator[colIdx[k]] = 0;
    }
  }
}
