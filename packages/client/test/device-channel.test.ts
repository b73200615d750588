import { addNote, readJob } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until, World } from './harness';

const ALICE_JOBS = ['job-1001', 'job-1003', 'job-1004', 'job-1006', 'job-1007'];

describe('a device holds every job on one socket', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('syncs five open jobs over one socket, and again after the network comes back', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const jobs = await Promise.all(ALICE_JOBS.map((id) => alice.openJob(id)));
    await Promise.all(jobs.map((j) => j.whenSynced()));
    expect(world.server.relay.connectionCount).toBe(1);
    expect(world.server.relay.channels.count).toBe(1);

    link.cut();
    for (const job of jobs) addNote(job.doc, { id: `n-${job.jobId}`, author: 'alice', createdAt: new Date().toISOString(), text: 'offline' });
    await until('five edits pending', () => alice.status.get().pending === 5);
    link.restore();
    alice.syncNow();
    await until('every offline edit durable', () => alice.status.get().pending === 0, 20_000);
    expect(world.server.relay.channels.count).toBe(1);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1007');
    await seen.whenSynced();
    expect(readJob(seen.doc).notes.map((n) => n.id)).toContain('n-job-1007');
  });

  it('reconnects with offline changes on every job in two turns of the device: the upgrade, then one subscribe frame', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const jobs = await Promise.all(ALICE_JOBS.map((id) => alice.openJob(id)));
    await Promise.all(jobs.map((j) => j.whenSynced()));
    link.cut();
    await until('every job lost its connection', () => jobs.every((j) => !j.synced));
    for (const job of jobs) addNote(job.doc, { id: `turns-${job.jobId}`, author: 'alice', createdAt: new Date().toISOString(), text: 'offline' });
    await until('five edits pending', () => alice.status.get().pending === 5);
    // From here each new connection may speak twice; anything the device says a third time
    // (a sync step 2 answering the server's step 1, say) is held back on the wire.
    link.limitTurns(2);
    link.restore();
    alice.syncNow();
    await until('every job synced and every offline edit durable, within two turns', () => alice.status.get().pending === 0 && jobs.every((j) => j.synced), 10_000);
    link.limitTurns(0);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1004');
    await seen.whenSynced();
    expect(readJob(seen.doc).notes.map((n) => n.id)).toContain('turns-job-1004');
  });

  it('refuses a job the technician may not open, and keeps syncing the others on the same socket', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const mine = await alice.openJob('job-1001');
    const theirs = await alice.openJob('job-1002'); // bob's job
    await mine.whenSynced();
    addNote(theirs.doc, { id: 'stuck', author: 'alice', createdAt: new Date().toISOString(), text: 'not mine to write' });
    await until('job-1002 is refused', () => alice.status.get().state === 'sync_failed');
    addNote(mine.doc, { id: 'still-works', author: 'alice', createdAt: new Date().toISOString(), text: 'hello' });
    const unsynced = async () => (JSON.parse((await alice.exportUnsynced()).text) as { jobs: { jobId: string }[] }).jobs.map((j) => j.jobId);
    expect(world.server.relay.connectionCount).toBe(1);
    await until('only the refused job holds unsynced work', async () => (await unsynced()).join() === 'job-1002');
    expect(alice.status.get()).toMatchObject({ state: 'sync_failed', failed: 1 });
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1001');
    await seen.whenSynced();
    await until('the note reached the server', () => readJob(seen.doc).notes.some((n) => n.id === 'still-works'));
    expect(theirs.synced).toBe(false);
  });

  it('hears about a job the dispatcher assigns within 1 s, with no job open and no polling', async () => {
    const alice = await world.device('alice-phone', await world.link(), 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const heard: { jobId: string; change: string }[] = [];
    alice.on('jobNotice', (n) => heard.push(n));
    await until('the channel is open', () => world.server.relay.channels.count === 2);
    const t0 = Date.now();
    const res = await dana.api('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'No heat',
        customerId: 'cust-1',
        siteAddress: '12 Wharf St',
        windowStart: '2030-01-01T09:00:00.000Z',
        windowEnd: '2030-01-01T11:00:00.000Z',
        assignees: ['alice'],
      }),
    });
    const { job } = (await res.json()) as { job: { id: string } };
    await until('alice heard of it', () => heard.some((n) => n.jobId === job.id), 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(heard).toEqual([expect.objectContaining({ jobId: job.id, change: 'assigned' })]);
  });

  it('asks for a full re-read of the lists after the channel reconnects', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    let stale = 0;
    alice.on('listsStale', () => stale++);
    await until('the channel is open', () => world.server.relay.channels.count === 1);
    const before = stale;
    link.cut();
    await until('the channel is gone', () => world.server.relay.channels.count === 0);
    link.restore();
    await until('the lists are re-read after the reconnect', () => stale > before, 10_000);
  });

  it('behind a by-job load balancer, holds one channel per shard of its jobs (plus one for pushes), and syncs them all', async () => {
    const alice = await world.device('alice-phone', await world.link(), 'alice', { channelPerShard: true });
    const jobs = await Promise.all(['job-1001', 'job-1011', 'job-1003', 'job-1004'].map((id) => alice.openJob(id)));
    await Promise.all(jobs.map((j) => j.whenSynced()));
    // Shards 1, 3 and 4 (job-1001 and job-1011 share one), and the home channel for pushes.
    await until('four channels', () => world.server.relay.channels.count === 4);
    expect(world.server.relay.connectionCount).toBe(4);
  });
});
