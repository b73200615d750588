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

describe('blob reads for jobs that are not loaded', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeAll(async () => {
    // Jobs unload 50 ms after their last socket leaves, so a test can ask with the doc at rest.
    server = await startTestServer({ limits: { idleUnloadMs: 50 } });
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterAll(async () => {
    await server.dispose();
  });

  /** A job of Alice's that ended `daysAgo` days ago with `status`, holding a photo Dana named; resolves once the job is unloaded again. */
  async function pastJobWithPhoto(id: string, status: 'completed' | 'on_hold', daysAgo: number): Promise<string> {
    const end = Date.now() - daysAgo * 86_400_000;
    const at = (ms: number) => new Date(ms).toISOString();
    await server.store.createJob({
      id,
      title: id,
      customerId: 'cust-1',
      siteAddress: '1 Way',
      windowStart: at(end - 3_600_000),
      windowEnd: at(end),
      createdAt: at(end - 86_400_000),
      status,
      version: 2,
      assignees: ['alice'],
      changedBy: 'dana',
      changedAt: at(end),
    });
    const bytes = randomBytes(48);
    const put = await fetch(`${server.url}/api/blobs/${sha(bytes)}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${dana}`, 'content-type': 'image/jpeg' },
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    expect(put.status).toBe(201);
    const client = await connectRelay(server.wsBase, id, dana);
    client.edit((doc) => addPhoto(doc, { id: sha(bytes), kind: 'after', caption: '', mime: 'image/jpeg', bytes: 48, takenAt: at(end), by: 'dana' }));
    await until(() => client.ackedUpTo >= 1, 5000, 'durable ack');
    await client.close();
    await until(() => !server.relay.isLoaded(id), 5000, 'job unloaded');
    return sha(bytes);
  }

  it("reads the docs of a technician's current jobs, not of every job she ever had", async () => {
    const recent = await pastJobWithPhoto('done-last-week', 'completed', 7);
    const overdue = await pastJobWithPhoto('overdue-for-months', 'on_hold', 90);
    const old = await pastJobWithPhoto('done-months-ago', 'completed', 90);
    expect((await api(server, alice, `/api/blobs/${recent}`)).status).toBe(200);
    expect((await api(server, alice, `/api/blobs/${overdue}`)).status).toBe(200);
    expect((await api(server, alice, `/api/blobs/${old}`)).status).toBe(404);
    expect(server.relay.isLoaded('done-months-ago')).toBe(false);
    expect((await api(server, dana, `/api/blobs/${old}`)).status).toBe(200);
    // Open on a device (loaded), an old job's photos are read from its doc as before.
    const device = await connectRelay(server.wsBase, 'done-months-ago', alice);
    try {
      expect((await api(server, alice, `/api/blobs/${old}`)).status).toBe(200);
    } finally {
      await device.close();
    }
  });
});
