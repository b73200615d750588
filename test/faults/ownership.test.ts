/**
 * Issue 13, items 2 and 3: a technician's raw socket cannot do the office's part of a job
 * or sign for someone else, a completion needs the signature's bytes on the server, and a
 * blob hash written into a technician's own job does not open the blob to her.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, addPhoto, jobRoots, readJob, setChecklistDone, setSignature } from '@outpost/shared';
import { call, DEMO, startOutpost, type Outpost } from './support/outpost';
import { RelayClient } from '../../test-support/relay-client';

let outpost: Outpost;
const sockets: RelayClient[] = [];

beforeAll(async () => {
  outpost = await startOutpost();
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await outpost?.stop();
});

const tokenOf = (who: keyof typeof DEMO) => outpost.token(DEMO[who])!;

async function socket(jobId: string, who: keyof typeof DEMO): Promise<RelayClient> {
  const c = await RelayClient.connect({ baseUrl: outpost.url, jobId, token: tokenOf(who) });
  sockets.push(c);
  await c.whenSynced;
  return c;
}

/** A fresh job made by the office, with two required checklist items. */
async function newJob(assignees: string[]): Promise<string> {
  const res = await call(`${outpost.url}/api/jobs`, {
    method: 'POST',
    token: tokenOf('dana'),
    json: {
      title: 'No-cooling call',
      customerId: 'cust-1',
      siteAddress: '9 Coil St',
      windowStart: new Date().toISOString(),
      windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
      assignees,
      checklist: [
        { label: 'Record pressures', required: true },
        { label: 'Photo of data plate', required: true },
      ],
    },
  });
  expect(res.status, res.text).toBe(201);
  return (res.body as { job: { id: string } }).job.id;
}

let seq = 0;
/** Submits a workflow op from a fresh device (seq 1), as `who`. */
function op(jobId: string, who: keyof typeof DEMO, over: Record<string, unknown>) {
  const body = {
    opId: crypto.randomUUID(),
    jobId,
    deviceId: `ownership-${++seq}`,
    deviceSeq: 1,
    kind: 'transition',
    occurredAt: new Date().toISOString(),
    baseVersion: 0,
    docState: '',
    ...over,
  };
  return call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: tokenOf(who), json: body });
}

async function startWork(jobId: string): Promise<void> {
  for (const to of ['en_route', 'on_site', 'in_progress']) expect((await op(jobId, 'alice', { to })).status).toBe(200);
}

async function serverJob(jobId: string) {
  const res = await call(`${outpost.url}/api/jobs/${jobId}`, { token: tokenOf('dana') });
  return (res.body as { content: ReturnType<typeof readJob> }).content;
}

/** Sends one hostile change and waits for the refusal; returns the close and the error. */
async function refused(c: RelayClient, change: (doc: Y.Doc) => void) {
  c.edit(change);
  const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
  expect(closed, 'the socket stayed open').not.toBeNull();
  return { close: closed!.code, error: c.errors[0] };
}

async function putBlob(who: keyof typeof DEMO, bytes: Uint8Array): Promise<string> {
  const sha = createHash('sha256').update(bytes).digest('hex');
  const res = await call(`${outpost.url}/api/blobs/${sha}`, { method: 'PUT', token: tokenOf(who), body: Buffer.from(bytes), headers: { 'content-type': 'image/png' } });
  expect(res.status).toBeLessThan(300);
  return sha;
}

