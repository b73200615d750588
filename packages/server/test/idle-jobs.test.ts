import { addNote, noteText, readJob } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TestDevice } from './support/ops';
import { connectRelay, type RelayClient } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

describe('idle jobs', () => {
  let server: TestServer | null = null;
  const clients: RelayClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    await server?.dispose();
    server = null;
  });
  const connect = async (s: TestServer, token: string) => {
    const c = await connectRelay(s.wsBase, 'job-1001', token);
    clients.push(c);
    return c;
  };
  const dormant = async (s: TestServer) => {
    const room = await s.relay.acquire('job-1001');
    s.relay.release(room);
    return room.dormant;
  };
  /** The typist writes a note; resolves once content message `n` (the note) is durably acked. */
  const writeNote = async (typist: RelayClient, id: string, text: string, n: number) => {
    typist.edit((doc) => addNote(doc, { id, author: 'alice', createdAt: '2030-01-01T00:00:00.000Z', text }));
    await until(() => typist.ackedUpTo >= n, 5000, `note ${id} acked`);
  };
  const rested = (s: TestServer) => until(() => dormant(s), 5000, 'the idle doc freed');

  it('frees the doc of a job left open but unused, and still serves, stores and relays its notes', async () => {
    server = await startTestServer({ limits: { hibernateAfterMs: 50 } });
    const token = await login(server, 'alice');
    const typist = await connect(server, token);
    await writeNote(typist, 'n1', 'Compressor ', 2);
    await rested(server);

    const newcomer = await connect(server, token);
    expect(noteText(newcomer.doc, 'n1')?.toString()).toBe('Compressor ');
    typist.edit((doc) => noteText(doc, 'n1')!.insert(11, 'replaced'));
    await until(() => noteText(newcomer.doc, 'n1')?.toString() === 'Compressor replaced', 5000, 'relayed after the pause');
    await until(() => typist.ackedUpTo >= 3, 5000, 'durable ack after the pause');

    const stored = await server.store.loadJobDoc('job-1001');
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(doc, u);
    expect(readJob(doc).notes.map((n) => n.text)).toEqual(['Compressor replaced']);
  });

  it('lets a device with nothing new join a resting job without waking its doc', async () => {
    server = await startTestServer({ limits: { hibernateAfterMs: 300 } });
    const token = await login(server, 'alice');
    const typist = await connect(server, token);
    await writeNote(typist, 'n1', 'Belt worn', 2);
    await rested(server);

    // A fresh device answers the server's sync step 1 with an empty step 2: acked, no doc built for it.
    const listener = await connect(server, token);
    await until(() => listener.ackedUpTo >= 1, 5000, 'the empty step 2 acked');
    expect(noteText(listener.doc, 'n1')?.toString()).toBe('Belt worn');
    expect(await dormant(server)).toBe(true);
  });

  it('answers a device that holds part of a resting job with what it lacks, without waking the doc', async () => {
    server = await startTestServer({ limits: { hibernateAfterMs: 300 } });
    const token = await login(server, 'alice');
    const typist = await connect(server, token);
    await writeNote(typist, 'n1', 'Belt worn', 2);
    const earlier = Y.encodeStateAsUpdate(typist.doc);
    await writeNote(typist, 'n2', 'Belt replaced', 3);
    await rested(server);

    const device = await connectRelay(server.wsBase, 'job-1001', token, { waitSynced: false });
    clients.push(device);
    Y.applyUpdate(device.doc, earlier); // it saw the first note before
    device.sendStep1();
    await until(() => device.synced, 5000, 'sync');
    expect(noteText(device.doc, 'n2')?.toString()).toBe('Belt replaced');
    await until(() => device.ackedUpTo >= 1, 5000, 'its empty step 2 acked');
    expect(await dormant(server)).toBe(true);
  });

  it('keeps the doc an op is waiting on, so the op applies once the device’s changes arrive', async () => {
    server = await startTestServer({ limits: { hibernateAfterMs: 30, causalWaitMs: 20_000 } });
    const alice = await login(server, 'alice');
    const device = await connect(server, alice);
    // The device ticked something offline and made the op after it; the op arrives first.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(device.doc));
    const before = Y.encodeStateVector(offline);
    addNote(offline, { id: 'n-op', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z', text: 'on my way' });
    const op = new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' }, offline);
    const answer = api(server, alice, '/api/jobs/job-1001/ops', { method: 'POST', body: op });
    await new Promise((r) => setTimeout(r, 300)); // several idle periods while the op waits
    device.sendUpdate(Y.encodeStateAsUpdate(offline, before));
    // Well before the causal wait runs out: the op saw the changes arrive.
    const res = await Promise.race([answer, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    expect(res, 'the op still waits for changes that arrived').not.toBeNull();
    expect(res!.status).toBe(200);
    expect(res!.body.result.status).toBe('en_route');
  });
});
