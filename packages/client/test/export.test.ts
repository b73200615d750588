import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fromBase64 } from 'lib0/buffer';
import { addNote, newJobDoc, readJob } from '@outpost/shared';
import { until, World } from './harness';

describe('exporting unsynced work', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('puts every note, op and photo not yet on the server into one file a person can keep', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    const serverCopy = Y.encodeStateAsUpdate(job.doc);
    link.cut();
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Leak at the flare fitting' });
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    const photo = await phone.blobs.putPhoto('job-1001', new Uint8Array([9, 8, 7]), { kind: 'damage', mime: 'image/jpeg' });

    const file = await phone.exportUnsynced();
    expect(file.fileName).toMatch(/^outpost-unsynced-alice-phone.*\.json$/);
    const parsed = JSON.parse(file.text);
    expect(parsed.jobs[0].notes.map((n: { text: string }) => n.text)).toContain('Leak at the flare fitting');
    expect(parsed.ops.map((o: { op: { to: string } }) => o.op.to)).toEqual(['en_route']);
    expect(parsed.blobs.map((b: { sha256: string }) => b.sha256)).toEqual([photo.id]);
    // The Yjs updates in the file bring the note into the office's copy of the job.
    const office = newJobDoc('job-1001');
    Y.applyUpdate(office, serverCopy);
    Y.applyUpdate(office, fromBase64(parsed.jobs[0].update));
    expect(readJob(office).notes.map((n) => n.text)).toEqual(['Leak at the flare fitting']);

    link.restore();
    phone.syncNow();
    await until('everything synced', () => phone.status.get().state === 'online', 20_000);
    const empty = JSON.parse((await phone.exportUnsynced()).text);
    expect([empty.jobs.length, empty.ops.length, empty.blobs.length]).toEqual([0, 0, 0]);
  });
});
