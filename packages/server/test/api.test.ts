import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, startTestServer, type TestServer } from './support/server';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('HTTP API', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeAll(async () => {
    server = await startTestServer();
    alice = await login(server, 'alice');
    dana = await login(server, 'dana');
  });
  afterAll(async () => {
    await server.dispose();
  });

  describe('auth', () => {
    it('logs a seeded technician in and says who they are', async () => {
      const res = await api(server, null, '/api/auth/login', { method: 'POST', body: { username: 'alice', password: 'outpost' } });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ id: 'alice', username: 'alice', name: 'Alice Moreno', role: 'technician' });
      const [, payload] = (res.body.token as string).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      expect(claims).toMatchObject({ sub: 'alice', role: 'technician', name: 'Alice Moreno' });
      expect(claims.exp - claims.iat).toBe(12 * 3600);
      expect((await api(server, res.body.token, '/api/me')).body.user.id).toBe('alice');
    });

    it('refuses a wrong password or unknown user with 401 bad_credentials, and a malformed body with 400', async () => {
      for (const body of [
        { username: 'alice', password: 'nope' },
        { username: 'mallory', password: 'outpost' },
      ]) {
        const res = await api(server, null, '/api/auth/login', { method: 'POST', body });
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('bad_credentials');
      }
      const res = await api(server, null, '/api/auth/login', { method: 'POST', body: { username: 'alice' } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      const huge = await api(server, null, '/api/auth/login', { method: 'POST', body: { username: 'alice', password: 'x'.repeat(2 * 1024 * 1024) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error.code).toBe('too_large');
    });

    it('answers 401 to API calls without a valid token', async () => {
      expect((await api(server, null, '/api/me/jobs')).body.error.code).toBe('unauthenticated');
      expect((await api(server, 'not.a.token', '/api/pricebook')).status).toBe(401);
    });
  });

  describe('priming and reference data', () => {
    it('primes a technician with only her jobs for today and tomorrow, their customers, equipment and a verifiable manifest', async () => {
      const res = await api(server, alice, '/api/me/jobs?days=2');
      expect(res.status).toBe(200);
      const { jobs, customers, equipment, manifest } = res.body;
      expect(jobs.length).toBeGreaterThanOrEqual(6);
      expect(jobs.every((j: { assignees: string[] }) => j.assignees.includes('alice'))).toBe(true);
      expect(jobs.map((j: { id: string }) => j.id)).toEqual([...jobs.map((j: { id: string }) => j.id)].sort());
      expect(new Set(customers.map((c: { id: string }) => c.id))).toEqual(new Set(jobs.map((j: { customerId: string }) => j.customerId)));
      expect(equipment.length).toBeGreaterThan(0);
      expect(manifest).toEqual({
        jobs: jobs.length,
        customers: customers.length,
        equipment: equipment.length,
        hash: createHash('sha256').update(JSON.stringify({ jobs, customers, equipment })).digest('hex'),
        pricebook: (await api(server, alice, '/api/pricebook')).body.hash,
      });
      const today = await api(server, alice, '/api/me/jobs?days=1');
      expect(today.body.jobs.length).toBeLessThan(jobs.length);
      expect((await api(server, alice, '/api/me/jobs?days=zero')).status).toBe(400);
    });

    it('serves customers, equipment and the pricebook, only for a technician’s own jobs', async () => {
      expect((await api(server, alice, '/api/customers/cust-1')).body.customer).toMatchObject({ name: 'Harbor View Dental' });
      expect((await api(server, alice, '/api/customers/cust-2')).status).toBe(403);
      expect((await api(server, alice, '/api/customers/nope')).status).toBe(404);
      expect((await api(server, alice, '/api/equipment?job=job-1001')).body.equipment[0]).toMatchObject({ customerId: 'cust-1', kind: 'rooftop unit' });
      expect((await api(server, alice, '/api/equipment?job=job-1002')).status).toBe(403);
      expect((await api(server, alice, '/api/equipment')).status).toBe(400);
      const pricebook = await api(server, alice, '/api/pricebook');
      expect(pricebook.body.items.length).toBeGreaterThanOrEqual(45);
      expect(pricebook.body.hash).toMatch(/^[0-9a-f]{64}$/);
      expect((await api(server, alice, '/api/jobs/job-1002')).status).toBe(403);
    });

    it('lets a dispatcher create a job that its technician then sees, with its checklist in the doc', async () => {
      const body = {
        title: 'Ice machine not making ice',
        customerId: 'cust-2',
        siteAddress: '440 Market Ave',
        windowStart: new Date(Date.now() + 3600_000).toISOString(),
        windowEnd: new Date(Date.now() + 7200_000).toISOString(),
        assignees: ['alice'],
        checklist: [{ label: 'Descale', required: true }],
      };
      expect((await api(server, alice, '/api/jobs', { method: 'POST', body })).status).toBe(403);
      expect((await api(server, dana, '/api/jobs', { method: 'POST', body: { ...body, assignees: ['dana'] } })).body.error.code).toBe('validation_failed');
      expect((await api(server, dana, '/api/jobs', { method: 'POST', body: { ...body, windowEnd: body.windowStart } })).status).toBe(400);
      expect((await api(server, dana, '/api/jobs', { method: 'POST', body: { ...body, extra: 1 } })).status).toBe(400);
      const created = await api(server, dana, '/api/jobs', { method: 'POST', body });
      expect(created.status).toBe(201);
      expect(created.body.job).toMatchObject({ id: 'job-1013', status: 'scheduled', version: 1, assignees: ['alice'] });
      const job = await api(server, alice, '/api/jobs/job-1013');
      expect(job.body.content.checklist).toEqual([expect.objectContaining({ label: 'Descale', required: true, done: false })]);
      expect(job.body.content.server).toMatchObject({ status: 'scheduled', version: 1 });
      const board = await api(server, dana, '/api/board');
      expect(board.body.jobs.map((j: { id: string }) => j.id)).toContain('job-1013');
      expect(board.body.technicians.map((t: { id: string }) => t.id)).toEqual(['alice', 'bob']);
      expect((await api(server, alice, '/api/board')).status).toBe(403);
    });
  });

  describe('board', () => {
    it('lists open jobs whatever their window, and closed ones only for a week after their window', async () => {
      const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
      const made = {
        title: 'Board history',
        customerId: 'cust-1',
        siteAddress: '1 Main St',
        createdAt: daysAgo(40),
        version: 3,
        assignees: ['alice'],
        changedBy: 'dana',
        changedAt: daysAgo(30),
      };
      const jobs = [
        { id: 'hist-done-month', status: 'completed', windowStart: daysAgo(30), windowEnd: daysAgo(29.9) },
        { id: 'hist-cancelled-month', status: 'cancelled', windowStart: daysAgo(30), windowEnd: daysAgo(29.9) },
        { id: 'hist-overdue-month', status: 'on_hold', windowStart: daysAgo(30), windowEnd: daysAgo(29.9) },
        { id: 'hist-done-yesterday', status: 'completed', windowStart: daysAgo(1.1), windowEnd: daysAgo(1) },
      ] as const;
      for (const j of jobs) await server.store.createJob({ ...made, ...j });
      const board = (await api(server, dana, '/api/board')).body.jobs.map((j: { id: string }) => j.id);
      expect(board).toEqual(expect.arrayContaining(['hist-overdue-month', 'hist-done-yesterday']));
      expect(board).not.toContain('hist-done-month');
      expect(board).not.toContain('hist-cancelled-month');
    });
  });

  describe('blobs', () => {
    const put = (hash: string, bytes: Uint8Array, type = 'image/jpeg') =>
      fetch(`${server.url}/api/blobs/${hash}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': type }, body: bytes as Uint8Array<ArrayBuffer> });

    it('stores a photo by its sha256 once, idempotently, and serves it back', async () => {
      const bytes = new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]);
      expect((await put(sha(bytes), bytes)).status).toBe(201);
      expect((await put(sha(bytes), bytes)).status).toBe(200);
      const res = await fetch(`${server.url}/api/blobs/${sha(bytes)}`, { headers: { authorization: `Bearer ${alice}` } });
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    });

    it('refuses bytes that do not match the hash, a bad hash, a wrong type, an oversized blob, and 404s a missing one', async () => {
      const bytes = new Uint8Array([1, 2, 3]);
      const mismatch = await put('0'.repeat(64), bytes);
      expect(mismatch.status).toBe(422);
      expect(((await mismatch.json()) as { error: { code: string } }).error.code).toBe('hash_mismatch');
      expect((await put('ABC', bytes)).status).toBe(400);
      expect((await put(sha(bytes), bytes, 'text/html')).status).toBe(415);
      const big = new Uint8Array(10 * 1024 * 1024 + 1);
      expect((await put(sha(big), big)).status).toBe(413);
      expect((await api(server, alice, `/api/blobs/${'1'.repeat(64)}`)).status).toBe(404);
    });
  });

  describe('operations', () => {
    it('answers health, Prometheus metrics, JSON 404s for unknown API routes, and a page for the app', async () => {
      expect((await api(server, null, '/healthz')).body).toEqual({ ok: true });
      const metrics = await fetch(`${server.url}/metrics`);
      const text = await metrics.text();
      for (const name of ['outpost_connections', 'outpost_loaded_docs', 'outpost_updates_received_total', 'outpost_durable_ack_seconds_bucket', 'outpost_ops_total']) {
        expect(text).toContain(name);
      }
      const missing = await api(server, alice, '/api/nothing-here');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
      const page = await fetch(`${server.url}/jobs/job-1001`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
    });
  });
});
