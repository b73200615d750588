/**
 * Pushes that replace the last polling loops (issue 15.2, issue 17.2): reference data
 * changed in the office, handovers parked and decided, review marks made and acknowledged,
 * a request's job moving on. Each reaches exactly the device channels it concerns, within
 * 1 s on loopback, and never a device whose protocol is too old to read it.
 */
import { randomUUID } from 'node:crypto';
import { addNote, requestJobId, type DecodedMessage } from '@outpost/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChannelClient } from '../../../test-support/channel-client';
import { TestDevice } from './support/ops';
import { api, login, startTestServer, until, type TestServer } from './support/server';

type Pushed = Exclude<DecodedMessage['name'], 'channelReady' | 'jobClosed' | 'error' | 'subscribe' | 'unsubscribe'>;

describe('pushes beyond job changes', () => {
  let server: TestServer;
  let tokens: Record<'alice' | 'bob' | 'dana', string>;
  let devices: Record<'alice' | 'bob' | 'dana', ChannelClient>;
  const open: ChannelClient[] = [];

  beforeEach(async () => {
    server = await startTestServer({ limits: { causalWaitMs: 2000 } });
    const [alice, bob, dana] = await Promise.all([login(server, 'alice'), login(server, 'bob'), login(server, 'dana')]);
    tokens = { alice, bob, dana };
    devices = { alice: await channel(alice), bob: await channel(bob), dana: await channel(dana) };
    await until(() => Object.values(devices).every((d) => d.control.some((m) => m.name === 'channelReady')), 5000, 'channels ready');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  async function channel(token: string, v?: number): Promise<ChannelClient> {
    const c = await ChannelClient.connect(server.url, token, v);
    open.push(c);
    return c;
  }
  const pushed = (c: ChannelClient, name: Pushed) => c.control.filter((m) => m.name === name).map((m) => m.value as Record<string, unknown>);
  const post = (token: string, op: { jobId: string } & Record<string, unknown>) => api(server, token, `/api/jobs/${op.jobId}/ops`, { method: 'POST', body: op });

  /** Waits for `who` to hear `name`, and returns how long it took from `t0`. */
  async function heard(who: ChannelClient[], name: Pushed, count: number, t0: number): Promise<number> {
    await until(() => who.every((c) => pushed(c, name).length >= count), 1000, `${name} within 1 s`);
    const ms = Date.now() - t0;
    console.log(`[push latency] ${name} #${count}: ${ms} ms from the request to the last device (loaded machine)`);
    return ms;
  }

  it('pushes a changed customer to the technicians of its jobs and the dispatchers, not to other technicians', async () => {
    const customer = { name: 'Harbor View Dental (new wing)', phone: '555-0199', email: 'front@harborview.example', address: '1 Harbor View' };
    expect((await api(server, tokens.alice, '/api/customers/cust-1', { method: 'PUT', body: customer })).status).toBe(403);
    expect((await api(server, tokens.dana, '/api/customers/cust-1', { method: 'PUT', body: { ...customer, name: '' } })).body.error.code).toBe('validation_failed');
    const t0 = Date.now();
    expect((await api(server, tokens.dana, '/api/customers/cust-1', { method: 'PUT', body: customer })).status).toBe(200);
    expect(await heard([devices.alice, devices.dana], 'referenceChanged', 1, t0)).toBeLessThan(1000);
    expect(pushed(devices.alice, 'referenceChanged')).toEqual([{ kind: 'customer', id: 'cust-1' }]);
    expect(pushed(devices.dana, 'referenceChanged')).toEqual([{ kind: 'customer', id: 'cust-1' }]);
    // cust-1's jobs are all Alice's: Bob hears nothing, and may not read it either.
    await new Promise((r) => setTimeout(r, 200));
    expect(pushed(devices.bob, 'referenceChanged')).toEqual([]);
    expect((await api(server, tokens.bob, '/api/customers/cust-1')).status).toBe(403);
    expect((await api(server, tokens.alice, '/api/customers/cust-1')).body.customer).toMatchObject({ name: customer.name, phone: '555-0199' });
  });

  it("pushes equipment moved from Alice's job to Bob's to both, and Alice may no longer read it", async () => {
    const jobs = await server.store.listJobs();
    const only = (who: string) => new Set(jobs.filter((j) => j.assignees.join() === who).map((j) => j.id));
    const [aliceJobs, bobJobs] = [only('alice'), only('bob')];
    const piece = (await server.store.listEquipment()).find((e) => e.jobIds.length > 0 && e.jobIds.every((id) => aliceJobs.has(id)))!;
    const bobJob = [...bobJobs][0]!;
    expect((await api(server, tokens.alice, `/api/equipment/${piece.id}`)).body.equipment.id).toBe(piece.id);
    const { id, ...body } = { ...piece, jobIds: [bobJob] };
    const t0 = Date.now();
    expect((await api(server, tokens.dana, `/api/equipment/${id}`, { method: 'PUT', body })).status).toBe(200);
    expect(await heard([devices.alice, devices.bob, devices.dana], 'referenceChanged', 1, t0)).toBeLessThan(1000);
    for (const d of Object.values(devices)) expect(pushed(d, 'referenceChanged')).toEqual([{ kind: 'equipment', id }]);
    expect((await api(server, tokens.alice, `/api/equipment/${id}`)).body.error.code).toBe('not_assigned');
    expect((await api(server, tokens.bob, `/api/equipment/${id}`)).body.equipment).toMatchObject({ id, jobIds: [bobJob] });
    expect((await api(server, tokens.dana, `/api/equipment/${id}`, { method: 'PUT', body: { ...body, jobIds: ['job-none'] } })).body.error.code).toBe('validation_failed');
  });

  it('pushes a new pricebook version to everyone, the version the pricebook and the priming manifest then carry', async () => {
    const before = (await api(server, tokens.alice, '/api/pricebook')).body.hash as string;
    const t0 = Date.now();
    const item = { sku: 'CAP-45-5', description: 'Dual run capacitor 45/5 µF', unitPriceCents: 3450, category: 'Electrical' };
    expect((await api(server, tokens.dana, '/api/pricebook/items/pb-new-cap', { method: 'PUT', body: item })).status).toBe(200);
    expect(await heard(Object.values(devices), 'referenceChanged', 1, t0)).toBeLessThan(1000);
    const after = (await api(server, tokens.alice, '/api/pricebook')).body.hash as string;
    expect(after).not.toBe(before);
    for (const d of Object.values(devices)) expect(pushed(d, 'referenceChanged')).toEqual([{ kind: 'pricebook', id: after }]);
    expect((await api(server, tokens.alice, '/api/me/jobs')).body.manifest.pricebook).toBe(after);
  });

  it('pushes a parked handover and its merge to the dispatchers and the technician who handed it over only', async () => {
    const jobId = 'job-1001';
    const stored = await server.store.loadJobDoc(jobId);
    const doc = new Y.Doc();
    for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
    const sv = Y.encodeStateVector(doc);
    addNote(doc, { id: 'n-alice', author: 'alice', createdAt: new Date().toISOString(), text: 'Capacitor swapped' });
    const update = Buffer.from(Y.encodeStateAsUpdate(doc, sv)).toString('base64');
    expect((await post(tokens.dana, new TestDevice('dana-laptop').op(jobId, { kind: 'assign', assignees: ['bob'] }))).status).toBe(200);

    const t0 = Date.now();
    const parked = await api(server, tokens.alice, `/api/jobs/${jobId}/handover`, { method: 'POST', body: { handoverId: randomUUID(), deviceId: 'alice-phone', update } });
    expect(parked.status).toBe(201);
    const handoverId = parked.body.handover.id as string;
    expect(await heard([devices.alice, devices.dana], 'handoverNotice', 1, t0)).toBeLessThan(1000);
    expect(pushed(devices.dana, 'handoverNotice')).toEqual([{ jobId, handoverId, state: 'parked' }]);

    const t1 = Date.now();
    expect((await api(server, tokens.dana, `/api/handovers/${handoverId}/merge`, { method: 'POST', body: {} })).status).toBe(200);
    expect(await heard([devices.alice, devices.dana], 'handoverNotice', 2, t1)).toBeLessThan(1000);
    expect(pushed(devices.alice, 'handoverNotice')).toEqual([
      { jobId, handoverId, state: 'parked' },
      { jobId, handoverId, state: 'merged' },
    ]);
    // Bob is on the job now, but the handover is Alice's and the office's business.
    await new Promise((r) => setTimeout(r, 200));
    expect(pushed(devices.bob, 'handoverNotice')).toEqual([]);
  });

  it('pushes a review mark and its acknowledgement to dispatchers only', async () => {
    const phone = new TestDevice();
    await post(tokens.dana, new TestDevice().op('job-1001', { kind: 'cancel' }));
    const t0 = Date.now();
    const kept = await post(tokens.alice, phone.op('job-1001', { kind: 'transition', to: 'en_route', override: true }));
    expect(kept.body.result).toMatchObject({ review: true });
    expect(await heard([devices.dana], 'reviewNotice', 1, t0)).toBeLessThan(1000);
    const opId = pushed(devices.dana, 'reviewNotice')[0]!.opId;
    expect(pushed(devices.dana, 'reviewNotice')).toEqual([{ jobId: 'job-1001', opId, state: 'marked' }]);
    const t1 = Date.now();
    expect((await api(server, tokens.dana, '/api/jobs/job-1001/review/ack', { method: 'POST', body: {} })).status).toBe(200);
    expect(await heard([devices.dana], 'reviewNotice', 2, t1)).toBeLessThan(1000);
    expect(pushed(devices.dana, 'reviewNotice')[1]).toEqual({ jobId: 'job-1001', opId, state: 'acknowledged' });
    await new Promise((r) => setTimeout(r, 200));
    expect(pushed(devices.alice, 'reviewNotice')).toEqual([]);
    expect(pushed(devices.bob, 'reviewNotice')).toEqual([]);
  });

  it("tells a request's raiser when it is made and each time the office moves it, and no other technician", async () => {
    const request = { title: 'Compressor quote', description: 'Seized.', photoIds: [], equipmentIds: [] };
    const op = new TestDevice().op('job-1001', { kind: 'request', request });
    const t0 = Date.now();
    expect((await post(tokens.alice, op)).status).toBe(200);
    const requestJob = requestJobId(op.opId);
    expect(await heard([devices.alice], 'requestNotice', 1, t0)).toBeLessThan(1000);
    const office = new TestDevice('dana-laptop');
    const t1 = Date.now();
    expect((await post(tokens.dana, office.op(requestJob, { kind: 'assign', assignees: ['bob'] }))).status).toBe(200);
    expect(await heard([devices.alice], 'requestNotice', 2, t1)).toBeLessThan(1000);
    const told = { jobId: 'job-1001', requestJobId: requestJob };
    expect(pushed(devices.alice, 'requestNotice')).toEqual([told, told]);
    // Bob hears of the job as its new technician (a job notice), never as a raiser; the board as a new job.
    await new Promise((r) => setTimeout(r, 200));
    expect(pushed(devices.bob, 'requestNotice')).toEqual([]);
    expect(pushed(devices.dana, 'requestNotice')).toEqual([]);
    expect(pushed(devices.bob, 'jobNotice')).toEqual([expect.objectContaining({ jobId: requestJob, change: 'assigned' })]);
  });

  it('never sends a protocol-2 device a message it cannot read, and keeps its channel open', async () => {
    const old = await channel(tokens.dana, 2);
    await until(() => old.control.some((m) => m.name === 'channelReady'), 5000, 'old channel ready');
    await post(tokens.dana, new TestDevice().op('job-1001', { kind: 'cancel' }));
    await post(tokens.alice, new TestDevice().op('job-1001', { kind: 'transition', to: 'en_route', override: true }));
    await until(() => pushed(devices.dana, 'reviewNotice').length === 1, 15_000, 'the current board hears the mark');
    await until(() => pushed(old, 'jobNotice').length === 2, 15_000, 'the old board still hears job notices');
    await new Promise((r) => setTimeout(r, 200));
    expect(pushed(old, 'reviewNotice')).toEqual([]);
    expect(old.closeCode).toBeNull();
  });
});
