/**
 * Storage safety: ask the browser to keep this origin's storage (`navigator.storage.persist`),
 * watch usage against the quota, and warn while unsynced work sits on a device whose
 * storage could be evicted or is nearly full — or, the one sure sign, while a write of
 * unsynced work to the device failed (the change is kept in memory, still pending, and
 * written again once the device takes it).
 */
import { Observable, type Watchable } from '../observable';

/** What the app shows about device storage. */
export interface StorageState {
  /** null where the browser has no storage manager (Node, old browsers). */
  persisted: boolean | null;
  usage: number | null;
  quota: number | null;
  atRisk: boolean;
  /** True while a change could not be written to the device and lives only in memory. */
  unsaved: boolean;
  warning: string | null;
}

/** Usage above this share of the quota counts as nearly full. */
export const NEARLY_FULL = 0.8;

/** What the warning says when the device refused to store a change (`error` is why). */
export function unsavedWarning(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return 'This device could not save your last change — storage is full; export or free space.';
  const why = error instanceof Error || error instanceof DOMException ? error.message || error.name : String(error);
  return `This device could not save your last change (${why}); export your unsynced work.`;
}

/** Decides the warning. Pure. `unsaved` is the last write failure still not made good, if any. */
export function storageWarning(persisted: boolean | null, usage: number | null, quota: number | null, unsynced: number, unsaved: unknown = null): StorageState {
  const nearlyFull = usage !== null && quota !== null && quota > 0 && usage / quota >= NEARLY_FULL;
  const evictable = persisted === false;
  const atRisk = unsaved !== null || (unsynced > 0 && (nearlyFull || evictable));
  let warning: string | null = null;
  if (unsaved !== null) warning = unsavedWarning(unsaved);
  else if (atRisk && nearlyFull) warning = `Storage is nearly full and ${unsynced} unsynced items are on this device. Connect to sync, or export them.`;
  else if (atRisk) warning = `The browser may clear this device's storage; ${unsynced} unsynced items are at risk. Connect to sync, or export them.`;
  return { persisted, usage, quota, atRisk, unsaved: unsaved !== null, warning };
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
  /** Write failures not made good yet, by what failed (`pending job-1`, `job job-1`, `store outbox`). */
  private readonly failures = new Map<string, unknown>();
  private readonly manager: StorageManagerLike | undefined;
  /** Writes the failed writes again (the engine's flush); tried on each quota check while one is failing. */
  retryWrites: () => Promise<void> = async () => undefined;

  constructor(
    private readonly unsynced: () => number,
    manager?: StorageManagerLike,
  ) {
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
    // Rejects while the disk is still full; each failure is reported to reportWrite anyway.
    if (this.failures.size > 0) await this.retryWrites().catch(() => undefined);
    const estimate = await this.manager?.estimate?.().catch(() => undefined);
    this.usage = estimate?.usage ?? null;
    this.quota = estimate?.quota ?? null;
    return this.recompute();
  }

  /** Re-decides the warning with the last estimate (on every change of unsynced work). */
  recompute(): StorageState {
    const unsaved = [...this.failures.values()].at(-1) ?? null;
    this.state.set(storageWarning(this.persisted, this.usage, this.quota, this.unsynced(), unsaved));
    return this.state.get();
  }

  /** A write of `source` to the device failed (`error`), or `source` is wholly stored again (null). */
  reportWrite(source: string, error: unknown): void {
    if (error === null) this.failures.delete(source);
    else {
      this.failures.delete(source); // the newest failure speaks last
      this.failures.set(source, error);
    }
    this.recompute();
  }

  /** Stops watching. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
