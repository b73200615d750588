import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob } from '@outpost/shared';
import { until, World } from './harness';

/** A fetch that counts the workflow ops this tab posts. */
function countingOps() {
  const counter = {
    posts: 0,
    fetch: (async (input, init) => {
      if (init?.method === 'POST' && String(input).includes('/ops')) counter.posts++;
      return fetch(input, init);
    }) as typeof fetch,
  };
  return counter;
}

describe('several tabs on one device', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('lets only one tab drain the outbox while every tab shows the same outbox and job', async () => {
    const link = await world.link();
    const first = countingOps();
    const second = countingOps();
    const tabA = await world.device('alice-laptop', link, 'alice', { fetch: first.fetch });
    const tabB = await world.device('alice-laptop', link, undefined, { fetch: second.fetch });
    expect(tabB.user?.id).toBe('alice');
    expect(tabB.deviceId).toBe(tabA.deviceId);

    await tabA.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await tabB.submitOp('job-1001', { kind: 'transition', to: 'on_site' });
    for (const tab of [tabA, tabB]) {
      await until('both ops show as sent in every tab', () => tab.outbox.list().sent.length === 2, 20_000);
    }
    expect(first.posts === 0 || second.posts === 0).toBe(true);
    // Both ops may go up in one batch (POST /api/ops): what matters is that one tab sent them.
    expect(first.posts + second.posts).toBeGreaterThanOrEqual(1);
    expect(tabA.outbox.list().sent.map((i) => i.result?.status)).toEqual(['en_route', 'on_site']);

    const jobA = await tabA.openJob('job-1001');
    const jobB = await tabB.openJob('job-1001');
    link.cut();
    addNote(jobA.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'typed in tab A' });
    await until('tab B shows the note with no network', () => readJob(jobB.doc).notes.length === 1);
    await until("tab B counts tab A's pending note", () => tabB.status.get().pending === 1);
    expect(tabA.status.get().pending).toBe(1);
    link.restore();
    tabA.syncNow();
    tabB.syncNow();
    await until('both tabs show online', () => tabA.status.get().state === 'online' && tabB.status.get().state === 'online', 20_000);
  });

  it('takes over the pending edits of a tab that closed before they were uploaded', async () => {
    const link = await world.link();
    const tabA = await world.device('alice-laptop', link, 'alice');
    const tabB = await world.device('alice-laptop', link);
    const jobA = await tabA.openJob('job-1003');
    const jobB = await tabB.openJob('job-1003');
    await Promise.all([jobA.whenSynced(), jobB.whenSynced()]);
    link.cut();
    addNote(jobA.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'typed in the tab that closes' });
    await until('tab B counts it', () => tabB.status.get().pending === 1);
    await world.stop(tabA);
    await new Promise((r) => setTimeout(r, 300));
    expect(tabB.status.get().pending).toBe(1); // tab A said goodbye: the count is tab B's own now

    link.restore();
    tabB.syncNow();
    await until('tab B uploaded it', () => tabB.status.get().state === 'online', 20_000);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1003');
    await until('the office has the note', () => readJob(seen.doc).notes.some((n) => n.id === 'n1'));
  });
});
