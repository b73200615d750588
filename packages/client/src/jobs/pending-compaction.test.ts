import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DeviceDb } from '../storage/device-db';
import type { DeviceStorage } from '../storage/device-storage';
import { COMPACT_PENDING_AFTER, PendingUpdates, type PendingRecord } from './pending-updates';

/** `n` keystrokes in a note, one update each; every tenth in a checklist item (a change of its own). */
function typing(n: number): { updates: Uint8Array[]; targets: string[]; text: string } {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const targets: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 10 === 9) {
      doc.getMap('checklist').set('c1', i);
      targets.push('checklist/c1');
    } else {
      doc.getText('note').insert(doc.getText('note').length, String.fromCharCode(97 + (i % 26)));
      targets.push('notes/n1');
    }
  }
  return { updates, targets, text: doc.getText('note').toString() };
}

async function tracker(device = crypto.randomUUID(), wrap: (db: DeviceStorage) => DeviceStorage = (db) => db, docStored?: () => Promise<void>) {
  const db = await DeviceDb.open(indexedDB, device);
  const pending = new PendingUpdates(wrap(db), 'j1', () => undefined, undefined, docStored);
  const { unstored: loaded, added } = await pending.load();
  return { db, pending, device, loaded, added };
}

/** What a device open would apply: the loaded updates on a fresh doc. */
function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc();
  for (const u of updates) Y.applyUpdate(doc, u);
  return doc.getText('note').toString();
}

/**
 * Records each update once the one before it is stored, so each gets a record of its own (as
 * typing slower than a device write does; updates made while a write is in flight share one).
 */
