import { CLOSE_CODES, readJob } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelClient } from '../../../test-support/channel-client';
import { TestDevice } from './support/ops';
import { connectRelay } from './support/relay-client';
import { api, login, startTestServer, until, type TestServer } from './support/server';

describe('device channel: every job of a device over one socket', () => {
  let server: TestServer;
  let alice: string;
  let dana: string;
  const open: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    server = await startTestServer();
    [alice, dana] = await Promise.all([login(server, 'alice'), login(server, 'dana')]);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server.dispose();
  });
  const channel = async (token: string | null, v?: number | null) => {
    const c = await ChannelClient.connect(server.url, token, v);
    open.push(c);
    return c;
  };

  it('syncs several jobs subscribed in one frame, and acks each job on its own count', async () => {
    const phone = await channel(alice);
    const jobs = ['job-1001', 'job-1003', 'job-1006'];
    phone.subscribe(jobs);
    await phone.synced(jobs);
    for (const id of jobs) expect(readJob(phone.jobs.get(id)!.doc).meta.title).toBeTruthy();
    expect(server.relay.connectionCount).toBe(1);
    phone.edit('job-1003', (doc) => doc.getArray('locations').push([{ tech: 'alice', lat: 1, lon: 2, accuracy: 5, at: 't' }]));
    // Step 2 of each job is content message 1 of that job; this edit is message 2 of job-1003 only.
    await until(() => phone.ackedUpTo('job-1003') === 2 && phone.ackedUpTo('job-1001') === 1, 5000, 'durable acks');
    expect(phone.ackedUpTo('job-1006')).toBe(1);
  });

  it('refuses a job the technician may not open without closing the others', async () => {
    const phone = await channel(alice);
    phone.subscribe(['job-1001', 'job-1002']);
    await phone.synced(['job-1001']);
    await until(() => phone.closedJob('job-1002') !== null, 5000, 'job-1002 refused');
    expect(phone.closedJob('job-1002')).toBe(CLOSE_CODES.forbidden);
    expect(phone.messages('job-1002', 'error')).toEqual([expect.objectContaining({ code: 'not_assigned' })]);
    expect(phone.jobs.get('job-1002')!.synced).toBe(false);
    phone.edit('job-1001', (doc) => doc.getArray('locations').push([{ tech: 'alice', lat: 1, lon: 2, accuracy: 5, at: 't' }]));
    await until(() => phone.ackedUpTo('job-1001') === 2, 5000, 'ack on the job still held');
    expect(phone.closeCode).toBeNull();
  });

  it('carries a change from the office to the device on the shared socket', async () => {
    const phone = await channel(alice);
    phone.subscribe(['job-1001', 'job-1003']);
    await phone.synced(['job-1001', 'job-1003']);
    const office = await connectRelay(server.wsBase, 'job-1003', dana);
    open.push(office);
    office.edit((doc) => doc.getArray('locations').push([{ tech: 'dana', lat: 3, lon: 4, accuracy: 5, at: 't' }]));
    await until(() => phone.jobs.get('job-1003')!.doc.getArray('locations').length === 1, 5000, 'office change on the channel');
  });

  it('removes a job from the channel within 1 s of the unassignment, and keeps the rest', async () => {
    const phone = await channel(alice);
    phone.subscribe(['job-1001', 'job-1003']);
    await phone.synced(['job-1001', 'job-1003']);
    const assign = new TestDevice().op('job-1001', { kind: 'assign', assignees: ['bob'] });
    const t0 = Date.now();
    expect((await api(server, dana, '/api/jobs/job-1001/ops', { method: 'POST', body: assign })).status).toBe(200);
    await until(() => phone.closedJob('job-1001') !== null, 1000, 'revocation within 1 s');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(phone.closedJob('job-1001')).toBe(CLOSE_CODES.forbidden);
    phone.edit('job-1003', (doc) => doc.getArray('locations').push([{ tech: 'alice', lat: 1, lon: 2, accuracy: 5, at: 't' }]));
    await until(() => phone.ackedUpTo('job-1003') === 2, 5000, 'the other job still acks');
  });

  it('tells a device older than the server accepts to update, with its own close code', async () => {
    const old = await channel(alice, 1);
    await until(() => old.closeCode !== null, 5000, 'close');
    expect(old.closeCode).toBe(4426);
    expect(old.control).toEqual([{ name: 'error', value: expect.objectContaining({ code: 'update_required' }) }]);
    const unversioned = await channel(alice, null);
    await until(() => unversioned.closeCode !== null, 5000, 'close');
    expect(unversioned.closeCode).toBe(4426);
  });

  it('greets a current device with the protocol versions, and refuses a bad token with 4401', async () => {
    const phone = await channel(alice);
    await until(() => phone.control.length > 0, 5000, 'channelReady');
    expect(phone.control[0]).toEqual({ name: 'channelReady', value: { protocolVersion: expect.any(Number), minProtocolVersion: 2 } });
    const stranger = await channel('not-a-token');
    await until(() => stranger.closeCode !== null, 5000, 'close');
    expect(stranger.closeCode).toBe(4401);
  });

  it('refuses a frame for a job not subscribed, per job, and an unreadable channel message by closing the channel', async () => {
    const phone = await channel(alice);
    phone.sendTo('job-1001', new Uint8Array([0, 0, 1, 0]));
    await until(() => phone.closedJob('job-1001') !== null, 5000, 'per-job refusal');
    expect(phone.closedJob('job-1001')).toBe(4400);
    expect(phone.closeCode).toBeNull();
    phone.sendControl(new Uint8Array([250, 1]));
    await until(() => phone.closeCode !== null, 5000, 'channel refusal');
    expect(phone.closeCode).toBe(4400);
  });

  it('leaves jobs on unsubscribe: a later frame for one is refused, never applied or acked', async () => {
    const phone = await channel(alice);
    phone.subscribe(['job-1001']);
    await phone.synced(['job-1001']);
    await until(() => phone.ackedUpTo('job-1001') === 1, 5000, 'step 2 acked');
    phone.unsubscribe(['job-1001']);
    phone.edit('job-1001', (doc) => doc.getArray('locations').push([{ tech: 'alice', lat: 1, lon: 2, accuracy: 5, at: 't' }]));
    const closes = () => phone.control.filter((m) => m.name === 'jobClosed').map((m) => (m.value as { code: number }).code);
    await until(() => closes().length === 2, 5000, 'frame after leaving refused');
    // The unsubscribe is answered (1000: every frame of that membership came before it), then the stray frame refused.
    expect(closes()).toEqual([1000, 4400]);
    expect(phone.ackedUpTo('job-1001')).toBe(1);
  });

  const notices = (c: ChannelClient) => c.control.filter((m) => m.name === 'jobNotice').map((m) => m.value as { jobId: string; change: string; assignees: string[] });

  it("pushes a new job to its technician's and every dispatcher's channel, without anything subscribed", async () => {
    const phone = await channel(alice);
    const board = await channel(dana);
    const bob = await channel(await login(server, 'bob'));
    await until(() => phone.control.length > 0 && board.control.length > 0, 5000, 'channels ready');
    const t0 = Date.now();
    const created = await api(server, dana, '/api/jobs', {
      method: 'POST',
      body: {
        title: 'No heat',
        customerId: 'cust-1',
        siteAddress: '12 Wharf St',
        windowStart: '2030-01-01T09:00:00.000Z',
        windowEnd: '2030-01-01T11:00:00.000Z',
        assignees: ['alice'],
      },
    });
    expect(created.status).toBe(201);
    const jobId = created.body.job.id as string;
    await until(() => notices(phone).some((n) => n.jobId === jobId) && notices(board).some((n) => n.jobId === jobId), 1000, 'pushes within 1 s');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(notices(phone)).toEqual([expect.objectContaining({ jobId, change: 'assigned', assignees: ['alice'] })]);
    expect(notices(board)).toEqual([expect.objectContaining({ jobId, change: 'created' })]);
    expect(notices(bob)).toEqual([]);
  });

  it('moves a reassigned job: unassigned on one technician, assigned on the other, changed on the board', async () => {
    const phone = await channel(alice);
    const bob = await channel(await login(server, 'bob'));
    const board = await channel(dana);
    await until(() => [phone, bob, board].every((c) => c.control.length > 0), 5000, 'channels ready');
    const assign = new TestDevice().op('job-1001', { kind: 'assign', assignees: ['bob'] });
    expect((await api(server, dana, '/api/jobs/job-1001/ops', { method: 'POST', body: assign })).status).toBe(200);
    await until(() => [phone, bob, board].every((c) => notices(c).length === 1), 1000, 'pushes within 1 s');
    expect(notices(phone)[0]).toMatchObject({ jobId: 'job-1001', change: 'unassigned', assignees: ['bob'] });
    expect(notices(bob)[0]).toMatchObject({ jobId: 'job-1001', change: 'assigned' });
    expect(notices(board)[0]).toMatchObject({ jobId: 'job-1001', change: 'changed' });
  });

  it("counts a device channel among the user's connections for the per-user cap", async () => {
    await server.dispose();
    server = await startTestServer({ limits: { maxSocketsPerUser: 2 } });
    alice = await login(server, 'alice');
    const one = await channel(alice);
    const two = await connectRelay(server.wsBase, 'job-1001', alice);
    open.push(two);
    const three = await channel(alice);
    await until(() => three.closeCode !== null, 5000, 'third connection refused');
    expect(three.closeCode).toBe(4429);
    expect(three.control.at(-1)).toEqual({ name: 'error', value: expect.objectContaining({ code: 'too_many_connections' }) });
    expect(one.closeCode).toBeNull();
  });

  it("pushes a reschedule made in the office to the job's technician and the board, once for a burst of edits", async () => {
    const phone = await channel(alice);
    const board = await channel(dana);
    await until(() => phone.control.length > 0 && board.control.length > 0, 5000, 'channels ready');
    const office = await connectRelay(server.wsBase, 'job-1001', dana);
    open.push(office);
    const t0 = Date.now();
    office.edit((doc) => {
      doc.getMap('meta').set('windowStart', '2030-01-02T09:00:00.000Z');
      doc.getMap('meta').set('windowEnd', '2030-01-02T11:00:00.000Z');
    });
    office.edit((doc) => doc.getMap('meta').set('title', 'Rooftop unit not cooling (moved)'));
    await until(() => notices(phone).length > 0 && notices(board).length > 0, 1000, 'pushes within 1 s');
    expect(Date.now() - t0).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 400));
    expect(notices(phone)).toEqual([expect.objectContaining({ jobId: 'job-1001', change: 'rescheduled' })]);
    expect(notices(board)).toEqual([expect.objectContaining({ jobId: 'job-1001', change: 'rescheduled' })]);
  });
});
