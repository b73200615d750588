/**
 * One technician cannot take the server or a job down with volume: megabyte notes stop at
 * the job's size limit with "This job is full", megabyte presence never reaches anyone, and
 * one account cannot hold thousands of sockets. The real server process, default limits.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNote } from '@outpost/shared';
import { DEMO, JOBS } from './support/outpost';
import { ServerProcess } from './support/server-process';
import { RelayClient } from '../../test-support/relay-client';
import { tokenFor } from './support/tokens';

const MiB = 1024 * 1024;
const secret = 'quotas-secret';
let dataDir: string;
let server: ServerProcess;
const token = (who: keyof typeof DEMO) => tokenFor('valid', DEMO[who], secret)!;
const connect = (jobId: string, who: keyof typeof DEMO) => RelayClient.connect({ baseUrl: server.url, jobId, token: token(who) });

function storedBytes(): number {
  return readdirSync(dataDir).reduce((n, f) => n + statSync(join(dataDir, f)).size, 0);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-quotas-'));
  server = await ServerProcess.start({ dataDir, secret });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('quotas', () => {
  it('stops 100 notes of 1 MB at the job limit with "This job is full", and other jobs keep syncing', async () => {
    const writer = await connect(JOBS.aliceOnly, 'alice');
    await writer.whenSynced;
    const before = storedBytes();
    let acked = 0;
    for (let i = 0; i < 100 && writer.open; i++) {
      const n = writer.edit((d) => addNote(d, { id: `mb-${i}`, author: 'alice', createdAt: new Date().toISOString(), text: 'x'.repeat(1_000_000) }));
      const outcome = await Promise.race([writer.durable(n, 15_000).then(() => 'acked'), writer.closed.then(() => 'closed')]);
      if (outcome === 'acked') acked++;
    }
    const closed = await writer.closed;
    expect(closed.code).toBe(4413);
    expect(closed.reason).toMatch(/^This job is full/);
    expect(writer.errors.at(-1)?.code).toBe('job_full');
    expect(acked).toBeGreaterThanOrEqual(15);
    expect(acked).toBeLessThanOrEqual(21);
    // The database file and its WAL: until a checkpoint the WAL can hold the fold's snapshot
    // pages beside the log rows they replace (about twice the 20 MB limit, never the 100 MB sent).
    expect((storedBytes() - before) / MiB).toBeLessThan(44);

    const other = await connect(JOBS.shared, 'alice');
    await other.whenSynced;
    await other.durable(
      other.edit((d) => addNote(d, { id: 'small', author: 'alice', createdAt: new Date().toISOString(), text: 'still fine' })),
      5_000,
    );
    await other.close();
  });

  it('never relays a 900 KB presence to the people watching the job', async () => {
    const watcher = await connect(JOBS.shared, 'bob');
    await watcher.whenSynced;
    const talker = await connect(JOBS.shared, 'alice');
    await talker.whenSynced;
    talker.setPresence({ note: 'x'.repeat(900_000) });
    expect((await talker.closed).code).toBe(4413);
    await new Promise((r) => setTimeout(r, 200));
    expect(watcher.awareness.getStates().has(talker.doc.clientID)).toBe(false);
    expect(watcher.open).toBe(true);
    await watcher.close();
  });

  it('refuses one account more than 200 open sockets with 4429, and lets another account in', async () => {
    const sockets: RelayClient[] = [];
    for (let i = 0; i < 220; i += 20) {
      sockets.push(
        ...(await Promise.all(Array.from({ length: 20 }, () => RelayClient.connect({ baseUrl: server.url, jobId: JOBS.bobOnly, token: token('dana'), openTimeoutMs: 15_000 })))),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    const refused = sockets.filter((s) => s.closeInfo?.code === 4429);
    expect(sockets.filter((s) => s.open).length).toBe(200);
    expect(refused.length).toBe(20);
    expect(refused[0]!.errors.at(-1)?.code).toBe('too_many_connections');
    const bob = await connect(JOBS.shared, 'bob');
    await bob.whenSynced;
    expect(bob.open).toBe(true);
    await Promise.all([...sockets, bob].map((s) => s.close()));
  });
});
