/**
 * Point-to-point exchange between parts along an {@link ExchangeGraph}.
 *
 * @module
 */
import { checkOptions, describeValue, expectInstance } from '../argument-checks.js';
import type { Pending } from '../backends/pending.js';
import { InvalidArgumentError } from '../errors.js';
import { PData, pmap, sameBackend } from './pdata.js';
import { gather } from './primitives.js';

/**
 * Who sends to whom: on each part, `snd` lists the parts it sends to and `rcv` the parts it
 * receives from (ascending when discovered). The graph is consistent: `q ∈ snd_p ⇔ p ∈ rcv_q`.
 * @group PData: one item per part, and the collectives
 */
export class ExchangeGraph {
  /** Per part, the ids of the parts it sends to. */
  readonly snd: PData<Int32Array>;
  /** Per part, the ids of the parts it receives from. */
  readonly rcv: PData<Int32Array>;

  /**
   * Wraps given lists as they are (not checked for consistency: {@link exchangeGraph} builds
   * checked lists).
   * @throws InvalidArgumentError when `snd` or `rcv` is not a PData; PartitionMismatchError when
   * they belong to different runs.
   */
  constructor(snd: PData<Int32Array>, rcv: PData<Int32Array>) {
    expectInstance(snd, PData, 'ExchangeGraph: snd');
    expectInstance(rcv, PData, 'ExchangeGraph: rcv');
    sameBackend([snd, rcv]);
    this.snd = snd;
    this.rcv = rcv;
  }

  /** The same graph with the directions swapped (who sent now receives). */
  reverse(): ExchangeGraph {
    return new ExchangeGraph(this.rcv, this.snd);
  }
}

function toPartList(ids: ArrayLike<number>, np: number, partId: number, what: string): Int32Array {
  if (!Array.isArray(ids) && !ArrayBuffer.isView(ids)) {
    throw new InvalidArgumentError(`${what} must be an array of part ids, got ${describeValue(ids)}`, { partId });
  }
  const out = Int32Array.from(ids);
  const seen = new Set<number>();
  for (let k = 0; k < out.length; k++) {
    const q = ids[k];
    if (!Number.isInteger(q) || q < 0 || q >= np) {
      throw new InvalidArgumentError(`${what} lists ${String(q)}, not a part id in 0..${np - 1}`, { partId });
    }
    if (q === partId) throw new InvalidArgumentError(`${what} lists the part itself`, { partId });
    if (seen.has(q)) throw new InvalidArgumentError(`${what} lists part ${q} twice`, { partId });
    seen.add(q);
  }
  return out;
}

/**
 * Builds an exchange graph from the send lists, discovering the receive lists (collective: one
 * gather of every send list on every part, each part then keeps the senders that name it; receive
 * lists come out ascending). With `rcv` given nothing is discovered; with `symmetric: true` the receive lists are
 * the send lists.
 *
 * @throws InvalidArgumentError when `snd` (or `rcv`) is not a PData of arrays, the options have an
 * unknown key, or a list names a part that does not exist, the part itself, or a part twice.
 * @example
 * ```ts
 * const graph = exchangeGraph(ranks.map((p) => [(p + 1) % np]));   // a ring
 * ```
 * @group PData: one item per part, and the collectives
 */
export function exchangeGraph(
  snd: PData<ArrayLike<number>>,
  opts?: { rcv?: PData<ArrayLike<number>>; symmetric?: boolean },
): ExchangeGraph {
  expectInstance(snd, PData, 'exchangeGraph: snd');
  const { rcv, symmetric } = checkOptions(opts, ['rcv', 'symmetric'], 'exchangeGraph');
  if (rcv !== undefined) expectInstance(rcv, PData, 'exchangeGraph: rcv');
  const np = snd.np;
  const sndLists = snd.map((ids, p) => toPartList(ids, np, p, 'exchange graph send list'));
  if (rcv !== undefined) {
    sameBackend([snd, rcv]);
    return new ExchangeGraph(
      sndLists,
      rcv.map((ids, p) => toPartList(ids, np, p, 'exchange graph receive list')),
    );
  }
  if (symmetric === true) return new ExchangeGraph(sndLists, sndLists);
  // One collective: every part gets every send list and picks the senders that name it.
  const rcvLists = gather(sndLists, { destination: 'all' }).map((all, p) => {
    const senders: number[] = [];
    all.forEach((targets, sender) => {
      if (targets.includes(p)) senders.push(sender);
    });
    return Int32Array.from(senders);
  });
  return new ExchangeGraph(sndLists, rcvLists);
}

