import { addNote, readJob } from '@outpost/shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from '../src/index';
import type { JobUpdate } from '../src/index';
import { connectRelay } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

/** A SQLite store whose commits wait until the test opens the gate. */
class GatedStore extends SqliteStore {
  gate: Promise<void> = Promise.resolve();
  commits: JobUpdate[][] = [];
  /** Commits begun (waiting at the gate or done). */
  begun = 0;
  override async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    this.begun++;
    await this.gate;
    this.commits.push([...batch]);
    return super.appendUpdates(batch);
  }
}

async function gatedServer(): Promise<{ server: TestServer; store: GatedStore }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'outpost-gated-'));
  const store = new GatedStore(join(dataDir, 'outpost.db'));
  return { server: await startTestServer({ dataDir, store }), store };
}

async function storedNotes(server: TestServer, jobId: string): Promise<string[]> {
  const stored = await server.store.loadJobDoc(jobId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return readJob(doc).notes.map((n) => n.text);
}

describe('durable acks', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('acks each content message in order, counting sync step 2 and messages that carry nothing new', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    cleanups.push(() => client.close());
    // The sync step 2 the client sent in reply to the server's step 1 was message 1.
    await until(() => client.ackedUpTo === 1, 5000, 'ack of step 2');
    const before = Y.encodeStateVector(client.doc);
    client.edit((d) => addNote(d, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'one' })); // 2
    client.sendUpdate(Y.encodeStateAsUpdate(client.doc, before)); // 3: nothing new
    client.edit((d) => addNote(d, { id: 'n2', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'two' })); // 4
    await until(() => client.ackedUpTo === 4, 5000, 'ack of 4');
    const acks = client.received.filter((m) => m.name === 'durableAck').map((m) => (m.value as { upTo: number }).upTo);
    expect(acks).toEqual([...acks].sort((a, b) => a - b));
    expect(await storedNotes(server, 'job-1001')).toEqual(['one', 'two']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^outpost_connections 1$/m);
    expect(metrics).toMatch(/^outpost_loaded_docs 1$/m);
    expect(metrics).toMatch(/^outpost_updates_received_total 4$/m);
    expect(metrics).toMatch(/^outpost_durable_ack_seconds_count 4$/m);
    // Every ack waited for a group commit, and each commit is timed.
    expect(Number(/^outpost_commit_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    // The SQLite WAL was checkpointed (on the log writer's thread, between commits).
    expect(Number(/^outpost_wal_checkpoint_seconds_count (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });

  it('sends no ack before the commit, and one as soon as it lands', async () => {
    const { server, store } = await gatedServer();
    cleanups.push(() => server.dispose());
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    cleanups.push(() => client.close());
    await until(() => client.ackedUpTo === 1);
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    client.edit((d) => addNote(d, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'held' }));
    await new Promise((r) => setTimeout(r, 150));
    expect(client.ackedUpTo).toBe(1);
    open();
    await until(() => client.ackedUpTo === 2, 5000, 'ack after commit');
    expect(store.commits.at(-1)?.map((u) => u.jobId)).toEqual(['job-1001']);
  });

  it('commits updates from many sockets and jobs together in one transaction', async () => {
    const { server, store } = await gatedServer();
    cleanups.push(() => server.dispose());
    const token = await login(server, 'alice');
    const clients = await Promise.all(['job-1001', 'job-1003', 'job-1006'].map((j) => connectRelay(server.wsBase, j, token)));
    cleanups.push(async () => void (await Promise.all(clients.map((c) => c.close()))));
    await until(() => clients.every((c) => c.ackedUpTo === 1));
    let open!: () => void;
    store.gate = new Promise((r) => (open = r));
    // A first commit is held at the gate; everything sent meanwhile must go in the next one.
    // Event-driven (a fixed sleep let a loaded machine put 'x' in the same commit as the rest).
    const begun = store.begun;
    clients[0]!.edit((d) => addNote(d, { id: 'x', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'first' }));
    await until(() => store.begun === begun + 1, 15_000, 'the first commit held at the gate');
    const received = server.metrics.updatesReceived;
    for (const c of clients) c.edit((d) => addNote(d, { id: 'y', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'batched' }));
    await until(() => server.metrics.updatesReceived === received + 3, 15_000, 'the server received the three edits');
    const before = store.commits.length;
    open();
    await until(() => clients.every((c) => c.ackedUpTo >= 2) && clients[0]!.ackedUpTo === 3);
    expect(store.commits.length - before).toBe(2);
    expect(
      store.commits
        .at(-1)!
        .map((u) => u.jobId)
        .sort(),
    ).toEqual(['job-1001', 'job-1003', 'job-1006']);
  });

  it('sends durable acks only to sockets that asked for them', async () => {
    const server = await startTestServer();
    cleanups.push(() => server.dispose());
    const token = await login(server, 'alice');
    const plain = await connectRelay(server.wsBase, 'job-1001', token, { acks: false });
    const watcher = await connectRelay(server.wsBase, 'job-1001', token);
    cleanups.push(
      () => plain.close(),
      () => watcher.close(),
    );
    plain.edit((d) => addNote(d, { id: 'n1', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'quiet' }));
    await until(() => readJob(watcher.doc).notes.length === 1);
    await until(async () => (await storedNotes(server, 'job-1001')).length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(plain.received).toEqual([]);
  });
});
