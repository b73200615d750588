/**
 * The `Bus` carries a job's live traffic between server nodes: doc updates, awareness,
 * and control events such as access revocation. Each relay node subscribes to the jobs it
 * has loaded. A bus delivers every event to every subscriber of the job, the publishing
 * node included; a relay ignores its own `update`/`awareness` events by `node` (it already
 * delivered them locally) but acts on its own control events, so revocation works the
 * same on one node or many.
 *
 * `LocalBus` is the in-process bus for a single node (or several relays in one process in
 * tests); `bus/redis` plugs in for scale-out.
 */
import type { ServerState } from '@outpost/shared';

/** Something that happened on a job, as sent between nodes. */
export type BusEvent =
  /** A Yjs update that was validated and applied on node `node`. */
  | { kind: 'update'; jobId: string; node: string; update: Uint8Array }
  /** An awareness update (already stamped with the authenticated user) from node `node`. */
  | { kind: 'awareness'; jobId: string; node: string; update: Uint8Array }
  /** `userId` lost access to the job: every node closes their sockets on it with 4403. */
  | { kind: 'revoke'; jobId: string; node: string; userId: string }
  /** A workflow op changed the job's server state. */
  | { kind: 'jobChanged'; jobId: string; node: string; state: ServerState }
  /**
   * A push for devices (`jobId` is `DEVICE_NOTICES`, one topic every node subscribes to):
   * `message` (an encoded Outpost channel message) goes to every device channel of `users`,
   * and of every dispatcher when `dispatchers`.
   */
  | { kind: 'notice'; jobId: string; node: string; users: string[]; dispatchers: boolean; message: Uint8Array };

/** The bus topic of device pushes (no job id starts with '@'). */
export const DEVICE_NOTICES = '@devices';

/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

/** Publish/subscribe per job between relay nodes. */
export interface Bus {
  /** Sends an event to every subscriber of `event.jobId` (on every node, this one included). */
  publish(event: BusEvent): Promise<void>;
  /** Receives every event of one job until unsubscribed. Resolves once the subscription is live. */
  subscribe(jobId: string, listener: (event: BusEvent) => void): Promise<Unsubscribe>;
  /** Drops every subscription and connection. */
  close(): Promise<void>;
}

/**
 * In-process bus. Delivery is asynchronous (a microtask later), like a networked bus,
 * so callers never depend on re-entrant delivery.
 */
export class LocalBus implements Bus {
  private readonly listeners = new Map<string, Set<(event: BusEvent) => void>>();

  async publish(event: BusEvent): Promise<void> {
    const set = this.listeners.get(event.jobId);
    if (!set) return;
    for (const listener of [...set]) queueMicrotask(() => listener(event));
  }

  async subscribe(jobId: string, listener: (event: BusEvent) => void): Promise<Unsubscribe> {
    const set = this.listeners.get(jobId) ?? new Set();
    set.add(listener);
    this.listeners.set(jobId, set);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(jobId) === set) this.listeners.delete(jobId);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
