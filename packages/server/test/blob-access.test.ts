import { createHash, randomBytes } from 'node:crypto';
import { addPhoto, setSignature } from '@outpost/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { connectRelay } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('who may read a blob', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let dana: string;
  let aliceJob: string;
  let bobJob: string;
  beforeAll(async () => {
    server = await startTestServer();
    [alice, bob, dana] = await Promise.all([login(server, 'alice'), login(server, 'bob'), login(server, 'dana')]);
    const jobs = await server.store.listJobs();
    aliceJob = jobs.find((j) => j.assignees.join() === 'alice')!.id;
    bobJob = jobs.find((j) => j.assignees.join() === 'bob')!.id;
  });
  afterAll(async () => {
    await server.dispose();
  });

  const put = async (token: string, bytes: Uint8Array) => {
    const res = await fetch(`${server.url}/api/blobs/${sha(bytes)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    expect(res.status).toBeLessThan(300);
    return sha(bytes);
  };
  const get = (token: string, hash: string) => api(server, token, `/api/blobs/${hash}`);

  /** Uploads a photo as the dispatcher and names it in the job doc. */
  async function photoOn(jobId: string): Promise<string> {
    const hash = await put(dana, randomBytes(48));
    const client = await connectRelay(server.wsBase, jobId, dana);
    client.edit((doc) => addPhoto(doc, { id: hash, kind: 'before', caption: '', mime: 'image/jpeg', bytes: 48, takenAt: new Date().toISOString(), by: 'dana' }));
    await until(() => client.ackedUpTo >= 1, 5000, 'durable ack');
    await client.close();
    return hash;
  }

  it("answers a technician asking for the photo of another technician's job exactly as for a blob that does not exist", async () => {
    const hash = await photoOn(bobJob);
    const res = await get(alice, hash);
    const missing = await get(alice, 'e'.repeat(64));
    expect(res.status).toBe(404);
    expect(res.body).toEqual(missing.body);
    expect(res.body.error.code).toBe('not_found');
    expect((await get(bob, hash)).status).toBe(200);
    expect((await get(dana, hash)).status).toBe(200);
  });

  it('serves a technician the photos and signature of their own job, and the dispatcher every blob', async () => {
    const photo = await photoOn(aliceJob);
    const signature = await put(alice, randomBytes(40));
    const client = await connectRelay(server.wsBase, aliceJob, alice);
    client.edit((doc) => setSignature(doc, { blob: signature, signer: 'Pat Customer', signedAt: new Date().toISOString(), by: 'alice' }));
    await until(() => client.ackedUpTo >= 1, 5000, 'durable ack');
    await client.close();
    expect((await get(alice, photo)).status).toBe(200);
    expect((await get(alice, signature)).status).toBe(200);
    expect((await get(bob, signature)).status).toBe(404);
    expect((await get(dana, signature)).status).toBe(200);
  });

  it('lets a technician read back a blob they uploaded before any job names it', async () => {
    const hash = await put(alice, randomBytes(32));
    expect((await get(alice, hash)).status).toBe(200);
    expect((await get(bob, hash)).status).toBe(404);
  });

  it("stops serving a job's photos to a technician once they are unassigned", async () => {
    const created = await api(server, dana, '/api/jobs', {
      method: 'POST',
      body: {
        title: 'Shared',
        customerId: 'cust-1',
        siteAddress: '1 Way',
        windowStart: new Date().toISOString(),
        windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
        assignees: ['alice', 'bob'],
      },
    });
    const jobId = created.body.job.id as string;
    const hash = await photoOn(jobId);
    expect((await get(alice, hash)).status).toBe(200);
    const op = new TestDevice().op(jobId, { kind: 'assign', assignees: ['bob'] });
    expect((await api(server, dana, `/api/jobs/${jobId}/ops`, { method: 'POST', body: op })).status).toBe(200);
    expect((await get(alice, hash)).status).toBe(404);
    expect((await get(bob, hash)).status).toBe(200);
  });
});
