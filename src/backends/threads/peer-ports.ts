/**
 * The direct ports between this worker and every other one, for control messages only (new
 * outboxes, channel inboxes): shared buffers can travel only through `postMessage`. Reading is
 * synchronous (`receiveMessageOnPort`), done after a rendezvous guarantees the message was sent,
 * and every message read is filed by kind until its consumer takes it.
 *
 * @module
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ChannelInboxMessage, OutboxMessage, PeerMessage } from './messages.js';

/** This worker's ends of the ports to the other workers. */
export class PeerPorts {
  private readonly ports: readonly (MessagePort | null)[];
  private readonly outboxes: OutboxMessage[][];
  private readonly inboxes = new Map<string, ChannelInboxMessage>();

  /** `ports[q]` talks to part q's worker; `null` at this part's index. */
  constructor(ports: readonly (MessagePort | null)[]) {
    this.ports = ports;
    this.outboxes = ports.map(() => []);
  }

  /** Sends `message` to part `q`. */
  post(q: number, message: PeerMessage): void {
    this.ports[q]?.postMessage(message);
  }

  /** The outbox replacements part `q` announced since the last call, oldest first. */
  takeOutboxes(q: number): OutboxMessage[] {
    this.drain(q);
    return this.outboxes[q].splice(0);
  }

  /** The inbox part `q` gave this part for channel `channelId`, if it gave one. */
  takeChannelInbox(q: number, channelId: number): ChannelInboxMessage | undefined {
    this.drain(q);
    const key = `${q}:${channelId}`;
    const message = this.inboxes.get(key);
    this.inboxes.delete(key);
    return message;
  }

  /** Closes every port (the run is over for this part). */
  close(): void {
    for (const port of this.ports) port?.close();
  }

  private drain(q: number): void {
    const port = this.ports[q];
    if (port === null) return;
    for (let got = receiveMessageOnPort(port); got !== undefined; got = receiveMessageOnPort(port)) {
      const message = got.message as PeerMessage;
      if (message.type === 'outbox') this.outboxes[q].push(message);
      else this.inboxes.set(`${q}:${message.channelId}`, message);
    }
  }
}
