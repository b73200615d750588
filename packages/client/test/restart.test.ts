import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob, readServerState } from '@outpost/shared';
import { until, World, type NetworkLink } from './harness';

describe('offline work across a restart', () => {
  let world: World;
  let link: NetworkLink;
  beforeEach(async () => {
    world = await World.start();
    link = await world.link();
  });
  afterEach(() => world.close());

  it('keeps a note and a status change made offline through a restart, and uploads them when the network returns', async () => {
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    expect(phone.status.get().state).toBe('online');

    link.cut();
    await until('the device noticed', () => !phone.status.get().connected);
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Compressor hums, fan dead' });
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await until('two items pending', () => phone.status.get().pending === 2);
    expect(phone.status.get().label).toBe('offline (2 pending)');
    job.close();
    await world.stop(phone);

    const reopened = await world.device('alice-phone', link);
    expect(reopened.user?.id).toBe('alice');
    expect(reopened.status.get().pending).toBe(2);
    const again = await reopened.openJob('job-1001');
    expect(readJob(again.doc).notes.map((n) => n.text)).toEqual(['Compressor hums, fan dead']);

    link.restore();
    await until('everything uploaded', () => reopened.status.get().state === 'online', 20_000);
    expect(reopened.outbox.list().sent).toHaveLength(1);

    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1001');
    await until('the office sees the note and the status', () => readJob(seen.doc).notes.length === 1 && readServerState(seen.doc)?.status === 'en_route');
  });
});
