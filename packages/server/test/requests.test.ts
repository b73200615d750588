/**
 * Requests from the field: a technician raises a follow-up job from a job; it arrives as a
 * job in `requested` under the id the device made, once however often it is sent, and the
 * dispatcher schedules it once someone is assigned. The technician follows its state.
 */
import { addPhoto, readJob, requestJobId } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestDevice } from './support/ops';
import { connectRelay } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

const PHOTO = 'c'.repeat(64);
const request = { title: 'Compressor needs replacing — quote', description: 'Scroll compressor seized; customer wants a price.', photoIds: [PHOTO], equipmentIds: ['eq-1'] };

describe('requests from the field', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;
  let dana: string;
  beforeEach(async () => {
    server = await startTestServer({ limits: { causalWaitMs: 2000 } });
    [alice, bob, dana] = await Promise.all([login(server, 'alice'), login(server, 'bob'), login(server, 'dana')]);
  });
  afterEach(async () => {
    await server.dispose();
  });
  const post = (token: string, op: { jobId: string } & Record<string, unknown>) => api(server, token, `/api/jobs/${op.jobId}/ops`, { method: 'POST', body: op });

  it('makes a requested job for the same customer with the description and photos, once for repeated sends', async () => {
    const tech = await connectRelay(server.wsBase, 'job-1001', alice);
    try {
      await until(() => readJob(tech.doc).server !== null, 5000, 'the job synced');
      tech.edit((doc) => addPhoto(doc, { id: PHOTO, kind: 'damage', caption: 'Seized compressor', mime: 'image/png', bytes: 10, takenAt: 't', by: 'alice' }));
      const op = new TestDevice().op('job-1001', { kind: 'request', request }, tech.doc);
      const first = await post(alice, op);
      expect(first.status).toBe(200);
      expect(first.body.result).toMatchObject({ outcome: 'applied', changed: false });
      const again = await post(alice, op);
      expect(again.body.result).toMatchObject({ duplicate: true });

      const id = requestJobId(op.opId);
      const made = await api(server, dana, `/api/jobs/${id}`);
      expect(made.body.job).toMatchObject({ id, status: 'requested', customerId: 'cust-1', assignees: [], title: request.title });
      expect(made.body.content.notes).toEqual([expect.objectContaining({ author: 'alice', text: request.description })]);
      expect(made.body.content.photos).toEqual([expect.objectContaining({ id: PHOTO, by: 'alice' })]);
      expect(made.body.content.meta).toMatchObject({ requestedBy: 'alice', fromJobId: 'job-1001', equipmentIds: ['eq-1'] });
      expect((await api(server, dana, '/api/board')).body.jobs.filter((j: { id: string }) => j.id === id)).toHaveLength(1);
      expect((await api(server, alice, '/api/jobs/job-1001/ops')).body.ops.filter((o: { kind: string }) => o.kind === 'request')).toHaveLength(1);
    } finally {
      await tech.close();
    }
  });

  it('lets the dispatcher schedule it only once a technician is assigned; the raiser sees each state', async () => {
    const op = new TestDevice().op('job-1001', { kind: 'request', request: { ...request, photoIds: [] } });
    expect((await post(alice, op)).status).toBe(200);
    const id = requestJobId(op.opId);
    const states = async () => (await api(server, alice, '/api/jobs/job-1001/requests')).body.requests.map((r: { job: { status: string } }) => r.job.status);
    expect(await states()).toEqual(['requested']);

    const office = new TestDevice();
    const early = await post(dana, office.op(id, { kind: 'transition', to: 'scheduled' }));
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'guard_failed', message: expect.stringContaining('Assign a technician') });
    expect((await post(dana, office.op(id, { kind: 'assign', assignees: ['bob'] }))).status).toBe(200);
    const scheduled = await post(dana, office.op(id, { kind: 'transition', to: 'scheduled' }));
    expect(scheduled.body.result).toMatchObject({ status: 'scheduled', assignees: ['bob'] });
    expect(await states()).toEqual(['scheduled']);
    expect((await api(server, bob, `/api/jobs/${id}`)).status).toBe(200);
  });

  it('refuses a request from a technician not on the job, and a request op without its request', async () => {
    const stranger = await post(bob, new TestDevice().op('job-1001', { kind: 'request', request }));
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('not_assigned');
    const bare = await post(alice, new TestDevice().op('job-1001', { kind: 'request' }));
    expect(bare.status).toBe(400);
    expect(bare.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('request') });
    const technicianSchedules = await post(alice, new TestDevice().op('job-1001', { kind: 'transition', to: 'requested' }));
    expect(technicianSchedules.body.error.code).toBe('forbidden');
    expect((await api(server, alice, '/api/jobs/job-1001/requests')).body.requests).toEqual([]);
  });
});
