import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { until, World } from './harness';

/** A fetch that counts the op requests a device makes. */
function countingFetch() {
  const calls = { batch: 0, single: 0 };
  const fetchFn = ((input: URL | string, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    if (init?.method === 'POST' && path === '/api/ops') calls.batch++;
    if (init?.method === 'POST' && /^\/api\/jobs\/[^/]+\/ops$/.test(path)) calls.single++;
    return fetch(input, init);
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('queued ops go up in one request', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('sends ops queued offline across jobs in one request when the network returns, all applied in order', async () => {
    const link = await world.link();
    const { calls, fetchFn } = countingFetch();
    const alice = await world.device('alice-phone', link, 'alice', { fetch: fetchFn });
    link.cut();
    const jobs = ['job-1001', 'job-1003', 'job-1006'];
    for (const to of ['en_route', 'on_site', 'in_progress'] as const) for (const jobId of jobs) await alice.submitOp(jobId, { kind: 'transition', to });
    expect(alice.outbox.list().queued).toHaveLength(9);
    link.restore();
    await until('every op was sent', () => alice.outbox.list().sent.length === 9);
    expect(calls).toEqual({ batch: 1, single: 0 });
    for (const jobId of jobs) {
      const sent = alice.outbox.list().sent.filter((i) => i.jobId === jobId);
      expect(sent.map((i) => i.result?.status)).toEqual(['en_route', 'on_site', 'in_progress']);
    }
  });

  it("holds a job's later ops behind its conflict, in Conflicts, while the other jobs' ops apply", async () => {
    const aliceLink = await world.link();
    const alice = await world.device('alice-phone', aliceLink, 'alice');
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    aliceLink.cut();
    await alice.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await alice.submitOp('job-1003', { kind: 'transition', to: 'en_route' });
    await alice.submitOp('job-1001', { kind: 'transition', to: 'on_site' });
    await dana.submitOp('job-1001', { kind: 'cancel' });
    await until('the cancel was applied', () => dana.outbox.list().sent.length === 1);
    aliceLink.restore();
    await until('both job-1001 ops are in Conflicts', () => alice.outbox.list().conflicts.length === 2);
    expect(alice.outbox.list().conflicts.map((i) => i.conflict?.code)).toEqual(['conflict', 'behind_conflict']);
    expect(alice.outbox.list().conflicts.every((i) => i.conflict?.server.status === 'cancelled')).toBe(true);
    await until('the other job went through', () => alice.outbox.list().sent.length === 1);
    expect(alice.outbox.list().sent[0]!.jobId).toBe('job-1003');
  });
});
