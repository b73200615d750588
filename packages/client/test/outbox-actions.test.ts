import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readServerState } from '@outpost/shared';
import { until, World } from './harness';

describe('outbox actions', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('moves an op to Errors after three failed attempts, and Retry sends it once the server is well', async () => {
    let serverSick = true;
    const sickOps: typeof fetch = async (input, init) => {
      if (serverSick && init?.method === 'POST' && String(input).includes('/ops')) {
        return new Response(JSON.stringify({ error: { code: 'internal', message: 'database on fire' } }), { status: 500, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const phone = await world.device('alice-phone', await world.link(), 'alice', { fetch: sickOps });
    const item = await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await until('the op is in Errors', () => phone.outbox.list().errors.length === 1, 20_000);
    expect(phone.outbox.list().errors[0]).toMatchObject({ opId: item.opId, attempts: 3, error: { code: 'internal', message: 'database on fire' } });
    expect(phone.status.get().label).toBe('sync failed (1 items)');

    serverSick = false;
    await phone.outbox.retry(item.opId);
    await until('the op was sent', () => phone.outbox.list().sent.length === 1, 20_000);
    expect(phone.outbox.list().sent[0]).toMatchObject({ opId: item.opId, result: { status: 'en_route' }, sentAt: expect.any(String) });
  });

  it('discards a queued op without touching the job, and later ops still apply in order', async () => {
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    link.cut();
    const mistaken = await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await phone.outbox.discard(mistaken.opId);
    await phone.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    await phone.submitOp('job-1001', { kind: 'transition', to: 'on_site' });
    expect(phone.outbox.list().queued).toHaveLength(2);

    link.restore();
    phone.syncNow();
    await until('both went through', () => phone.outbox.list().sent.length === 2, 20_000);
    expect(phone.outbox.list().sent.map((i) => i.result?.status)).toEqual(['en_route', 'on_site']);
    await until('the doc shows it', () => readServerState(job.doc)?.status === 'on_site');
  });
});
