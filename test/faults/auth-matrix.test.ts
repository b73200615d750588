import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote, addPhoto } from '@outpost/shared';
import { ACTIONS, cellName, matrix, type Cell, type Relation } from './support/auth-matrix';
import { call, DEMO, JOBS, startOutpost, type Outpost } from './support/outpost';
import { validOp } from './support/bad-requests';
import { RelayClient } from '../../test-support/relay-client';
import { ChannelClient } from '../../test-support/channel-client';
import { signToken, TOKEN_KINDS } from './support/tokens';

let outpost: Outpost;
const openSockets: { close(): Promise<unknown> }[] = [];
const photoOf = new Map<string, { sha: string; bytes: Buffer }>();

beforeAll(async () => {
  outpost = await startOutpost();
  for (const jobId of [JOBS.aliceOnly, JOBS.bobOnly]) await attachPhoto(jobId);
});
afterAll(async () => {
  await Promise.all(openSockets.map((s) => s.close()));
  await outpost?.stop();
});

const dana = () => outpost.token(DEMO.dana)!;

/** Puts a photo's bytes on the server and its metadata into the job doc (as the dispatcher). */
async function attachPhoto(jobId: string): Promise<void> {
  const bytes = randomBytes(64);
  const sha = createHash('sha256').update(bytes).digest('hex');
  const put = await call(`${outpost.url}/api/blobs/${sha}`, { method: 'PUT', token: dana(), body: bytes, headers: { 'content-type': 'image/jpeg' } });
  expect(put.status).toBe(201);
  const c = await track(RelayClient.connect({ baseUrl: outpost.url, jobId, token: dana() }));
  await c.whenSynced;
  const n = c.edit((doc) => addPhoto(doc, { id: sha, kind: 'before', caption: '', mime: 'image/jpeg', bytes: 64, takenAt: new Date().toISOString(), by: 'dana' }));
  await c.durable(n);
  await c.close();
  photoOf.set(jobId, { sha, bytes });
}

async function track<C extends { close(): Promise<unknown> }>(p: Promise<C>): Promise<C> {
  const c = await p;
  openSockets.push(c);
  return c;
}

async function submitOp(jobId: string, token: string | undefined, over: Record<string, unknown> = {}) {
  const op = validOp({ jobId, ...over });
  const res = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token, json: op });
  return { ...res, opId: String(op.opId) };
}

/**
 * The job for a cell. `unassigned`: a fresh job for alice and bob; alice opens a socket on
 * it; then the dispatcher assigns it to bob alone — the cell runs right after that answer.
 */
async function jobFor(relation: Relation): Promise<{ jobId: string; aliceSocket?: RelayClient }> {
  if (relation === 'own') return { jobId: JOBS.aliceOnly };
  if (relation === 'other') return { jobId: JOBS.bobOnly };
  const created = await call(`${outpost.url}/api/jobs`, {
    method: 'POST',
    token: dana(),
    json: {
      title: 'Matrix job',
      customerId: 'cust-1',
      siteAddress: '1 Matrix Rd',
      windowStart: new Date().toISOString(),
      windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
      assignees: ['alice', 'bob'],
    },
  });
  expect(created.status).toBe(201);
  const jobId = (created.body as { job: { id: string } }).job.id;
  await attachPhoto(jobId);
  const aliceSocket = await track(RelayClient.connect({ baseUrl: outpost.url, jobId, token: outpost.token(DEMO.alice) }));
  await aliceSocket.whenSynced;
  const unassign = await submitOp(jobId, dana(), { kind: 'assign', assignees: ['bob'], to: undefined });
  expect(unassign.status, unassign.text).toBe(200);
  return { jobId, aliceSocket };
}

async function serverNoteIds(jobId: string): Promise<string[]> {
  const res = await call(`${outpost.url}/api/jobs/${jobId}`, { token: dana() });
  return (res.body as { content: { notes: { id: string }[] } }).content.notes.map((n) => n.id);
}

function wsCodes(cell: Cell): number[] {
  if (cell.expect.allow) return [];
  return cell.expect.status === 401 ? [4401, 401] : [4403, 403];
}

