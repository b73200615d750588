import { addNote, readJob } from '@outpost/shared';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { SqliteStore } from '../src/index';
import type { JobUpdate, StoredJobDoc } from '../src/index';
import { connectRelay } from './support/relay-client';
import { login, startTestServer, until, type TestServer } from './support/server';

const JOB = 'job-1001';

/** A SQLite store whose commits fail while `failing`, and whose job loads wait at `loadGate`. */
class FlakyStore extends SqliteStore {
  failing = false;
  failures = 0;
  appendGate: Promise<void> = Promise.resolve();
  loadGate: Promise<void> = Promise.resolve();
  loadsWaiting = 0;
  /** Commits waiting at the append gate. */
  appendsWaiting = 0;
  override async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    this.appendsWaiting++;
    await this.appendGate;
    this.appendsWaiting--;
    if (this.failing) {
      this.failures++;
      throw new Error('disk full (test)');
    }
    return super.appendUpdates(batch);
  }
  override async loadJobDoc(jobId: string): Promise<StoredJobDoc> {
    this.loadsWaiting++;
    await this.loadGate;
    this.loadsWaiting--;
    return super.loadJobDoc(jobId);
  }
}

function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

async function flakyServer(): Promise<{ server: TestServer; store: FlakyStore }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'outpost-flaky-'));
  const store = new FlakyStore(join(dataDir, 'outpost.db'));
  return { server: await startTestServer({ dataDir, store }), store };
}

async function storedNotes(server: TestServer): Promise<string[]> {
  const stored = await server.store.loadJobDoc(JOB);
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const u of stored.updates) Y.applyUpdate(doc, u);
  return readJob(doc).notes.map((n) => n.text);
}

function note(doc: Y.Doc, text: string): void {
  addNote(doc, { id: text, author: 'alice', createdAt: '2030-01-01T00:00:00Z', text });
}

describe('a failed commit', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('never hands out the job it is dropping: a caller asking at that moment gets a copy that stores what it is given', async () => {
    const { server, store } = await flakyServer();
    cleanups.push(() => server.dispose());
    const device = await connectRelay(server.wsBase, JOB, await login(server, 'alice'));
    cleanups.push(() => device.close());
    await until(() => device.ackedUpTo === 1);

    // A socket (or an op) asks for the job in the very tick the failure is reported.
    let handedOut: ReturnType<typeof server.relay.acquire> | undefined;
    const report = server.relay.onCommitFailed.bind(server.relay);
    server.relay.onCommitFailed = (updates: readonly JobUpdate[], err?: unknown) => {
      handedOut ??= server.relay.acquire(JOB);
      report(updates, err);
    };
    store.failing = true;
    device.edit((d) => note(d, 'never stored'));
    await until(() => handedOut !== undefined, 5000, 'the failure');
    const job = await handedOut!;
    store.failing = false;
    note(job.doc, 'written after the failure');
    await until(async () => (await storedNotes(server)).includes('written after the failure'), 5000, 'the write to be stored');
    server.relay.release(job);
    expect(await device.closedWithin()).toBe(1013);
    expect(device.ackedUpTo, 'no ack for the update that was never stored').toBe(1);
  });

  it('acks nothing that was not stored while devices connect and write during it; they resend and nothing is lost', async () => {
    const { server, store } = await flakyServer();
    cleanups.push(() => server.dispose());
    const token = await login(server, 'alice');
    const first = await connectRelay(server.wsBase, JOB, token);
    cleanups.push(() => first.close());
    await until(() => first.ackedUpTo === 1);

    // Two commits fail: one held at the gate, and the one that gathered behind it.
    const appends = gate();
    store.appendGate = appends.promise;
    store.failing = true;
    // Event-driven (fixed 30 ms sleeps let a loaded machine put both notes in one commit).
    first.edit((d) => note(d, 'a1'));
    await until(() => store.appendsWaiting > 0, 15_000, 'the first commit held at the gate');
    const received = server.metrics.updatesReceived;
    first.edit((d) => note(d, 'a2'));
    await until(() => server.metrics.updatesReceived === received + 1, 15_000, 'the second note gathered behind it');
    appends.open();
    expect(await first.closedWithin()).toBe(1013);
    expect(first.ackedUpTo).toBe(1);

    // A second device connects while the job reloads and the second commit still fails.
    const loads = gate();
    store.loadGate = loads.promise;
    const second = await connectRelay(server.wsBase, JOB, token, { waitSynced: false });
    cleanups.push(() => second.close());
    await until(() => store.loadsWaiting > 0 || second.closeCode !== null, 5000, 'the reload');
    await until(() => store.failures >= 6, 5000, 'the second failed commit');
    store.failing = false;
    loads.open();

    // Whatever the second device is told is durable must be stored.
    second.sendStep1();
    second.edit((d) => note(d, 'b'));
    await until(() => second.ackedUpTo >= 1 || second.closeCode !== null, 5000, 'an ack or a refusal');
    const acked = second.ackedUpTo;
    await new Promise((r) => setTimeout(r, 100));
    if (second.ackedUpTo > acked) expect(await storedNotes(server)).toContain('b');

    // Both devices come back and send what they hold; nothing is lost.
    const again = [first, second].map(async (old) => {
      const fresh = await connectRelay(server.wsBase, JOB, token);
      cleanups.push(() => fresh.close());
      fresh.sendUpdate(Y.encodeStateAsUpdate(old.doc));
      return fresh;
    });
    for (const fresh of await Promise.all(again)) await until(() => fresh.ackedUpTo >= 2, 5000, 'the resend to be acked');
    expect((await storedNotes(server)).sort()).toEqual(['a1', 'a2', 'b']);
  });
});
