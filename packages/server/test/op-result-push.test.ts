import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { connectRelay, type RelayClient } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

describe('op results pushed to the device', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  const clients: RelayClient[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });
  const connect = async (token: string) => {
    const c = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(c);
    return c;
  };
  const results = (c: RelayClient) => c.received.filter((m) => m.name === 'opResult').map((m) => m.value);
  const post = (token: string, op: { jobId: string }) => api(server, token, `/api/jobs/${op.jobId}/ops`, { method: 'POST', body: op });

  it("tells the submitter's sockets on the job how an applied op ended, and no one else's", async () => {
    const phone = await connect(alice);
    const office = await connect(dana);
    const op = new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' });
    expect((await post(alice, op)).status).toBe(200);
    await until(() => results(phone).length === 1, 5000, 'opResult');
    expect(results(phone)).toEqual([{ opId: op.opId, outcome: 'applied', code: '', status: 'en_route', version: 2 }]);
    await until(() => office.received.some((m) => m.name === 'jobChanged'), 5000, 'jobChanged at the office');
    expect(results(office)).toEqual([]);
  });

  it('tells the device an op was rejected, with the code and the state it met', async () => {
    const phone = await connect(alice);
    expect((await post(dana, new TestDevice().op('job-1001', { kind: 'cancel' }))).status).toBe(200);
    const op = new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' });
    const res = await post(alice, op);
    expect(res.status).toBe(409);
    await until(() => results(phone).length === 1, 5000, 'opResult');
    expect(results(phone)).toEqual([{ opId: op.opId, outcome: 'rejected', code: res.body.error.code, status: 'cancelled', version: 2 }]);
  });
});