async function runCell(cell: Cell): Promise<void> {
  const actor = cell.role === 'technician' ? DEMO.alice : DEMO.dana;
  const token = outpost.token(actor, cell.token, Math.floor(Math.random() * 3));
  const { jobId, aliceSocket } = await jobFor(cell.relation);
  const verdict = cell.expect;
  switch (cell.action) {
    case 'wsJoin': {
      const c = await track(RelayClient.connect({ baseUrl: outpost.url, jobId, token }));
      await Promise.race([c.whenSynced, c.closed, new Promise((r) => setTimeout(r, 3000))]);
      if (verdict.allow) {
        expect(c.open, JSON.stringify(c.closeInfo)).toBe(true);
        expect(c.doc.getMap('server').get('status')).toBeTypeOf('string');
      } else {
        const closed = await c.closed;
        expect(wsCodes(cell)).toContain(closed.code);
        if (c.errors[0]) expect(verdict.codes).toContain(c.errors[0].code);
        // Nothing of the job reached a refused socket.
        expect(c.doc.getMap('server').size + c.doc.getMap('meta').size).toBe(0);
      }
      return;
    }
    case 'wsUpdate': {
      const noteId = `matrix-${Math.random().toString(36).slice(2)}`;
      const reuse = cell.relation === 'unassigned' && cell.role === 'technician' && cell.token === 'valid' && aliceSocket;
      const c = reuse ? aliceSocket : await track(RelayClient.connect({ baseUrl: outpost.url, jobId, token }));
      // Sent at once: before the server finished checking the token, or right after the unassign.
      const n = c.edit((doc) => addNote(doc, { id: noteId, author: actor.id, createdAt: new Date().toISOString(), text: 'may I?' }));
      if (verdict.allow) {
        await c.durable(n);
        expect(await serverNoteIds(jobId)).toContain(noteId);
      } else {
        const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
        expect(closed, 'the socket stayed open').not.toBeNull();
        expect(wsCodes(cell)).toContain(closed!.code);
        await new Promise((r) => setTimeout(r, 100));
        expect(await serverNoteIds(jobId)).not.toContain(noteId);
      }
      return;
    }
    case 'wsOfficeField':
    case 'wsForgedAuthor': {
      const reuse = cell.relation === 'unassigned' && cell.role === 'technician' && cell.token === 'valid' && aliceSocket;
      const c = reuse ? aliceSocket : await track(RelayClient.connect({ baseUrl: outpost.url, jobId, token }));
      if (!reuse) await Promise.race([c.whenSynced, c.closed]);
      const mark = `matrix-${Math.random().toString(36).slice(2)}`;
      const someoneElse = actor.id === 'alice' ? 'bob' : 'alice';
      const n = c.edit((doc) => {
        if (cell.action === 'wsOfficeField') doc.getMap('meta').set('title', mark);
        else addNote(doc, { id: mark, author: someoneElse, createdAt: new Date().toISOString(), text: 'signed as someone else' });
      });
      const landed = async () => {
        const content = (await call(`${outpost.url}/api/jobs/${jobId}`, { token: dana() })).body as { content: { meta: { title?: string }; notes: { id: string }[] } };
        return content.content.meta.title === mark || content.content.notes.some((note) => note.id === mark);
      };
      if (verdict.allow) {
        await c.durable(n);
        expect(await landed()).toBe(true);
      } else {
        const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
        expect(closed, 'the socket stayed open').not.toBeNull();
        expect(wsCodes(cell)).toContain(closed!.code);
        if (c.errors[0]) expect(verdict.codes).toContain(c.errors[0].code);
        await new Promise((r) => setTimeout(r, 100));
        expect(await landed()).toBe(false);
      }
      return;
    }
    case 'channelJoin':
    case 'channelUpdate': {
      const c = await track(ChannelClient.connect(outpost.url, token ?? null));
      const gone = () => c.closeCode !== null || c.closedJob(jobId) !== null;
      if (c.closeCode === null) c.subscribe([jobId]);
      const noteId = `matrix-${Math.random().toString(36).slice(2)}`;
      // Sent at once, before the server has let the job in: it must wait for (or die with) the check.
      if (cell.action === 'channelUpdate' && c.closeCode === null)
        c.edit(jobId, (doc) => addNote(doc, { id: noteId, author: actor.id, createdAt: new Date().toISOString(), text: 'may I?' }));
      await waitFor(() => (c.jobs.get(jobId)?.synced ?? false) || gone(), 3000);
      if (verdict.allow) {
        expect(c.jobs.get(jobId)!.doc.getMap('server').get('status')).toBeTypeOf('string');
        if (cell.action === 'channelUpdate') {
          await waitFor(() => c.ackedUpTo(jobId) >= 2, 5000);
          expect(await serverNoteIds(jobId)).toContain(noteId);
        }
        return;
      }
      await waitFor(gone, 3000);
      if (verdict.status === 401) {
        // A bad token refuses the channel itself.
        expect(c.closeCode).toBe(4401);
      } else {
        // Only this job is refused; the channel stays.
        expect(c.closedJob(jobId)).toBe(4403);
        expect(verdict.codes).toContain((c.messages(jobId, 'error')[0] as { code: string } | undefined)?.code);
        expect(c.closeCode).toBeNull();
      }
      const doc = c.jobs.get(jobId)?.doc;
      if (doc) expect(doc.getMap('server').size + doc.getMap('meta').size).toBe(0);
      await new Promise((r) => setTimeout(r, 100));
      expect(await serverNoteIds(jobId)).not.toContain(noteId);
      return;
    }
    case 'opBatch': {
      const before = await outpost.server.store.getJob(jobId);
      const op = validOp({ jobId, to: 'en_route' });
      const res = await call(`${outpost.url}/api/ops`, { method: 'POST', token, json: { ops: [op] } });
      if (verdict.allow) {
        expect(res.status, res.text).toBe(200);
        expect([200, 409, 425], res.text).toContain((res.body as { answers: { status: number }[] }).answers[0]!.status);
        return;
      }
      if (verdict.status === 401) return expectNoTrace({ ...res, opId: String(op.opId) }, verdict, jobId, before);
      // The batch is answered; its one op is refused as the single-op route would refuse it.
      expect(res.status, res.text).toBe(200);
      const answer = (res.body as { answers: { status: number; body: { error: { code: string; details?: unknown } } }[] }).answers[0]!;
      await expectNoTrace(
        { status: answer.status, body: answer.body, text: JSON.stringify(answer), contentType: 'application/json', opId: String(op.opId) },
        verdict,
        jobId,
        before,
      );
      return;
    }
    case 'restRead': {
      // Every way to read a job over REST: the job, its audit history, its equipment.
      for (const path of [`/api/jobs/${jobId}`, `/api/jobs/${jobId}/ops`, `/api/equipment?job=${jobId}`]) {
        const res = await call(outpost.url + path, { token });
        if (verdict.allow) expect(res.status, path).toBe(200);
        else expectDenied(res, verdict);
      }
      return;
    }
    case 'opSubmit': {
      const before = await outpost.server.store.getJob(jobId);
      const res = await submitOp(jobId, token, { to: 'en_route' });
      if (verdict.allow) expect([200, 409, 425], res.text).toContain(res.status);
      else await expectNoTrace(res, verdict, jobId, before);
      return;
    }
    case 'opOverride': {
      // A cancelled job of the cell's relation; the actor asks to reopen it, overriding.
      const cancelled = await cancelledJobFor(cell.relation);
      const before = await outpost.server.store.getJob(cancelled);
      const res = await submitOp(cancelled, token, { kind: 'reopen', to: undefined, override: true });
      if (verdict.allow) {
        expect(res.status, res.text).toBe(200);
        expect((await outpost.server.store.getJob(cancelled))?.status).toBe('scheduled');
      } else await expectNoTrace(res, verdict, cancelled, before);
      return;
    }
    case 'blobGet': {
      const photo = photoOf.get(jobId)!;
      const res = await fetch(`${outpost.url}/api/blobs/${photo.sha}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      if (verdict.allow) {
        expect(res.status).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(photo.bytes)).toBe(true);
      } else expectDenied({ status: res.status, body: await res.json().catch(() => null), text: '' }, verdict);
      return;
    }
    case 'blobPut': {
      const bytes = randomBytes(32);
      const sha = createHash('sha256').update(bytes).digest('hex');
      const res = await call(`${outpost.url}/api/blobs/${sha}`, { method: 'PUT', token, body: bytes, headers: { 'content-type': 'image/png' } });
      if (verdict.allow) expect(res.status).toBe(201);
      else {
        expectDenied(res, verdict);
        expect(await outpost.server.store.getBlob(sha)).toBeNull();
      }
    }
  }
}

/** Polls until `check` is true, or gives up after `ms` (the caller's expectations then say what went wrong). */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

/** A refused op: denied as the cell says, nothing logged, the job unchanged, no job state in the answer. */
async function expectNoTrace(res: Awaited<ReturnType<typeof submitOp>>, verdict: Cell['expect'], jobId: string, before: Awaited<ReturnType<Outpost['server']['store']['getJob']>>) {
  expectDenied(res, verdict);
  expect(await outpost.server.store.getOp(res.opId)).toBeNull();
  const after = await outpost.server.store.getJob(jobId);
  expect({ status: after?.status, version: after?.version }).toEqual({ status: before?.status, version: before?.version });
  expect((res.body as { error?: { details?: unknown } }).error?.details, res.text).toBeUndefined();
}

/** A fresh job in the cell's relation to alice, cancelled by the dispatcher. */
async function cancelledJobFor(relation: Relation): Promise<string> {
  let jobId: string;
  if (relation === 'unassigned') jobId = (await jobFor('unassigned')).jobId;
  else {
    const created = await call(`${outpost.url}/api/jobs`, {
      method: 'POST',
      token: dana(),
      json: {
        title: 'Matrix cancelled job',
        customerId: 'cust-1',
        siteAddress: '1 Matrix Rd',
        windowStart: new Date().toISOString(),
        windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
        assignees: [relation === 'own' ? 'alice' : 'bob'],
      },
    });
    expect(created.status).toBe(201);
    jobId = (created.body as { job: { id: string } }).job.id;
  }
  const cancel = await submitOp(jobId, dana(), { kind: 'cancel', to: undefined });
  expect(cancel.status, cancel.text).toBe(200);
  return jobId;
}

function expectDenied(res: { status: number; body: unknown; text: string }, verdict: Cell['expect']): void {
  if (verdict.allow) throw new Error('not a denial');
  const seen = `${res.status} ${JSON.stringify(res.body)?.slice(0, 200)}`;
  expect(res.status, seen).toBe(verdict.status);
  expect(verdict.codes, seen).toContain((res.body as { error?: { code?: string } })?.error?.code);
}

describe('authorization matrix', () => {
  const cells = matrix(TOKEN_KINDS);

  it('has every cell: 2 roles × 3 jobs × 4 tokens × 12 actions', () => {
    expect(cells.length).toBe(2 * 3 * 4 * ACTIONS.length);
    expect(new Set(cells.map(cellName)).size).toBe(cells.length);
  });

  for (const cell of cells) {
    const name = cellName(cell);
    it(name, () => runCell(cell));
  }

  it('closes a socket when its token expires and stores nothing sent after that', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = signToken({ sub: 'alice', role: 'technician', name: 'Alice', exp: now + 2 }, outpost.secret);
    const c = await track(RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.aliceOnly, token: shortLived }));
    await c.whenSynced;
    const closed = await Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
    expect(closed?.code, 'the socket outlived its token').toBe(4401);
    const late = `after-expiry-${Date.now()}`;
    c.edit((doc) => addNote(doc, { id: late, author: 'alice', createdAt: new Date().toISOString(), text: 'too late' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(await serverNoteIds(JOBS.aliceOnly)).not.toContain(late);
  });
});
