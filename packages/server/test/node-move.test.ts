/**
 * A device that moves from one node to another carries what its old node relayed to it.
 * Another node's committed writes reach this node over the bus a little later; the relay
 * catches a room up from storage before refusing an update that only looks like a device
 * writing the server map. Simulated on one node: the "other node's" write is put straight
 * into the store, where the bus never announces it.
 */
import { addNote, noteText, readJob, readServerState, writeServerState } from '@outpost/shared';
import * as encoding from 'lib0/encoding';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore, type JobUpdate } from '../src/index';
import { TestDevice } from './support/ops';
import { connectRelay, type RelayClient } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

/** A SQLite store whose commits wait until the test opens the gate. */
class GatedStore extends SqliteStore {
  gate: Promise<void> = Promise.resolve();
  override async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    await this.gate;
    return super.appendUpdates(batch);
  }
}

const JOB = 'job-1001';

/**
 * Waits for the durable ack of content message `upTo`, event-driven: fails at once, naming
 * the close code and the server's error, if the server refuses the socket instead (a refusal
 * would otherwise only show as a missing ack). The bound is generous for a loaded CI machine.
 */
async function ackedOrRefused(client: RelayClient, upTo: number, what: string): Promise<void> {
  const closed = client.closed.then((info) => info);
  const outcome = await Promise.race([client.durable(upTo, 20_000).then(() => null), closed]);
  if (outcome) {
    throw new Error(`${what}: the socket was closed (${outcome.code}) with ${JSON.stringify(client.errors)} before message ${upTo} was acked (acked up to ${client.ackedUpTo})`);
  }
}

