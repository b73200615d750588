import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob, setChecklistDone } from '@outpost/shared';
import type { DrainedEvent, MergeSummary } from '@outpost/client';
import { until, World } from './harness';

describe('what the app tells people after a reconnect', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('reports per open job what others changed while this device was away', async () => {
    const aliceLink = await world.link();
    const alice = await world.device('alice-phone', aliceLink, 'alice');
    const bob = await world.device('bob-phone', await world.link(), 'bob');
    const mine = await alice.openJob('job-1004');
    const his = await bob.openJob('job-1004');
    await Promise.all([mine.whenSynced(), his.whenSynced()]);
    const summaries: MergeSummary[] = [];
    alice.on('mergeSummary', (s) => summaries.push(s));

    aliceLink.cut();
    await until('alice is offline', () => !alice.status.get().connected);
    const item = readJob(his.doc).checklist[0]!;
    addNote(his.doc, { id: 'b1', author: 'bob', createdAt: new Date().toISOString(), text: 'Valve replaced' });
    setChecklistDone(his.doc, item.id, true, 'bob', new Date().toISOString());
    await until('bob is synced', () => bob.status.get().state === 'online');

    aliceLink.restore();
    alice.syncNow();
    await until('alice got a merge summary', () => summaries.length > 0, 20_000);
    expect(summaries[0]).toMatchObject({
      jobId: 'job-1004',
      notesAdded: [{ id: 'b1', author: 'bob', text: 'Valve replaced' }],
      itemsTicked: [{ id: item.id, label: item.label, by: 'bob' }],
    });
  });

  it('says how many pending updates were uploaded when a drain finishes', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1001');
    await job.whenSynced();
    const drained: DrainedEvent[] = [];
    alice.on('drained', (e) => drained.push(e));

    link.cut();
    for (let i = 0; i < 3; i++) addNote(job.doc, { id: `n${i}`, author: 'alice', createdAt: new Date().toISOString(), text: `note ${i}` });
    await alice.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await until('4 pending', () => alice.status.get().pending === 4);

    link.restore();
    alice.syncNow();
    await until('the drain finished', () => drained.length > 0, 20_000);
    expect(drained[0]).toMatchObject({ ops: 1, updates: 3, total: 4, message: '4 pending updates were uploaded' });
  });
});
