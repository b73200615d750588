import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChannelClient } from '../../../test-support/channel-client';
import { SqliteStore } from '../src/index';
import { connectRelay } from './support/relay-client';
import { login, startTestServer, type TestServer } from './support/server';

/**
 * A cold open on a networked store waits for every read on its path: the access check reads
 * the job as the room's load read it (after the room subscribed to the bus), so opening a job
 * reads it from storage once, not three times (check, load, check again).
 */
describe('cold job open: reads of the job record', () => {
  let server: TestServer;
  let dir: string;
  let jobReads = 0;
  const open: { close(): Promise<void> }[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outpost-open-reads-'));
    const store = new SqliteStore(join(dir, 'outpost.db'));
    const getJob = store.getJob.bind(store);
    store.getJob = (id) => {
      jobReads++;
      return getJob(id);
    };
    server = await startTestServer({ dataDir: dir, store });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await server.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the job once when a technician opens it on /sync/:jobId', async () => {
    const alice = await login(server, 'alice');
    expect(server.relay.isLoaded('job-1001')).toBe(false);
    jobReads = 0;
    open.push(await connectRelay(server.wsBase, 'job-1001', alice));
    expect(jobReads).toBe(1);
  });

  it('reads the job once when a technician subscribes to it on the device channel', async () => {
    const alice = await login(server, 'alice');
    const phone = await ChannelClient.connect(server.url, alice);
    open.push(phone);
    jobReads = 0;
    phone.subscribe(['job-1001']);
    await phone.synced(['job-1001']);
    expect(jobReads).toBe(1);
  });

  it('still refuses a technician the job is not assigned to', async () => {
    const alice = await login(server, 'alice');
    const socket = await connectRelay(server.wsBase, 'job-1002', alice, { waitSynced: false });
    open.push(socket);
    expect(await socket.closedWithin()).toBe(4403);
  });
});
