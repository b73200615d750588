import { createHash } from 'node:crypto';
import { readJob, setChecklistDone, setSignature } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TestDevice } from './support/ops';
import { connectRelay, type RelayClient } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

describe('workflow ops', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  const clients: RelayClient[] = [];
  beforeEach(async () => {
    server = await startTestServer({ limits: { causalWaitMs: 300 } });
    alice = await login(server, 'alice');
    dana = await login(server, 'dana');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });
  const post = (token: string, op: { jobId: string } & Record<string, unknown>) => api(server, token, `/api/jobs/${op.jobId}/ops`, { method: 'POST', body: op });

  it('applies a legal transition, bumps the version and mirrors it into every device’s doc', async () => {
    const watcher = await connectRelay(server.wsBase, 'job-1001', alice);
    clients.push(watcher);
    const res = await post(alice, new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' }));
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ outcome: 'applied', status: 'en_route', version: 2, assignees: ['alice'], changed: true, review: false, duplicate: false });
    await until(() => readJob(watcher.doc).server?.status === 'en_route', 5000, 'server map mirrored');
    expect(readJob(watcher.doc).server).toMatchObject({ version: 2, changedBy: 'alice' });
    await until(() => watcher.received.some((m) => m.name === 'jobChanged'), 5000, 'jobChanged message');
    expect(watcher.received.find((m) => m.name === 'jobChanged')?.value).toEqual({ jobId: 'job-1001', status: 'en_route', version: 2, assignees: ['alice'] });
    const job = await api(server, alice, '/api/jobs/job-1001');
    expect(job.body.job).toMatchObject({ status: 'en_route', version: 2 });
  });

  it('returns the first result for a repeated opId and changes nothing', async () => {
    const op = new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' });
    const first = await post(alice, op);
    const again = await post(alice, op);
    expect(again.status).toBe(200);
    expect(again.body.result).toEqual({ ...first.body.result, duplicate: true });
    const log = await api(server, alice, '/api/jobs/job-1001/ops');
    expect(log.body.ops).toHaveLength(1);
    expect((await api(server, alice, '/api/jobs/job-1001')).body.job.version).toBe(2);
  });

  it('refuses a reused opId that names a different op', async () => {
    const device = new TestDevice();
    const op = device.op('job-1001', { kind: 'transition', to: 'en_route' });
    await post(alice, op);
    const res = await post(alice, { ...op, deviceSeq: 2, to: 'on_site' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('op_mismatch');
    // Someone else replaying the same op learns nothing from it.
    const replay = await post(dana, op);
    expect(replay.body.error.code).toBe('op_mismatch');
  });

  it('answers a gap in deviceSeq as retryable out_of_order, and applies the op once the gap is filled', async () => {
    const device = new TestDevice();
    const first = device.op('job-1001', { kind: 'transition', to: 'en_route' });
    const second = device.op('job-1001', { kind: 'transition', to: 'on_site' });
    const early = await post(alice, second);
    expect(early.status).toBe(425);
    expect(early.body.error).toMatchObject({ code: 'out_of_order', details: { expectedSeq: 1 } });
    expect((await post(alice, first)).status).toBe(200);
    const later = await post(alice, second);
    expect(later.status).toBe(200);
    expect(later.body.result).toMatchObject({ status: 'on_site', version: 3 });
  });

  it('waits for the doc to cover the op’s docState before deciding, and answers not_causal when it never does', async () => {
    const device = new TestDevice();
    const tech = await connectRelay(server.wsBase, 'job-1001', alice);
    clients.push(tech);
    for (const to of ['en_route', 'on_site', 'in_progress'] as const) expect((await post(alice, device.op('job-1001', { kind: 'transition', to }))).status).toBe(200);
    await until(() => readJob(tech.doc).server?.status === 'in_progress');
    // The device ticks the required items and collects a signature, then completes —
    // but the op reaches the server before the content does.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(tech.doc));
    for (const item of readJob(offline).checklist) setChecklistDone(offline, item.id, true, 'alice', '2030-01-01T00:00:00Z');
    // The signature's image is on the server (uploaded beside the op); only the doc lags.
    const image = new TextEncoder().encode('signature image');
    const blob = createHash('sha256').update(image).digest('hex');
    const upload = await fetch(`${server.url}/api/blobs/${blob}`, { method: 'PUT', headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png' }, body: image });
    expect(upload.status).toBeLessThan(300);
    setSignature(offline, { blob, signer: 'Pat', signedAt: '2030-01-01T00:00:00Z', by: 'alice' });
    const complete = device.op('job-1001', { kind: 'transition', to: 'completed' }, offline);
    const tooEarly = await post(alice, complete);
    expect(tooEarly.status).toBe(425);
    expect(tooEarly.body.error.code).toBe('not_causal');
    // Retried while the content arrives: the server waits for it, and the guards see it.
    const pending = post(alice, complete);
    await new Promise((r) => setTimeout(r, 50));
    tech.sendUpdate(Y.encodeStateAsUpdate(offline, Y.encodeStateVector(tech.doc)));
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ status: 'completed' });
  });

  it('rejects an illegal op with 409, the server state and who changed it; the op still consumes its seq and is logged', async () => {
    const danaDevice = new TestDevice();
    expect((await post(dana, danaDevice.op('job-1001', { kind: 'cancel' }))).status).toBe(200);
    const device = new TestDevice();
    const res = await post(alice, device.op('job-1001', { kind: 'transition', to: 'en_route' }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', details: { server: { status: 'cancelled', version: 2, changedBy: 'dana' } } });
    expect(res.body.error.details.server.changedAt).toEqual(expect.any(String));
    const next = await post(alice, device.op('job-1003', { kind: 'transition', to: 'en_route' }));
    expect(next.status).toBe(200);
    const log = (await api(server, dana, '/api/jobs/job-1001/ops')).body.ops;
    expect(log.map((o: { outcome: string; actor: string }) => [o.outcome, o.actor])).toEqual([
      ['applied', 'dana'],
      ['rejected', 'alice'],
    ]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^outpost_ops_total\{outcome="applied"\} 2$/m);
    expect(metrics).toMatch(/^outpost_ops_total\{outcome="conflict"\} 1$/m);
    expect(log[1]).toMatchObject({ code: 'conflict', deviceId: device.deviceId, deviceSeq: 1, to: 'en_route', receivedAt: expect.any(String), occurredAt: expect.any(String) });
  });

  it('records an override resubmission, applies it and flags it for dispatcher review', async () => {
    await post(dana, new TestDevice().op('job-1001', { kind: 'cancel' }));
    const device = new TestDevice();
    expect((await post(alice, device.op('job-1001', { kind: 'transition', to: 'en_route' }))).status).toBe(409);
    const keepMine = await post(alice, device.op('job-1001', { kind: 'transition', to: 'en_route', override: true }));
    expect(keepMine.status).toBe(200);
    expect(keepMine.body.result).toMatchObject({ status: 'en_route', review: true, version: 3 });
    const log = (await api(server, dana, '/api/jobs/job-1001/ops')).body.ops;
    expect(log.at(-1)).toMatchObject({ outcome: 'applied', review: true, override: true });
  });

  it('refuses completion while required checklist items are open (guard_failed)', async () => {
    const device = new TestDevice();
    for (const to of ['en_route', 'on_site', 'in_progress'] as const) await post(alice, device.op('job-1001', { kind: 'transition', to }));
    const res = await post(alice, device.op('job-1001', { kind: 'transition', to: 'completed' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('guard_failed');
  });

  it('lets only assigned technicians and dispatchers act, with the actor from the token', async () => {
    const bob = await login(server, 'bob');
    const notMine = await post(bob, new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route' }));
    expect(notMine.status).toBe(403);
    expect(notMine.body.error.code).toBe('not_assigned');
    const techAssign = await post(alice, new TestDevice().op('job-1001', { kind: 'assign', assignees: ['alice', 'bob'] }));
    expect(techAssign.status).toBe(403);
    expect(techAssign.body.error.code).toBe('forbidden');
    expect((await api(server, bob, '/api/jobs/job-1001/ops')).status).toBe(403);
  });

  it('validates the op body and its path', async () => {
    const device = new TestDevice();
    const bad = await post(alice, { ...device.op('job-1001', { kind: 'transition' }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const wrongPath = await api(server, alice, '/api/jobs/job-1003/ops', { method: 'POST', body: device.op('job-1001', { kind: 'cancel' }) });
    expect(wrongPath.body.error.code).toBe('validation_failed');
    const garbage = await api(server, alice, '/api/jobs/job-1001/ops', { method: 'POST', body: '{not json' });
    expect(garbage.status).toBe(400);
    const badState = await post(alice, device.op('job-1001', { kind: 'transition', to: 'en_route', docState: Buffer.from([5, 1]).toString('base64') }));
    expect(badState.status).toBe(400);
    const missing = await post(dana, new TestDevice().op('job-9999', { kind: 'cancel' }));
    expect(missing.status).toBe(404);
    const danaDevice = new TestDevice();
    const ghost = await post(dana, danaDevice.op('job-1001', { kind: 'assign', assignees: ['alice', 'ghost'] }));
    expect(ghost.status).toBe(400);
    expect(ghost.body.error).toMatchObject({ code: 'validation_failed', details: { server: { assignees: ['alice'] } } });
    // The refused op is logged and consumed its seq, so the device's next op is not stuck behind it.
    expect((await post(dana, danaDevice.op('job-1001', { kind: 'assign', assignees: ['alice', 'bob'] }))).status).toBe(200);
  });

  it('closes an unassigned technician’s sockets on that job with 4403 within a second', async () => {
    const bob = await login(server, 'bob');
    const bobSocket = await connectRelay(server.wsBase, 'job-1004', bob);
    const aliceSocket = await connectRelay(server.wsBase, 'job-1004', alice);
    clients.push(bobSocket, aliceSocket);
    const started = Date.now();
    const res = await post(dana, new TestDevice().op('job-1004', { kind: 'assign', assignees: ['alice'] }));
    expect(res.body.result).toMatchObject({ assignees: ['alice'] });
    expect(await bobSocket.closedWithin(1000)).toBe(4403);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(bobSocket.errors[0]?.code).toBe('not_assigned');
    expect(aliceSocket.closeCode).toBeNull();
    const again = await connectRelay(server.wsBase, 'job-1004', bob, { waitSynced: false });
    clients.push(again);
    expect(await again.closedWithin()).toBe(4403);
  });
});
