import { addNote, readJob } from '@outpost/shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore, type JobUpdate } from '../src/index';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

const note = (id: string) => (d: Y.Doc) => addNote(d, { id, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: id });

describe('job docs in memory and in storage', () => {
  let server: TestServer | undefined;
  const clients: RelayClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.dispose();
    server = undefined;
  });

  it('compacts a job’s update log into a snapshot after the configured number of updates', async () => {
    server = await startTestServer({ limits: { compactAfterUpdates: 5 } });
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    clients.push(client);
    for (let i = 1; i <= 6; i++) {
      client.edit(note(`n${i}`));
      await until(() => client.ackedUpTo === i + 1);
    }
    await until(async () => (await server!.store.countJobUpdates('job-1001')) < 5, 5000, 'compaction');
    const stored = await server.store.loadJobDoc('job-1001');
    expect(stored.snapshot).not.toBeNull();
    const reader = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    clients.push(reader);
    expect(readJob(reader.doc).notes).toHaveLength(6);
  });

  it('compacts jobs that reach the threshold together one at a time, so their snapshots never hold the acks behind them in one long commit', async () => {
    server = await startTestServer({ limits: { compactAfterUpdates: 3 } });
    const store = server.store;
    const compact = store.compactJobDoc.bind(store);
    let inFlight = 0;
    let most = 0;
    const compacted: string[] = [];
    store.compactJobDoc = async (jobId, docState) => {
      most = Math.max(most, ++inFlight);
      try {
        await new Promise((r) => setTimeout(r, 20));
        await compact(jobId, docState);
        compacted.push(jobId);
      } finally {
        inFlight--;
      }
    };
    const token = await login(server, 'alice');
    const jobs = ['job-1001', 'job-1003', 'job-1004'];
    const devices = await Promise.all(jobs.map((job) => connectRelay(server!.wsBase, job, token)));
    clients.push(...devices);
    // Three updates on each job in the same turn: one commit takes all three jobs past the threshold.
    for (const device of devices) for (let i = 1; i <= 3; i++) device.edit(note(`t${i}`));
    await until(() => compacted.length === jobs.length, 5000, 'every job compacted');
    expect(most).toBe(1);
    for (const job of jobs) expect(await store.countJobUpdates(job)).toBe(0);
  });

  it('compacts a job’s log once nobody has changed it for a while, with its devices still connected', async () => {
    server = await startTestServer({ limits: { compactWhenQuietMs: 200 } });
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    clients.push(client);
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'the seeded log compacted after loading');
    for (let i = 1; i <= 20; i++) client.edit(note(`q${i}`));
    await until(() => client.ackedUpTo === 21, 5000, 'every note acked');
    // Far fewer than compactAfterUpdates (500): only the quiet that follows folds them.
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'compaction once quiet');
    expect(server.relay.loadedCount).toBe(1);
    const stored = await server.store.loadJobDoc('job-1001');
    const doc = new Y.Doc();
    Y.applyUpdate(doc, stored.snapshot!);
    expect(readJob(doc).notes.map((n) => n.id)).toEqual(readJob(client.doc).notes.map((n) => n.id));
  });

  it('does not count a freeze of the whole process as quiet: a job written just before it compacts a quiet period after the resume', async () => {
    server = await startTestServer({ limits: { compactWhenQuietMs: 400, compactWhenQuietAfterUpdates: 5 } });
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    clients.push(client);
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'the seeded log compacted after loading');
    for (let i = 1; i <= 6; i++) client.edit(note(`f${i}`));
    await until(() => client.ackedUpTo === 7, 5000, 'every note acked');
    // The process stops past the quiet delay (as under SIGSTOP or a paused VM): no device could
    // write meanwhile, and the job's quiet timer comes due. At the resume devices write again;
    // compacting every such job then (600 in the fan-out bench) lands on their writes.
    const frozenUntil = performance.now() + 1500;
    while (performance.now() < frozenUntil);
    const resumed = performance.now();
    await new Promise((r) => setTimeout(r, 200));
    expect(await server.store.countJobUpdates('job-1001')).toBe(6);
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'compaction once quiet after the resume');
    expect(performance.now() - resumed).toBeGreaterThanOrEqual(400);
  });

  it('leaves a short log on a quiet job for later instead of storing the whole doc after every few edits', async () => {
    server = await startTestServer({ limits: { compactWhenQuietMs: 100, compactWhenQuietAfterUpdates: 5, idleUnloadMs: 100 } });
    const token = await login(server, 'alice');
    const client = await connectRelay(server.wsBase, 'job-1001', token);
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'the seeded log compacted after loading');
    for (let i = 1; i <= 4; i++) client.edit(note(`slow${i}`));
    await until(() => client.ackedUpTo === 5, 5000, 'every note acked');
    // Well past the quiet delay: four updates are not worth a snapshot.
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.store.countJobUpdates('job-1001')).toBe(4);
    client.edit(note('slow5'));
    await until(async () => (await server!.store.countJobUpdates('job-1001')) === 0, 5000, 'the fifth update makes the quiet job worth compacting');
    client.edit(note('slow6'));
    await until(() => client.ackedUpTo === 7, 5000, 'the sixth acked');
    // The unload folds whatever short log is left.
    await client.close();
    await until(() => server!.relay.loadedCount === 0, 5000, 'unload');
    expect(await server.store.countJobUpdates('job-1001')).toBe(0);
    const again = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(again);
    expect(readJob(again.doc).notes.map((n) => n.id)).toEqual(['slow1', 'slow2', 'slow3', 'slow4', 'slow5', 'slow6']);
  });

  it('unloads a job nobody is connected to after the idle delay, compacting it, and reloads it intact', async () => {
    server = await startTestServer({ limits: { idleUnloadMs: 50 } });
    const token = await login(server, 'alice');
    const client = await connectRelay(server.wsBase, 'job-1001', token);
    client.edit(note('kept'));
    await until(() => client.ackedUpTo === 2);
    expect(server.relay.loadedCount).toBe(1);
    await client.close();
    await until(() => server!.relay.loadedCount === 0, 5000, 'unload');
    expect(await server.store.countJobUpdates('job-1001')).toBe(0);
    const again = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(again);
    expect(readJob(again.doc).notes.map((n) => n.id)).toEqual(['kept']);
  });

  it('flushes updates still waiting for group commit when the server closes', async () => {
    server = await startTestServer({ limits: { groupCommitMs: 60_000 } });
    const dataDir = server.dataDir;
    const token = await login(server, 'alice');
    const writer = await connectRelay(server.wsBase, 'job-1001', token);
    const watcher = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(writer, watcher);
    writer.edit(note('pending'));
    const room = await server.relay.acquire('job-1001');
    await until(() => readJob(room.doc).notes.length === 1, 5000, 'the note reached the server');
    server.relay.release(room);
    await new Promise((r) => setTimeout(r, 50));
    expect(writer.ackedUpTo).toBe(1); // its sync step 2, which carried nothing; the note is not committed yet
    expect(readJob(watcher.doc).notes).toEqual([]); // relayed only once committed
    await server.close();
    expect(await writer.closedWithin()).toBe(1001);
    expect(writer.ackedUpTo).toBe(2);
    server = await startTestServer({ dataDir });
    const reader = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(reader);
    expect(readJob(reader.doc).notes.map((n) => n.id)).toEqual(['pending']);
  });

  it('answers the first device on a cold job from the stored bytes, and builds the doc right after', async () => {
    server = await startTestServer();
    const room = await server.relay.acquire('job-1001');
    try {
      // The device's sync step 1 arrives a moment after the upgrade: the doc is not built in between.
      await new Promise((r) => setImmediate(r));
      expect(room.dormant).toBe(true);
      const answer = room.missingFor(new Uint8Array([0])); // sync step 2 for a device opening the job the first time
      expect(room.dormant).toBe(true);
      const doc = new Y.Doc();
      for (const part of answer) Y.applyUpdate(doc, part);
      expect(readJob(doc).checklist.length).toBeGreaterThan(0);
      await until(() => !room.dormant, 5000, 'built right after the answer');
    } finally {
      server.relay.release(room);
    }
    const unasked = await server.relay.acquire('job-1002');
    server.relay.release(unasked);
    expect(unasked.dormant).toBe(true);
    await until(() => !unasked.dormant, 5000, 'a loaded job built without being asked');
  });

  it('does not count a freeze of the whole process as idle time: a loaded doc stays built after it, and hibernates once really idle', async () => {
    server = await startTestServer({ limits: { hibernateAfterMs: 200 } });
    const room = await server.relay.acquire('job-1001');
    try {
      await until(() => !room.dormant, 5000, 'the doc built after loading');
      room.stateVector(); // a use, as a device's sync would be
      // The process freezes (a paused VM or container): no timer runs, nobody can write.
      const frozenUntil = performance.now() + 800;
      while (performance.now() < frozenUntil);
      await new Promise((r) => setTimeout(r, 150)); // the late sweep and the next ones
      expect(room.dormant).toBe(false);
      await until(() => room.dormant, 5000, 'hibernated once idle for 200 ms after the freeze');
    } finally {
      server.relay.release(room);
    }
  });

  it('brings the doc’s server map up to the op log when a job loads (the process died between the two commits)', async () => {
    server = await startTestServer();
    // An op committed to the log whose mirror write never reached the doc.
    await server.store.applyOp(
      {
        opId: '00000000-0000-4000-8000-000000000001',
        jobId: 'job-1001',
        deviceId: 'd',
        deviceSeq: 1,
        actor: 'dana',
        kind: 'cancel',
        to: null,
        assignees: null,
        override: false,
        occurredAt: '2030-01-01T00:00:00.000Z',
        receivedAt: '2030-01-01T00:00:01.000Z',
      },
      (state) => ({
        outcome: 'applied',
        changed: true,
        review: false,
        state: { ...state, status: 'cancelled', version: 2, changedBy: 'dana', changedAt: '2030-01-01T00:00:01.000Z' },
      }),
    );
    const client = await connectRelay(server.wsBase, 'job-1001', await login(server, 'alice'));
    clients.push(client);
    await until(() => readJob(client.doc).server?.status === 'cancelled', 5000, 'mirror');
    expect(readJob(client.doc).server).toEqual({ status: 'cancelled', version: 2, assignees: ['alice'], changedBy: 'dana', changedAt: '2030-01-01T00:00:01.000Z' });
  });

  it('never acks an update whose commit failed, and drops the socket so the device resends', async () => {
    class FailingStore extends SqliteStore {
      failing = false;
      override async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
        if (this.failing) throw new Error('disk full');
        return super.appendUpdates(batch);
      }
    }
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-fail-'));
    const store = new FailingStore(join(dataDir, 'outpost.db'));
    server = await startTestServer({ dataDir, store });
    const token = await login(server, 'alice');
    const client = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(client);
    await until(() => client.ackedUpTo === 1);
    store.failing = true;
    client.edit(note('lost?'));
    expect(await client.closedWithin()).toBe(1013);
    expect(client.ackedUpTo).toBe(1);
    store.failing = false;
    // The device reconnects; its sync step 2 carries the note again and it is stored this time.
    const retry = await connectRelay(server.wsBase, 'job-1001', token, { waitSynced: false });
    clients.push(retry);
    retry.edit(note('lost?'));
    await until(() => retry.ackedUpTo >= 1);
    const reader = await connectRelay(server.wsBase, 'job-1001', token);
    clients.push(reader);
    expect(readJob(reader.doc).notes.map((n) => n.id)).toEqual(['lost?']);
  });
});
