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
 *
 * Writes (docs/reliability.md, "A write is stored when the engine says so"): records are
 * written in order, in batches; a record the device could not store (a full disk) stays
 * in memory — still pending, still sent — and is written again before anything newer, on
 * the next record or `flushed()`. Every failure and the recovery after it reach `onWrite`,
 * which the engine turns into the storage warning.
 */
import * as Y from 'yjs';
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
/**
 * Pending bytes per job kept in memory for a reconnect to carry (`unackedChanges`); past
 * it the job's reconnect sends them in its sync step 2 instead, read from the doc.
 */
export const CARRY_HELD_BYTES = 64 * 1024;

interface Entry {
  /** Local order, for "everything recorded before this op". */
  seq: number;
  /** The record's key once it is stored on the device. */
  key: number | null;
  /** The record while it is not stored yet (null once stored, or when loaded from the device). */
  record: PendingRecord | null;
  coveredBy: { socket: number; n: number } | null;
  /** The update's bytes while held for a reconnect to carry (null past CARRY_HELD_BYTES). */
  bytes: Uint8Array | null;
  change: string;
  /** What the update touched (change-target.ts); 'doc' for records older than targets. */
  target: string;
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
  /** Entries whose record is not stored yet, oldest first. */
  private unwritten: Entry[] = [];
  /** The write under way; the next one starts after it. */
  private writing: Promise<void> = Promise.resolve();
  /** Why the last write failed, while a record is still unwritten. */
  private failure: unknown = null;
  /** Bytes of the entries' held updates. */
  private heldBytes = 0;

  constructor(
    private readonly db: DeviceStorage,
    readonly jobId: string,
    /** `count` changes are pending; `uploaded` changes just became wholly durable. */
    private readonly onChange: (jobId: string, count: number, uploaded: number) => void,
    /** A record could not be stored (`error`), or every record is stored again (null). */
    private readonly onWrite: (jobId: string, error: unknown) => void = () => undefined,
  ) {}

  /**
   * Loads what earlier sessions (or a tab that closed) left pending, skipping what is
   * already counted here; resolves to the updates it added, so the doc can apply them.
   */
  async load(): Promise<Uint8Array[]> {
    await this.writing;
    const known = new Set(this.entries.map((e) => e.key));
    const added: Uint8Array[] = [];
    let newest: PendingRecord | null = null;
    for (const [key, record] of await this.db.pendingOf<PendingRecord>(this.jobId)) {
      if (known.has(key)) continue;
      const update = new Uint8Array(record.update);
      this.entries.push({ seq: nextSeq++, key, record: null, coveredBy: null, bytes: this.hold(update), change: record.change ?? `record:${key}`, target: record.target ?? 'doc' });
      added.push(update);
      newest = record;
    }
    // Typing on in the note a reload interrupted continues its change.
    if (!this.latest && newest?.change && newest.target) this.latest = { change: newest.change, target: newest.target, at: Date.parse(newest.at) };
    if (added.length > 0 || this.entries.length === 0) this.onChange(this.jobId, this.count, 0);
    return added;
  }

  /** Number of changes not yet durable (a change is durable once all its updates are). */
  get count(): number {
    return new Set(this.entries.map((e) => e.change)).size;
  }

  /**
   * What the pending updates touched (`messages/m1`, `notes/n2`, …; change-target.ts),
   * sorted: a message is "sent" once its target is no longer here.
   */
  unsentTargets(): string[] {
    return [...new Set(this.entries.flatMap((e) => e.target.split(' ')))].sort();
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
    const entry: Entry = { seq: nextSeq++, key: null, record, coveredBy: sent, bytes: this.hold(update), change, target };
    this.entries.push(entry);
    this.unwritten.push(entry);
    this.onChange(this.jobId, this.count, 0);
    void this.write();
  }

