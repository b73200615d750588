import { afterEach, describe, expect, it } from 'vitest';
import { addNote, setChecklistDone, readJob } from '@outpost/shared';
import { GatedStore, storeHasAll } from './gated-store';
import { until, World } from './harness';

describe('the pending count', () => {
  let world: World;
  afterEach(() => world.close());

  it('stays above zero until the server has committed the update, and is zero exactly once it has', async () => {
    const gate = new GatedStore();
    world = await World.start({ store: (dir) => gate.wrap(dir) });
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1001');
    await job.whenSynced();

    gate.shut();
    addNote(job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Filter clogged' });
    await until('the server received the update but holds its commit', () => gate.held > 0);
    await new Promise((r) => setTimeout(r, 200));
    await until('1 pending', () => alice.status.get().pending === 1);
    expect(await storeHasAll(world.server.store, job)).toBe(false);

    gate.reopen();
    await until('nothing is pending', () => alice.status.get().pending === 0);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
    expect(alice.status.get().state).toBe('online');
  });

  it('counts a note the moment it is typed, before the device is re-read (never 0 while something is pending)', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1001');
    await job.whenSynced();
    await until('nothing is pending', () => alice.status.get().pending === 0);

    link.cut();
    addNote(job.doc, { id: 'n0', author: 'alice', createdAt: new Date().toISOString(), text: 'Breaker tripped' });
    // Read synchronously: a person glancing at the indicator, or a device closing the app
    // because it says everything is uploaded, must not see 0 here.
    expect(alice.status.get().pending).toBeGreaterThan(0);
    await until('1 pending', () => alice.status.get().pending === 1);
  });

  it('counts offline edits until a reconnect makes them durable, and then the server has every one', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1003');
    await job.whenSynced();

    link.cut();
    const items = readJob(job.doc).checklist;
    for (const item of items) setChecklistDone(job.doc, item.id, true, 'alice', new Date().toISOString());
    addNote(job.doc, { id: 'n2', author: 'alice', createdAt: new Date().toISOString(), text: 'Pilot relit' });
    await until(`${items.length + 1} pending`, () => alice.status.get().pending === items.length + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(alice.status.get().pending).toBe(items.length + 1);

    link.restore();
    alice.syncNow();
    await until('nothing is pending', () => alice.status.get().pending === 0, 20_000);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
  });

  it('replaces a connection that stopped answering (half-open) and still gets every edit durable', async () => {
    world = await World.start();
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice', { ackTimeoutMs: 300 });
    const job = await alice.openJob('job-1001');
    await job.whenSynced();

    link.stall();
    addNote(job.doc, { id: 'n3', author: 'alice', createdAt: new Date().toISOString(), text: 'Typed on a dead link' });
    await until('the silent socket was given up on', () => !alice.status.get().connected, 5_000);
    await until('1 pending', () => alice.status.get().pending === 1);

    link.restore();
    alice.syncNow();
    await until('nothing is pending', () => alice.status.get().state === 'online', 20_000);
    expect(await storeHasAll(world.server.store, job)).toBe(true);
  });
});
