/**
 * A device never holds another person's change that no store has. A change relayed before
 * its commit reached Bob's phone; the server died before committing it; Bob's phone then
 * sent it back to the restarted server in its sync step 2, where it reads as Bob writing
 * Alice's note (`wrong_author`, 4403), and the job stopped syncing on Bob's phone for good
 * (the chaos run's "Bob's phone and tablet lack one client's changes"). Changes now reach
 * other sockets, and a joining socket's answer, only once committed.
 */
import { addNote, readJob } from '@outpost/shared';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { connectRelay, RelayClient } from './support/relay-client';
import { GatedStore } from './support/gated-store';
import { login, startTestServer, until, type TestServer } from './support/server';

const SHARED = 'job-1004';

const note = (id: string, author: string) => ({ id, author, createdAt: '2030-01-01T00:00:00Z', text: `${author}'s ${id}` });
const noteIds = (doc: Parameters<typeof readJob>[0]) => readJob(doc).notes.map((n) => n.id);

describe('relay after commit', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function gatedServer(dataDir?: string): Promise<{ server: TestServer; store: GatedStore }> {
    const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'outpost-relay-commit-')));
    const store = new GatedStore(join(dir, 'outpost.db'));
    const server = await startTestServer({ dataDir: dir, store });
    cleanups.push(() => server.dispose());
    cleanups.push(async () => store.release()); // runs first: a failed test leaves no commit waiting
    return { server, store };
  }

  /** Alice writes a note whose commit is held: it has begun and waits for `store.release()`. */
  async function noteHeldAtCommit(store: GatedStore, alice: RelayClient, id: string): Promise<void> {
    store.hold();
    alice.edit((d) => addNote(d, note(id, 'alice')));
    await until(() => store.held > 0, 5000, 'the commit has begun');
  }

  async function member(server: TestServer, user: string) {
    const client = await connectRelay(server.wsBase, SHARED, await login(server, user));
    cleanups.push(() => client.close());
    return client;
  }

  it("sends another person's change to a socket only once it is committed", async () => {
    const { server, store } = await gatedServer();
    const alice = await member(server, 'alice');
    const bob = await member(server, 'bob');
    await noteHeldAtCommit(store, alice, 'held');
    await new Promise((r) => setTimeout(r, 150));
    expect(noteIds(bob.doc)).not.toContain('held');
    store.release();
    await until(() => noteIds(bob.doc).includes('held'), 5000, 'relayed once committed');
  });

  it('answers a socket that joins while a change is uncommitted only once it is committed', async () => {
    const { server, store } = await gatedServer();
    const alice = await member(server, 'alice');
    await noteHeldAtCommit(store, alice, 'held');
    const bob = await connectRelay(server.wsBase, SHARED, await login(server, 'bob'), { waitSynced: false });
    cleanups.push(() => bob.close());
    bob.sendStep1();
    await new Promise((r) => setTimeout(r, 150));
    expect(noteIds(bob.doc)).not.toContain('held');
    store.release();
    await until(() => bob.synced, 5000, "bob's answer");
    expect(noteIds(bob.doc)).toContain('held');
  });

  it('keeps syncing the job on a device of another person after the server dies before a commit', async () => {
    const { server, store } = await gatedServer();
    const alice = await member(server, 'alice');
    const bob = await member(server, 'bob');
    await noteHeldAtCommit(store, alice, 'lost');
    await new Promise((r) => setTimeout(r, 150));
    // The process dies now: its disk is as it was before the commit (copied while the commit waits).
    const crashed = await mkdtemp(join(tmpdir(), 'outpost-relay-crashed-'));
    // Without the shared-memory index: the new process rebuilds it from the WAL, as after a crash.
    await cp(server.dataDir, crashed, { recursive: true, filter: (src) => !src.endsWith('-shm') });
    const kept = Y.encodeStateAsUpdate(bob.doc);
    store.release();
    const second = await startTestServer({ dataDir: crashed });
    cleanups.push(() => second.dispose());
    // Bob's phone reconnects first with everything its doc holds, and answers the server's step 1 with it.
    const phone = new Y.Doc();
    Y.applyUpdate(phone, kept);
    const again = await RelayClient.connect({ baseUrl: second.wsBase, jobId: SHARED, token: await login(second, 'bob'), doc: phone, autoSend: false });
    cleanups.push(() => again.close());
    await until(() => again.synced || again.closeCode !== null, 5000, "bob's phone synced");
    await new Promise((r) => setTimeout(r, 300));
    expect(again.received.filter((m) => m.name === 'error')).toEqual([]);
    expect(again.closeCode).toBeNull();
  });

  it('refuses a garbage state vector at once, even while the answer would wait for a commit, and the server stays up', async () => {
    const { server, store } = await gatedServer();
    const alice = await member(server, 'alice');
    await noteHeldAtCommit(store, alice, 'held');
    const hostile = await connectRelay(server.wsBase, SHARED, await login(server, 'bob'), { waitSynced: false });
    cleanups.push(() => hostile.close());
    // Sync step 1 whose state vector declares more entries than it holds.
    hostile.sendRaw(Uint8Array.from([0, 0, 3, 5, 1, 2]));
    expect(await hostile.closedWithin()).toBe(4400);
    store.release();
    await alice.durable();
    const bob = await member(server, 'bob');
    expect(noteIds(bob.doc)).toContain('held');
  });
});
