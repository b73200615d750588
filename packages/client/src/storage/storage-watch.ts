/**
 * Storage safety: ask the browser to keep this origin's storage (`navigator.storage.persist`),
 * watch usage against the quota, and warn while unsynced work sits on a device whose
 * storage could be evicted or is nearly full.
 */
import { Observable, type Watchable } from '../observable';

/** What the app shows about device storage. */
export interface StorageState {
  /** null where the browser has no storage manager (Node, old browsers). */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
  atRisk: boolean;
  warning: string | null;
}

/** Usage above this share of the quota counts as nearly full. */
export const NEARLY_FULL = 0.8;

/** Decides the warning. Pure. */
export function storageWarning(persisted: boolean | null, usage: number | null, quota: number | null, unsynced: number): StorageState {
  const nearlyFull = usage !== null && quota !== null && quota > 0 && usage / quota >= NEARLY_FULL;
  const evictable = persisted === false;
  const atRisk = unsynced > 0 && (nearlyFull || evictable);
  let warning: string | null = null;
  if (atRisk && nearlyFull) warning = `Storage is nearly full and ${unsynced} unsynced items are on this device. Connect to sync, or export them.`;
  else if (atRisk) warning = `The browser may clear this device's storage; ${unsynced} unsynced items are at risk. Connect to sync, or export them.`;
  return { persisted, usage, quota, atRisk, warning };
}

interface StorageManagerLike {
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
}

/** Watches device storage. */
export class StorageWatch implements Watchable<StorageState> {
  private readonly state = new Observable<StorageState>(storageWarning(null, null, null, 0));
  private persisted: boolean | null = null;
  private usage: number | null = null;
  private quota: number | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly manager: StorageManagerLike | undefined;

  constructor(private readonly unsynced: () => number, manager?: StorageManagerLike) {
    this.manager = manager ?? (globalThis as { navigator?: { storage?: StorageManagerLike } }).navigator?.storage;
  }

  get = (): StorageState => this.state.get();
  subscribe = (listener: (s: StorageState) => void): (() => void) => this.state.subscribe(listener);

  /** Requests persistence once and starts watching the quota. */
  async start(intervalMs = 60_000): Promise<void> {
    if (this.manager?.persist) this.persisted = await this.manager.persist().catch(() => false);
    await this.check();
    this.timer = setInterval(() => void this.check(), intervalMs);
  }

  /** Re-reads the usage estimate (on a timer: estimates are not free) and re-decides the warning. */
  async check(): Promise<StorageState> {
    const estimate = await this.manager?.estimate?.().catch(() => undefined);
    this.usage = estimate?.usage ?? null;
    this.quota = estimate?.quota ?? null;
    return this.recompute();
  }

  /** Re-decides the warning with the last estimate (on every change of unsynced work). */
  recompute(): StorageState {
    this.state.set(storageWarning(this.persisted, this.usage, this.quota, this.unsynced()));
    return this.state.get();
  }

  /** Stops watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
