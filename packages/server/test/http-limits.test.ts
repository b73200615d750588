/**
 * Issue 16 leftovers: the HTTP routes a device (or its service worker) writes through are
 * budgeted per user — content over HTTP, ops one by one and batched, blobs and their
 * chunks, handovers — as are the online searches, and one user's unfinished resumable
 * uploads are capped. A flood is
 * refused with the shared codes (`429 rate_limited` with Retry-After, `429 too_many_uploads`),
 * other users are not held up, and the server keeps serving.
 */
import { addNote } from '@outpost/shared';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { api, login, startTestServer, type Json, type TestServer } from './support/server';

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A note written on a fresh device doc, as the update a service worker would send. */
function noteUpdate(author: string, text: string): string {
  const doc = new Y.Doc();
  addNote(doc, { id: randomUUID(), author, createdAt: new Date().toISOString(), text });
  return b64(Y.encodeStateAsUpdate(doc));
}

async function jobOf(server: TestServer, technician: string): Promise<string> {
  return (await server.store.listJobs()).find((j) => j.assignees.join() === technician)!.id;
}

async function putChunk(server: TestServer, token: string, whole: Uint8Array, offset: number, size: number) {
  const res = await fetch(`${server.url}/api/blobs/${sha(whole)}/upload/${offset}?length=${whole.byteLength}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' },
    body: whole.subarray(offset, offset + size) as Uint8Array<ArrayBuffer>,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Json };
}

describe('HTTP write budget per user', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  it('refuses a flood of content over HTTP with 429 rate_limited and Retry-After, while another technician and reads go through', async () => {
    // One write a second, three at once: a flood of 20 in a row cannot all fit however slow the machine.
    server = await startTestServer({ limits: { httpWritesPerSecond: 1, httpWriteBurst: 3 } });
    const [alice, bob] = await Promise.all([login(server, 'alice'), login(server, 'bob')]);
    const [aliceJob, bobJob] = await Promise.all([jobOf(server, 'alice'), jobOf(server, 'bob')]);

    const answers: { status: number; retryAfter: string | null; body: Json }[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${server.url}/api/jobs/${aliceJob}/updates`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ update: noteUpdate('alice', `flood ${i}`) }),
      });
      answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() });
    }
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) {
      expect(a.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
      expect(Number(a.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(Number(a.retryAfter)).toBe(a.body.error.details.retryAfterSeconds);
    }
    // A refused update was not applied: only the answered ones are on the server.
    const stored = await api(server, alice, `/api/jobs/${aliceJob}`);
    const notes = (stored.body.content.notes as { text: string }[]).filter((n) => n.text.startsWith('flood '));
    expect(notes).toHaveLength(answers.filter((a) => a.status === 200).length);

    // Bob's budget is his own; reads and the health check do not spend Alice's.
    expect((await api(server, bob, `/api/jobs/${bobJob}/updates`, { method: 'POST', body: { update: noteUpdate('bob', 'unaffected') } })).status).toBe(200);
    expect((await api(server, alice, `/api/jobs/${aliceJob}`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // After the wait the server named, Alice's next write goes through.
    await new Promise((r) => setTimeout(r, Number(refused.at(-1)!.retryAfter) * 1000));
    expect((await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: noteUpdate('alice', 'after the wait') } })).status).toBe(200);
  });

  it('spends the same budget on every other route a device writes through: ops, the op batch, blobs, chunks and handovers', async () => {
    server = await startTestServer({ limits: { httpWritesPerSecond: 0.01, httpWriteBurst: 1 } });
    const alice = await login(server, 'alice');
    const aliceJob = await jobOf(server, 'alice');
    expect((await api(server, alice, `/api/jobs/${aliceJob}/updates`, { method: 'POST', body: { update: noteUpdate('alice', 'one') } })).status).toBe(200);

    const photo = randomBytes(1000);
    const tries = [
      await api(server, alice, `/api/jobs/${aliceJob}/ops`, { method: 'POST', body: { nonsense: true } }),
      await api(server, alice, '/api/ops', { method: 'POST', body: { ops: [] } }),
      await api(server, alice, `/api/jobs/${aliceJob}/handover`, { method: 'POST', body: { handoverId: randomUUID(), deviceId: 'd', update: 'AA==' } }),
      await fetch(`${server.url}/api/blobs/${sha(photo)}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/jpeg' }, body: photo }).then(
        async (r) => ({ status: r.status, body: await r.json() }),
      ),
      await putChunk(server, alice, photo, 0, 500),
    ];
    // Refused before the body is judged: even malformed bodies get the budget's answer.
    for (const t of tries) expect([t.status, (t.body as Json).error?.code]).toEqual([429, 'rate_limited']);
    expect(await server.store.hasBlob(sha(photo))).toBe(false);
    expect(await server.store.blobUploadState(sha(photo), 'alice')).toBeNull();
  });
});

describe('look-up budget per user', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  it('refuses a flood of customer and pricebook searches with 429 rate_limited, with its own budget apart from writes and from other users', async () => {
    server = await startTestServer({ limits: { lookupsPerSecond: 0.01, lookupBurst: 4 } });
    const [alice, bob] = await Promise.all([login(server, 'alice'), login(server, 'bob')]);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await api(server, alice, i % 2 ? '/api/pricebook/search?q=filter' : '/api/customers?q=a'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(answers[4]!.body.error).toMatchObject({ code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } });
    // Other reads, writes and Bob's searches are not held up.
    expect((await api(server, alice, '/api/customers/cust-1')).status).toBe(200);
    expect((await api(server, alice, '/api/pricebook')).status).toBe(200);
    expect((await api(server, alice, `/api/jobs/${await jobOf(server, 'alice')}/updates`, { method: 'POST', body: { update: noteUpdate('alice', 'still writes') } })).status).toBe(
      200,
    );
    expect((await api(server, bob, '/api/customers?q=a')).status).toBe(200);
  });
});

describe('cap on unfinished uploads per user', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.dispose();
  });

  it('refuses a new upload past the cap with 429 too_many_uploads, lets the started ones go on, and leaves other users alone', async () => {
    server = await startTestServer({ limits: { maxOpenUploadsPerUser: 2 } });
    const [alice, bob] = await Promise.all([login(server, 'alice'), login(server, 'bob')]);
    const photos = [randomBytes(3000), randomBytes(3000), randomBytes(3000)];
    expect((await putChunk(server, alice, photos[0]!, 0, 1000)).status).toBe(200);
    expect((await putChunk(server, alice, photos[1]!, 0, 1000)).status).toBe(200);

    const third = await putChunk(server, alice, photos[2]!, 0, 1000);
    expect(third.status).toBe(429);
    expect(third.body.error).toMatchObject({ code: 'too_many_uploads', details: { open: 2, max: 2 } });
    expect(Number(third.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await server.store.blobUploadState(sha(photos[2]!), 'alice')).toBeNull();

    // The uploads already started are not held up, and Bob has his own cap.
    expect((await putChunk(server, alice, photos[0]!, 1000, 1000)).body).toMatchObject({ received: 2000 });
    expect((await putChunk(server, bob, photos[2]!, 0, 1000)).status).toBe(200);

    // Once one is finished the next one may start.
    expect((await putChunk(server, alice, photos[0]!, 2000, 1000)).status).toBe(201);
    expect((await putChunk(server, alice, photos[2]!, 0, 1000)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('makes room by dropping the upload idle the longest when the user is at the cap', async () => {
    server = await startTestServer({ limits: { maxOpenUploadsPerUser: 2, uploadIdleMs: 200 } });
    const alice = await login(server, 'alice');
    const photos = [randomBytes(3000), randomBytes(3000), randomBytes(3000)];
    expect((await putChunk(server, alice, photos[0]!, 0, 1000)).status).toBe(200);
    expect((await putChunk(server, alice, photos[1]!, 0, 1000)).status).toBe(200);
    // Both are idle past 200 ms once this wait is over, however loaded the machine.
    await new Promise((r) => setTimeout(r, 250));
    expect((await putChunk(server, alice, photos[1]!, 1000, 1000)).status).toBe(200);
    expect((await putChunk(server, alice, photos[2]!, 0, 1000)).status).toBe(200);
    // Only the upload idle the longest was dropped; its device starts it again from 0.
    expect(await server.store.blobUploadState(sha(photos[0]!), 'alice')).toBeNull();
    expect((await api(server, alice, `/api/blobs/${sha(photos[1]!)}/upload`)).body).toMatchObject({ received: 2000 });
  });
});
