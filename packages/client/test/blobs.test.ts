import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob } from '@outpost/shared';
import { until, World } from './harness';

const PHOTO = new Uint8Array(Array.from({ length: 2048 }, (_, i) => i % 251));

describe('photos and signatures', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('shows a photo taken offline, also after the app is reopened, and uploads it once the network is back', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    link.cut();
    const photo = await phone.blobs.putPhoto('job-1001', PHOTO, { kind: 'data-plate', mime: 'image/jpeg', caption: 'Nameplate' });
    expect(photo.id).toMatch(/^[0-9a-f]{64}$/);
    await world.stop(phone);

    const reopened = await world.device('alice-phone', link);
    expect(await reopened.blobs.get(photo.id)).toEqual({ bytes: PHOTO, mime: 'image/jpeg' });
    const url = await reopened.blobs.objectUrl(photo.id);
    expect(url).toMatch(/^blob:/);
    expect(await reopened.blobs.objectUrl(photo.id)).toBe(url);
    const job = await reopened.openJob('job-1001');
    expect(readJob(job.doc).photos).toEqual([photo]);
    expect(reopened.blobs.pending()).toBe(1);

    link.restore();
    reopened.syncNow();
    await until('the photo is uploaded', () => reopened.blobs.pending() === 0, 20_000);
    const stored = await world.server.store.getBlob(photo.id);
    expect(new Uint8Array(stored!.bytes)).toEqual(PHOTO);
  });

  it('never lets a failing photo upload hold back a status change or a note', async () => {
    const link = await world.link();
    const failingPhotos: typeof fetch = async (input, init) => {
      if (init?.method === 'PUT' && String(input).includes('/api/blobs/')) return new Response('no', { status: 500 });
      return fetch(input, init);
    };
    const phone = await world.device('alice-phone', link, 'alice', { fetch: failingPhotos });
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    await phone.blobs.putPhoto('job-1001', PHOTO, { kind: 'before', mime: 'image/jpeg' });
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'On my way' });
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });

    await until('the status change went through', () => phone.outbox.list().sent.length === 1);
    await until('only the photo is still pending', () => phone.status.get().pending === 1);
    expect(phone.blobs.pending()).toBe(1);
  });

  it('counts a photo taken offline as one change, and says the same N when it is uploaded', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await until('synced', () => job.synced);
    const drained: string[] = [];
    phone.on('drained', (e) => drained.push(e.message));
    link.cut();
    await phone.blobs.putPhoto('job-1001', PHOTO, { kind: 'before', mime: 'image/jpeg', caption: 'Coil' });
    await until('one pending change', () => phone.status.get().pending === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(phone.status.get().pending).toBe(1);
    expect(phone.changes.get().pending.map((c) => c.words)).toEqual(['Photo added']);

    link.restore();
    phone.syncNow();
    await until('uploaded', () => phone.status.get().state === 'online', 20_000);
    expect(drained).toEqual(['1 pending update was uploaded']);
    expect(phone.changes.get().sent.map((c) => c.words)).toEqual(['Photo added']);
  });

  it('lists a photo the server refuses in Errors with its reason after a restart, and discarding it takes it out of the job', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const photo = await phone.blobs.putPhoto('job-1001', new TextEncoder().encode('%PDF-1.4'), { kind: 'other', mime: 'application/pdf' });
    await until('refused', () => phone.status.get().failed === 1, 20_000);
    await world.stop(phone);

    const reopened = await world.device('alice-phone', link);
    await until('still listed', () => reopened.changes.get().failed.length === 1);
    expect(reopened.changes.get().failed[0]).toMatchObject({ words: 'Photo added', error: { kind: 'permanent', code: 'unsupported_media_type' } });
    expect(reopened.status.get().state).toBe('sync_failed');
    expect(await reopened.blobs.discard(photo.id)).toBe(true);
    const job = await reopened.openJob('job-1001');
    expect(readJob(job.doc).photos).toEqual([]);
    await until('nothing failed', () => reopened.changes.get().failed.length === 0);
    await until('online again', () => reopened.status.get().state === 'online', 20_000);
  });
});
