import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, type TestServer } from './support/server';

const NOT_JSON = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'image/png', undefined];

describe('JSON routes take JSON only', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeAll(async () => {
    server = await startTestServer();
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterAll(async () => {
    await server.dispose();
  });

  const post = (path: string, token: string | null, body: unknown, contentType: string | undefined) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(contentType ? { 'content-type': contentType } : {}) },
      body: JSON.stringify(body),
    });

  async function expect415(res: Response): Promise<void> {
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  }

  it('refuses a login sent as a form, text or image with 415 and issues no token', async () => {
    for (const ct of NOT_JSON) await expect415(await post('/api/auth/login', null, { username: 'alice', password: 'outpost' }, ct));
  });

  it('refuses an op sent as anything but JSON with 415 and applies nothing', async () => {
    const device = new TestDevice();
    for (const ct of NOT_JSON) {
      const op = device.op('job-1001', { kind: 'transition', to: 'en_route' });
      await expect415(await post('/api/jobs/job-1001/ops', alice, op, ct));
      expect(await server.store.getOp(op.opId)).toBeNull();
    }
    expect((await server.store.getJob('job-1001'))?.version).toBe(1);
  });

  it('refuses a new job sent as anything but JSON with 415 and creates nothing', async () => {
    const before = (await server.store.listJobs()).length;
    const body = {
      title: 'Form job',
      customerId: 'cust-1',
      siteAddress: '1 Way',
      windowStart: new Date().toISOString(),
      windowEnd: new Date(Date.now() + 3_600_000).toISOString(),
      assignees: ['alice'],
    };
    for (const ct of NOT_JSON) await expect415(await post('/api/jobs', dana, body, ct));
    expect((await server.store.listJobs()).length).toBe(before);
  });

  it('accepts application/json with a charset parameter', async () => {
    const res = await post('/api/auth/login', null, { username: 'alice', password: 'outpost' }, 'application/json; charset=utf-8');
    expect(res.status).toBe(200);
    expect((await api(server, alice, '/api/me')).status).toBe(200);
  });
});