/** A sync step 2 frame carrying `update`, as a device sends it after connecting. */
function syncStep2(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

describe('a device that moves between nodes', () => {
  let server: TestServer;
  const clients: RelayClient[] = [];
  const connect = async (token: string) => {
    const c = await connectRelay(server.wsBase, JOB, token);
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  /** Another node's change: written on a copy of `base`, committed to the store only. */
  async function otherNodeWrites(base: Y.Doc, change: (doc: Y.Doc) => void): Promise<Uint8Array> {
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(base));
    const before = Y.encodeStateVector(other);
    change(other);
    const update = Y.encodeStateAsUpdate(other, before);
    other.destroy();
    await server.store.appendUpdates([{ jobId: JOB, update }]);
    return update;
  }

  it("is accepted with another node's job-state mirror the bus has not delivered yet, and everyone sees it", async () => {
    server = await startTestServer();
    const dana = await login(server, 'dana');
    const watcher = await connect(dana); // keeps the job loaded on this node
    // Two ops applied on the other node: two successive mirrors, the first one overwritten.
    const first = (readServerState(watcher.doc)?.version ?? 0) + 1;
    const version = first + 1;
    const mirror = await otherNodeWrites(watcher.doc, (d) => {
      writeServerState(d, { status: 'en_route', version: first, assignees: ['alice'], changedBy: 'dana', changedAt: '2030-01-01T00:00:00Z' }, 'other-node');
      writeServerState(d, { status: 'on_site', version, assignees: ['alice'], changedBy: 'alice', changedAt: '2030-01-01T00:01:00Z' }, 'other-node');
    });

    const moved = await connect(await login(server, 'alice'));
    Y.applyUpdate(moved.doc, mirror, 'old-node');
    moved.sendRaw(syncStep2(Y.encodeStateAsUpdate(moved.doc)));
    moved.edit((d) => addNote(d, { id: 'after-move', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'still here' }));

    // Messages: its answer to the server's step 1 on connect, the step 2 it carried, the note.
    await ackedOrRefused(moved, 3, 'durable acks for the step 2 and the note');
    expect(moved.closeCode).toBeNull();
    await until(() => readServerState(watcher.doc)?.version === version, 15_000, 'watcher sees the mirror');
    await until(() => readJob(watcher.doc).notes.some((n) => n.id === 'after-move'), 15_000, 'watcher sees the note');
  });

  it('is accepted with an edit to a note another node committed that the bus has not delivered yet', async () => {
    server = await startTestServer();
    const alice = await login(server, 'alice');
    const watcher = await connect(alice);
    const note = await otherNodeWrites(watcher.doc, (d) => addNote(d, { id: 'from-node-2', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'abc' }));

    const moved = await connect(alice);
    Y.applyUpdate(moved.doc, note, 'old-node');
    // Editing the other node's note: the edit's items refer to items this node lacks.
    const before = Y.encodeStateVector(moved.doc);
    noteText(moved.doc, 'from-node-2')!.insert(3, 'def');
    moved.sendUpdate(Y.encodeStateAsUpdate(moved.doc, before));

    await ackedOrRefused(moved, 2, 'durable ack for the edit');
    expect(moved.closeCode).toBeNull();
    await until(() => readJob(watcher.doc).notes.find((n) => n.id === 'from-node-2')?.text === 'abcdef', 15_000, 'watcher sees the edit');
  });

  it('receives the job state written after an op only once it is committed', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-gated-'));
    const store = new GatedStore(join(dataDir, 'outpost.db'));
    server = await startTestServer({ dataDir, store });
    const alice = await login(server, 'alice');
    const device = await connect(alice);
    await until(() => readServerState(device.doc) !== null, 15_000, 'job state');
    const before = readServerState(device.doc)!.version;
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    const op = new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' });
    let res: Awaited<ReturnType<typeof api>>;
    try {
      res = await api(server, alice, `/api/jobs/job-1001/ops`, { method: 'POST', body: op });
      expect(res.status).toBe(200);
      // Relayed before its commit, the mirror could reach a device that then moves to a node
      // whose storage never gets it (this node dies first): that node would refuse the device.
      await new Promise((r) => setTimeout(r, 200));
      expect(readServerState(device.doc)!.version).toBe(before);
    } finally {
      open();
    }
    await until(() => readServerState(device.doc)!.version === res.body.result.version, 15_000, 'job state after the commit');
  });

  it('shows the newest job state when another node mirrors an op concurrently and loses the tie', async () => {
    server = await startTestServer();
    const alice = await login(server, 'alice');
    const device = await connect(alice);
    await until(() => readServerState(device.doc) !== null, 15_000, 'job state');
    // The other node's copy, taken before this node's next op; client id 1 loses every
    // Yjs tie against this node's writes (the higher client id wins a concurrent map write).
    const other = new Y.Doc();
    other.clientID = 1;
    Y.applyUpdate(other, Y.encodeStateAsUpdate(device.doc));
    const base = Y.encodeStateVector(other);
    const op = new TestDevice().op(JOB, { kind: 'transition', to: 'en_route' });
    const res = await api(server, alice, `/api/jobs/${JOB}/ops`, { method: 'POST', body: op });
    expect(res.status).toBe(200);
    const mine = res.body.result.version as number;
    await until(() => readServerState(device.doc)?.version === mine, 15_000, "this node's mirror");

    // Meanwhile the other node applied the next op and mirrored it, concurrently.
    const newest = { status: 'on_site' as const, version: mine + 1, assignees: ['alice'], changedBy: 'alice', changedAt: '2030-01-01T00:00:00Z' };
    writeServerState(other, newest, 'other-node');
    const update = Y.encodeStateAsUpdate(other, base);
    other.destroy();
    await server.store.appendUpdates([{ jobId: JOB, update }]);
    await server.bus.publish({ kind: 'jobChanged', jobId: JOB, node: 'node-b', state: newest });
    await server.bus.publish({ kind: 'update', jobId: JOB, node: 'node-b', update });

    await until(() => readServerState(device.doc)?.version === newest.version, 15_000, 'the newest job state');
    expect(readServerState(device.doc)?.status).toBe('on_site');
  });

  it('is still refused when it writes the server map itself, after the room caught up', async () => {
    server = await startTestServer();
    const alice = await connect(await login(server, 'alice'));
    alice.edit((d) => writeServerState(d, { status: 'completed', version: 99, assignees: ['alice'], changedBy: 'alice', changedAt: null }, 'client'));
    expect(await alice.closedWithin()).toBe(4403);
    expect(alice.errors[0]?.code).toBe('server_owned');
  });
});
