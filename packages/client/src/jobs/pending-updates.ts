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
 *
 * Compaction (docs/reliability.md, "Pending updates on the device"): once a job has
 * COMPACT_PENDING_AFTER stored records here (or that many updates stored since the last merge, in however few records), they are merged (Y.mergeUpdates) into one record
 * that lists every change it holds, and that record replaces them in one transaction, only
 * if all of them are still there (`DeviceStorage.replace`): the device holds the records or
 * their merge, never both, never neither. Each update keeps its own entry in memory (its own
 * coverage and change); a merged record is deleted once no entry stored in it is pending, so
 * an update acked meanwhile may be sent once more after a restart (Yjs updates are
 * idempotent), and none is lost. A device open reads a few records, not one per keystroke.
 * A merged record is marked `inDoc` when the job doc's own store had committed every update
 * in it (`docStored`); a device open need not apply those to the doc it loaded from there.
 */
import * as Y from 'yjs';
import type { DeviceStorage } from '../storage/device-storage';
import { newUuid } from '../ids/device-crypto';
import { PendingChanges, type ChangeOf } from './pending-changes';
import { PendingMerges } from './pending-merges';
import { batchRecords, changesOf, type PendingRecord } from './pending-record';

export type { PendingRecord } from './pending-record';

/** What `load` found. */
export interface LoadedPending {
  /** Records added to the pending list. */
  added: number;
  /** Their updates the job doc's own store may lack (not marked `inDoc`): to apply to the doc. */
  unstored: Uint8Array[];
}

/** Stored records of one job past which they are merged into one (see "Compaction" above). */
export const COMPACT_PENDING_AFTER = 64;

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
  /** The key of the record that holds the update once it is stored (a merged record's after compaction). */
  key: number | null;
  /** The key the update was first stored (or loaded) under, for a handover that read it then. */
  origin: number | null;
  /** The record while it is not stored yet (null once stored, or when loaded from the device). */
  record: PendingRecord | null;
  coveredBy: { socket: number; n: number } | null;
  /** The update's bytes while held for a reconnect to carry (null past CARRY_HELD_BYTES). */
  bytes: Uint8Array | null;
  /** The update was handed to the job doc's own store (recorded here, loaded `inDoc`, or applied to the doc after loading). */
  inDoc: boolean;
  /** The changes the update belongs to (several for a merged record loaded from the device), with what each touched (change-target.ts; 'doc' for records older than targets). */
  changes: ChangeOf[];
}

let nextSeq = 1;

/** The pending updates of one job on this device. */
export class PendingUpdates {
  private readonly entries: Entry[] = [];
  /** `whenDurable` callers, each waiting for every entry up to its mark. */
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
  /** The changes the entries hold: the pending count. */
  private readonly changes = new PendingChanges();
  /** Merging stored records, and deleting them (pending-merges.ts). */
  private readonly merges: PendingMerges;

  constructor(
    private readonly db: DeviceStorage,
    readonly jobId: string,
    /** `count` changes are pending; `uploaded` changes just became wholly durable. */
    private readonly onChange: (jobId: string, count: number, uploaded: number) => void,
    /** A record could not be stored (`error`), or every record is stored again (null). */
    private readonly onWrite: (jobId: string, error: unknown) => void = () => undefined,
    /** Resolves once the job doc's own store committed every update handed to it so far; rejects while it cannot. */
    private readonly docStored: () => Promise<void> = () => Promise.reject(new Error('no doc store')),
  ) {
    this.merges = new PendingMerges(db, jobId);
  }

  /**
   * Loads what earlier sessions (or a tab that closed) left pending, skipping what is
   * already counted here; resolves to the updates it added, so the doc can apply them.
   */
  async load(): Promise<LoadedPending> {
    await this.writing;
    const known = new Set(this.entries.map((e) => e.key));
    const unstored: Uint8Array[] = [];
    let added = 0;
    let newest: PendingRecord | null = null;
    for (const [key, record] of await this.db.pendingOf<PendingRecord>(this.jobId)) {
      if (known.has(key)) continue;
      const update = new Uint8Array(record.update);
      const inDoc = record.inDoc === true;
      this.add({ seq: nextSeq++, key, origin: key, record: null, coveredBy: null, bytes: this.hold(update), inDoc, changes: changesOf(record, key) });
      if (!inDoc) unstored.push(update);
      added++;
      newest = record;
    }
    // Typing on in the note a reload interrupted continues its change.
    if (!this.latest && newest?.change && newest.target) this.latest = { change: newest.change, target: newest.target, at: Date.parse(newest.at) };
    if (added > 0 || this.entries.length === 0) this.onChange(this.jobId, this.count, 0);
    // Records of an older version (one per update) are merged now.
    if (this.storedKeys().length >= COMPACT_PENDING_AFTER) void this.write();
    return { added, unstored };
  }

  /** The loaded updates were applied to the doc, so its own store is handed them too. */
  appliedToDoc(): void {
    for (const e of this.entries) e.inDoc = true;
  }

  /** Number of changes not yet durable (a change is durable once all its updates are). */
  get count(): number {
    return this.changes.count;
  }

  /**
   * What the pending updates touched (`messages/m1`, `notes/n2`, …; change-target.ts),
   * sorted: a message is "sent" once its target is no longer here.
   */
  unsentTargets(): string[] {
    return this.changes.unsentTargets();
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
    // A local update: the doc's own store is handed it too (JobDocStore listens to the doc).
    const entry: Entry = { seq: nextSeq++, key: null, origin: null, record, coveredBy: sent, bytes: this.hold(update), inDoc: true, changes: [[change, target]] };
    this.add(entry);
    this.unwritten.push(entry);
    this.onChange(this.jobId, this.count, 0);
    void this.write();
  }

