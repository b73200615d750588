import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob, readServerState, setChecklistDone, type JobStatus } from '@outpost/shared';
import type { OutpostEngine } from '@outpost/client';
import { until, World } from './harness';

const PHOTO = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5]);

async function moveTo(engine: OutpostEngine, jobId: string, steps: JobStatus[]): Promise<void> {
  for (const to of steps) await engine.submitOp(jobId, { kind: 'transition', to });
  await until('the moves were applied', () => engine.outbox.list().sent.filter((i) => i.jobId === jobId).length === steps.length);
}

/** Alice finishes the job offline while Dana cancels it; Alice comes back online. */
async function cancelledWhileCompleting(world: World, jobId: string) {
  const aliceLink = await world.link();
  const alice = await world.device('alice-phone', aliceLink, 'alice');
  const dana = await world.device('dana-laptop', await world.link(), 'dana');
  const job = await alice.openJob(jobId);
  await job.whenSynced();
  await moveTo(alice, jobId, ['en_route', 'on_site', 'in_progress']);

  aliceLink.cut();
  const at = new Date().toISOString();
  for (const item of readJob(job.doc).checklist) setChecklistDone(job.doc, item.id, true, 'alice', at);
  addNote(job.doc, { id: 'done-note', author: 'alice', createdAt: at, text: 'Replaced capacitor, unit cooling' });
  const photo = await alice.blobs.putPhoto(jobId, PHOTO, { kind: 'after', mime: 'image/jpeg' });
  await alice.blobs.putSignature(jobId, new Uint8Array([1, 2, 3]), { signer: 'Dr. Chen', mime: 'image/png' });
  await alice.submitOp(jobId, { kind: 'transition', to: 'completed' });

  await dana.submitOp(jobId, { kind: 'cancel' });
  await until('the cancel was applied', () => dana.outbox.list().sent.length === 1);

  aliceLink.restore();
  await until('the completion landed in Conflicts', () => alice.outbox.list().conflicts.length === 1, 20_000);
  return { alice, dana, job, photo };
}

describe('the dispatcher cancels while a technician completes the job offline', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it("puts the technician's completion in Conflicts with the server state, and keep-server's keeps the notes and photos", async () => {
    const { alice, dana, job, photo } = await cancelledWhileCompleting(world, 'job-1001');
    const conflict = alice.outbox.list().conflicts[0]!;
    expect(conflict.conflict?.server).toMatchObject({ status: 'cancelled', changedBy: 'dana' });
    expect(conflict.conflict?.server?.changedAt).toEqual(expect.any(String));
    expect(alice.status.get().label).toBe('sync failed (1 items)');

    await alice.outbox.keepServers(conflict.opId);
    await until('everything synced', () => alice.status.get().state === 'online', 20_000);
    const seen = await dana.openJob('job-1001');
    await until('the office has the note, the photo and the cancel', () => {
      const j = readJob(seen.doc);
      return j.notes.some((n) => n.id === 'done-note') && j.photos.some((p) => p.id === photo.id) && j.server?.status === 'cancelled';
    });
    expect(readServerState(job.doc)?.status).toBe('cancelled');
    expect(await dana.blobs.get(photo.id)).toEqual({ bytes: PHOTO, mime: 'image/jpeg' });
  });

  it('keep mine resubmits the completion as an override that the server applies and flags for review', async () => {
    const { alice, dana, job } = await cancelledWhileCompleting(world, 'job-1003');
    const conflict = alice.outbox.list().conflicts[0]!;
    const override = await alice.outbox.keepMine(conflict.opId);
    expect(override.op).toMatchObject({ override: true, to: 'completed' });
    expect(override.opId).not.toBe(conflict.opId);
    expect(override.op.deviceSeq).toBeGreaterThan(conflict.op.deviceSeq);

    await until('the override was applied', () => alice.outbox.list().sent.some((i) => i.opId === override.opId), 20_000);
    expect(alice.outbox.list().sent.find((i) => i.opId === override.opId)?.result).toMatchObject({ status: 'completed', review: true });
    expect(alice.outbox.list().conflicts).toHaveLength(0);
    await until('the doc shows completed', () => readServerState(job.doc)?.status === 'completed');
    const seen = await dana.openJob('job-1003');
    await until('the office has the note', () => readJob(seen.doc).notes.some((n) => n.id === 'done-note'));
  });

  it('makes four steps refused by one cancel a single decision, and keep mine takes the job to the last of them, never back', async () => {
    const aliceLink = await world.link();
    const alice = await world.device('alice-phone', aliceLink, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);
    const at = new Date().toISOString();
    for (const item of readJob(job.doc).checklist) setChecklistDone(job.doc, item.id, true, 'alice', at);
    await alice.blobs.putSignature('job-1001', new Uint8Array([1, 2, 3]), { signer: 'Dr. Chen', mime: 'image/png' });
    await until('the signature is on the server', () => alice.status.get().state === 'online', 20_000);

    aliceLink.cut();
    for (const to of ['en_route', 'on_site', 'in_progress', 'completed'] as const) await alice.submitOp('job-1001', { kind: 'transition', to });
    await dana.submitOp('job-1001', { kind: 'cancel' });
    await until('the cancel was applied', () => dana.outbox.list().sent.length === 1);
    aliceLink.restore();
    await until('all four refused', () => alice.outbox.list().conflicts.length === 4, 20_000);
    expect(alice.status.get().label).toBe('sync failed (1 items)');

    // Keep mine on the first step still means the last one: the job never goes back to En route.
    const enRoute = alice.outbox.list().conflicts.find((i) => i.op.to === 'en_route')!;
    const override = await alice.outbox.keepMine(enRoute.opId);
    expect(override.op).toMatchObject({ override: true, to: 'completed' });
    expect(alice.outbox.list().conflicts).toHaveLength(0);
    await until('completed on the server', () => readServerState(job.doc)?.status === 'completed', 20_000);
    expect(alice.outbox.list().sent.find((i) => i.opId === override.opId)?.result).toMatchObject({ status: 'completed', review: true });
  });

  it("puts a technician's turn-back made offline in Conflicts when the office cancelled the job meanwhile, not in Errors", async () => {
    // Cancelled → Scheduled is the office's reopen; the technician asked for En route → Scheduled.
    // The job moved on under them: that is a conflict to decide, not a move their role may never make.
    const aliceLink = await world.link();
    const alice = await world.device('alice-phone', aliceLink, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await job.whenSynced();
    await moveTo(alice, 'job-1001', ['en_route']);

    aliceLink.cut();
    const turnBack = await alice.submitOp('job-1001', { kind: 'transition', to: 'scheduled' });
    await dana.submitOp('job-1001', { kind: 'cancel' });
    await until('the cancel was applied', () => dana.outbox.list().sent.length === 1);
    aliceLink.restore();
    await until('the turn-back was answered', () => alice.outbox.list().conflicts.length + alice.outbox.list().errors.length > 0, 20_000);

    expect(alice.outbox.list().errors.map((i) => i.error)).toEqual([]);
    const conflict = alice.outbox.list().conflicts[0]!;
    expect(conflict.opId).toBe(turnBack.opId);
    expect(conflict.conflict).toMatchObject({ code: 'conflict', server: { status: 'cancelled', changedBy: 'dana' } });
    // Keep server's settles it: nothing is left owed.
    await alice.outbox.keepServers(conflict.opId);
    expect(alice.outbox.list().queued).toHaveLength(0);
    await until('the doc shows the cancel', () => readServerState(job.doc)?.status === 'cancelled');
  });
});
