/**
 * Issue 12 case 1 on the server: a technician taken off a job hands over the work they
 * made on it while assigned; it is parked for a dispatcher, who merges or discards it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { addNote, addPhoto, readJob, writeServerState } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, type TestServer } from './support/server';

const PHOTO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
const photoId = createHash('sha256').update(PHOTO).digest('hex');

describe('handing over work from a job one was taken off', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let dana: string;
  let jobId: string;
  let office: TestDevice;

  beforeEach(async () => {
    server = await startTestServer();
    office = new TestDevice('dana-laptop');
    [alice, bob, dana] = await Promise.all([login(server, 'alice'), login(server, 'bob'), login(server, 'dana')]);
    jobId = (await server.store.listJobs()).find((j) => j.assignees.join() === 'alice')!.id;
  });
  afterEach(async () => {
    await server.dispose();
  });

  /** Alice's device copy of the job, with a note and a photo she made offline; the update carrying them. */
  async function aliceOfflineWork(): Promise<{ doc: Y.Doc; update: string }> {
    const stored = await server.store.loadJobDoc(jobId);
    const doc = new Y.Doc();
    for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
    const before = Y.encodeStateVector(doc);
    const at = new Date().toISOString();
    addNote(doc, { id: 'n-alice', author: 'alice', createdAt: at, text: 'Capacitor swapped, unit cooling' });
    addPhoto(doc, { id: photoId, kind: 'after', caption: 'Unit running', mime: 'image/png', bytes: PHOTO.length, takenAt: at, by: 'alice' });
    return { doc, update: Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString('base64') };
  }

  async function reassignToBob(): Promise<void> {
    const res = await api(server, dana, `/api/jobs/${jobId}/ops`, { method: 'POST', body: office.op(jobId, { kind: 'assign', assignees: ['bob'] }) });
    expect(res.status).toBe(200);
  }

  const handOver = (token: string, update: string, handoverId: string = randomUUID()) =>
    api(server, token, `/api/jobs/${jobId}/handover`, { method: 'POST', body: { handoverId, deviceId: 'alice-phone', update } });

  it('parks the work of a technician taken off the job, with who removed them, and says what it adds', async () => {
    const { update } = await aliceOfflineWork();
    await reassignToBob();
    const res = await handOver(alice, update);
    expect(res.status).toBe(201);
    expect(res.body.handover).toMatchObject({
      jobId,
      technician: { id: 'alice', name: 'Alice Moreno' },
      removal: { by: { id: 'dana', name: 'Dana Whitfield' } },
      summary: { notes: 1, photos: 1, checklist: 0 },
      blobs: [photoId],
      state: 'parked',
    });
    // Parked, not merged: the job is unchanged until the dispatcher decides.
    const job = await api(server, dana, `/api/jobs/${jobId}`);
    expect(job.body.content.notes.map((n: { id: string }) => n.id)).not.toContain('n-alice');
    const board = await api(server, dana, '/api/handovers');
    expect(board.body.handovers.map((h: { id: string }) => h.id)).toEqual([res.body.handover.id]);
    const mine = await api(server, alice, `/api/jobs/${jobId}/handovers`);
    expect(mine.body.removal).toMatchObject({ by: { name: 'Dana Whitfield' } });
    expect(mine.body.handovers).toHaveLength(1);
  });

  it('answers a re-sent handover with the first answer and parks it once', async () => {
    const { update } = await aliceOfflineWork();
    await reassignToBob();
    const id = randomUUID();
    const first = await handOver(alice, update, id);
    const again = await handOver(alice, update, id);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, handover: { id, state: 'parked' } });
    expect((await api(server, dana, '/api/handovers')).body.handovers).toHaveLength(1);
  });

  it('refuses someone never assigned, someone still assigned, and a removal older than the window', async () => {
    const { update } = await aliceOfflineWork();
    expect((await handOver(alice, update)).body.error.code).toBe('conflict');
    expect((await handOver(bob, update)).body.error.code).toBe('not_assigned');
    await reassignToBob();
    await server.store.recordRemoval({ jobId, userId: 'alice', removedBy: 'dana', removedAt: new Date(Date.now() + 1).toISOString() });
    expect((await handOver(alice, update)).status).toBe(201);
    const other = (await server.store.listJobs()).find((j) => j.id !== jobId && j.assignees.join() === 'bob')!.id;
    await server.store.recordRemoval({ jobId: other, userId: 'alice', removedBy: 'dana', removedAt: new Date(Date.now() - 8 * 24 * 3600_000).toISOString() });
    const late = await api(server, alice, `/api/jobs/${other}/handover`, { method: 'POST', body: { handoverId: randomUUID(), deviceId: 'alice-phone', update } });
    expect(late.status).toBe(403);
    expect(late.body.error.code).toBe('handover_expired');
    expect((await handOver(dana, update)).body.error.code).toBe('forbidden');
  });

  it('refuses work the relay would refuse, by the same classification', async () => {
    const { doc } = await aliceOfflineWork();
    await reassignToBob();
    const before = Y.encodeStateVector(doc);
    writeServerState(doc, { status: 'completed', version: 99, assignees: ['alice'], changedBy: 'alice', changedAt: new Date().toISOString() });
    const forged = Buffer.from(Y.encodeStateAsUpdate(doc, before)).toString('base64');
    const res = await handOver(alice, forged);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('server_owned');
    expect((await handOver(alice, 'not base64!')).body.error.code).toBe('validation_failed');
  });

  it('merges into the job for a dispatcher only, and the photo it names is readable by the dispatcher', async () => {
    const { update } = await aliceOfflineWork();
    await reassignToBob();
    const put = await fetch(`${server.url}/api/blobs/${photoId}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png' }, body: PHOTO });
    expect(put.status).toBe(201);
    const { body } = await handOver(alice, update);
    const id = body.handover.id;
    expect((await api(server, alice, `/api/handovers/${id}/merge`, { method: 'POST', body: {} })).body.error.code).toBe('forbidden');
    expect((await api(server, bob, `/api/handovers/${id}/merge`, { method: 'POST', body: {} })).body.error.code).toBe('forbidden');
    const merged = await api(server, dana, `/api/handovers/${id}/merge`, { method: 'POST', body: {} });
    expect(merged.status).toBe(200);
    expect(merged.body.handover).toMatchObject({ state: 'merged', decidedBy: { id: 'dana' } });
    // Stored, not only in memory: a fresh load of the job has the note and the photo.
    const stored = await server.store.loadJobDoc(jobId);
    const doc = new Y.Doc();
    for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
    expect(readJob(doc).notes.find((n) => n.id === 'n-alice')?.text).toBe('Capacitor swapped, unit cooling');
    expect(readJob(doc).photos.map((p) => p.id)).toContain(photoId);
    const blob = await fetch(`${server.url}/api/blobs/${photoId}`, { headers: { authorization: `Bearer ${dana}` } });
    expect(blob.status).toBe(200);
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(PHOTO);
    // Bob, now on the job, reads the photo through it.
    expect((await fetch(`${server.url}/api/blobs/${photoId}`, { headers: { authorization: `Bearer ${bob}` } })).status).toBe(200);
    // Merging again is a no-op; discarding a merged one is a conflict.
    expect((await api(server, dana, `/api/handovers/${id}/merge`, { method: 'POST', body: {} })).status).toBe(200);
    expect((await api(server, dana, `/api/handovers/${id}/discard`, { method: 'POST', body: {} })).body.error.code).toBe('conflict');
  });

  it('discards without touching the job', async () => {
    const { update } = await aliceOfflineWork();
    await reassignToBob();
    const { body } = await handOver(alice, update);
    const discarded = await api(server, dana, `/api/handovers/${body.handover.id}/discard`, { method: 'POST', body: {} });
    expect(discarded.body.handover).toMatchObject({ state: 'discarded', decidedBy: { name: 'Dana Whitfield' } });
    expect((await api(server, dana, `/api/jobs/${jobId}`)).body.content.notes.map((n: { id: string }) => n.id)).not.toContain('n-alice');
    expect((await api(server, dana, '/api/handovers')).body.handovers).toEqual([]);
    expect((await api(server, dana, `/api/handovers/${body.handover.id}/merge`, { method: 'POST', body: {} })).body.error.code).toBe('conflict');
  });
});
