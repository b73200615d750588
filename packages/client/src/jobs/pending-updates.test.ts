import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DeviceDb } from '../storage/device-db';
import { PendingUpdates } from './pending-updates';

async function tracker(device = crypto.randomUUID()) {
  const db = await DeviceDb.open(indexedDB, device);
  const pending = new PendingUpdates(db, 'j1', () => undefined);
  await pending.load();
  return { db, pending, device };
}

const u = new Uint8Array([1, 2, 3]);

describe('pending doc updates', () => {
  it('clears an update only when the message that carried it is acked on the same socket', async () => {
    const { pending } = await tracker();
    pending.record(u, { socket: 1, n: 3 });
    pending.ack(1, 2);
    expect(pending.count).toBe(1);
    pending.ack(2, 9); // another socket's ack says nothing about this one
    expect(pending.count).toBe(1);
    pending.ack(1, 3);
    expect(pending.count).toBe(0);
  });

  it('lets a sync step 2 cover updates made offline, and forgets coverage by a socket that closed', async () => {
    const { pending } = await tracker();
    pending.record(u, null);
    pending.record(u, { socket: 1, n: 1 });
    pending.coverAll(2, 1);
    pending.ack(1, 1);
    expect(pending.count).toBe(2);
    pending.ack(2, 1);
    expect(pending.count).toBe(0);
  });

  it('keeps the count across a reload of the device storage', async () => {
    const first = await tracker();
    first.pending.record(u, null);
    first.pending.record(u, null);
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
    pending.record(u, { socket: 1, n: 1 });
    const mark = pending.mark;
    pending.record(u, { socket: 1, n: 2 });
    let done = false;
    const waiting = pending.whenDurable(mark).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(done).toBe(false);
    pending.ack(1, 1);
    await waiting;
    expect(pending.count).toBe(1);
  });
});