async function recordEach(pending: PendingUpdates, updates: Uint8Array[], target: (i: number) => string, covered = false): Promise<void> {
  for (const [i, u] of updates.entries()) {
    pending.record(u, covered ? { socket: 1, n: i + 1 } : null, target(i));
    await pending.flushed();
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('pending updates, compacted on the device', () => {
  it('merges a job’s records into one that a reload reads back with every change and every byte of content', async () => {
    const work = typing(3 * COMPACT_PENDING_AFTER);
    const first = await tracker();
    const t0 = Date.now();
    work.updates.forEach((u, i) => first.pending.record(u, null, work.targets[i]!, t0 + i));
    await first.pending.flushed();
    const records = await first.db.pendingOf<PendingRecord>('j1');
    expect(records.length).toBeLessThan(COMPACT_PENDING_AFTER);
    expect(records.reduce((n, [, r]) => n + (r.updates ?? 1), 0)).toBe(work.updates.length);
    const counted = first.pending.count;
    first.db.close();

    const again = await tracker(first.device);
    expect(again.loaded.length).toBe(records.length);
    expect(textOf(again.loaded)).toBe(work.text);
    expect(again.pending.count).toBe(counted);
    expect(again.pending.unsentTargets()).toEqual(['checklist/c1', 'notes/n1']);
  });

  it('stores a burst of updates as one record (one disk flush), whose changes a reload reads back', async () => {
    const work = typing(40);
    const first = await tracker();
    work.updates.forEach((u, i) => first.pending.record(u, { socket: 1, n: i + 1 }, work.targets[i]!));
    await first.pending.flushed();
    const records = await first.db.pendingOf<PendingRecord>('j1');
    expect(records.length).toBe(1); // all made in one turn, before the first write began: one record, one flush
    expect(records.reduce((n, [, r]) => n + (r.updates ?? 1), 0)).toBe(40);
    const changes = records[0]![1].changes ?? [];
    expect(changes.length).toBe(first.pending.count); // every change of the burst, each with what it touched
    expect([...new Set(changes.map(([, target]) => target))].sort()).toEqual(['checklist/c1', 'notes/n1']);
    const counted = first.pending.count;
    first.pending.ack(1, 39); // every update but the last: the record holding it stays
    await settle();
    expect((await first.db.pendingOf('j1')).length).toBe(1);
    first.db.close();

    const again = await tracker(first.device);
    expect(textOf(again.loaded)).toBe(work.text);
    expect(again.pending.count).toBeLessThanOrEqual(counted);
    expect(again.pending.count).toBeGreaterThan(0);
  });

  it('merges and marks a burst of updates held by the doc store, so a reload decodes none of it', async () => {
    const work = typing(2 * COMPACT_PENDING_AFTER);
    const first = await tracker(undefined, undefined, () => Promise.resolve());
    const t0 = Date.now();
    work.updates.forEach((u, i) => first.pending.record(u, null, work.targets[i]!, t0 + i));
    await first.pending.flushed();
    const records = await first.db.pendingOf<PendingRecord>('j1');
    expect(records.map(([, r]) => r.inDoc)).toEqual([true]);
    first.db.close();
    const again = await tracker(first.device);
    expect(again.loaded).toEqual([]); // nothing to apply: the doc's own store holds it
    expect(again.pending.count).toBe(first.pending.count);
  });

  it('deletes a merged record only once every update stored in it is durable', async () => {
    const work = typing(COMPACT_PENDING_AFTER + 1);
    const { db, pending } = await tracker();
    work.updates.forEach((u, i) => pending.record(u, { socket: 1, n: i + 1 }, work.targets[i]!));
    await pending.flushed();
    expect((await db.pendingOf('j1')).length).toBe(1);
    pending.ack(1, work.updates.length - 1);
    await settle();
    expect(pending.count).toBe(1);
    const [[, left]] = (await db.pendingOf<PendingRecord>('j1')) as [[number, PendingRecord]];
    expect(textOf([new Uint8Array(left.update)])).toBe(work.text); // the last update is still on the device
    pending.ack(1, work.updates.length);
    await settle();
    expect(pending.count).toBe(0);
    expect(await db.count('pending')).toBe(0);
  });

  it('loses nothing when the merge cannot be stored (a crash or a full disk mid-transaction): the records stay as they were', async () => {
    const work = typing(COMPACT_PENDING_AFTER + 5);
    const failing = (db: DeviceStorage): DeviceStorage =>
      Object.assign(Object.create(db) as DeviceStorage, { replace: () => Promise.reject(new DOMException('The write was aborted.', 'AbortError')) });
    const first = await tracker(undefined, failing);
    await recordEach(first.pending, work.updates, (i) => work.targets[i]!);
    expect((await first.db.pendingOf('j1')).length).toBe(work.updates.length);
    first.db.close();
    const again = await tracker(first.device); // the next session merges them
    expect(textOf(again.loaded)).toBe(work.text);
    await again.pending.flushed();
    expect((await again.db.pendingOf('j1')).length).toBe(1);
    expect(textOf((await again.db.pendingOf<PendingRecord>('j1')).map(([, r]) => new Uint8Array(r.update)))).toBe(work.text);
  });

  it('merges nothing when an ack deleted a record between reading and replacing, and still clears every record acked', async () => {
    const work = typing(COMPACT_PENDING_AFTER);
    let pendingRef: PendingUpdates | null = null;
    const ackFirst = (db: DeviceStorage): DeviceStorage =>
      Object.assign(Object.create(db) as DeviceStorage, {
        async replace(store: 'pending', keys: readonly number[], value: unknown) {
          pendingRef!.ack(1, 1); // the first update became durable meanwhile; its record is deleted now
          await settle();
          return db.replace(store, keys, value);
        },
      });
    const { db, pending } = await tracker(undefined, ackFirst);
    pendingRef = pending;
    await recordEach(pending, work.updates, (i) => work.targets[i]!, true);
    expect((await db.pendingOf('j1')).length).toBe(work.updates.length - 1);
    pending.ack(1, work.updates.length);
    await settle();
    expect(await db.count('pending')).toBe(0);
  });

  it('deletes the merged record when every update in it was acked while it was being stored', async () => {
    const work = typing(COMPACT_PENDING_AFTER);
    let pendingRef: PendingUpdates | null = null;
    const ackDuring = (db: DeviceStorage): DeviceStorage =>
      Object.assign(Object.create(db) as DeviceStorage, {
        replace(store: 'pending', keys: readonly number[], value: unknown) {
          const replaced = db.replace(store, keys, value); // issued first: commits before the deletes
          pendingRef!.ack(1, work.updates.length);
          return replaced;
        },
      });
    const { db, pending } = await tracker(undefined, ackDuring);
    pendingRef = pending;
    await recordEach(pending, work.updates, (i) => work.targets[i]!, true);
    await settle();
    expect(pending.count).toBe(0);
    expect(await db.count('pending')).toBe(0);
  });

  it('forgets handed-over updates by the keys the handover read before they were merged, keeping newer ones', async () => {
    const work = typing(COMPACT_PENDING_AFTER); // the last of them makes the records a merge
    const { db, pending } = await tracker();
    await recordEach(pending, work.updates.slice(0, 10), (i) => work.targets[i]!);
    const read = (await db.pendingOf('j1')).map(([k]) => k); // what the handover sent
    await recordEach(pending, work.updates.slice(10), (i) => work.targets[i + 10]!);
    expect((await db.pendingOf('j1')).length).toBe(1); // merged since
    const before = pending.count;
    await pending.forgetHandedOver(read);
    expect(pending.count).toBe(before - 2); // the first ten updates' two changes (a note run and a tick)
    expect(pending.unsentTargets()).toEqual(['checklist/c1', 'notes/n1']);
    // The merged record still holds the newer updates (and the handed-over ones, harmlessly).
    const [[, left]] = (await db.pendingOf<PendingRecord>('j1')) as [[number, PendingRecord]];
    expect(textOf([new Uint8Array(left.update)])).toBe(work.text);
  });

  it('marks a merged record as held by the doc’s own store only when that store committed everything, and a reload then applies none of it', async () => {
    const work = typing(COMPACT_PENDING_AFTER);
    let stored = Promise.reject<void>(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    stored.catch(() => undefined);
    const refused = await tracker(undefined, undefined, () => stored);
    await recordEach(refused.pending, work.updates, (i) => work.targets[i]!);
    const [[, notMarked]] = (await refused.db.pendingOf<PendingRecord>('j1')) as [[number, PendingRecord]];
    expect(notMarked.inDoc).toBeUndefined();
    refused.db.close();

    // The next session loads it as possibly missing from the doc, applies it, and once the doc's store committed, marks the merge.
    stored = Promise.resolve();
    const next = await tracker(refused.device, undefined, () => stored);
    expect(textOf(next.loaded)).toBe(work.text);
    const more = typing(2 * COMPACT_PENDING_AFTER - 1).updates.slice(COMPACT_PENDING_AFTER); // with the loaded record, a merge's worth
    await recordEach(next.pending, more, () => 'notes/n1');
    expect((await next.db.pendingOf<PendingRecord>('j1')).map(([, r]) => r.inDoc)).toEqual([undefined]); // the loaded update was not applied yet
    next.pending.appliedToDoc();
    await recordEach(next.pending, more, () => 'notes/n1');
    expect((await next.db.pendingOf<PendingRecord>('j1')).map(([, r]) => r.inDoc)).toEqual([true]);
    const count = next.pending.count;
    next.db.close();

    const last = await tracker(refused.device);
    expect(last.added).toBe(1);
    expect(last.loaded).toEqual([]);
    expect(last.pending.count).toBe(count);
  });
});