describe('completion without the work (issue 13.2)', () => {
  it('refuses a technician making required checklist items optional, names the field, and keeps the job unchanged', async () => {
    const jobId = await newJob(['alice']);
    const alice = await socket(jobId, 'alice');
    const { close, error } = await refused(alice, (doc) => {
      for (const item of jobRoots(doc).checklist) (item as Y.Map<unknown>).set('required', false);
    });
    expect(close).toBe(4403);
    expect(error).toMatchObject({ code: 'office_field' });
    expect(error!.message).toMatch(/checklist\[.+\]\.required/);
    expect((await serverJob(jobId)).checklist.map((i) => i.required)).toEqual([true, true]);
    await startWork(jobId);
    const complete = await op(jobId, 'alice', { to: 'completed' });
    expect(complete.status).toBe(409);
    expect(complete.body).toMatchObject({ error: { code: 'guard_failed' } });
  });

  it('refuses a completion whose signature names a blob the server does not have, and completes once the image is there', async () => {
    const jobId = await newJob(['alice']);
    await startWork(jobId);
    const alice = await socket(jobId, 'alice');
    const ticked = alice.edit((doc) => {
      for (const item of readJob(doc).checklist) setChecklistDone(doc, item.id, true, 'alice', new Date().toISOString());
      setSignature(doc, { blob: 'not-a-real-blob', signer: 'Pat', signedAt: new Date().toISOString(), by: 'alice' });
    });
    await alice.durable(ticked);
    const fake = await op(jobId, 'alice', { to: 'completed' });
    expect(fake.status, fake.text).not.toBe(200);
    expect((await outpost.server.store.getJob(jobId))?.status).toBe('in_progress');
    const image = await putBlob('alice', randomBytes(40));
    await alice.durable(alice.edit((doc) => setSignature(doc, { blob: image, signer: 'Pat', signedAt: new Date().toISOString(), by: 'alice' })));
    const real = await op(jobId, 'alice', { to: 'completed' });
    expect(real.status, real.text).toBe(200);
  });

  it('answers a completion that only waits for the signature image as retryable, and logs nothing', async () => {
    const jobId = await newJob(['alice']);
    await startWork(jobId);
    const alice = await socket(jobId, 'alice');
    const sha = createHash('sha256').update(randomBytes(16)).digest('hex');
    await alice.durable(
      alice.edit((doc) => {
        for (const item of readJob(doc).checklist) setChecklistDone(doc, item.id, true, 'alice', new Date().toISOString());
        setSignature(doc, { blob: sha, signer: 'Pat', signedAt: new Date().toISOString(), by: 'alice' });
      }),
    );
    const early = await op(jobId, 'alice', { to: 'completed' });
    expect(early.status).toBe(425);
    expect(early.body).toMatchObject({ error: { code: 'not_causal' } });
    const opId = JSON.parse(JSON.stringify(early.body)).error?.details?.opId as string;
    expect(opId && (await outpost.server.store.getOp(opId))).toBeFalsy();
  });

  const forgeries: { name: string; code: string; field: RegExp; change: (doc: Y.Doc) => void }[] = [
    {
      name: 'a note signed as bob',
      code: 'wrong_author',
      field: /notes\[.+\]\.author/,
      change: (d) => void addNote(d, { id: 'forged-note', author: 'bob', createdAt: 't', text: 'bob was here' }),
    },
    { name: 'a tick done by bob', code: 'wrong_author', field: /checklist\[.+\]\.doneBy/, change: (d) => void setChecklistDone(d, readJob(d).checklist[0]!.id, true, 'bob', 't') },
    {
      name: 'a photo taken by bob',
      code: 'wrong_author',
      field: /photos\[.+\]\.by/,
      change: (d) => addPhoto(d, { id: 'c'.repeat(64), kind: 'before', caption: '', mime: 'image/png', bytes: 1, takenAt: 't', by: 'bob' }),
    },
    {
      name: 'a signature taken by bob',
      code: 'wrong_author',
      field: /signature\.by/,
      change: (d) => setSignature(d, { blob: 'd'.repeat(64), signer: 'Pat', signedAt: 't', by: 'bob' }),
    },
    {
      name: 'a signature image swapped without saying who',
      code: 'wrong_author',
      field: /signature\.by/,
      change: (d) => void jobRoots(d).signature.set('blob', 'not-a-real-blob'),
    },
    {
      name: 'a new checklist item',
      code: 'office_field',
      field: /checklist/,
      change: (d) => void jobRoots(d).checklist.push([new Y.Map(Object.entries({ id: 'x', label: 'Skip', required: false }))]),
    },
    {
      name: 'a relabelled checklist item',
      code: 'office_field',
      field: /checklist\[.+\]\.label/,
      change: (d) => void (jobRoots(d).checklist.get(0) as Y.Map<unknown>).set('label', 'Anything'),
    },
    { name: 'a new job title', code: 'office_field', field: /meta\.title/, change: (d) => void jobRoots(d).meta.set('title', 'Done already') },
  ];
  for (const f of forgeries) {
    it(`refuses ${f.name} from a technician's socket, naming the field, and stores none of it`, async () => {
      const jobId = await newJob(['alice', 'bob']);
      const alice = await socket(jobId, 'alice');
      const before = await serverJob(jobId);
      const { close, error } = await refused(alice, f.change);
      expect(close).toBe(4403);
      expect(error).toMatchObject({ code: f.code });
      expect(error!.message).toMatch(f.field);
      expect(await serverJob(jobId)).toEqual(before);
    });
  }

  it("refuses a technician removing a colleague's note; the office may", async () => {
    const jobId = await newJob(['alice', 'bob']);
    const bob = await socket(jobId, 'bob');
    await bob.durable(bob.edit((d) => void addNote(d, { id: 'bobs-note', author: 'bob', createdAt: 't', text: 'Compressor hums' })));
    const alice = await socket(jobId, 'alice');
    const { error } = await refused(alice, (d) => jobRoots(d).notes.delete(0, 1));
    expect(error).toMatchObject({ code: 'not_author' });
    expect((await serverJob(jobId)).notes.map((n) => n.id)).toEqual(['bobs-note']);
    const dana = await socket(jobId, 'dana');
    await dana.durable(dana.edit((d) => jobRoots(d).notes.delete(0, 1)));
    expect((await serverJob(jobId)).notes).toEqual([]);
  });
});

