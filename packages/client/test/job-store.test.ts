import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote } from '@outpost/shared';
import { until, World } from './harness';

/** Makes the device's next read of a job's pending updates fail, as a storage error would. */
function failNextPendingRead(): void {
  // The device reads a job's pending records from its store (DeviceDb.pendingOf).
  const proto = globalThis.IDBObjectStore.prototype;
  const original = proto.getAllKeys;
  proto.getAllKeys = function () {
    proto.getAllKeys = original;
    throw new DOMException('The device could not read its storage.', 'UnknownError');
  };
}

const note = (id: string) => ({ id, author: 'alice', createdAt: new Date().toISOString(), text: id });

describe('open jobs', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('hands every holder the same doc and closes a job nobody uses once its work is on the server', async () => {
    const phone = await world.device('alice-phone', await world.link(), 'alice');
    const a = await phone.openJob('job-1001');
    const b = await phone.openJob('job-1001');
    expect(a.doc).toBe(b.doc);
    await a.whenSynced();
    addNote(a.doc, note('n1'));
    a.close();
    b.close();
    await until('the job was closed', () => phone.openJobIds().length === 0);
    expect(phone.status.get().pending).toBe(0);
  });

  it('keeps a job with unsynced edits connected after it is closed, until the edits are durable', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    link.cut();
    addNote(job.doc, note('n1'));
    job.close();
    await new Promise((r) => setTimeout(r, 800)); // longer than the idle close (500 ms)
    expect(phone.openJobIds()).toEqual(['job-1001']);
    link.restore();
    phone.syncNow();
    await until('the job was closed after its edits became durable', () => phone.openJobIds().length === 0, 20_000);
    expect(phone.status.get().pending).toBe(0);
  });

  it('uploads edits left pending by the last session without the app opening the job', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1003');
    await job.whenSynced();
    link.cut();
    addNote(job.doc, note('n1'));
    await world.stop(phone);
    link.restore();
    const reopened = await world.device('alice-phone', link);
    expect(reopened.openJobIds()).toEqual(['job-1003']);
    await until('nothing is pending', () => reopened.status.get().state === 'online', 20_000);
  });

  it('reports edits on a job the relay refuses (not assigned) as sync failed, and keeps them exportable', async () => {
    const phone = await world.device('alice-phone', await world.link(), 'alice');
    const job = await phone.openJob('job-1002'); // bob's job
    addNote(job.doc, note('n1'));
    await until('the relay refused the job', () => phone.status.get().state === 'sync_failed');
    expect(phone.status.get()).toMatchObject({ pending: 0, failed: 1, label: 'sync failed (1 items)' });
    const file = JSON.parse((await phone.exportUnsynced()).text);
    expect(file.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['job-1002']);
  });

  it('opens a job again after the device once failed to open it, without a restart', async () => {
    const phone = await world.device('alice-phone', await world.link(), 'alice');
    failNextPendingRead();
    await expect(phone.openJob('job-1001')).rejects.toMatchObject({ name: 'UnknownError' });
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    addNote(job.doc, note('n1'));
    await until('the note is uploaded', () => phone.status.get().state === 'online');
  });

  it('tells holders when the job syncs and when it loses the server, without polling', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    const seen: boolean[] = [];
    job.onSynced((synced) => seen.push(synced));
    await job.whenSynced();
    expect(job.synced).toBe(true);
    link.cut();
    await until('the holder heard the job lost the server', () => seen.at(-1) === false);
    link.restore();
    phone.syncNow();
    await job.whenSynced();
    expect(seen).toEqual([true, false, true]);
    const waiting = (async () => {
      link.cut();
      await until('not synced', () => !job.synced);
      const wait = job.whenSynced();
      job.close();
      return wait;
    })();
    await expect(waiting).rejects.toThrow('closed before it synced');
  });

  it("tells the person a job is full, with the server's reason, and keeps the note on the device", async () => {
    await world.close();
    world = await World.start({ limits: { maxJobBytes: 32 * 1024 } });
    const phone = await world.device('alice-phone', await world.link(), 'alice');
    const job = await phone.openJob('job-1001');
    await until('synced', () => job.synced);
    addNote(job.doc, { ...note('big'), text: 'x'.repeat(40_000) });
    await until('the relay refused the job', () => job.refused !== null);
    expect(job.refused).toMatchObject({ code: 4413, reason: expect.stringMatching(/^This job is full/) });
    // The server answered: the device never reads as offline, and once the change list is
    // re-read the note shows as failed to sync.
    expect(phone.status.get().connected).toBe(true);
    await until('the job reads as failed to sync', () => phone.status.get().state === 'sync_failed');
    const file = JSON.parse((await phone.exportUnsynced()).text);
    expect(file.jobs.map((j: { jobId: string }) => j.jobId)).toEqual(['job-1001']);
  });
});
