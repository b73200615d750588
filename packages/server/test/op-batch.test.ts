import type { OpBatchAnswer, WorkflowOp } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, type TestServer } from './support/server';

const ALICE_JOBS = ['job-1001', 'job-1003', 'job-1004', 'job-1006', 'job-1007', 'job-1009', 'job-1011'];
const CHAIN = ['en_route', 'on_site', 'in_progress', 'on_hold', 'in_progress', 'on_hold', 'in_progress', 'on_hold'] as const;

describe('POST /api/ops: a device drains its outbox in one request', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  beforeEach(async () => {
    server = await startTestServer();
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterEach(() => server.dispose());
  const batch = (token: string, ops: WorkflowOp[]) => api(server, token, '/api/ops', { method: 'POST', body: { ops } });
  const statuses = (answers: OpBatchAnswer[]) => answers.map((a) => ('notTried' in a ? 'notTried' : a.status));

  it('applies 50 queued ops across jobs in device order and answers every one in one response', async () => {
    const phone = new TestDevice();
    const ops: WorkflowOp[] = [];
    for (let i = 0; ops.length < 50; i++) {
      const jobId = ALICE_JOBS[i % ALICE_JOBS.length]!;
      ops.push(phone.op(jobId, { kind: 'transition', to: CHAIN[Math.floor(i / ALICE_JOBS.length)]! }));
    }
    const res = await batch(alice, ops);
    expect(res.status).toBe(200);
    expect(res.body.answers.map((a: { opId: string }) => a.opId)).toEqual(ops.map((o) => o.opId));
    expect(new Set(statuses(res.body.answers))).toEqual(new Set([200]));
    const history = await api(server, alice, '/api/jobs/job-1001/ops');
    expect(history.body.ops.map((o: { to: string }) => o.to)).toEqual(CHAIN.slice(0, 8).filter((_, k) => k * 7 < 50));

    const again = await batch(alice, ops);
    expect(again.body.answers.every((a: { body: { result: { duplicate: boolean } } }) => a.body.result.duplicate)).toBe(true);
  });

  it("stops a job's chain at its first conflict and keeps applying the other jobs", async () => {
    expect((await api(server, dana, '/api/jobs/job-1001/ops', { method: 'POST', body: new TestDevice().op('job-1001', { kind: 'cancel' }) })).status).toBe(200);
    const phone = new TestDevice();
    const ops = [
      phone.op('job-1001', { kind: 'transition', to: 'en_route' }),
      phone.op('job-1003', { kind: 'transition', to: 'en_route' }),
      phone.op('job-1001', { kind: 'transition', to: 'on_site' }),
      phone.op('job-1003', { kind: 'transition', to: 'on_site' }),
    ];
    const { body } = await batch(alice, ops);
    expect(statuses(body.answers)).toEqual([409, 200, 409, 200]);
    expect(body.answers[0].body.error).toMatchObject({ code: 'conflict', details: { server: { status: 'cancelled' } } });
    expect(body.answers[2].body.error).toMatchObject({ code: 'behind_conflict', details: { server: { status: 'cancelled' } } });
    expect(body.answers[3].body.result).toMatchObject({ status: 'on_site' });
    // Logged, not applied: the job's history shows what the device asked for and why it was held.
    const history = await api(server, dana, '/api/jobs/job-1001/ops');
    expect(history.body.ops.map((o: { outcome: string; code: string | null }) => [o.outcome, o.code])).toEqual([
      ['applied', null],
      ['rejected', 'conflict'],
      ['rejected', 'behind_conflict'],
    ]);
  });

  it('stops at an op that cannot be logged, and answers the rest "not tried" so the device keeps its order', async () => {
    const phone = new TestDevice();
    const ops = [
      phone.op('job-1001', { kind: 'transition', to: 'en_route' }),
      phone.op('job-1002', { kind: 'transition', to: 'en_route' }),
      phone.op('job-1003', { kind: 'transition', to: 'en_route' }),
    ];
    const { body } = await batch(alice, ops);
    expect(statuses(body.answers)).toEqual([200, 403, 'notTried']);
    expect(body.answers[1].body.error.code).toBe('not_assigned');
    expect((await api(server, alice, '/api/jobs/job-1003/ops')).body.ops).toEqual([]);
  });

  it('refuses a malformed batch as a whole with validation_failed', async () => {
    expect((await batch(alice, [])).body.error.code).toBe('validation_failed');
    const res = await api(server, alice, '/api/ops', { method: 'POST', body: { ops: [{ opId: 'x' }] } });
    expect(res.status).toBe(400);
    expect((await api(server, null, '/api/ops', { method: 'POST', body: { ops: [] } })).status).toBe(401);
  });
});
