/**
 * The scale-out bus: Redis pub/sub between server nodes, one channel per job
 * (channels.ts), one binary envelope per event (envelope.ts).
 *
 *   const bus = await RedisBus.connect(process.env.OUTPOST_REDIS_URL, { catchUp: (id) => store.loadJobDoc(id) })
 *
 * Two connections, because a subscribed Redis connection can do nothing but listen.
 * Redis keeps per-connection publish order, so one node's events for a job arrive in the
 * order it published them. Pub/sub is fire-and-forget: events published while this node's
 * subscriber was cut off are lost. ioredis reconnects and resubscribes; then, for every
 * subscribed job, the bus delivers the job's stored doc as one `update` event (node
 * {@link CATCH_UP_NODE}) from `catchUp`, so a room repairs whatever it missed — relays
 * publish updates only after their commit, so the store holds every one that was lost.
 */
import { Redis, type RedisOptions } from 'ioredis';
import * as Y from 'yjs';
import type { StoredJobDoc } from '../../store/store';
import type { Bus, BusEvent, Unsubscribe } from '../bus';
import { DEFAULT_PREFIX, jobChannel, jobIdOfChannel } from './channels';
import { decodeBusEvent, encodeBusEvent } from './envelope';

/** `node` of the catch-up updates the bus itself delivers after a reconnect. */
export const CATCH_UP_NODE = 'redis-catch-up';

/** Options for {@link RedisBus.connect}. */
export interface RedisBusOptions {
  /** Channel prefix; nodes of one cluster share it, other clusters and test runs differ. */
  prefix?: string;
  /** Loads a job's stored doc, delivered to subscribers after a reconnect (see module comment). */
  catchUp?: (jobId: string) => Promise<StoredJobDoc>;
  /** Where problems are reported; the bus never throws from a Redis event. */
  warn?: (message: string) => void;
}

type Listener = (event: BusEvent) => void;

interface JobSubscription {
  listeners: Set<Listener>;
  ready: Promise<unknown>;
}

const connectionOptions: RedisOptions = {
  lazyConnect: true,
  // A publish waiting on a dead Redis fails soon instead of piling up: the store, not the
  // bus, is what makes an update safe, and catch-up repairs what the bus dropped.
  maxRetriesPerRequest: 2,
  retryStrategy: (times) => Math.min(50 * times, 1000),
};

/** A `Bus` over Redis pub/sub. */
export class RedisBus implements Bus {
  private readonly jobs = new Map<string, JobSubscription>();
  private readonly prefix: string;
  private readonly warn: (message: string) => void;
  private connectedOnce = false;
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisBusOptions,
  ) {
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.warn = options.warn ?? ((m) => console.warn(`[outpost] redis bus: ${m}`));
    for (const [name, conn] of [
      ['publisher', publisher],
      ['subscriber', subscriber],
    ] as const) {
      conn.on('error', (err: Error) => this.warn(`${name} connection: ${err.message}`));
    }
    subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.deliver(channel.toString(), message));
    subscriber.on('ready', () => this.onSubscriberReady());
  }

  /** Connects both connections to `url` (redis://…) and returns the bus. */
  static async connect(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
    // Named after the prefix so `CLIENT LIST` shows which cluster a connection serves.
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    const publisher = new Redis(url, { ...connectionOptions, connectionName: `${prefix}:publisher` });
    const subscriber = new Redis(url, { ...connectionOptions, connectionName: `${prefix}:subscriber` });
    const bus = new RedisBus(publisher, subscriber, options);
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
    } catch (err) {
      await bus.close();
      throw err;
    }
    return bus;
  }

  async publish(event: BusEvent): Promise<void> {
    await this.publisher.publish(jobChannel(this.prefix, event.jobId), Buffer.from(encodeBusEvent(event)));
  }

  async subscribe(jobId: string, listener: Listener): Promise<Unsubscribe> {
    const channel = jobChannel(this.prefix, jobId);
    let sub = this.jobs.get(jobId);
    if (!sub) {
      sub = { listeners: new Set(), ready: this.subscriber.subscribe(channel) };
      this.jobs.set(jobId, sub);
    }
    const entry = sub;
    entry.listeners.add(listener);
    const stop = async () => {
      if (!entry.listeners.delete(listener) || entry.listeners.size > 0 || this.jobs.get(jobId) !== entry) return;
      this.jobs.delete(jobId);
      // Sent on the same connection after any SUBSCRIBE above, so a quick re-subscribe still wins.
      if (!this.closed) await this.subscriber.unsubscribe(channel).catch((err: Error) => this.warn(`unsubscribe ${jobId}: ${err.message}`));
    };
    try {
      await entry.ready;
    } catch (err) {
      await stop();
      throw err;
    }
    return stop;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.jobs.clear();
    await Promise.all([this.publisher, this.subscriber].map((conn) => conn.quit().catch(() => conn.disconnect())));
  }

  private deliver(channel: string, message: Buffer): void {
    const jobId = jobIdOfChannel(this.prefix, channel);
    const event = decodeBusEvent(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
    if (jobId === null || event === null || event.jobId !== jobId) {
      this.warn(`dropped an event on ${channel} this node cannot read`);
      return;
    }
    this.notify(jobId, event);
  }

  private notify(jobId: string, event: BusEvent): void {
    for (const listener of [...(this.jobs.get(jobId)?.listeners ?? [])]) {
      try {
        listener(event);
      } catch (err) {
        this.warn(`a listener of ${jobId} failed: ${(err as Error).message}`);
      }
    }
  }

  private onSubscriberReady(): void {
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      return;
    }
    void this.catchUpAfterReconnect().catch((err: Error) => this.warn(`catch-up failed: ${err.message}`));
  }

  private async catchUpAfterReconnect(): Promise<void> {
    const catchUp = this.options.catchUp;
    const jobIds = [...this.jobs.keys()];
    if (!catchUp || jobIds.length === 0) return;
    // 'ready' fires before ioredis resubscribes; subscribing here (a harmless repeat) and
    // waiting for Redis to confirm means everything published after the load below arrives live.
    await this.subscriber.subscribe(...jobIds.map((id) => jobChannel(this.prefix, id)));
    await Promise.all(
      jobIds.map(async (jobId) => {
        const stored = await catchUp(jobId);
        const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates];
        if (parts.length === 0 || this.closed) return;
        this.notify(jobId, { kind: 'update', jobId, node: CATCH_UP_NODE, update: Y.mergeUpdates(parts) });
      }),
    );
  }
}
