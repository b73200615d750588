import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DeviceDb } from '../storage/device-db';
import * as Y from 'yjs';
import { addNote, readJob } from '@outpost/shared';
import { CARRY_HELD_BYTES, CHANGE_BURST_MS, PendingUpdates } from './pending-updates';

async function tracker(device = crypto.randomUUID()) {
  const db = await DeviceDb.open(indexedDB, device);
  const uploaded: number[] = [];
  const pending = new PendingUpdates(db, 'j1', (_job, _count, n) => void (n > 0 && uploaded.push(n)));
  await pending.load();
  return { db, pending, device, uploaded };
}

const u = new Uint8Array([1, 2, 3]);

describe('pending doc updates', () => {
  it('clears an update only when the message that carried it is acked on the same socket', async () => {
    const { pending } = await tracker();
    pending.record(u, { socket: 1, n: 3 }, 'notes/n1');
    pending.ack(1, 2);
    expect(pending.count).toBe(1);
    pending.ack(2, 9); // another socket's ack says nothing about this one
    expect(pending.count).toBe(1);
    pending.ack(1, 3);
    expect(pending.count).toBe(0);
  });

  it('lets a sync step 2 cover updates made offline, and forgets coverage by a socket that closed', async () => {
    const { pending } = await tracker();
    pending.record(u, null, 'notes/n1');
    pending.record(u, { socket: 1, n: 1 }, 'notes/n2');
    pending.coverAll(2, 1);
    pending.ack(1, 1);
    expect(pending.count).toBe(2);
    pending.ack(2, 1);
    expect(pending.count).toBe(0);
  });

  it('gives a reconnect every pending update merged into one, also after a reload, and none once they are too large to hold', async () => {
    const first = await tracker();
    expect(first.pending.unackedChanges()).toBeNull();
    const doc = new Y.Doc();
    const notes: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => notes.push(update));
    addNote(doc, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'one' });
    addNote(doc, { id: 'n2', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'two' });
    for (const [i, update] of notes.entries()) first.pending.record(update, null, `notes/n${i + 1}`);
    await first.pending.flushed();
    const again = await tracker(first.device);
    const carried = new Y.Doc();
    Y.applyUpdate(carried, again.pending.unackedChanges()!);
    expect(readJob(carried).notes.map((n) => n.id)).toEqual(['n1', 'n2']);
    again.pending.coverAll(1, 1);
    again.pending.ack(1, 1);
    expect(again.pending.unackedChanges()).toBeNull();
    again.pending.record(new Uint8Array(CARRY_HELD_BYTES + 1), null, 'doc');
    expect(again.pending.unackedChanges()).toBeNull();
  });

  it('keeps the count across a reload of the device storage', async () => {
    const first = await tracker();
    first.pending.record(u, null, 'notes/n1');
    first.pending.record(u, null, 'checklist/c1');
    await first.pending.flushed();
    first.db.close();
    const again = await tracker(first.device);
    expect(again.pending.count).toBe(2);
    again.pending.coverAll(1, 1);
    again.pending.ack(1, 1);
    expect(again.pending.count).toBe(0);
  });

  it('tells an op when the updates made before it are durable', async () => {
    const { pending } = await tracker();
    pending.record(u, { socket: 1, n: 1 }, 'notes/n1');
    const mark = pending.mark;
    pending.record(u, { socket: 1, n: 2 }, 'notes/n2');
    let done = false;
    const waiting = pending.whenDurable(mark).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    pending.ack(1, 1);
    await waiting;
    expect(pending.count).toBe(1);
  });

  it('counts a burst of updates to the same thing as one change, and a different thing as another', async () => {
    const { pending } = await tracker();
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) pending.record(u, null, 'notes/n1', t0 + i * 500);
    expect(pending.count).toBe(1);
    pending.record(u, null, 'checklist/c1', t0 + 11_000);
    pending.record(u, null, 'checklist/c1', t0 + 12_000); // ticked and unticked
    expect(pending.count).toBe(2);
    pending.record(u, null, 'notes/n1', t0 + 13_000); // back to the note: a new change
    expect(pending.count).toBe(3);
    pending.record(u, null, 'notes/n1', t0 + 13_000 + CHANGE_BURST_MS + 1); // after a long pause
    expect(pending.count).toBe(4);
  });

  it('keeps a change pending until its last update is durable, and reports it uploaded once', async () => {
    const { pending, uploaded } = await tracker();
    pending.record(u, { socket: 1, n: 1 }, 'notes/n1');
    pending.record(u, { socket: 1, n: 2 }, 'notes/n1');
    pending.ack(1, 1);
    expect(pending.count).toBe(1);
    expect(uploaded).toEqual([]);
    pending.ack(1, 2);
    expect(pending.count).toBe(0);
    expect(uploaded).toEqual([1]);
    pending.record(u, { socket: 1, n: 3 }, 'notes/n1'); // typing on in the same note
    expect(pending.count).toBe(1);
    pending.ack(1, 3);
    expect(uploaded).toEqual([1]);
  });

  it('keeps changes, not updates, across a reload of the device storage', async () => {
    const first = await tracker();
    for (let i = 0; i < 5; i++) first.pending.record(u, null, 'notes/n1');
    first.pending.record(u, null, 'notes/n2');
    await first.pending.flushed();
    first.db.close();
    const again = await tracker(first.device);
    expect(again.pending.count).toBe(2);
    again.pending.record(u, null, 'notes/n2'); // the note typed before the reload goes on
    expect(again.pending.count).toBe(2);
  });
});
