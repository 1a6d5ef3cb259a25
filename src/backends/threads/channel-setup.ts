/**
 * Collective creation of a {@link ThreadsChannel}: each part allocates its shared inbox (around its
 * own receive array when it gave one) and gives it (with its receive plan) to the parts it
 * receives from, over the peer ports (control path); after a rendezvous every sender takes the
 * inboxes it was given and checks the plans against its own.
 *
 * @module
 */
import type { ChannelOptions, ChannelPlan } from '../backend.js';
import { channelRecvArrays } from '../part-storage.js';
import { checkChannelPlan } from '../seam-checks.js';
import { InvalidArgumentError } from '../../errors.js';
import { allocateInbox, ThreadsChannel, type OutSegment } from './channel.js';
import type { ChannelInboxMessage } from './messages.js';
import type { PeerPorts } from './peer-ports.js';
import { NO_ROOT, type Rendezvous } from './rendezvous.js';
import { Kind } from '../collectives.js';
import type { SharedState } from './shared-state.js';
import type { Waiter } from './waiting.js';

/** What `openChannel` needs from the backend of one part. */
export interface ChannelContext {
  readonly me: number;
  readonly state: SharedState;
  readonly waiter: Waiter;
  readonly rendezvous: Rendezvous;
  readonly peers: PeerPorts;
}

/** Index of the `occurrence`-th (0-based) entry equal to `value`, or -1. */
function nthIndexOf(list: Int32Array, value: number, occurrence: number): number {
  let seen = 0;
  for (let k = 0; k < list.length; k++) {
    if (list[k] === value && seen++ === occurrence) return k;
  }
  return -1;
}

function countOf(list: Int32Array, value: number): number {
  let n = 0;
  for (const v of list) if (v === value) n++;
  return n;
}

/**
 * Builds this part's side of a channel (collective: every part calls it with its plan, in the
 * same order as the other collectives). Received values go into `options.recv[0]` when given,
 * else into a buffer of the channel's own.
 * @throws InvalidArgumentError when the plan is malformed or disagrees with another part's, or the
 * receive array is not shared memory of the plan's receive length (before any communication).
 */
export function openChannel(
  plan: ChannelPlan,
  channelId: number,
  ctx: ChannelContext,
  options: ChannelOptions | undefined,
): ThreadsChannel {
  const { me, state, rendezvous, peers } = ctx;
  const np = state.np;
  checkChannelPlan(np, plan, me);
  const [recv] = channelRecvArrays([plan], options, [me], true);
  const inbox = allocateInbox(plan.rcv.length, plan.rcvPtrs[plan.rcv.length], recv);
  const own: ChannelInboxMessage = {
    type: 'channel-inbox',
    channelId,
    from: me,
    words: inbox.words,
    values: inbox.values,
    staging: inbox.staging,
    rcv: plan.rcv,
    rcvPtrs: plan.rcvPtrs,
  };
  for (const q of new Set(plan.rcv)) if (q !== me) peers.post(q, own);
  rendezvous.meet(Kind.createChannel, NO_ROOT);

  const receivers = new Map<number, ChannelInboxMessage>();
  if (plan.rcv.includes(me)) receivers.set(me, own);
  for (let q = 0; q < np; q++) {
    const inboxOfQ = q === me ? undefined : peers.takeChannelInbox(q, channelId);
    if (inboxOfQ !== undefined) receivers.set(q, inboxOfQ);
  }
  for (const [q, info] of receivers) {
    const expected = countOf(info.rcv, me);
    const sent = countOf(plan.snd, q);
    if (sent !== expected) {
      throw new InvalidArgumentError(
        `inconsistent channel plan: part ${q} expects ${expected} segment(s) from part ${me}, which sends it ${sent}`,
        { partId: me },
      );
    }
  }

  const seen = new Map<number, number>();
  const out: OutSegment[] = Array.from(plan.snd, (q, i) => {
    const info = receivers.get(q);
    if (info === undefined) {
      throw new InvalidArgumentError(
        `inconsistent channel plan: part ${me} sends to part ${q}, which expects nothing from it`,
        { partId: me },
      );
    }
    const occurrence = seen.get(q) ?? 0;
    seen.set(q, occurrence + 1);
    const segment = nthIndexOf(info.rcv, me, occurrence);
    const from = plan.sndPtrs[i];
    const until = plan.sndPtrs[i + 1];
    const expected = info.rcvPtrs[segment + 1] - info.rcvPtrs[segment];
    if (until - from !== expected) {
      throw new InvalidArgumentError(
        `inconsistent channel plan: part ${me} sends ${until - from} values to part ${q}, which expects ${expected}`,
        { partId: me },
      );
    }
    return {
      to: q,
      words: info.words,
      values: info.values,
      staging: info.staging,
      segment,
      offset: info.rcvPtrs[segment],
      from,
      until,
    };
  });
  return new ThreadsChannel({
    me,
    state,
    waiter: ctx.waiter,
    rendezvous,
    inbox,
    rcv: plan.rcv,
    rcvPtrs: plan.rcvPtrs,
    sendLength: plan.sndPtrs[plan.snd.length],
    out,
  });
}
