/**
 * Issue 12 case 1 on the engine: Alice, offline on a job, writes a note and adds a photo;
 * Dana takes her off the job. When Alice reconnects, her work goes to the office as a
 * parked handover instead of failing forever, and the job says why it is read-only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addNote } from '@outpost/shared';
import { until, World } from './harness';

/** A JSON body as parsed: any route's JSON answer; each test asserts the shape it expects. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field by the tests
type Json = any;

const PHOTO = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 8, 7]);

async function dispatcher(world: World, path: string, method = 'GET'): Promise<Json> {
  const login = await fetch(`${world.server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'dana', password: 'outpost' }),
  });
  const { token } = (await login.json()) as { token: string };
  const res = await fetch(`${world.server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? '{}' : undefined,
  });
  return res.json();
}

describe('a technician taken off a job with unsent work', () => {
  let world: World;
  afterEach(() => world.close());

  it('hands the note and photo to the office, says who removed them, and no longer reads as failed', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const danaHeard: string[] = [];
    dana.on('handoverNotice', (n) => danaHeard.push(`${n.jobId}:${n.state}`));
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);

    link.cut();
    addNote(job.doc, { id: 'n-alice', author: 'alice', createdAt: new Date().toISOString(), text: 'Capacitor swapped' });
    const photo = await alice.blobs.putPhoto('job-1001', PHOTO, { kind: 'after', mime: 'image/png' });
    await alice.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['bob'] });
    await until('the reassignment was applied', () => dana.outbox.list().sent.length === 1);
    link.restore();
    alice.syncNow();

    await until('the work was handed over', () => alice.jobAccess('job-1001')?.handover.state === 'sent', 20_000);
    const access = alice.jobAccess('job-1001')!;
    expect(access).toMatchObject({ reason: 'removed', removal: { by: { id: 'dana', name: 'Dana Whitfield' } } });
    expect(access.handover).toMatchObject({ summary: { notes: 1, photos: 1 } });
    const parked = await dispatcher(world, '/api/handovers');
    expect(parked.handovers).toHaveLength(1);
    expect(parked.handovers[0]).toMatchObject({ technician: { id: 'alice' }, summary: { notes: 1, photos: 1 }, blobs: [photo.id] });
    await until('the photo reached the server', async () => (await world.server.store.getBlob(photo.id)) !== null);

    // Only the refused step is left, and it is Alice's to discard.
    await until('the step was refused', () => alice.outbox.list().errors.length === 1, 20_000);
    expect(alice.status.get()).toMatchObject({ pending: 0, failed: 1 });
    await alice.outbox.discard(alice.outbox.list().errors[0]!.opId);
    await until('nothing left to sync', () => alice.status.get().state === 'online');
    job.close();

    // After a restart the job still says why, and nothing reads as failed.
    await world.stop(alice);
    const again = await world.device('alice-phone', link);
    expect(again.jobAccess('job-1001')?.handover.state).toBe('sent');
    await until('online after the restart', () => again.status.get().state === 'online');

    // Dana merges: the note is on the job for everyone, and Alice's device hears the decision
    // pushed (no job opened, no refresh asked for) within 1 s.
    await until('both device channels open', () => world.server.relay.channels.count >= 2);
    expect(again.jobAccess('job-1001')?.handover).toMatchObject({ decision: 'parked' });
    const decided = Date.now();
    const merged = await dispatcher(world, `/api/handovers/${parked.handovers[0].id}/merge`, 'POST');
    expect(merged.handover.state).toBe('merged');
    await until('Alice learns the merge by push', () => (again.jobAccess('job-1001')?.handover as { decision?: string } | undefined)?.decision === 'merged', 1_000);
    expect(Date.now() - decided).toBeLessThan(1_000);
    // Dana's own device hears it by push too, on its own channel (no ordering against Alice's).
    await until('Dana learns the merge by push', () => danaHeard.length === 2, 1_000);
    expect(Date.now() - decided).toBeLessThan(1_000);
    expect(danaHeard).toEqual(['job-1001:parked', 'job-1001:merged']);
    const onBoard = await dana.openJob('job-1001');
    await until('Dana sees the note', () => onBoard.doc.getArray('notes').length === 1);
    onBoard.close();
  });

  it('hands the work over once, even when the refusal comes again', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);
    link.cut();
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Offline note' });
    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['bob'] });
    await until('applied', () => dana.outbox.list().sent.length === 1);
    link.restore();
    alice.syncNow();
    await until('handed over', () => alice.jobAccess('job-1001')?.handover.state === 'sent', 20_000);
    await alice.login('alice', 'outpost'); // a new sign-in tries refused jobs again
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await dispatcher(world, '/api/handovers')).handovers).toHaveLength(1);
    job.close();
  });

  it('hands over a signature taken offline, and its image reaches the office', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const job = await alice.openJob('job-1001');
    await until('synced', () => job.synced);
    link.cut();
    const signature = await alice.blobs.putSignature('job-1001', new Uint8Array([1, 2, 3, 4]), { signer: 'Pat Customer', mime: 'image/png' });
    await dana.submitOp('job-1001', { kind: 'assign', assignees: ['bob'] });
    await until('applied', () => dana.outbox.list().sent.length === 1);
    link.restore();
    alice.syncNow();
    await until('handed over', () => alice.jobAccess('job-1001')?.handover.state === 'sent', 20_000);
    const parked = (await dispatcher(world, '/api/handovers')).handovers;
    expect(parked[0]).toMatchObject({ summary: { signature: 1 }, blobs: [signature.blob] });
    await until('the signature image reached the server', async () => (await world.server.store.getBlob(signature.blob)) !== null);
    job.close();
  });
});
