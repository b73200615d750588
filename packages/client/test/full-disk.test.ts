/**
 * A full disk on the phone is the one sign that local persistence fails: the technician
 * must see it, the change must stay pending in memory, and once space returns it must be
 * stored and uploaded like any other (docs/reliability.md, "A write is stored when the
 * engine says so").
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, readJob } from '@outpost/shared';
import { disk } from './full-disk';
import { until, World, type NetworkLink } from './harness';

const note = (id: string, text: string) => ({ id, author: 'alice', createdAt: new Date().toISOString(), text });
const FULL = 'This device could not save your last change — storage is full; export or free space.';

/** Reads a database the way a fresh page would, apart from the running engine. */
async function rawRead<T>(name: string, store: string): Promise<T[]> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const values = await new Promise<T[]>((resolve, reject) => {
    const req = db.transaction(store, 'readonly').objectStore(store).getAll();
    req.onsuccess = () => resolve(req.result as T[]);
    req.onerror = () => reject(req.error);
  });
  db.close();
  return values;
}

describe('a full disk on the device', () => {
  let world: World;
  let link: NetworkLink;
  beforeEach(async () => {
    world = await World.start();
    link = await world.link();
  });
  afterEach(async () => {
    disk.free();
    await world.close();
  });

  it('warns when a note could not be saved, keeps it pending, and stores and uploads it once space returns', async () => {
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    link.cut();
    await until('the phone noticed', () => !phone.status.get().connected);

    disk.fill();
    addNote(job.doc, note('n1', 'Compressor contactor pitted'));
    await until('the storage warning is shown', () => phone.storage.get().warning === FULL, 5_000);
    expect(phone.storage.get()).toMatchObject({ atRisk: true, unsaved: true });
    await until('the unsaved note is counted', () => phone.status.get().pending === 1); // kept in memory, still pending
    await expect(phone.flush()).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(disk.refused).toBeGreaterThan(0);
    const file = JSON.parse((await phone.exportUnsynced()).text);
    expect(file.jobs).toMatchObject([{ jobId: 'job-1001', pendingUpdates: 1, notes: [{ text: 'Compressor contactor pitted' }] }]);

    disk.free();
    await phone.flush();
    expect(phone.storage.get()).toMatchObject({ unsaved: false, warning: null });
    job.close();
    await world.stop(phone);

    const restarted = await world.device('alice-phone', link);
    expect(restarted.status.get().pending).toBe(1);
    const again = await restarted.openJob('job-1001');
    expect(readJob(again.doc).notes.map((n) => n.text)).toEqual(['Compressor contactor pitted']);
    link.restore();
    await until('uploaded', () => restarted.status.get().state === 'online', 20_000);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1001');
    await until('the office has the note', () => readJob(seen.doc).notes.length === 1);
  });

  it('resolves flush() only once the note is committed: a device that dies right after has it', async () => {
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    link.cut();
    addNote(job.doc, note('n1', 'Filter replaced'));
    await phone.flush();
    // No destroy, no close: read the device's databases as the next page load would.
    const doc = new Y.Doc();
    for (const u of await rawRead<Uint8Array>(`outpost-device:alice-phone@${world.id}:job:job-1001`, 'updates')) Y.applyUpdate(doc, u);
    expect(readJob(doc).notes.map((n) => n.text)).toEqual(['Filter replaced']);
    const pending = await rawRead<{ jobId: string }>(`outpost-device:alice-phone@${world.id}`, 'pending');
    expect(pending.map((r) => r.jobId)).toEqual(['job-1001']);
  });

  it('warns when a status change could not be queued on the device', async () => {
    const phone = await world.device('alice-phone', link, 'alice');
    link.cut();
    disk.fill();
    await expect(phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' })).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(phone.storage.get().warning).toBe(FULL);
    disk.free();
    await phone.flush(); // "Try saving again": the device takes writes again
    expect(phone.storage.get().warning).toBe(null);
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    expect(phone.outbox.list().queued).toHaveLength(1);
  });
});
