import { addNote, readJob } from '@outpost/shared';
import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { RelayLimits } from '../src/index';
import { connectRelay, type RelayClient } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

function awarenessFrame(awareness: awarenessProtocol.Awareness, client: number): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [client]));
  return encoding.toUint8Array(e);
}

const note = (id: string, text: string) => (d: Y.Doc) => addNote(d, { id, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text });

async function storedNoteIds(server: TestServer, jobId: string): Promise<string[]> {
  const stored = await server.store.loadJobDoc(jobId);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return readJob(doc).notes.map((n) => n.id);
}

describe('relay quotas', () => {
  let server: TestServer;
  let alice: string;
  const clients: RelayClient[] = [];
  const connect = async (jobId: string, token: string, opts?: { waitSynced?: boolean }) => {
    const c = await connectRelay(server.wsBase, jobId, token, opts);
    clients.push(c);
    return c;
  };
  const setup = async (limits: Partial<RelayLimits>) => {
    server = await startTestServer({ limits });
    alice = await login(server, 'alice');
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.dispose();
  });

  it('refuses a note that would make the job bigger than its limit with "This job is full", and still takes deletions and other jobs', async () => {
    await setup({ maxJobBytes: 64 * 1024 });
    const device = await connect('job-1001', alice);
    await until(() => device.ackedUpTo === 1);
    const sent: string[] = [];
    for (let i = 0; i < 20 && device.closeCode === null; i++) {
      device.edit(note(`big-${i}`, 'x'.repeat(10_000)));
      sent.push(`big-${i}`);
      await until(() => device.ackedUpTo === i + 2 || device.closeCode !== null, 5000, `note ${i}`);
    }
    expect(device.closeCode).toBe(4413);
    expect(device.errors.at(-1)?.code).toBe('job_full');
    expect(device.closeReason).toMatch(/^This job is full/);
    const acked = sent.slice(0, device.ackedUpTo - 1);
    expect(acked.length).toBeGreaterThan(3);
    expect(await storedNoteIds(server, 'job-1001')).toEqual(acked);

    // A deletion makes the job smaller: it is taken.
    const again = await connect('job-1001', alice);
    again.edit((d) => d.getArray('notes').delete(0, 1));
    await until(() => again.ackedUpTo === 2 || again.closeCode !== null, 5000, 'the deletion');
    expect(again.closeCode).toBeNull();
    expect(await storedNoteIds(server, 'job-1001')).toEqual(acked.slice(1));

    // Other jobs are not affected.
    const other = await connect('job-1003', alice);
    other.edit(note('elsewhere', 'fine'));
    await until(() => other.ackedUpTo === 2, 5000, 'a note on another job');
  });

  it('refuses a presence larger than the cap before relaying it to anyone', async () => {
    await setup({ maxPresenceBytes: 16 * 1024 });
    const bob = await login(server, 'bob');
    const watcher = await connect('job-1004', bob);
    const talker = await connect('job-1004', alice);
    talker.awareness.setLocalState({ status: 'x'.repeat(900_000) });
    talker.sendRaw(awarenessFrame(talker.awareness, talker.doc.clientID));
    expect(await talker.closedWithin()).toBe(4413);
    expect(talker.errors.at(-1)?.code).toBe('too_large');
    await new Promise((r) => setTimeout(r, 100));
    expect(watcher.awareness.getStates().has(talker.doc.clientID)).toBe(false);
    expect(watcher.closeCode).toBeNull();
  });

  it('refuses one user more sockets than the cap, and lets one in again once another closes', async () => {
    await setup({ maxSocketsPerUser: 5 });
    const open = await Promise.all(['job-1001', 'job-1003', 'job-1004', 'job-1001', 'job-1003'].map((j) => connect(j, alice)));
    expect(open.every((c) => c.closeCode === null)).toBe(true);
    const sixth = await connect('job-1004', alice, { waitSynced: false });
    expect(await sixth.closedWithin()).toBe(4429);
    expect(sixth.errors.at(-1)?.code).toBe('too_many_connections');
    // Someone else is not affected.
    const bob = await connect('job-1004', await login(server, 'bob'));
    expect(bob.closeCode).toBeNull();
    await open[0]!.close();
    const later = await connect('job-1004', alice);
    expect(later.closeCode).toBeNull();
  });
});
