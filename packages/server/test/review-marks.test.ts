import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, type TestServer } from './support/server';

describe('review marks for the dispatcher', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeEach(async () => {
    server = await startTestServer();
    alice = await login(server, 'alice');
    dana = await login(server, 'dana');
  });
  afterEach(() => server.dispose());
  const post = (token: string, op: { jobId: string } & Record<string, unknown>) => api(server, token, `/api/jobs/${op.jobId}/ops`, { method: 'POST', body: op });

  it('marks a status set by a technician over the dispatcher’s cancel until a dispatcher acknowledges it', async () => {
    const phone = new TestDevice();
    const office = new TestDevice();
    await post(dana, office.op('job-1001', { kind: 'cancel' }));
    const refused = await post(alice, phone.op('job-1001', { kind: 'transition', to: 'en_route' }));
    expect(refused.status).toBe(409);
    const kept = await post(alice, phone.op('job-1001', { kind: 'transition', to: 'en_route', override: true }));
    expect(kept.body.result).toMatchObject({ status: 'en_route', review: true });

    expect((await api(server, alice, '/api/reviews')).status).toBe(403);
    const open = await api(server, dana, '/api/reviews');
    expect(open.body.reviews['job-1001']).toMatchObject({ status: 'en_route', by: 'alice', over: { status: 'cancelled', by: 'dana' } });

    expect((await api(server, alice, '/api/jobs/job-1001/review/ack', { method: 'POST', body: {} })).status).toBe(403);
    expect((await api(server, dana, '/api/jobs/job-1001/review/ack', { method: 'POST', body: {} })).status).toBe(200);
    expect((await api(server, dana, '/api/reviews')).body.reviews).toEqual({});
    expect((await api(server, dana, '/api/jobs/job-1001/review/ack', { method: 'POST', body: {} })).body.error.code).toBe('not_found');
  });

  it('drops the mark once the job has moved on from the overriding status', async () => {
    const phone = new TestDevice();
    await post(dana, new TestDevice().op('job-1001', { kind: 'cancel' }));
    await post(alice, phone.op('job-1001', { kind: 'transition', to: 'en_route', override: true }));
    await post(alice, phone.op('job-1001', { kind: 'transition', to: 'on_site' }));
    expect((await api(server, dana, '/api/reviews')).body.reviews).toEqual({});
  });
});
