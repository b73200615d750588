/**
 * Hostile workflow ops (issue 13 items 6–8): ops on jobs the sender cannot see, ops posted
 * under someone else's device id, overrides that try to widen a role, an opId resubmitted
 * with a different target, and the routes that could leak a job the caller may not see.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addPhoto } from '@outpost/shared';
import { validOp } from './support/bad-requests';
import { call, DEMO, JOBS, startOutpost, type Outpost } from './support/outpost';
import { RelayClient } from '../../test-support/relay-client';

let outpost: Outpost;
beforeAll(async () => {
  outpost = await startOutpost();
});
afterAll(async () => {
  await outpost?.stop();
});

const token = (who: keyof typeof DEMO) => outpost.token(DEMO[who])!;

function post(who: keyof typeof DEMO, jobId: string, over: Record<string, unknown> = {}) {
  const op = validOp({ jobId, ...over });
  return call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token(who), json: op }).then((res) => ({ ...res, op }));
}

/** A fresh job for `assignees`, made by the dispatcher, so tests do not share workflow state. */
async function freshJob(assignees: string[]): Promise<string> {
  const now = Date.now();
  const res = await call(`${outpost.url}/api/jobs`, {
    method: 'POST',
    token: token('dana'),
    json: {
      title: 'Hostile op job',
      customerId: 'cust-3',
      siteAddress: '9 Maple Ct',
      windowStart: new Date(now).toISOString(),
      windowEnd: new Date(now + 3_600_000).toISOString(),
      assignees,
    },
  });
  expect(res.status, res.text).toBe(201);
  return (res.body as { job: { id: string } }).job.id;
}

/** Everything a job answer could reveal, so a refusal can be checked for it. */
function revealsJob(text: string, jobState: { status: string; version: number; assignees: string[] }): string[] {
  const leaks: string[] = [];
  for (const word of ['"server"', '"status"', '"version"', '"assignees"', '"changedBy"', '"changedAt"', `"${jobState.status}"`]) if (text.includes(word)) leaks.push(word);
  return leaks;
}

describe('ops on a job the sender cannot see (item 6)', () => {
  it("answers a bare 403 not_assigned, writes nothing to the job's op log and leaves the device's sequence alone", async () => {
    const before = await outpost.server.store.listOps(JOBS.aliceOnly);
    const job = (await outpost.server.store.getJob(JOBS.aliceOnly))!;
    const deviceId = `bob-phone-${randomBytes(4).toString('hex')}`;
    for (let i = 0; i < 20; i++) {
      const res = await post('bob', JOBS.aliceOnly, i % 2 ? { deviceId, deviceSeq: 1, to: 'en_route' } : { deviceId, deviceSeq: 1, kind: 'cancel', to: undefined });
      expect(res.status, res.text).toBe(403);
      expect((res.body as { error: { code: string } }).error.code).toBe('not_assigned');
      expect((res.body as { error: { details?: unknown } }).error.details).toBeUndefined();
      expect(revealsJob(res.text, job), res.text).toEqual([]);
    }
    expect(await outpost.server.store.listOps(JOBS.aliceOnly)).toEqual(before);
    // Nothing was consumed: bob's next real op from that device is still his first.
    const mine = await post('bob', JOBS.bobOnly, { deviceId, deviceSeq: 1, to: 'en_route' });
    expect(mine.status, mine.text).toBe(200);
  });

  it('refuses an op whose opId another user already used without telling what that op did', async () => {
    const jobId = await freshJob(['alice']);
    const first = await post('alice', jobId, { to: 'en_route' });
    expect(first.status, first.text).toBe(200);
    const replay = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token('bob'), json: first.op });
    expect(replay.status).toBe(403);
    expect((replay.body as { error: { code: string } }).error.code).toBe('not_assigned');
    expect(revealsJob(replay.text, { status: 'en_route', version: 2, assignees: ['alice'] })).toEqual([]);
  });

  it('keeps every route that answers about a job quiet about one the technician may not see', async () => {
    // A photo in bob's job, so the blob route has something to refuse.
    const bytes = randomBytes(48);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect((await call(`${outpost.url}/api/blobs/${sha}`, { method: 'PUT', token: token('dana'), body: bytes, headers: { 'content-type': 'image/jpeg' } })).status).toBe(201);
    const c = await RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.bobOnly, token: token('dana') });
    await c.whenSynced;
    await c.durable(c.edit((doc) => addPhoto(doc, { id: sha, kind: 'before', caption: '', mime: 'image/jpeg', bytes: 48, takenAt: new Date().toISOString(), by: 'dana' })));
    await c.close();
    const job = (await outpost.server.store.getJob(JOBS.bobOnly))!;
    const paths = [`/api/jobs/${JOBS.bobOnly}`, `/api/jobs/${JOBS.bobOnly}/ops`, `/api/equipment?job=${JOBS.bobOnly}`, `/api/blobs/${sha}`, `/api/customers/${job.customerId}`];
    for (const path of paths) {
      const res = await call(outpost.url + path, { token: token('alice') });
      // cust-2 is bob's customer only; alice has none of its jobs. A blob she may not read
      // answers exactly like a missing one (404), so its existence is not revealed either.
      expect(res.status, `${path} ${res.text}`).toBe(path.startsWith('/api/blobs/') ? 404 : 403);
      expect((res.body as { error: { details?: unknown } }).error.details, path).toBeUndefined();
      expect(revealsJob(res.text, job), `${path} ${res.text}`).toEqual([]);
    }
  });
});