  /** Writes every unwritten record, in order, then compacts; resolves once they are stored or a write failed. */
  private write(): Promise<void> {
    this.writing = this.writing.then(async () => {
      await this.store();
      await this.compact();
    });
    return this.writing;
  }

  /** Writes every unwritten record, in order. */
  private async store(): Promise<void> {
    // A record made durable meanwhile needs no copy on the device.
    const batch = this.unwritten.filter((e) => this.entries.includes(e));
    if (batch.length === 0) return void (this.unwritten = []);
    // One record for the batch, in one strict transaction (a disk flush): a burst of typing
    // that came while the last write was in flight costs one flush, not one per keystroke.
    const groups = batchRecords(this.jobId, batch);
    // Issued together, stored in this order (IndexedDB keeps the order of transactions).
    const results = await Promise.allSettled(groups.map(([, record]) => this.db.add('pending', record)));
    let failure: unknown = null;
    const deletes: Promise<void>[] = [];
    results.forEach((r, i) => {
      if (r.status === 'rejected') return void (failure ??= r.reason);
      for (const e of groups[i]![0]) {
        e.key = r.value;
        e.origin = r.value;
        e.record = null;
      }
      // Acked while it was being written: the copy is no longer needed.
      if (!this.entries.some((e) => e.key === r.value)) deletes.push(this.forget(r.value));
    });
    this.afterForgetting(deletes);
    this.unwritten = this.unwritten.filter((e) => e.record !== null && this.entries.includes(e));
    if (failure !== null || this.failure !== null) this.onWrite(this.jobId, failure);
    this.failure = failure;
  }

  /** Keys of the records that hold pending entries. */
  private storedKeys(): number[] {
    return [...new Set(this.entries.flatMap((e) => (e.key === null ? [] : [e.key])))];
  }

  /**
   * Merges this job's stored records (those this instance wrote or loaded) into one, once
   * there are COMPACT_PENDING_AFTER of them. Runs between writes; an ack meanwhile makes the
   * replace find a record gone and change nothing (tried again after the next write).
   */
  private async compact(): Promise<void> {
    const keys = this.storedKeys();
    // Updates stored since the last merge made here: a burst stores many in one record (see
    // store), and merging it with the rest is what marks them `inDoc` for the next open.
    const unmerged = this.entries.filter((e) => e.key !== null && !this.merges.isMerge(e.key)).length;
    if (keys.length < COMPACT_PENDING_AFTER && unmerged < COMPACT_PENDING_AFTER) return;
    const own = new Set(keys);
    // Marked only when every update in it was handed to the doc's store and that store then committed all it was handed.
    const handed = this.entries.every((e) => e.key === null || !own.has(e.key) || e.inDoc);
    const inDoc = async () =>
      handed &&
      this.docStored().then(
        () => true,
        () => false,
      );
    const key = await this.merges.merge(keys, inDoc);
    if (key === null) return;
    const moved = this.entries.filter((e) => e.key !== null && own.has(e.key));
    for (const e of moved) e.key = key;
    // Every update in it was acked while it was being merged.
    if (moved.length === 0) await this.forget(key);
  }

  /** Deletes a stored record once no pending entry is stored in it. */
  private forget(key: number): Promise<void> {
    if (this.entries.some((e) => e.key === key)) return Promise.resolve();
    return this.merges.delete(key);
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

  /** Adds an entry to the pending list, and its changes to the count. */
  private add(e: Entry): void {
    this.entries.push(e);
    this.changes.add(e.changes);
  }

  /** Takes an entry off the pending list (it is durable, or handed over), and forgets its held bytes. */
  private drop(e: Entry): void {
    this.entries.splice(this.entries.indexOf(e), 1);
    this.changes.remove(e.changes);
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
    for (const e of durable) this.drop(e);
    // A merged record goes with the last pending update stored in it.
    const deletes = [...new Set(durable.flatMap((e) => (e.key === null ? [] : [e.key])))].map((key) => this.forget(key));
    this.afterForgetting(deletes);
    // An unwritten record made durable needs no copy: the warning it raised can go.
    if (this.failure !== null && !this.unwritten.some((e) => this.entries.includes(e))) {
      this.unwritten = [];
      this.failure = null;
      this.onWrite(this.jobId, null);
    }
    const done = [...new Set(durable.flatMap((e) => e.changes.map(([change]) => change)))].filter((c) => !this.changes.has(c));
    const uploaded = done.filter((c) => c !== this.reported).length;
    if (this.latest && done.includes(this.latest.change)) this.reported = this.latest.change;
    this.onChange(this.jobId, this.count, uploaded);
    this.wakeWaiters();
  }

  /**
   * The server took these records another way (handed over to the office after the
   * relay refused the job): forget them, on the device too. Not counted as uploaded.
   */
  async forgetHandedOver(keys: readonly number[]): Promise<void> {
    // A record read by the handover may have been merged since: its updates are those whose
    // first key it held (its own, or through the records it replaced).
    const gone = this.merges.lineage(keys);
    const dropped = this.entries.filter((e) => e.origin !== null && gone.has(e.origin));
    for (const e of dropped) this.drop(e);
    // A merged record that still holds an update not handed over stays (sent again, harmlessly).
    const merged = [...new Set(dropped.flatMap((e) => (e.key === null || gone.has(e.key) ? [] : [e.key])))];
    await Promise.all([...keys.filter((k) => !this.entries.some((e) => e.key === k)).map((k) => this.db.delete('pending', k)), ...merged.map((k) => this.forget(k))]);
    this.onChange(this.jobId, this.count, 0);
    this.wakeWaiters();
  }

  /** Resolves the `whenDurable` callers whose every entry has left the pending list. */
  private wakeWaiters(): void {
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