  /** Writes every unwritten record, in order; resolves once they are stored or a write failed. */
  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      // A record made durable meanwhile needs no copy on the device.
      const batch = this.unwritten.filter((e) => this.entries.includes(e));
      if (batch.length === 0) return void (this.unwritten = []);
      // Issued together, stored in this order (IndexedDB keeps the order of transactions).
      const results = await Promise.allSettled(batch.map((e) => this.db.add('pending', e.record)));
      let failure: unknown = null;
      const deletes: Promise<void>[] = [];
      results.forEach((r, i) => {
        const e = batch[i]!;
        if (r.status === 'rejected') return void (failure ??= r.reason);
        e.key = r.value;
        e.record = null;
        // Acked while it was being written: the copy is no longer needed.
        if (!this.entries.includes(e)) deletes.push(this.forget(r.value));
      });
      this.afterForgetting(deletes);
      this.unwritten = this.unwritten.filter((e) => e.record !== null && this.entries.includes(e));
      if (failure !== null || this.failure !== null) this.onWrite(this.jobId, failure);
      this.failure = failure;
    });
    return this.writing;
  }

  /** Deletes the stored copy of an update the server has made durable. */
  private forget(key: number): Promise<void> {
    // A copy left behind is re-sent once after a restart and acked again (Yjs updates are
    // idempotent), then deleted: nothing is lost, so a failed delete needs no warning.
    return this.db.delete('pending', key).catch(() => undefined);
  }

  /** Tells listeners again once the stored copies are gone: readers of the device see them go. */
  private afterForgetting(deletes: Promise<void>[]): void {
    if (deletes.length > 0) void Promise.all(deletes).then(() => this.onChange(this.jobId, this.count, 0));
  }

  /** Updates still pending that the device has not stored (a full disk): kept only in memory. */
  unsaved(): Uint8Array[] {
    return this.unsavedRecords().map((r) => r.update);
  }

  /** The records of `unsaved()`, for listing them beside the stored ones. */
  unsavedRecords(): PendingRecord[] {
    return this.unwritten.filter((e) => e.record !== null && this.entries.includes(e)).map((e) => e.record!);
  }

  /**
   * Every pending update merged into one, for a reconnect to carry in its subscribe; null
   * when nothing is pending or not every update is held (past CARRY_HELD_BYTES).
   */
  unackedChanges(): Uint8Array | null {
    if (this.entries.length === 0 || this.entries.some((e) => e.bytes === null)) return null;
    return Y.mergeUpdates(this.entries.map((e) => e.bytes!));
  }

  /** The update's bytes if they still fit what is held for carrying. */
  private hold(update: Uint8Array): Uint8Array | null {
    if (this.heldBytes + update.byteLength > CARRY_HELD_BYTES) return null;
    this.heldBytes += update.byteLength;
    return update;
  }

  /** Forgets an entry's held bytes (it left the pending list). */
  private release(e: Entry): void {
    if (e.bytes) this.heldBytes -= e.bytes.byteLength;
    e.bytes = null;
  }

  /** A sync step 2 went out as message `n`: it carries every update recorded so far. */
  coverAll(socket: number, n: number): void {
    for (const e of this.entries) if (e.coveredBy?.socket !== socket) e.coveredBy = { socket, n };
  }

  /** The server made messages 1..upTo of `socket` durable. */
  ack(socket: number, upTo: number): void {
    const durable = this.entries.filter((e) => e.coveredBy && e.coveredBy.socket === socket && e.coveredBy.n <= upTo);
    if (durable.length === 0) return;
    const deletes: Promise<void>[] = [];
    for (const e of durable) {
      this.entries.splice(this.entries.indexOf(e), 1);
      this.release(e);
      if (e.key !== null) deletes.push(this.forget(e.key));
    }
    this.afterForgetting(deletes);
    // An unwritten record made durable needs no copy: the warning it raised can go.
    if (this.failure !== null && !this.unwritten.some((e) => this.entries.includes(e))) {
      this.unwritten = [];
      this.failure = null;
      this.onWrite(this.jobId, null);
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
  async forgetHandedOver(keys: readonly number[]): Promise<void> {
    const gone = new Set(keys);
    const entryKeys = await Promise.all(this.entries.map((e) => e.key));
    const dropped = this.entries.filter((_, i) => gone.has(entryKeys[i] ?? -1));
    for (const e of dropped) {
      this.entries.splice(this.entries.indexOf(e), 1);
      this.release(e);
    }
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

  /**
   * Resolves once every record made so far is stored on the device (retrying those a full
   * disk refused); rejects with the device's error when one still cannot be stored.
   */
  async flushed(): Promise<void> {
    await this.write();
    if (this.failure !== null) throw this.failure;
  }
}
