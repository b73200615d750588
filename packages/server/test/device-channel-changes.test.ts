import { addNote, noteText, readJob, setMeta } from '@outpost/shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from '../src/index';
import { JobRoom } from '../src/relay/job-room';
import { ChannelClient } from '../../../test-support/channel-client';
import { GatedStore } from './support/gated-store';
import { login, startTestServer, until, type TestServer } from './support/server';

/** A SQLite store whose reads of one job wait until the test opens the gate (a slow load or access check). */
class SlowJobStore extends SqliteStore {
  private opened!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));
  constructor(
    file: string,
    private readonly slowJob: string,
  ) {
    super(file);
  }
  release(): void {
    this.opened();
  }
  override async getJob(jobId: string): ReturnType<SqliteStore['getJob']> {
    if (jobId === this.slowJob) await this.gate;
    return super.getJob(jobId);
  }
}

/** A device's offline note on a job, as the one Yjs update its outbox would carry. */
function offlineNote(id: string, author = 'alice'): { doc: Y.Doc; change: Uint8Array } {
  const doc = new Y.Doc();
  addNote(doc, { id, author, createdAt: '2030-01-01T00:00:00Z', text: `offline ${id}` });
  return { doc, change: Y.encodeStateAsUpdate(doc) };
}

async function storedNotes(server: TestServer, jobId: string): Promise<string[]> {
  const stored = await server.store.loadJobDoc(jobId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return readJob(doc).notes.map((n) => n.id);
}

describe('device channel: a reconnect carries its unacked changes in the subscribe frame', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  /** A test server (on `store` when given) and Alice's phone on its device channel, both closed after the test. */
  async function alicesPhone(options: Parameters<typeof startTestServer>[0] = {}): Promise<{ server: TestServer; phone: ChannelClient }> {
    const server = await startTestServer(options);
    cleanups.push(() => server.dispose());
    const phone = await ChannelClient.connect(server.url, await login(server, 'alice'));
    cleanups.push(() => phone.close());
    return { server, phone };
  }

  it('acks the carried changes as message 1 only after their commit, with no step 2 from the device', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-gated-'));
    const store = new GatedStore(join(dataDir, 'outpost.db'));
    const { server, phone } = await alicesPhone({ dataDir, store });
    phone.answersStep1 = false;
    store.hold();
    const jobs = ['job-1001', 'job-1003', 'job-1006'];
    const offline = jobs.map((id) => offlineNote(`n-${id}`));
    phone.subscribeWithChanges(
      jobs,
      offline.map((o) => o.change),
    );
    await phone.synced(jobs);
    await until(() => store.held > 0, 5000, 'the carried changes are being committed');
    await new Promise((r) => setTimeout(r, 100));
    for (const id of jobs) expect(phone.ackedUpTo(id)).toBe(0);
    store.release();
    await until(() => jobs.every((id) => phone.ackedUpTo(id) === 1), 5000, 'durable acks of message 1');
    for (const id of jobs) expect(await storedNotes(server, id)).toContain(`n-${id}`);
    // The server's step 1 came after the changes were applied: it already covers them.
    jobs.forEach((id, i) => {
      const { doc } = offline[i]!;
      expect(phone.jobs.get(id)!.serverState!.get(doc.clientID)).toBe(Y.getState(doc.store, doc.clientID));
    });
  });

  it('answers every job of a subscribe before applying any carried change, commits them all at once, and sends its own step 1 only after their acks', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-gated-'));
    const store = new GatedStore(join(dataDir, 'outpost.db'));
    const { phone } = await alicesPhone({ dataDir, store });
    phone.answersStep1 = false;
    const appends = vi.spyOn(store, 'appendUpdates');
    const answers = vi.spyOn(JobRoom.prototype, 'missingFor');
    const applied = vi.spyOn(JobRoom.prototype, 'apply');
    cleanups.push(async () => {
      answers.mockRestore();
      applied.mockRestore();
    });
    store.hold();
    const jobs = ['job-1001', 'job-1003', 'job-1006'];
    phone.subscribeWithChanges(
      jobs,
      jobs.map((id) => offlineNote(`n-${id}`).change),
    );
    await phone.synced(jobs);
    await until(() => store.held > 0, 5000, 'the carried changes are being committed');
    // The answers went out first: the device applies them while the server applies its changes.
    expect(answers).toHaveBeenCalledTimes(jobs.length);
    expect(applied).toHaveBeenCalledTimes(jobs.length);
    expect(Math.max(...answers.mock.invocationCallOrder)).toBeLessThan(Math.min(...applied.mock.invocationCallOrder));
    // One commit for the frame's carried changes.
    const carried = appends.mock.calls.flatMap(([batch]) => batch.filter((u) => Buffer.from(u.update).includes(`offline n-${u.jobId}`)).map((u) => u.jobId));
    expect(appends).toHaveBeenCalledTimes(1);
    expect(carried.sort()).toEqual(jobs);
    // Nothing waits on the server's step 1: it comes after the commit and its acks, not beside them.
    await new Promise((r) => setTimeout(r, 100));
    for (const id of jobs) expect(phone.jobs.get(id)!.serverState).toBeFalsy();
    store.release();
    await until(() => jobs.every((id) => phone.ackedUpTo(id) === 1), 5000, 'durable acks of message 1');
    await until(() => jobs.every((id) => phone.jobs.get(id)!.serverState), 5000, "the server's step 1");
  });

  it('answers and acks each job of a subscribe once it is in, without waiting for a slow one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-slow-'));
    const store = new SlowJobStore(join(dataDir, 'outpost.db'), 'job-1006');
    const { server, phone } = await alicesPhone({ dataDir, store });
    cleanups.push(async () => store.release());
    const jobs = ['job-1001', 'job-1003', 'job-1006'];
    phone.subscribeWithChanges(
      jobs,
      jobs.map((id) => offlineNote(`n-${id}`).change),
    );
    // job-1006's access check is stuck on storage: the other two are answered and acked meanwhile.
    await phone.synced(['job-1001', 'job-1003']);
    await until(() => phone.ackedUpTo('job-1001') >= 1 && phone.ackedUpTo('job-1003') >= 1, 5000, 'the quick jobs acked');
    expect(phone.jobs.get('job-1006')!.serverState).toBeFalsy();
    store.release();
    await phone.synced(['job-1006']);
    await until(() => phone.ackedUpTo('job-1006') >= 1, 5000, 'the slow job acked');
    expect(await storedNotes(server, 'job-1006')).toContain('n-job-1006');
  });

  it("acks the device's step 2 that repeats what the server holds (its delete set again) without applying it", async () => {
    const { server, phone } = await alicesPhone();
    const { doc, change: typed } = offlineNote('typo');
    // A typo fixed offline: the change carries a deletion, which every step 2 of the device repeats.
    const before = Y.encodeStateVector(doc);
    noteText(doc, 'typo')!.delete(0, 3);
    const change = Y.mergeUpdates([typed, Y.encodeStateAsUpdate(doc, before)]);
    const applied = vi.spyOn(JobRoom.prototype, 'apply');
    cleanups.push(async () => applied.mockRestore());
    phone.subscribeWithChanges(['job-1001'], [change]);
    await phone.synced(['job-1001']);
    // Message 1 (the carried change) and message 2 (the step 2 answering the server's step 1).
    await until(() => phone.ackedUpTo('job-1001') === 2, 5000, 'both messages acked');
    expect(phone.messages('job-1001', 'error')).toEqual([]);
    expect(applied).toHaveBeenCalledTimes(1);
    expect(await storedNotes(server, 'job-1001')).toContain('typo');
  });

  it("refuses one job's carried change the technician may not write, and syncs and acks the others of the frame", async () => {
    const { server, phone } = await alicesPhone();
    const office = new Y.Doc();
    setMeta(office, { title: 'renamed on the phone' });
    phone.subscribeWithChanges(['job-1001', 'job-1003'], [Y.encodeStateAsUpdate(office), offlineNote('fine').change]);
    await until(() => phone.closedJob('job-1001') !== null, 5000, 'job-1001 refused');
    expect(phone.closedJob('job-1001')).toBe(4403);
    // (A step 2 the device sent meanwhile, answering the server's step 1, may be refused after it: the job was left.)
    expect(phone.messages('job-1001', 'error')[0]).toMatchObject({ code: 'office_field' });
    await phone.synced(['job-1003']);
    await until(() => phone.ackedUpTo('job-1003') >= 1, 5000, 'job-1003 acked');
    expect(await storedNotes(server, 'job-1003')).toContain('fine');
    expect(phone.closeCode).toBeNull();
  });

  it('takes an empty change as none: the step 2 answering the server is message 1', async () => {
    const { phone } = await alicesPhone();
    phone.subscribeWithChanges(['job-1001'], [new Uint8Array(0)]);
    await phone.synced(['job-1001']);
    await until(() => phone.ackedUpTo('job-1001') === 1, 5000, 'step 2 acked');
    phone.edit('job-1001', (doc) => addNote(doc, { id: 'later', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'x' }));
    await until(() => phone.ackedUpTo('job-1001') === 2, 5000, 'the edit is message 2');
  });
});
