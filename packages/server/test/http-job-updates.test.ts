import { addNote, jobRoots } from '@outpost/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, login, startTestServer, type TestServer } from './support/server';

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

/** A note written on a fresh device doc, as the update a device would queue. */
function noteUpdate(id: string, author: string, text: string): Uint8Array {
  const doc = new Y.Doc();
  addNote(doc, { id, author, createdAt: new Date().toISOString(), text });
  return Y.encodeStateAsUpdate(doc);
}

async function storedDoc(server: TestServer, jobId: string): Promise<Y.Doc> {
  const stored = await server.store.loadJobDoc(jobId);
  const doc = new Y.Doc();
  for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, u);
  return doc;
}

describe('POST /api/jobs/:id/updates (job content with no socket open)', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let aliceJob: string;
  beforeAll(async () => {
    server = await startTestServer();
    [alice, bob] = await Promise.all([login(server, 'alice'), login(server, 'bob')]);
    aliceJob = (await server.store.listJobs()).find((j) => j.assignees.join() === 'alice')!.id;
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('answers only once the update is stored, and a second send of it changes nothing', async () => {
    const update = noteUpdate('n-http-1', 'alice', 'Compressor replaced');
    const res = await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(update) } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ jobId: aliceJob, durable: true });
    // Durable before it answered: the store already holds it, no waiting.
    const notes = jobRoots(await storedDoc(server, aliceJob)).notes.toArray() as Y.Map<unknown>[];
    expect(notes.filter((n) => n.get('id') === 'n-http-1')).toHaveLength(1);
    expect((await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(update) } })).status).toBe(200);
    const again = jobRoots(await storedDoc(server, aliceJob)).notes.toArray() as Y.Map<unknown>[];
    expect(again.filter((n) => n.get('id') === 'n-http-1')).toHaveLength(1);
  });

  it('refuses an update exactly as a socket would: another author, the server map, a job not assigned', async () => {
    const forged = await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(noteUpdate('n-forged', 'bob', 'x')) } });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('wrong_author');
    const serverMap = new Y.Doc();
    serverMap.getMap('server').set('status', 'completed');
    const owned = await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(Y.encodeStateAsUpdate(serverMap)) } });
    expect(owned.status).toBe(403);
    expect(owned.body.error.code).toBe('server_owned');
    const other = await api(server, bob, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(noteUpdate('n-bob', 'bob', 'x')) } });
    expect(other.body.error.code).toBe('not_assigned');
    const junk = await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: 'not base64!' } });
    expect(junk.body.error.code).toBe('validation_failed');
    const garbage = await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: b64(new Uint8Array([9, 9, 9, 9])) } });
    expect(garbage.status).toBe(400);
    const notes = jobRoots(await storedDoc(server, aliceJob)).notes.toArray() as Y.Map<unknown>[];
    expect(notes.map((n) => n.get('id'))).not.toContain('n-forged');
  });
});