/** Each part's items: an array as long as its send list. */
function checkSendItems<T>(send: PData<readonly T[]>, snd: PData<Int32Array>): void {
  pmap((items: readonly T[], targets: Int32Array, p: number) => {
    if (!Array.isArray(items) || items.length !== targets.length) {
      throw new InvalidArgumentError(
        `exchange: part sends ${Array.isArray(items) ? items.length : 'no array of'} items but its send list has ${targets.length} targets`,
        { partId: p },
      );
    }
  }, send, snd);
}

/**
 * Sends, on each part, item `k` of `send` to part `graph.snd[k]`; resolves to, on each part, the
 * items received from `graph.rcv[k]` in that order. Items are numbers or typed arrays (any
 * structured data works; they are copied).
 *
 * @throws InvalidArgumentError when `send` is not a PData, `graph` is not an ExchangeGraph, a
 * part's items are not an array as long as its send list, or an item cannot be copied;
 * PartitionMismatchError when they belong to different runs.
 * @example
 * ```ts
 * const received = exchange(ranks.map(() => [1, 2]), graph).wait();
 * ```
 * @group PData: one item per part, and the collectives
 */
export function exchange<T>(send: PData<readonly T[]>, graph: ExchangeGraph): Pending<PData<T[]>> {
  expectInstance(send, PData, 'exchange: send');
  expectInstance(graph, ExchangeGraph, 'exchange: graph');
  const backend = sameBackend([send, graph.snd]);
  checkSendItems(send, graph.snd);
  return backend
    .exchange(send.localItems, graph.snd.localItems, graph.rcv.localItems)
    .map((received) => new PData(backend, received));
}

/**
 * What {@link exchangeDiscovering} resolves to.
 * @group PData: one item per part, and the collectives
 */
export interface DiscoveredExchange<T> {
  /** The exchange's graph: the send lists given, the receive lists found (ascending part ids). */
  readonly graph: ExchangeGraph;
  /** Per part, the items received, in the order of its receive list (a sender's in send order). */
  readonly received: PData<T[]>;
}

/**
 * {@link exchange} for parts that know whom they send to but not who sends to them: sends, on
 * each part, item `k` of `send` to part `snd[k]`, and resolves to the graph found on the way
 * (receive lists ascending, as {@link exchangeGraph} gives them) and, per part, the items received
 * in the order of its receive list. Collective; one exchange, where {@link exchangeGraph} followed
 * by {@link exchange} takes a gather of every send list first.
 *
 * @throws InvalidArgumentError as {@link exchangeGraph} for a bad send list, as {@link exchange}
 * for items that do not match it or cannot be copied; PartitionMismatchError when `send` and `snd`
 * belong to different runs.
 * @example
 * ```ts
 * const { graph, received } = exchangeDiscovering(ranks.map((p) => [p]), ranks.map((p) => [(p + 1) % np])).wait();
 * ```
 * @group PData: one item per part, and the collectives
 */
export function exchangeDiscovering<T>(
  send: PData<readonly T[]>,
  snd: PData<ArrayLike<number>>,
): Pending<DiscoveredExchange<T>> {
  expectInstance(send, PData, 'exchange: send');
  expectInstance(snd, PData, 'exchange: snd');
  const backend = sameBackend([send, snd]);
  const np = snd.np;
  const sndLists = snd.map((ids, p) => toPartList(ids, np, p, 'exchange graph send list'));
  checkSendItems(send, sndLists);
  return backend.discoverExchange(send.localItems, sndLists.localItems).map((found) => ({
    graph: new ExchangeGraph(sndLists, new PData(backend, found.map(([rcv]) => rcv))),
    received: new PData(backend, found.map(([, items]) => items)),
  }));
}
