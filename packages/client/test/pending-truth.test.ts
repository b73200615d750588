import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, setChecklistDone, readJob } from '@outpost/shared';
import { SqliteStore, type Store } from '@outpost/server';
import type { JobHandle } from '@outpost/client';
import { until, World } from './harness';

/** A SQLite store whose commits of doc updates wait while the gate is shut. */
class GatedStore {
  held = 0;
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  wrap(dataDir: string): Store {
    const real = new SqliteStore(join(dataDir, 'outpost.db'));
    return new Proxy(real, {
      get: (target, prop) => {
        if (prop === 'appendUpdates') {
          return async (batch: Parameters<Store['appendUpdates']>[0]) => {
            this.held++;
            await this.open;
            return target.appendUpdates(batch);
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
  }

  shut(): void {
    this.held = 0;
    this.open = new Promise((r) => (this.release = r));
  }

  reopen(): void {
    this.release();
  }
}

/** True when the server's stored copy of the job holds everything the device's doc holds. */
async function storeHasAll(store: Store, job: JobHandle): Promise<boolean> {
  const stored = await store.loadJobDoc(job.jobId);
  const doc = new Y.Doc();
  for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
  const missing = Y.diffUpdate(Y.encodeStateAsUpdate(job.doc), Y.encodeStateVector(doc));
  const decoded = Y.decodeUpdate(missing);
  const same = JSON.stringify(readJob(doc)) === JSON.stringify(readJob(job.doc));
  doc.destroy();
  return decoded.structs.length === 0 && same;
}

describe('the pending count', () => {
  let world: World;
  afterEach(() => world.close());

  it('stays above zero until the server has committed the update, and is zero exactly once it has', async () => {
    const gate = new GatedStore();
    world = await World.start({ store: (dir) => gate.wrap(dir) });
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);

    gate.shut();
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Filter clogged' });
    await until('the server received the update but holds its commit', () => gate.held > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(alice.status.get().pending).toBe(1);
    expect(await storeHasAll(world.server.store, job)).toBe(false);

    gate.reopen();
    await until('nothing is pending', () => alice.status.get().pending === 0);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
    expect(alice.status.get().state).toBe('online');
  });

  it('counts offline edits until a reconnect makes them durable, and then the server has every one', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1003');
    await until('synced', () => job.synced);

    link.cut();
    const items = readJob(job.doc).checklist;
    for (const item of items) setChecklistDone(job.doc, item.id, true, 'alice', new Date().toISOString());
    addNote(job.doc, { id: 'n2', author: 'alice', createdAt: new Date().toISOString(), text: 'Pilot relit' });
    expect(alice.status.get().pending).toBe(items.length + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(alice.status.get().pending).toBe(items.length + 1);

    link.restore();
    alice.syncNow();
    await until('nothing is pending', () => alice.status.get().pending === 0, 20_000);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
  });

  it('replaces a connection that stopped answering (half-open) and still gets every edit durable', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice', { ackTimeoutMs: 300 });
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);

    link.stall();
    addNote(job.doc, { id: 'n3', author: 'alice', createdAt: new Date().toISOString(), text: 'Typed on a dead link' });
    await until('the silent socket was given up on', () => !alice.status.get().connected, 5_000);
    expect(alice.status.get().pending).toBe(1);

    link.restore();
    alice.syncNow();
    await until('nothing is pending', () => alice.status.get().state === 'online', 20_000);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
  });
});
