/**
 * Pending doc updates of one job: every local update is recorded in IndexedDB until a
 * durable ack covers it, so the pending count is truthful and survives a reload.
 *
 * The count is in *changes*, not updates (docs/contracts.md, "Pending changes"): an update
 * joins the job's latest change when it touches the same thing (change-target.ts) within
 * CHANGE_BURST_MS of that change's previous update; anything else starts a new change. A
 * change is pending while any of its updates is, so the count is zero exactly when every
 * update is durable.
 *
 * Coverage rule (docs/contracts.md, durable ack): an update is durable once a content
 * message sent after it was recorded is acked on the same socket. An update sent as its
 * own message is covered by that message; a sync step 2 covers everything recorded before
 * it; coverage by a socket that closed before its ack is forgotten, and the next socket's
 * step 2 covers the update again.
 */
import type { DeviceStorage } from '../storage/device-storage';
import { newUuid } from '../ids/device-crypto';

/** A recorded update as stored in the device database. */
export interface PendingRecord {
  jobId: string;
  update: Uint8Array;
  at: string;
  /** The change the update belongs to (absent in records written before changes were counted). */
  change?: string;
  /** What the update touched, e.g. `notes/n1` (see change-target.ts). */
  target?: string;
}

/** Updates to the same thing this close together make one change (a longer pause starts a new one). */
export const CHANGE_BURST_MS = 60_000;

interface Entry {
  /** Local order, for "everything recorded before this op". */
  seq: number;
  key: Promise<number | null>;
  coveredBy: { socket: number; n: number } | null;
  change: string;
}

let nextSeq = 1;

/** The pending updates of one job on this device. */
export class PendingUpdates {
  private readonly entries: Entry[] = [];
  private waiters: { mark: number; resolve: () => void }[] = [];
  /** The change a next update may join. */
  private latest: { change: string; target: string; at: number } | null = null;
  /** The latest change once it was reported uploaded: more typing in it is not a new upload. */
  private reported: string | null = null;

  constructor(
    private readonly db: DeviceStorage,
    readonly jobId: string,
    /** `count` changes are pending; `uploaded` changes just became wholly durable. */
    private readonly onChange: (jobId: string, count: number, uploaded: number) => void,
  ) {}

  /** Loads what earlier sessions (or a tab that closed) left pending, skipping what is already counted here. */
  async load(): Promise<number> {
    const known = new Set(await Promise.all(this.entries.map((e) => e.key)));
    let added = 0;
    let newest: PendingRecord | null = null;
    for (const [key, record] of await this.db.pendingOf<PendingRecord>(this.jobId)) {
      if (known.has(key)) continue;
      this.entries.push({ seq: nextSeq++, key: Promise.resolve(key), coveredBy: null, change: record.change ?? `record:${key}` });
      added++;
      newest = record;
    }
    // Typing on in the note a reload interrupted continues its change.
    if (!this.latest && newest?.change && newest.target) this.latest = { change: newest.change, target: newest.target, at: Date.parse(newest.at) };
    if (added > 0 || this.entries.length === 0) this.onChange(this.jobId, this.count, 0);
    return added;
  }

  /** Number of changes not yet durable (a change is durable once all its updates are). */
  get count(): number {
    return new Set(this.entries.map((e) => e.change)).size;
  }

  /** The newest entry's mark: an op made now depends on every update up to it. */
  get mark(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  /**
   * Records a local update; `sent` is the message that carried it, if one did, and
   * `target` what it touched (change-target.ts).
   */
  record(update: Uint8Array, sent: { socket: number; n: number } | null, target: string, now = Date.now()): void {
    const latest = this.latest;
    const change = latest && latest.target === target && now - latest.at <= CHANGE_BURST_MS ? latest.change : newUuid();
    this.latest = { change, target, at: now };
    const record: PendingRecord = { jobId: this.jobId, update, at: new Date(now).toISOString(), change, target };
    const key = this.db.add('pending', record).catch(() => null);
    this.entries.push({ seq: nextSeq++, key, coveredBy: sent, change });
    this.onChange(this.jobId, this.count, 0);
  }

  /** A sync step 2 went out as message `n`: it carries every update recorded so far. */
  coverAll(socket: number, n: number): void {
    for (const e of this.entries) if (e.coveredBy?.socket !== socket) e.coveredBy = { socket, n };
  }

  /** The server made messages 1..upTo of `socket` durable. */
  ack(socket: number, upTo: number): void {
    const durable = this.entries.filter((e) => e.coveredBy && e.coveredBy.socket === socket && e.coveredBy.n <= upTo);
    if (durable.length === 0) return;
    for (const e of durable) {
      this.entries.splice(this.entries.indexOf(e), 1);
      void e.key.then((k) => (k === null ? undefined : this.db.delete('pending', k))).catch(() => undefined);
    }
    const done = [...new Set(durable.map((e) => e.change))].filter((c) => !this.entries.some((e) => e.change === c));
    const uploaded = done.filter((c) => c !== this.reported).length;
    if (this.latest && done.includes(this.latest.change)) this.reported = this.latest.change;
    this.onChange(this.jobId, this.count, uploaded);
    this.waiters = this.waiters.filter((w) => {
      if (this.entries.some((e) => e.seq <= w.mark)) return true;
      w.resolve();
      return false;
    });
  }

  /**
   * The server took these records another way (handed over to the office after the
   * relay refused the job): forget them, on the device too. Not counted as uploaded.
   */
  async forget(keys: readonly number[]): Promise<void> {
    const gone = new Set(keys);
    const entryKeys = await Promise.all(this.entries.map((e) => e.key));
    const dropped = this.entries.filter((_, i) => gone.has(entryKeys[i] ?? -1));
    for (const e of dropped) this.entries.splice(this.entries.indexOf(e), 1);
    await Promise.all(keys.map((k) => this.db.delete('pending', k)));
    this.onChange(this.jobId, this.count, 0);
    this.waiters = this.waiters.filter((w) => {
      if (this.entries.some((e) => e.seq <= w.mark)) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once every update up to `mark` is durable. */
  whenDurable(mark: number): Promise<void> {
    if (!this.entries.some((e) => e.seq <= mark)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ mark, resolve }));
  }

  /** Waits until the records written so far are in IndexedDB (for export and tests). */
  async flushed(): Promise<void> {
    await Promise.all(this.entries.map((e) => e.key));
  }
}
