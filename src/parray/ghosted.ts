/**
 * Ghosted reads of arbitrary elements of a {@link PArray} (MPIArrays' `GhostedBlock`).
 *
 * @module
 */
import { describeValue } from '../argument-checks.js';
import type { Window } from '../backends/backend.js';
import { IndexOutOfRangeError, InvalidArgumentError } from '../errors.js';
import { isNumberList } from '../partitions/local-indices.js';
import type { PData } from '../pdata/pdata.js';
import { strides } from './block-plan.js';
import type { Layout } from './layout.js';
import { checkFactoryKey, type FactoryKey } from '../factory-key.js';

/** One local part's requests: per owner, sorted local offsets merged into runs. */
interface PartRequests {
  /** Flat global index → position in `values`. */
  readonly position: Map<number, number>;
  readonly values: Float64Array;
  readonly owners: { part: number; starts: Float64Array; counts: Float64Array; first: number }[];
}

/**
 * The elements some parts want to read, made by `PArray.ghosted`. {@link GhostedBlock.sync}
 * (collective) fetches them with one one-sided read per owning part; {@link GhostedBlock.get}
 * then reads them, as many times as wanted, until the next `sync()` refreshes them.
 * @example
 * ```ts
 * const g = a.ghosted(ranks.map((p) => [[p, 0], [0, p]]));
 * g.sync();
 * ranks.map((p) => g.get([p, 0], p));
 * ```
 * @group Dense distributed arrays (PArray)
 */
export class GhostedBlock {
  private readonly layout: Layout;
  private readonly window: Window;
  private readonly parts: readonly number[];
  private readonly requests: readonly PartRequests[];
  private synced = false;

  /**
   * @internal Use `PArray.ghosted`.
   * @throws InvalidArgumentError when called with `new` from outside the library.
   */
  constructor(key: FactoryKey, layout: Layout, window: Window, indices: PData<ArrayLike<readonly number[]>>) {
    checkFactoryKey(key, 'GhostedBlock', 'PArray.ghosted(indices)');
    this.layout = layout;
    this.window = window;
    this.parts = indices.partIds;
    const globalStrides = strides(layout.shape);
    this.requests = indices.localItems.map((list, i) => {
      const partId = indices.partIds[i];
      if (!isNumberList(list as unknown) && !Array.isArray(list)) {
        throw new InvalidArgumentError(`ghosted: indices must be a list of global indices, got ${describeValue(list)}`, { partId });
      }
      // Per owner, (local offset, flat global index) pairs.
      const byOwner = new Map<number, { offset: number; flat: number }[]>();
      const seen = new Set<number>();
      for (let k = 0; k < list.length; k++) {
        const index = list[k];
        const flat = this.flatIndex(index, globalStrides, partId);
        if (seen.has(flat)) continue;
        seen.add(flat);
        const { part, offset } = this.locate(index);
        let entries = byOwner.get(part);
        if (entries === undefined) byOwner.set(part, (entries = []));
        entries.push({ offset, flat });
      }
      const position = new Map<number, number>();
      const owners: PartRequests['owners'] = [];
      let at = 0;
      for (const part of [...byOwner.keys()].sort((a, b) => a - b)) {
        const entries = byOwner.get(part)!.sort((a, b) => a.offset - b.offset);
        const starts: number[] = [];
        const counts: number[] = [];
        const first = at;
        entries.forEach((e, k) => {
          position.set(e.flat, at++);
          if (k > 0 && e.offset === entries[k - 1].offset + 1) counts[counts.length - 1]++;
          else {
            starts.push(e.offset);
            counts.push(1);
          }
        });
        owners.push({ part, starts: Float64Array.from(starts), counts: Float64Array.from(counts), first });
      }
      return { position, values: new Float64Array(at), owners };
    });
  }

  /**
   * Fetches the requested elements (collective): a fence, so every earlier write is visible, then
   * one one-sided read per owner, then a fence, so the values are those of the moment of the call.
   * @throws InvalidArgumentError when called inside per-part code or after the array was freed.
   */
  sync(): void {
    this.window.fence();
    this.requests.forEach((r, i) => {
      for (const o of r.owners) {
        const n = o.counts.reduce((a, b) => a + b, 0);
        this.window.get(this.parts[i], o.part, o.starts, o.counts, r.values.subarray(o.first, o.first + n));
      }
    });
    this.window.fence();
    this.synced = true;
  }

  /**
   * The value of a requested element, as fetched by the last {@link GhostedBlock.sync}. `part` is
   * the local part that requested it (default: this process's only part).
   * @throws InvalidArgumentError before the first sync, when `part` is not given while this
   * process holds several parts, or when the index was not requested by that part;
   * IndexOutOfRangeError when it lies outside the array.
   */
  get(globalIndex: readonly number[], part?: number): number {
    if (!this.synced) throw new InvalidArgumentError('GhostedBlock.get: call sync() first (it fetches the values)');
    let i = 0;
    if (part === undefined) {
      if (this.parts.length !== 1) {
        throw new InvalidArgumentError(`GhostedBlock.get: this process holds parts ${this.parts.join(', ')}: say which part reads (get(index, part))`);
      }
    } else {
      i = this.parts.indexOf(part);
      if (i < 0) throw new InvalidArgumentError(`GhostedBlock.get: part ${describeValue(part)} is not held by this process`);
    }
    const flat = this.flatIndex(globalIndex, strides(this.layout.shape), this.parts[i]);
    const at = this.requests[i].position.get(flat);
    if (at === undefined) {
      throw new InvalidArgumentError(`GhostedBlock.get: [${globalIndex.join(', ')}] was not requested by part ${this.parts[i]}`, { partId: this.parts[i] });
    }
    return this.requests[i].values[at];
  }

  private flatIndex(index: unknown, globalStrides: readonly number[], partId: number): number {
    const { shape } = this.layout;
    if (!isNumberList(index) || index.length !== shape.length) {
      throw new InvalidArgumentError(`ghosted: a global index must be an array of ${shape.length} integers, got ${describeValue(index)}`, { partId });
    }
    let flat = 0;
    for (let d = 0; d < shape.length; d++) {
      const g = index[d];
      if (!Number.isSafeInteger(g)) throw new InvalidArgumentError(`ghosted: index component ${describeValue(g)} is not an integer`, { partId });
      if (g < 0 || g >= shape[d]) {
        throw new IndexOutOfRangeError(`ghosted: index [${Array.from(index).join(', ')}] lies outside the shape [${shape.join(', ')}]`, { partId });
      }
      flat += g * globalStrides[d];
    }
    return flat;
  }

  /** The owner of a (checked) global index and its offset in the owner's memory. */
  private locate(index: readonly number[]): { part: number; offset: number } {
    const coords = this.layout.dims.map((dim, d) => dim.owner(index[d]));
    const part = this.layout.part(coords);
    const localStrides = strides(this.layout.localShape(part));
    let offset = 0;
    this.layout.dims.forEach((dim, d) => (offset += dim.local(index[d]) * localStrides[d]));
    return { part, offset };
  }
}
