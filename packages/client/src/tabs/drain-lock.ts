/**
 * Only one tab of a device drains the outbox and blob queue. With Web Locks, the tab that
 * holds `outpost:<device>:drain` drains; the lock passes on by itself when that tab closes.
 * Without Web Locks (older browsers, Node), a lease in the device database is held and
 * renewed; a lease whose holder stopped renewing expires and another tab takes it.
 */
import type { DeviceStorage } from '../storage/device-storage';
import { newUuid } from '../ids/device-crypto';

interface LockManagerLike {
  request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, cb: (lock: unknown) => Promise<void>): Promise<void>;
}

interface Lease {
  holder: string;
  expires: number;
}

/** How long a fallback lease lasts without renewal. */
export const LEASE_MS = 10_000;

/** The drain lock of one tab. */
export class DrainLock {
  private holding = false;
  private release: (() => void) | null = null;
  private readonly tabId = newUuid();
  private readonly locks: LockManagerLike | undefined;
  private stopped = false;

  constructor(
    private readonly db: DeviceStorage,
    private readonly name: string,
    locks?: LockManagerLike | null,
  ) {
    this.locks = locks === null ? undefined : (locks ?? (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks);
  }

  /** True when this tab may drain now; tries to take the lock if nobody holds it. */
  async acquire(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.holding && !this.locks) return this.renewLease();
    if (this.holding) return true;
    if (this.locks) {
      await new Promise<void>((granted) => {
        void this.locks!.request(this.name, { ifAvailable: true }, (lock) => {
          granted();
          if (!lock) return Promise.resolve();
          this.holding = true;
          return new Promise<void>((r) => (this.release = r));
        });
      });
      return this.holding;
    }
    return this.renewLease();
  }

  /** Gives the lock up (tab closing, engine destroyed). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.release?.();
    if (this.holding && !this.locks) {
      const lease = await this.db.get<Lease>('meta', this.name);
      if (lease?.holder === this.tabId) await this.db.delete('meta', this.name);
    }
    this.holding = false;
  }

  private async renewLease(): Promise<boolean> {
    const now = Date.now();
    const lease = await this.db.get<Lease>('meta', this.name);
    if (lease && lease.holder !== this.tabId && lease.expires > now) return (this.holding = false);
    await this.db.put('meta', this.name, { holder: this.tabId, expires: now + LEASE_MS } satisfies Lease);
    // Two tabs may race the read; the one whose write survived holds the lease.
    const after = await this.db.get<Lease>('meta', this.name);
    return (this.holding = after?.holder === this.tabId);
  }
}
