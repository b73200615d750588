/**
 * Pending doc updates of one job: every local update is recorded in IndexedDB until a
 * durable ack covers it, so the pending count is truthful and survives a reload.
 *
 * Coverage rule (docs/contracts.md, durable ack): an update is durable once a content
 * message sent after it was recorded is acked on the same socket. An update sent as its
 * own message is covered by that message; a sync step 2 covers everything recorded before
 * it; coverage by a socket that closed before its ack is forgotten, and the next socket's
 * step 2 covers the update again.
 */
import type { DeviceStorage } from '../storage/device-storage';

/** A recorded update as stored in the device database. */
export interface PendingRecord {
  jobId: string;
  update: Uint8Array;
  at: string;
}

interface Entry {
  /** Local order, for "everything recorded before this op". */
  seq: number;
  key: Promise<number | null>;
  coveredBy: { socket: number; n: number } | null;
}

let nextSeq = 1;

/** The pending updates of one job on this device. */
export class PendingUpdates {
  private readonly entries: Entry[] = [];
  private waiters: { mark: number; resolve: () => void }[] = [];

  constructor(
    private readonly db: DeviceStorage,
    readonly jobId: string,
    private readonly onChange: (jobId: string, count: number, acked: number) => void,
  ) {}

  /** Loads what earlier sessions (or a tab that closed) left pending, skipping what is already counted here. */
  async load(): Promise<number> {
    const known = new Set(await Promise.all(this.entries.map((e) => e.key)));
    let added = 0;
    for (const [key] of await this.db.pendingOf<PendingRecord>(this.jobId)) {
      if (known.has(key)) continue;
      this.entries.push({ seq: nextSeq++, key: Promise.resolve(key), coveredBy: null });
      added++;
    }
    if (added > 0 || this.entries.length === 0) this.onChange(this.jobId, this.entries.length, 0);
    return added;
  }

  /** Number of updates not yet durable. */
  get count(): number {
    return this.entries.length;
  }

  /** The newest entry's mark: an op made now depends on every update up to it. */
  get mark(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }

  /** Records a local update; `sent` is the message that carried it, if one did. */
  record(update: Uint8Array, sent: { socket: number; n: number } | null): void {
    const record: PendingRecord = { jobId: this.jobId, update, at: new Date().toISOString() };
    const key = this.db.add('pending', record).catch(() => null);
    this.entries.push({ seq: nextSeq++, key, coveredBy: sent });
    this.onChange(this.jobId, this.entries.length, 0);
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
    this.onChange(this.jobId, this.entries.length, durable.length);
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
