/**
 * Moving the elements of a global box from one PArray layout to another by one-sided reads: each
 * destination part reads exactly the elements it receives from each source part's memory
 * straight into its own (Threads and Sequential: a copy out of the owner's memory; MPI: `MPI_Get`
 * from the owner's window), in runs along dimension 0. No send or receive buffer is allocated and
 * nothing is packed, so each moving element is copied once, where {@link route}'s channel copies
 * it three times (pack, move, unpack) through buffers as large as the moving share, which are new
 * memory at every call (for an 8000×8000 array over 2 parts, 128 MB per part and direction).
 *
 * Used when dimension 0 is contiguous on both sides ('block' or `{ sizes }`), so that every share
 * is whole runs on both sides (consecutive local indices along dimension 0).
 *
 * @module
 */
import type { PData } from '../pdata/pdata.js';
import { strides } from './block-plan.js';
import type { Layout } from './layout.js';
import { destinationGroups, forEachRunBase, partners } from './route.js';

/** A one-sided read of runs of `target`'s memory into `out`, back to back (`Window.get`). */
export type ReadRuns = (origin: number, target: number, starts: number[], counts: number[], out: Float64Array) => void;

/** Shortest average run (elements along dimension 0 per part) for which pulling pays off. */
const MIN_RUN = 64;

/**
 * Whether {@link pullBox} can move the box from `src` to `dst`: dimension 0 contiguous on both
 * sides and long enough runs. Depends on the layouts only, so every part decides the same.
 */
export function pullable(src: Layout, dst: Layout): boolean {
  const d0 = (layout: Layout): boolean => layout.dims[0].contiguous;
  return d0(src) && d0(dst) && dst.shape[0] >= MIN_RUN * Math.max(src.grid[0], dst.grid[0]);
}

/** Runs of one source part gathered while the destination stays contiguous. */
class RunBatch {
  starts: number[] = [];
  counts: number[] = [];
  at = -1;
  length = 0;

  /** Adds the run `[srcStart, srcStart + n)` landing at `dstStart`; false when it does not continue the batch. */
  add(srcStart: number, dstStart: number, n: number): boolean {
    if (this.length > 0 && dstStart !== this.at + this.length) return false;
    if (this.length === 0) this.at = dstStart;
    const last = this.starts.length - 1;
    if (last >= 0 && this.starts[last] + this.counts[last] === srcStart) this.counts[last] += n;
    else {
      this.starts.push(srcStart);
      this.counts.push(n);
    }
    this.length += n;
    return true;
  }

  clear(): void {
    this.starts = [];
    this.counts = [];
    this.length = 0;
  }
}

/**
 * Copies the box `[lo, lo + dst.shape)` of a PArray laid out by `src` (its local parts' values
 * `srcValues`, the others read through `read`) into `dstValues` laid out by `dst` (destination
 * index t holds source index t + lo). Not collective: the caller fences the source before (its
 * owners' writes visible to the readers) and the destination after. Requires {@link pullable}.
 */
export function pullBox(
  src: Layout,
  srcValues: PData<Float64Array>,
  read: ReadRuns,
  dst: Layout,
  dstValues: PData<Float64Array>,
  lo: readonly number[],
): void {
  const srcIds = srcValues.partIds;
  const srcLocal = srcValues.localItems;
  dstValues.localItems.forEach((to, i) => {
    const p = dstValues.partIds[i];
    const c = dst.coords(p);
    const dstStrides = strides(dst.localShape(p));
    for (const { part: q, lists } of partners(destinationGroups(src, dst, lo, p), src)) {
      // The same elements' local indices on the source side.
      const srcLists = lists.map((list, d) => list.map((l) => src.dims[d].local(dst.dims[d].global(c[d], l) + lo[d])));
      const local = srcIds.indexOf(q);
      const from = local >= 0 ? srcLocal[local] : undefined;
      const n0 = lists[0].length;
      const batch = new RunBatch();
      const flush = (): void => {
        if (batch.length === 0) return;
        const out = to.subarray(batch.at, batch.at + batch.length);
        if (from === undefined) read(p, q, batch.starts, batch.counts, out);
        else {
          let at = 0;
          batch.starts.forEach((start, k) => {
            out.set(from.subarray(start, start + batch.counts[k]), at);
            at += batch.counts[k];
          });
        }
        batch.clear();
      };
      forEachRunBase(srcLists, strides(src.localShape(q)), lists, dstStrides, (a, b) => {
        const srcStart = a + srcLists[0][0];
        const dstStart = b + lists[0][0];
        if (!batch.add(srcStart, dstStart, n0)) {
          flush();
          batch.add(srcStart, dstStart, n0);
        }
      });
      flush();
    }
  });
}
