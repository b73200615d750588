import { addNote, noteText } from '@outpost/shared';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from '../src/index';
import { spawnServer, type ServerProcess } from './support/child';
import { connectRelay } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

/** Appends a note typed one keystroke per update to `jobId`, never compacted: what a killed process leaves. */
async function leaveLog(dataDir: string, jobId: string, text: string): Promise<void> {
  const store = new SqliteStore(join(dataDir, 'outpost.db'));
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  addNote(doc, { id: 'n-left', author: 'alice', createdAt: '2030-01-01T00:00:00.000Z' });
  for (const [i, ch] of [...text].entries()) noteText(doc, 'n-left')!.insert(i, ch);
  await store.appendUpdates(updates.map((update) => ({ jobId, update })));
  await store.close();
}

describe('start-up after an unclean stop', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.dispose();
    server = null;
  });

  it('folds the leftover logs in the background when given no time before listening, and serves meanwhile', async () => {
    const first = await startTestServer();
    await first.close();
    await leaveLog(first.dataDir, 'job-1001', 'compressor replaced');
    await leaveLog(first.dataDir, 'job-1002', 'no access to the roof');

    server = await startTestServer({ dataDir: first.dataDir, leftoverFoldMs: 0 });
    await until(async () => (await server!.store.listJobsWithLog()).length === 0, 5_000, 'the leftover logs folded');
    expect(server.relay.loadedCount).toBe(0);
    const reader = await connectRelay(server.wsBase, 'job-1002', await login(server, 'dana'));
    try {
      expect(noteText(reader.doc, 'n-left')?.toString()).toBe('no access to the roof');
    } finally {
      await reader.close();
    }
  });

  describe('from the CLI', () => {
    let child: ServerProcess | null = null;
    afterEach(async () => {
      if (child && child.child.exitCode === null && child.child.signalCode === null) child.child.kill('SIGTERM');
      await child?.exited;
      child = null;
    });

    it('says nothing of leftover logs after a fresh demo seed: the seed leaves none', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'outpost-fold-'));
      child = await spawnServer(dataDir);
      expect(child.output()).not.toMatch(/\[outpost\] (folded|compacted) the logs/);
      await rm(dataDir, { recursive: true, force: true });
    });

    it('takes the fold budget from --leftover-fold-ms: 0 leaves every leftover log to the background', async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'outpost-fold-'));
      const first = await spawnServer(dataDir);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      await leaveLog(dataDir, 'job-1001', 'compressor replaced');
      await leaveLog(dataDir, 'job-1002', 'no access to the roof');
      child = await spawnServer(dataDir, undefined, ['--leftover-fold-ms', '0']);
      expect(child.output()).toMatch(/compacted the logs of 0 job\(s\) found uncompacted at start-up .*; 2 more in the background/);
      // A stop signal right after listening still closes gracefully (the CLI's handlers came after an await before).
      child.child.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      await rm(dataDir, { recursive: true, force: true });
    });
  });
});
