/**
 * Server hooks (issue 19, item 3): a team's own identity provider (an API key), its own job
 * access rule, and reactions to applied ops and committed content, used end to end by the
 * REST API, the relay and the op service, beside the demo's own sign-in.
 */
import { createHash } from 'node:crypto';
import { OutpostError, readJob, setChecklistDone, setSignature } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { OpLogEntry, ServerHooks } from '../src/index';
import { TestDevice } from './support/ops';
import { connectRelay, type RelayClient } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

/** The office integration's key: `x-api-key` on REST, `?token=` on the relay (browsers cannot set socket headers). */
const ERP_KEY = 'opk_erp_0123456789';

describe('server hooks', () => {
  let server: TestServer;
  const clients: RelayClient[] = [];
  const applied: OpLogEntry[] = [];
  const committed: { jobId: string; updates: readonly Uint8Array[] }[] = [];
  const hooks: ServerHooks = {
    authenticate({ headers, url }) {
      const key = headers.get('x-api-key') ?? url.searchParams.get('token');
      if (!key?.startsWith('opk_')) return null; // not a key: the demo's bearer token decides
      if (key !== ERP_KEY) throw new OutpostError('unauthenticated', 'Unknown API key.');
      return { userId: 'erp', role: 'dispatcher', name: 'Office ERP' };
    },
    // Job 1002 is under a legal hold: nobody opens it, dispatcher or not.
    authorizeJob: (principal, job) => job.id !== 'job-1002' && (principal.role === 'dispatcher' || job.assignees.includes(principal.userId)),
    onOpApplied: (entry) => void applied.push(entry),
    onContentCommitted: (jobId, updates) => void committed.push({ jobId, updates }),
  };
  beforeEach(async () => {
    applied.length = 0;
    committed.length = 0;
    server = await startTestServer({ hooks });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });
  const withKey = (key: string, path: string) => fetch(`${server.url}${path}`, { headers: { 'x-api-key': key } });

  it('lets an integration in with its API key, refuses a wrong key, and keeps the field app’s sign-in working', async () => {
    const res = await withKey(ERP_KEY, '/api/jobs/job-1001');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { job: unknown }).job).toMatchObject({ id: 'job-1001' });
    const wrong = await withKey('opk_guessed', '/api/jobs/job-1001');
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: unknown }).error).toMatchObject({ code: 'unauthenticated', message: 'Unknown API key.' });
    expect((await api(server, null, '/api/jobs/job-1001')).status).toBe(401);
    const alice = await login(server, 'alice');
    expect((await api(server, alice, '/api/jobs/job-1001')).status).toBe(200);
  });

  it('syncs a job over the relay with the API key, and refuses a job the access rule closes, on REST and the relay', async () => {
    const erp = await connectRelay(server.wsBase, 'job-1001', ERP_KEY);
    clients.push(erp);
    await until(() => erp.synced, 5000, 'the relay let the key in');
    expect((await withKey(ERP_KEY, '/api/jobs/job-1002')).status).toBe(403);
    const held = await connectRelay(server.wsBase, 'job-1002', ERP_KEY, { waitSynced: false });
    clients.push(held);
    expect(await held.closedWithin()).toBe(4403);
    expect(held.errors[0]).toMatchObject({ code: 'forbidden' });
    const dana = await login(server, 'dana');
    expect((await api(server, dana, '/api/jobs/job-1002')).body.error.code).toBe('forbidden');
  });

  it('tells onOpApplied about each applied op, up to the completed job, and onContentCommitted about the content behind it', async () => {
    const alice = await login(server, 'alice');
    const tech = await connectRelay(server.wsBase, 'job-1001', alice);
    clients.push(tech);
    await until(() => tech.synced, 5000, 'synced');
    const device = new TestDevice();
    const post = (to: string) => api(server, alice, '/api/jobs/job-1001/ops', { method: 'POST', body: device.op('job-1001', { kind: 'transition', to: to as never }, tech.doc) });
    for (const to of ['en_route', 'on_site', 'in_progress']) expect((await post(to)).status).toBe(200);

    const image = new TextEncoder().encode('signature image');
    const blob = createHash('sha256').update(image).digest('hex');
    await fetch(`${server.url}/api/blobs/${blob}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png' }, body: image });
    // What the hook is handed, applied to the doc as it stood, rebuilds what the technician collected.
    const seen = new Y.Doc();
    Y.applyUpdate(seen, Y.encodeStateAsUpdate(tech.doc));
    committed.length = 0;
    tech.edit((doc) => {
      for (const item of readJob(doc).checklist) setChecklistDone(doc, item.id, true, 'alice', '2030-01-01T00:00:00Z');
      setSignature(doc, { blob, signer: 'Pat', signedAt: '2030-01-01T00:00:00Z', by: 'alice' });
    });
    await until(
      () => {
        for (const { jobId, updates } of committed.splice(0)) if (jobId === 'job-1001') for (const u of updates) Y.applyUpdate(seen, u);
        return readJob(seen).signature?.signer === 'Pat';
      },
      5000,
      'the signature reported as committed',
    );

    expect((await post('completed')).status).toBe(200);
    await until(() => applied.some((e) => e.status === 'completed'), 15_000, 'the completed job reported');
    expect(applied.map((e) => [e.jobId, e.status, e.actor])).toEqual([
      ['job-1001', 'en_route', 'alice'],
      ['job-1001', 'on_site', 'alice'],
      ['job-1001', 'in_progress', 'alice'],
      ['job-1001', 'completed', 'alice'],
    ]);
  });

  it('keeps serving when a hook throws, and logs it', async () => {
    const failing = await startTestServer({
      hooks: {
        onOpApplied: () => {
          throw new Error('webhook down');
        },
      },
    });
    const logged = vi.spyOn(console, 'error');
    try {
      const alice = await login(failing, 'alice');
      const res = await api(failing, alice, '/api/jobs/job-1001/ops', { method: 'POST', body: new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' }) });
      expect(res.status).toBe(200);
      expect((await api(failing, alice, '/api/jobs/job-1001')).body.job).toMatchObject({ status: 'en_route' });
      await until(() => logged.mock.calls.some(([line]) => line === '[outpost] hook onOpApplied failed'), 15_000, 'the failure logged');
    } finally {
      logged.mockRestore();
      await failing.dispose();
    }
  });
});
