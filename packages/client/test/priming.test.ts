import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readJob } from '@outpost/shared';
import { until, World } from './harness';

describe('priming', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it("keeps today's and tomorrow's jobs, customers, equipment, pricebook and job docs on the device for a day without signal", async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    expect(phone.priming.get()).toMatchObject({ primedAt: null, complete: false });
    const state = await phone.priming.prime();
    expect(state).toMatchObject({ complete: true, error: null, running: false });
    expect(state.counts.jobs).toBe(7); // alice's demo jobs over two days
    expect(state.counts.pricebook).toBeGreaterThan(0);
    await world.stop(phone);

    link.cut();
    const offline = await world.device('alice-phone', link);
    expect(offline.priming.get()).toMatchObject({ complete: true, primedAt: state.primedAt });
    const jobs = await offline.priming.jobs();
    expect(jobs.map((j) => j.id)).toContain('job-1001');
    expect((await offline.priming.customers()).map((c) => c.id)).toContain(jobs[0]!.customerId);
    expect(await offline.priming.equipment('job-1001')).not.toHaveLength(0);
    const job = await offline.openJob('job-1001');
    expect(readJob(job.doc).checklist.length).toBeGreaterThan(0);
    expect(readJob(job.doc).meta.title).toBe(jobs.find((j) => j.id === 'job-1001')!.title);
  });

  it('says the cache is incomplete when the job list does not match the manifest', async () => {
    const dropOneJob: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/api/me/jobs')) return res;
      const body = (await res.json()) as { jobs: unknown[] };
      body.jobs.pop();
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const phone = await world.device('alice-phone', await world.link(), 'alice', { fetch: dropOneJob });
    const state = await phone.priming.prime();
    expect(state.complete).toBe(false);
    expect(state.error).toMatch(/manifest/);
  });

  it('says the cache is incomplete when the pricebook does not match its hash', async () => {
    const dropOneItem: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes('/api/pricebook')) return res;
      const body = (await res.json()) as { items: unknown[] };
      body.items.pop();
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    };
    const phone = await world.device('alice-phone', await world.link(), 'alice', { fetch: dropOneItem });
    const state = await phone.priming.prime();
    expect(state).toMatchObject({ complete: false, error: expect.stringMatching(/pricebook/) });
  });

  it('refreshes the cache by itself when the server is reachable again', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice', { primingMaxAgeMs: 0 });
    const first = await phone.priming.prime();
    link.cut();
    await until('the device noticed', () => !phone.status.get().connected, 10_000);
    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const created = await dana.api('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Emergency no-cool',
        customerId: 'cust-1',
        siteAddress: '12 Wharf St, Portside',
        assignees: ['alice'],
        windowStart: new Date(Date.now() + 3_600_000).toISOString(),
        windowEnd: new Date(Date.now() + 7_200_000).toISOString(),
      }),
    });
    expect(created.status).toBe(201);
    link.restore();
    await until('the cache was refreshed', () => phone.priming.get().counts.jobs === first.counts.jobs + 1, 20_000);
    expect(phone.priming.get().primedAt).not.toBe(first.primedAt);
  });

  it("primes again on refresh only when the dispatcher changed the technician's jobs", async () => {
    const phone = await world.device('alice-phone', await world.link(), 'alice');
    const first = await phone.priming.prime();
    const unchanged = await phone.priming.refresh();
    expect(unchanged.primedAt).toBe(first.primedAt); // nothing changed: no second priming

    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const created = await dana.api('/api/jobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        title: 'Walk-in freezer alarm',
        customerId: 'cust-1',
        siteAddress: '12 Wharf St, Portside',
        assignees: ['alice'],
        windowStart: new Date(Date.now() + 3_600_000).toISOString(),
        windowEnd: new Date(Date.now() + 7_200_000).toISOString(),
      }),
    });
    expect(created.status).toBe(201);
    const refreshed = await phone.priming.refresh();
    expect(refreshed.counts.jobs).toBe(first.counts.jobs + 1);
    expect((await phone.priming.jobs()).map((j) => j.title)).toContain('Walk-in freezer alarm');
  });

  it('shows the server as reachable or not with no job open and nothing to upload', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    await until('online', () => phone.status.get().state === 'online');
    link.cut();
    await until('offline', () => phone.status.get().state === 'offline', 10_000);
    link.restore();
    await until('online again', () => phone.status.get().state === 'online', 20_000);
  });

  it('counts the job docs as they download, and retries by itself a run the server could not answer (503), not one it refused (403)', async () => {
    const link = await world.link();
    for (const [status, retried] of [
      [503, true],
      [403, false],
    ] as const) {
      let calls = 0;
      const flaky: typeof fetch = async (input, init) => {
        if (String(input).includes('/api/me/jobs') && ++calls === 1) {
          return new Response(JSON.stringify({ error: { code: status === 503 ? 'unavailable' : 'forbidden', message: 'no' } }), {
            status,
            headers: { 'content-type': 'application/json' },
          });
        }
        return fetch(input, init);
      };
      const phone = await world.device(`alice-phone-${status}`, link, 'alice', { fetch: flaky });
      const seen: string[] = [];
      phone.priming.subscribe((s) => s.progress && seen.push(`${s.progress.done}/${s.progress.total}`));
      const failed = await phone.priming.prime();
      expect(failed.failure?.kind).toBe(retried ? 'transient' : 'permanent');
      if (retried) {
        expect(Date.parse(failed.failure!.retryAt!) - Date.now()).toBeLessThanOrEqual(1_200);
        await until('primed by itself', () => phone.priming.get().complete, 10_000);
        expect(seen).toContain('0/7');
        expect(seen).toContain('7/7');
      } else {
        await new Promise((r) => setTimeout(r, 1_500));
        expect(calls).toBe(1);
        expect(phone.priming.get().complete).toBe(false);
      }
      await world.stop(phone);
    }
  });
});