describe('device sequences belong to their user (item 7)', () => {
  it("does not let bob break alice's queue by posting under her device id read from a shared job's log", async () => {
    const jobId = await freshJob(['alice', 'bob']);
    const aliceDevice = `alice-tablet-${randomBytes(4).toString('hex')}`;
    const one = await post('alice', jobId, { deviceId: aliceDevice, deviceSeq: 1, to: 'en_route' });
    expect(one.status, one.text).toBe(200);
    const log = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { token: token('bob') });
    const stolen = (log.body as { ops: { deviceId: string }[] }).ops[0]!.deviceId;
    expect(stolen).toBe(aliceDevice);
    // Bob posts under alice's device id, with the numbers her device would use next.
    for (const deviceSeq of [2, 3]) await post('bob', jobId, { deviceId: stolen, deviceSeq, to: 'on_site' });
    await post('bob', jobId, { deviceId: stolen, deviceSeq: 1, to: 'on_site' });
    // Alice's device carries on with its own numbering, untouched.
    const two = await post('alice', jobId, { deviceId: aliceDevice, deviceSeq: 2, to: 'on_site' });
    expect(two.status, two.text).toBe(200);
    const three = await post('alice', jobId, { deviceId: aliceDevice, deviceSeq: 3, to: 'in_progress' });
    expect(three.status, three.text).toBe(200);
  });
});

describe('smaller op rules (item 8)', () => {
  it("refuses a technician's reopen with override on a cancelled job: an override does not widen a role", async () => {
    const jobId = await freshJob(['alice']);
    expect((await post('dana', jobId, { kind: 'cancel', to: undefined })).status).toBe(200);
    const reopen = await post('alice', jobId, { kind: 'reopen', to: undefined, override: true });
    expect(reopen.status, reopen.text).toBe(403);
    expect((reopen.body as { error: { code: string } }).error.code).toBe('forbidden');
    // The same move spelled as a transition to scheduled is the dispatcher's reopen too.
    const sneaky = await post('alice', jobId, { kind: 'transition', to: 'scheduled', override: true });
    expect(sneaky.status, sneaky.text).toBe(403);
    expect((await outpost.server.store.getJob(jobId))?.status).toBe('cancelled');
    // Keep mine on work finished offline is still an override for review.
    const done = await freshJob(['alice']);
    expect((await post('dana', done, { kind: 'cancel', to: undefined })).status).toBe(200);
    const keepMine = await post('alice', done, { kind: 'transition', to: 'on_site', override: true });
    expect(keepMine.status, keepMine.text).toBe(200);
    expect((keepMine.body as { result: { review: boolean } }).result.review).toBe(true);
  });

  it('takes an op without baseVersion, and decides an op made on an old version by the current state alone', async () => {
    const jobId = await freshJob(['alice']);
    const bare = validOp({ jobId, to: 'en_route' });
    delete bare.baseVersion;
    const res = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token('alice'), json: bare });
    expect(res.status, res.text).toBe(200);
    const stale = await post('alice', jobId, { to: 'on_site', baseVersion: 0 });
    expect(stale.status, stale.text).toBe(200);
    expect((stale.body as { result: { version: number } }).result.version).toBe(3);
  });

  it('answers 409 op_mismatch when an opId comes back with a different target, override or assignees', async () => {
    const jobId = await freshJob(['alice']);
    const first = await post('alice', jobId, { to: 'en_route' });
    expect(first.status).toBe(200);
    for (const change of [{ to: 'on_site' }, { override: true }]) {
      const res = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token('alice'), json: { ...first.op, ...change } });
      expect(res.status, `${JSON.stringify(change)} ${res.text}`).toBe(409);
      expect((res.body as { error: { code: string } }).error.code).toBe('op_mismatch');
    }
    const assign = await post('dana', jobId, { kind: 'assign', assignees: ['alice'], to: undefined });
    expect(assign.status).toBe(200);
    const other = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token('dana'), json: { ...assign.op, assignees: ['bob'] } });
    expect(other.status, other.text).toBe(409);
    expect((other.body as { error: { code: string } }).error.code).toBe('op_mismatch');
    // The very same op again is still a duplicate with the first answer.
    const same = await call(`${outpost.url}/api/jobs/${jobId}/ops`, { method: 'POST', token: token('alice'), json: first.op });
    expect((same.body as { result: { duplicate: boolean } }).result.duplicate).toBe(true);
  });
});
