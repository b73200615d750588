/**
 * `JobRoom.apply` stores and relays a device's own bytes instead of having Yjs encode every
 * transaction again for the doc's 'update' listener (that listener steps aside meanwhile).
 * What must still hold: the device's change is stored and reaches the other sockets once
 * committed, the room's own writes made afterwards are stored too (the listener is back),
 * and an update that throws half-applied drops the room, since the doc may then hold what
 * storage lacks.
 */
import { addNote, readJob, type ServerState } from '@outpost/shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LocalBus } from '../bus/bus';
import { ServerMetrics } from '../metrics/metrics';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { DEFAULT_LIMITS, type RelayContext } from './context';
import { GroupCommitter } from './group-commit';
import { JobRoom } from './job-room';
import type { RoomMember } from './room-member';

const JOB = 'job-apply';

function member(userId: string): RoomMember & { sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  return {
    userId,
    awarenessIds: new Set(),
    sent,
    send: (m) => void sent.push(m),
    refuse: () => undefined,
    jobChanged: () => undefined,
    opResult: () => undefined,
    drained: () => Promise.resolve(),
    goAway: () => undefined,
  };
}

describe('JobRoom.apply', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function openRoom() {
    const store = new SqliteStore(join(await mkdtemp(join(tmpdir(), 'outpost-room-apply-')), 'outpost.db'));
    cleanups.push(() => store.close());
    const committer = new GroupCommitter(store, { committed: () => undefined, failed: () => undefined });
    const ctx = {
      nodeId: 'node-1',
      store,
      bus: new LocalBus(),
      committer,
      metrics: new ServerMetrics({ connections: () => 0, loadedDocs: () => 0 }),
      limits: DEFAULT_LIMITS,
    } as unknown as RelayContext;
    const broken: JobRoom[] = [];
    const room = await JobRoom.load(JOB, ctx, (r) => broken.push(r));
    cleanups.push(() => room.dispose());
    return { store, room, broken };
  }

  const stored = async (store: SqliteStore) => {
    const doc = new Y.Doc();
    const { snapshot, updates } = await store.loadJobDoc(JOB);
    for (const u of snapshot ? [snapshot, ...updates] : updates) Y.applyUpdate(doc, u);
    return doc;
  };

  it("stores the device's bytes, relays them once committed, and stores the room's own later writes", async () => {
    const { store, room, broken } = await openRoom();
    const alice = member('alice');
    const bob = member('bob');
    room.join(alice);
    room.join(bob);
    const device = new Y.Doc();
    addNote(device, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'hello' });
    const update = Y.encodeStateAsUpdate(device);

    await room.apply(update, alice);
    expect((await store.loadJobDoc(JOB)).updates).toContainEqual(update);
    await new Promise((r) => setTimeout(r, 0));
    expect(bob.sent).toHaveLength(1);
    expect(alice.sent).toHaveLength(0);

    // The room's own write after a device's apply is stored too: its 'update' listener is back.
    const state: ServerState = { status: 'en_route', version: 2, assignees: ['alice'], changedBy: 'alice', changedAt: '2030-01-01T00:00:00Z' };
    room.mirrorServerState(state);
    await room.committed();
    const after = await stored(store);
    expect(readJob(after).notes.map((n) => n.id)).toEqual(['n1']);
    expect(readJob(after).server?.status).toBe('en_route');
    expect(broken).toEqual([]);
  });

  it('drops the room when an update throws while it applies', async () => {
    const { room, broken } = await openRoom();
    expect(room.doc).toBeInstanceOf(Y.Doc); // built, as for a socket that synced
    const garbage = new Uint8Array([1, 1, 200, 1, 0, 9]);
    expect(() => room.apply(garbage, member('alice'))).toThrow();
    expect(broken).toEqual([room]);
  });
});
