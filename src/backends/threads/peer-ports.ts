/**
 * The direct ports between this worker and every other one, for control messages only (new
 * outboxes, channel inboxes, window and shared memory): shared buffers can travel only through `postMessage`. Reading is
 * synchronous (`receiveMessageOnPort`), done after a rendezvous guarantees the message was sent,
 * and every message read is filed by kind until its consumer takes it.
 *
 * @module
 */
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ChannelInboxMessage, OutboxMessage, PeerMessage, SharedMemoryMessage, WindowMessage } from './messages.js';

/** This worker's ends of the ports to the other workers. */
export class PeerPorts {
  private readonly ports: readonly (MessagePort | null)[];
  private readonly outboxes: OutboxMessage[][];
  /** Set-up messages by `type:from:id`, until taken. */
  private readonly setups = new Map<string, ChannelInboxMessage | WindowMessage | SharedMemoryMessage>();

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
    return this.take(q, 'channel-inbox', channelId) as ChannelInboxMessage | undefined;
  }

  /** The memory part `q` exposes in window `windowId`, if it sent it. */
  takeWindow(q: number, windowId: number): WindowMessage | undefined {
    return this.take(q, 'window', windowId) as WindowMessage | undefined;
  }

  /** The shared memory `windowId` part `q` handed this part, if it did. */
  takeSharedMemory(q: number, windowId: number): SharedMemoryMessage | undefined {
    return this.take(q, 'shared-memory', windowId) as SharedMemoryMessage | undefined;
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
      else {
        const id = message.type === 'channel-inbox' ? message.channelId : message.windowId;
        this.setups.set(`${message.type}:${q}:${id}`, message);
      }
    }
  }

  private take(q: number, type: string, id: number): PeerMessage | undefined {
    this.drain(q);
    const key = `${type}:${q}:${id}`;
    const message = this.setups.get(key);
    this.setups.delete(key);
    return message;
  }
}
