/**
 * A collective consistency check of point-to-point plans, so that an inconsistent exchange graph
 * or channel plan throws on every rank, naming the parts, instead of leaving a receive that is
 * never matched (a hang) or a message that is never received.
 *
 * The actual lists are compared, not a digest of them: an `MPI_Alltoall` tells every rank how many
 * messages each rank sends it, and an `MPI_Alltoallv` the length of each, in the sender's order
 * (which is the order MPI matches messages of one tag between two ranks). Each rank compares them
 * with its receive list; one `MPI_Allgather` of each rank's first disagreement then makes every
 * rank throw, even those whose own lists are right. The lengths are what the exchange receives.
 *
 * @module
 */
import { InvalidArgumentError } from '../../errors.js';
import type { MpiBinding } from './binding.js';

/** What the parts' plans are called in error messages, and what one message is. */
export type PlanKind = 'exchange graph' | 'channel plan';

/** Words per rank of the status allgather: code, the part it concerns, sent, expected. */
const STATUS_WORDS = 4;
const AGREE = 0;
const COUNT = 1;
const LENGTH = 2;

/**
 * This rank's first disagreement, as `[code, other part, what it sends, what is expected]`, or
 * `[0, 0, 0, 0]` when its receive side matches what the others send.
 *
 * @param countsIn per part p, how many messages p sends to `me`.
 * @param lengthsIn the lengths of those messages, grouped by sender in part order, each group in
 * the sender's order.
 * @param sources the parts `me` expects messages from, in its order.
 * @param recvLengths the lengths `me` expects, aligned with `sources` (undefined: not checked).
 */
export function firstDisagreement(
  np: number,
  countsIn: Int32Array,
  lengthsIn: Int32Array,
  sources: ArrayLike<number>,
  recvLengths?: ArrayLike<number>,
): Int32Array {
  const status = new Int32Array(STATUS_WORDS);
  const expected = new Int32Array(np);
  for (let k = 0; k < sources.length; k++) expected[sources[k]]++;
  for (let p = 0; p < np; p++) {
    if (countsIn[p] !== expected[p]) {
      status.set([COUNT, p, countsIn[p], expected[p]]);
      return status;
    }
  }
  if (recvLengths === undefined) return status;
  const next = groupStarts(countsIn);
  for (let k = 0; k < sources.length; k++) {
    const p = sources[k];
    const sent = lengthsIn[next[p]++];
    if (sent !== recvLengths[k]) {
      status.set([LENGTH, p, sent, recvLengths[k]]);
      return status;
    }
  }
  return status;
}

/** Exclusive prefix sums: where each part's group starts. */
function groupStarts(counts: Int32Array): Int32Array {
  const starts = new Int32Array(counts.length);
  for (let p = 1; p < counts.length; p++) starts[p] = starts[p - 1] + counts[p - 1];
  return starts;
}

/**
 * What every rank learns of the messages sent to it (collective): one `MPI_Alltoall` of message
 * counts per pair of ranks, one `MPI_Alltoallv` of the messages' lengths. Returns the counts per
 * sender, where each sender's lengths start, and the lengths (senders ascending, each sender's in
 * its send order).
 */
function messageLengthsIn(
  binding: MpiBinding,
  np: number,
  targets: ArrayLike<number>,
  sendLengths: ArrayLike<number>,
): { countsIn: Int32Array; inStarts: Int32Array; lengthsIn: Int32Array } {
  const countsOut = new Int32Array(np);
  for (let k = 0; k < targets.length; k++) countsOut[targets[k]]++;
  const countsIn = new Int32Array(np);
  binding.alltoall(countsOut, countsIn);
  const out = groupStarts(countsOut);
  const lengthsOut = new Int32Array(targets.length);
  const fill = out.slice();
  for (let k = 0; k < targets.length; k++) lengthsOut[fill[targets[k]]++] = sendLengths[k];
  const inStarts = groupStarts(countsIn);
  const lengthsIn = new Int32Array(np === 0 ? 0 : inStarts[np - 1] + countsIn[np - 1]);
  binding.alltoallv(lengthsOut, countsOut, out, lengthsIn, countsIn, inStarts);
  return { countsIn, inStarts, lengthsIn };
}

function describe(what: PlanKind, rank: number, status: Int32Array, at: number): string {
  const [code, p, sent, expected] = status.subarray(at, at + STATUS_WORDS);
  const unit = what === 'exchange graph' ? 'item(s)' : 'segment(s)';
  return code === COUNT
    ? `inconsistent ${what}: part ${rank} expects ${expected} ${unit} from part ${p}, which sends it ${sent}`
    : `inconsistent ${what}: part ${p} sends ${sent} values to part ${rank}, which expects ${expected}`;
}

/**
 * Checks, collectively, that what every rank sends is what its receivers expect: the same number
 * of messages between every two ranks and, when `recvLengths` is given, the same lengths in the
 * same order. Returns the lengths this rank will receive, aligned with `sources` (so an exchange
 * needs no further message to size its receives).
 *
 * @throws InvalidArgumentError (partId `rank`) on every rank when the plans disagree, naming the
 * first disagreement seen by this rank, or else by the lowest rank that saw one:
 * `"inconsistent exchange graph: part 0 expects 1 item(s) from part 1, which sends it 0"`,
 * `"inconsistent channel plan: part 0 sends 2 values to part 1, which expects 3"`.
 */
export function checkPlansAgree(
  binding: MpiBinding,
  rank: number,
  np: number,
  what: PlanKind,
  targets: ArrayLike<number>,
  sources: ArrayLike<number>,
  sendLengths: ArrayLike<number>,
  recvLengths?: ArrayLike<number>,
): Int32Array {
  const { countsIn, inStarts, lengthsIn } = messageLengthsIn(binding, np, targets, sendLengths);
  const mine = firstDisagreement(np, countsIn, lengthsIn, sources, recvLengths);
  const all = new Int32Array(STATUS_WORDS * np);
  binding.allgather(mine, all);
  const failed = (q: number): boolean => all[q * STATUS_WORDS] !== AGREE;
  const first = failed(rank) ? rank : Array.from({ length: np }, (_, q) => q).find(failed);
  if (first !== undefined) {
    throw new InvalidArgumentError(describe(what, first, all, first * STATUS_WORDS), { partId: rank });
  }
  const next = inStarts.slice();
  return Int32Array.from(sources, (p) => lengthsIn[next[p]++]);
}

/**
 * What every rank sends to `rank`, learned without a receive list: one `MPI_Alltoall` of message
 * counts and one `MPI_Alltoallv` of their lengths. Returns the senders (ascending, a rank once per
 * message, which is the order MPI matches one tag's messages from one rank) and the lengths,
 * aligned with them.
 */
export function incomingMessages(
  binding: MpiBinding,
  np: number,
  targets: ArrayLike<number>,
  sendLengths: ArrayLike<number>,
): { sources: Int32Array; lengths: Int32Array } {
  const { countsIn, inStarts, lengthsIn } = messageLengthsIn(binding, np, targets, sendLengths);
  const sources = new Int32Array(lengthsIn.length);
  for (let p = 0; p < np; p++) sources.fill(p, inStarts[p], inStarts[p] + countsIn[p]);
  return { sources, lengths: lengthsIn };
}