describe('blob read bypass (issue 13.3)', () => {
  const getBlob = (who: keyof typeof DEMO, sha: string) => call(`${outpost.url}/api/blobs/${sha}`, { token: tokenOf(who) });

  it('does not open a removed technician the photos of her old job when she names their hashes in her own', async () => {
    const shared = await newJob(['alice', 'bob']);
    const own = await newJob(['alice']);
    const sha = await putBlob('bob', randomBytes(64));
    const bob = await socket(shared, 'bob');
    await bob.durable(bob.edit((d) => addPhoto(d, { id: sha, kind: 'damage', caption: '', mime: 'image/png', bytes: 64, takenAt: 't', by: 'bob' })));
    expect((await getBlob('alice', sha)).status).toBe(200);
    expect((await op(shared, 'dana', { kind: 'assign', assignees: ['bob'] })).status).toBe(200);
    expect((await getBlob('alice', sha)).status).not.toBe(200);
    // She writes the hash into a photo of a job she still has, as herself.
    const alice = await socket(own, 'alice');
    await alice.durable(alice.edit((d) => addPhoto(d, { id: sha, kind: 'damage', caption: '', mime: 'image/png', bytes: 64, takenAt: 't', by: 'alice' })));
    const bypass = await getBlob('alice', sha);
    const missing = await getBlob('alice', createHash('sha256').update(randomBytes(8)).digest('hex'));
    expect(bypass.status, 'the hash she named opened the blob').toBe(404);
    expect({ status: bypass.status, body: bypass.body }).toEqual({ status: missing.status, body: missing.body });
    expect((await getBlob('bob', sha)).status).toBe(200);
  });

  it('answers a forbidden blob exactly as a missing one', async () => {
    const bobsJob = await newJob(['bob']);
    const sha = await putBlob('dana', randomBytes(48));
    const dana = await socket(bobsJob, 'dana');
    await dana.durable(dana.edit((d) => addPhoto(d, { id: sha, kind: 'before', caption: '', mime: 'image/png', bytes: 48, takenAt: 't', by: 'dana' })));
    const forbidden = await getBlob('alice', sha);
    const missing = await getBlob('alice', 'f'.repeat(64));
    expect({ status: forbidden.status, body: forbidden.body }).toEqual({ status: missing.status, body: missing.body });
    expect((await getBlob('bob', sha)).status).toBe(200);
  });

  it('keeps serving a technician a blob she uploaded: the store remembers the uploader', async () => {
    const sha = await putBlob('alice', randomBytes(32));
    expect((await getBlob('alice', sha)).status).toBe(200);
    expect(await outpost.server.store.blobUploadedBy(sha, 'alice')).toBe(true);
    expect((await getBlob('bob', sha)).status).toBe(404);
  });
});
