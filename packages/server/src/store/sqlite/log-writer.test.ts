import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { until } from '../../../../../test-support/until';
import { GroupCommitter } from '../../relay/group-commit';
import type { JobUpdate } from '../store';
import { PAUSE_AFTER_RUN_OUT } from './in-turn-wait';
import { LogWriterCrashed } from './log-writer';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store';

const u = (jobId: string, byte: number): JobUpdate => ({ jobId, update: new Uint8Array([byte, byte]) });

/** Rows of the job log as another connection reads them (committed rows only). */
function storedRows(file: string): Array<[string, number]> {
  const reader = new Database(file, { readonly: true });
  try {
    const rows = reader.prepare('SELECT job_id, update_bytes FROM job_updates ORDER BY id').all() as { job_id: string; update_bytes: Buffer }[];
    return rows.map((r) => [r.job_id, r.update_bytes[0]!]);
  } finally {
    reader.close();
  }
}

/** Another connection holding SQLite's write lock until `release()`. */
const JOB = {
  id: 'job-1',
  title: 'Job 1',
  customerId: 'cust-1',
  siteAddress: '1 Main St',
  windowStart: '2030-01-01T09:00:00.000Z',
  windowEnd: '2030-01-01T11:00:00.000Z',
  createdAt: '2030-01-01T00:00:00.000Z',
  status: 'scheduled' as const,
  version: 1,
  assignees: ['alice'],
  changedBy: null,
  changedAt: null,
};

/** Runs an append and reports how long it held the loop before returning (ms). */
function heldFor(append: () => Promise<void>): { held: number; done: Promise<void> } {
  const start = performance.now();
  const done = append();
  return { held: performance.now() - start, done };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function holdWriteLock(file: string): { release(): void } {
  const other = new Database(file);
  other.exec('BEGIN IMMEDIATE');
  return {
    release() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

/** Counts event-loop turns (timers firing) until stopped. */
function loopTurns(): { stop(): number } {
  let turns = 0;
  const timer = setInterval(() => turns++, 5);
  return {
    stop() {
      clearInterval(timer);
      return turns;
    },
  };
}

/** Holds the event loop (checking every millisecond) until `done()` or `ms` pass; says whether it was done. */
function holdLoopUntil(done: () => boolean, ms: number): boolean {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (done()) return true;
    Atomics.wait(nap, 0, 0, 1);
  }
  return done();
}

/**
 * Whether a group commit asked in a turn is answered before an immediate queued behind the
 * committer's own (which runs in the same check phase, after it): answered in that turn.
 */
function landsInTurn(committer: GroupCommitter, update: JobUpdate): Promise<boolean> {
  return new Promise<boolean>((resolve) =>
    setImmediate(() => {
      let landed = false;
      void committer.append(update).then(() => (landed = true));
      setImmediate(() => resolve(landed));
    }),
  );
}

describe('SQLite log writer (appends off the event loop)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const openStore = async (options: SqliteStoreOptions = {}) => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-log-writer-'));
    const file = join(dir, 'outpost.db');
    const store = new SqliteStore(file, options);
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    cleanups.push(() => store.close());
    return { store, file };
  };

  it('resolves an append only once it is committed, and the event loop keeps turning while the commit waits', async () => {
    const { store, file } = await openStore();
    const lock = holdWriteLock(file);
    let done = false;
    const append = store.appendUpdates([u('job-1', 1), u('job-2', 2)]).then(() => (done = true));
    const turns = loopTurns();
    await new Promise((r) => setTimeout(r, 300));
    // The commit cannot land while the lock is held: nothing stored, nothing resolved,
    // and the loop ran its timers meanwhile (a commit on the loop would have stalled it).
    expect(done).toBe(false);
    expect(storedRows(file)).toEqual([]);
    expect(turns.stop()).toBeGreaterThan(10);
    lock.release();
    await append;
    expect(storedRows(file)).toEqual([
      ['job-1', 1],
      ['job-2', 2],
    ]);
  });

  it("an op waits for the log writer without blocking the event loop, instead of sleeping in SQLite's busy wait", async () => {
    const { store, file } = await openStore();
    await store.createJob(JOB);
    // The writer's append waits on the lock (as it waits on a slow fsync); the op comes meanwhile.
    const lock = holdWriteLock(file);
    const order: string[] = [];
    const append = store.appendUpdates([u('job-1', 1)]).then(() => order.push('append'));
    const op = store
      .applyOp(
        {
          opId: '00000000-0000-4000-8000-000000000001',
          jobId: 'job-1',
          deviceId: 'device-a',
          deviceSeq: 1,
          actor: 'alice',
          kind: 'transition',
          to: 'en_route',
          assignees: null,
          override: false,
          occurredAt: '2030-01-01T09:05:00.000Z',
          receivedAt: '2030-01-01T09:05:01.000Z',
        },
        (state) => ({ outcome: 'applied', state: { ...state, status: 'en_route', version: state.version + 1 }, changed: true, review: false }),
      )
      .then((out) => (order.push('op'), out));
    const turns = loopTurns();
    await new Promise((r) => setTimeout(r, 300));
    // Neither ran, and the loop kept turning (an op in SQLite's busy wait would stall it until the lock went).
    expect(turns.stop()).toBeGreaterThan(10);
    expect(order).toEqual([]);
    lock.release();
    expect((await op).kind).toBe('recorded');
    await append;
    expect(order).toEqual(['append', 'op']);
    expect(await store.getJob('job-1')).toMatchObject({ status: 'en_route', version: 2 });
  });

  // The siblings of applyOp: every write on the event loop's connection waits for the writer the same way.
  const officeWrites: [string, (store: SqliteStore) => Promise<unknown>][] = [
    ['createJob', (store) => store.createJob({ ...JOB, id: 'job-2' })],
    ['setJobWindow', (store) => store.setJobWindow('job-1', '2030-01-02T09:00:00.000Z', '2030-01-02T11:00:00.000Z')],
    ['putCustomer', (store) => store.putCustomer({ id: 'cust-9', name: 'Ninth Street Bakery', phone: '555-0109', email: 'bakery@example.com', address: '9 Ninth St' })],
    ['acknowledgeReview', (store) => store.acknowledgeReview('00000000-0000-4000-8000-000000000009', 'job-1', 'dana', '2030-01-01T10:00:00.000Z')],
    ['recordRemoval (a part)', (store) => store.recordRemoval({ jobId: 'job-1', userId: 'alice', removedBy: 'dana', removedAt: '2030-01-01T10:00:00.000Z' })],
  ];
  it.each(officeWrites)('%s waits for the log writer without blocking the event loop', async (_name, write) => {
    const { store, file } = await openStore();
    await store.createJob(JOB);
    const lock = holdWriteLock(file);
    const order: string[] = [];
    const append = store.appendUpdates([u('job-1', 1)]).then(() => order.push('append'));
    const done = write(store).then(() => order.push('write'));
    const turns = loopTurns();
    await new Promise((r) => setTimeout(r, 300));
    expect(turns.stop()).toBeGreaterThan(10);
    expect(order).toEqual([]);
    lock.release();
    await Promise.all([append, done]);
    expect(order).toEqual(['append', 'write']);
  });

  it('rejects what a crashed worker had not answered, and the next append starts a new worker', async () => {
    const { store, file } = await openStore();
    const writer = store.logWriter!;
    const lock = holdWriteLock(file);
    const lost = store.appendUpdates([u('job-1', 1)]);
    const first = await waitForWorker(() => writer.threadId);
    const exited = writer.crash();
    await expect(lost).rejects.toBeInstanceOf(LogWriterCrashed);
    lock.release();
    await exited;
    await store.appendUpdates([u('job-1', 2)]);
    expect(writer.threadId).not.toBe(first);
    // The lost batch may have committed as its worker stopped (a retry would store it twice, harmlessly).
    expect(storedRows(file)).toContainEqual(['job-1', 2]);
  });

  it('queues a compaction behind earlier appends, so it never drops an update it does not hold', async () => {
    const { store } = await openStore();
    const first = store.appendUpdates([u('job-1', 1)]);
    const compaction = store.compactJobDoc('job-1', { update: new Uint8Array([0, 0]), stateVector: new Uint8Array([0]) });
    const later = store.appendUpdates([u('job-1', 3)]);
    await Promise.all([first, compaction, later]);
    const stored = await store.loadJobDoc('job-1');
    // The append made before the compaction is folded (dropped from the log); the later one stays.
    expect(stored.updates.map((b) => b[0])).toEqual([3]);
    expect(Array.from(stored.snapshot!)).toEqual([0, 0]);
  });

  it('commits the compactions and appends asked while a commit waits on the disk in one transaction (one fsync), in order', async () => {
    const { store, file } = await openStore();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    cleanups.push(async () => void posted.mockRestore());
    // Requests to the log writer's worker only: the WAL checkpointer's worker is posted to after a commit too.
    const toWriter = () => posted.mock.contexts.filter((worker) => (worker as Worker).threadId === store.logWriter!.threadId).length;
    // The first append waits on the lock, as it would wait on a slow fsync.
    const lock = holdWriteLock(file);
    const first = store.appendUpdates([u('job-1', 1)]);
    await until('the first append to reach the worker', () => toWriter() === 1);
    const compaction = store.compactJobDoc('job-1', { update: new Uint8Array([0, 0]), stateVector: new Uint8Array([0]) });
    const second = store.appendUpdates([u('job-2', 2)]);
    const third = store.appendUpdates([u('job-1', 3)]);
    lock.release();
    await Promise.all([first, compaction, second, third]);
    // One request for the first append, one for everything asked meanwhile (not one each).
    expect(toWriter()).toBe(2);
    expect(storedRows(file)).toEqual([
      ['job-2', 2],
      ['job-1', 3],
    ]);
    expect(Array.from((await store.loadJobDoc('job-1')).snapshot!)).toEqual([0, 0]);
  });

  it("posts a group commit's batch to the worker in the turn that made it, so it commits while the loop goes on", async () => {
    const { store, file } = await openStore();
    await store.appendUpdates([u('job-0', 0)]); // the worker has started
    const committer = new GroupCommitter(store, { committed: () => undefined, failed: () => undefined });
    const hasJob1 = () => storedRows(file).some(([job]) => job === 'job-1');
    // The batch is made at the end of a turn (the committer's immediate). The immediate queued
    // behind it runs right after, in the same check phase, and holds the loop as the next turn's
    // I/O would: the commit must go on meanwhile, not wait for the loop to come round again.
    const seenWhileHeld = await new Promise<boolean>((resolve) =>
      setImmediate(() => {
        committer.append(u('job-1', 1));
        setImmediate(() => resolve(holdLoopUntil(hasJob1, 2000)));
      }),
    );
    await committer.barrier();
    expect(seenWhileHeld).toBe(true);
  });

  it("answers a group commit in the turn that made its batch, so its acks and relays leave before the loop's next turn", async () => {
    // A generous wait and no limit on the time waited (the worker's start is waited for too):
    // this checks the hand-over, not how quick a loaded test machine's disk is.
    const { store } = await openStore({ waitInTurnMs: 1000, waitShare: 1 });
    await store.appendUpdates([u('job-0', 0)]); // the worker has started
    const committer = new GroupCommitter(store, { committed: () => undefined, failed: () => undefined });
    expect(await landsInTurn(committer, u('job-1', 1))).toBe(true);
  });

  it('waits in a turn once: a loop of awaited appends lets the event loop come round to its timers', async () => {
    const { store } = await openStore({ waitInTurnMs: 1000 });
    await store.appendUpdates([u('job-0', 0)]);
    let appended = 0;
    let appendedWhenTimerRan = -1;
    setTimeout(() => (appendedWhenTimerRan = appended), 0);
    for (let i = 1; i <= 50; i++) {
      await store.appendUpdates([u('job-1', i)]);
      appended++;
    }
    // Each answer taken in the turn would settle at once, and the next append wait again: the
    // timer would run only after all 50.
    expect(appendedWhenTimerRan).toBeGreaterThanOrEqual(0);
    expect(appendedWhenTimerRan).toBeLessThan(50);
  });

  it('holds the loop for a slow commit at most the wait, then not at all for a pause, then again', async () => {
    // No limit on the share of time waited (the next tests): this one is about slow commits.
    const waitMs = 20;
    const { store, file } = await openStore({ waitInTurnMs: waitMs, waitShare: 1 });
    await store.appendUpdates([u('job-0', 0)]);
    await sleep(PAUSE_AFTER_RUN_OUT * waitMs + 50); // the first wait may run out on the worker's start
    let lock = holdWriteLock(file);
    const slow = heldFor(() => store.appendUpdates([u('job-1', 1)]));
    expect(slow.held).toBeGreaterThanOrEqual(waitMs - 1);
    expect(slow.held).toBeLessThan(500);
    setTimeout(() => lock.release(), 50);
    await slow.done;
    // That wait ran out before its answer (the lock): the next is not waited for.
    await new Promise((turned) => setImmediate(turned));
    lock = holdWriteLock(file);
    const after = heldFor(() => store.appendUpdates([u('job-1', 2)]));
    expect(after.held).toBeLessThan(waitMs / 2);
    lock.release();
    await after.done;
    // After the pause the loop waits again, with no quick commit in between.
    await sleep(PAUSE_AFTER_RUN_OUT * waitMs + 50);
    lock = holdWriteLock(file);
    const again = heldFor(() => store.appendUpdates([u('job-1', 3)]));
    lock.release();
    await again.done;
    expect(again.held).toBeGreaterThanOrEqual(waitMs - 1);
    expect(storedRows(file).map(([, b]) => b)).toEqual([0, 1, 2, 3]);
  });

  it('still waits after a slow commit it did not wait for (one that ran beside the loop is no reading of the disk)', async () => {
    // A commit the loop does not wait for shares the core with the loop's turn; on one core it
    // takes several times its work however quick the disk is. Judged by it, the loop stopped
    // waiting and, at the fan-out knee, never started again (in-turn-wait.ts, `hold`).
    let admitting = true;
    const { store, file } = await openStore({ waitInTurnMs: 200, waitShare: 1, mayWaitInTurn: () => !admitting });
    await store.appendUpdates([u('job-0', 0)]); // the worker has started
    const lock = holdWriteLock(file);
    const unwaited = heldFor(() => store.appendUpdates([u('job-1', 1)]));
    expect(unwaited.held).toBeLessThan(100);
    setTimeout(() => lock.release(), 250); // the transaction takes longer than the wait
    await unwaited.done;
    admitting = false;
    await new Promise((turned) => setImmediate(turned));
    const next = holdWriteLock(file);
    const waited = heldFor(() => store.appendUpdates([u('job-1', 2)]));
    next.release();
    await waited.done;
    expect(waited.held).toBeGreaterThanOrEqual(190);
  });

  it("waits at most its share of the loop's time: once long waits spent it, a group commit is answered in a later turn", async () => {
    const afterALongWait = async (waitShare: number) => {
      const waitMs = 30;
      const { store, file } = await openStore({ waitInTurnMs: waitMs, waitShare });
      await store.appendUpdates([u('job-0', 0)]); // the worker has started
      const committer = new GroupCommitter(store, { committed: () => undefined, failed: () => undefined });
      // A commit held up by a lock: the loop waits all 30 ms for it, more than the 20 ms it may save up.
      await new Promise((turned) => setImmediate(turned));
      const lock = holdWriteLock(file);
      const held = store.appendUpdates([u('job-1', 2)]);
      lock.release();
      await held;
      await sleep(PAUSE_AFTER_RUN_OUT * waitMs + 50); // past the pause after a wait that ran out
      return landsInTurn(committer, u('job-1', 4));
    };
    expect(await afterALongWait(1)).toBe(true); // no limit: waited for
    expect(await afterALongWait(0.001)).toBe(false); // its share spent: answered in a later turn
  });

  it('does not wait in turn while the server says the loop has other work (sockets being let in), and waits again after', async () => {
    let admitting = true;
    const { store } = await openStore({ waitInTurnMs: 1000, waitShare: 1, mayWaitInTurn: () => !admitting });
    await store.appendUpdates([u('job-0', 0)]); // the worker has started
    const committer = new GroupCommitter(store, { committed: () => undefined, failed: () => undefined });
    expect(await landsInTurn(committer, u('job-1', 1))).toBe(false); // answered in a later turn
    await committer.barrier();
    admitting = false;
    expect(await landsInTurn(committer, u('job-1', 2))).toBe(true);
  });

  it('posts a batch to the worker with each job id once and the rest in moved buffers, so its clone on the event loop does not grow with the batch', async () => {
    const { store, file } = await openStore();
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    cleanups.push(async () => void posted.mockRestore());
    const batch = Array.from({ length: 300 }, (_, i) => u(i % 2 ? 'job-2' : 'job-1', i % 250));
    await store.appendUpdates(batch);
    const [message, transfer] = posted.mock.calls[0]! as [{ parts: { jobs: string[] }[] }, ArrayBuffer[]];
    expect(JSON.stringify(message.parts[0]!.jobs)).toBe('["job-1","job-2"]');
    expect(transfer.length).toBeGreaterThanOrEqual(3);
    expect(storedRows(file)).toEqual(batch.map((b) => [b.jobId, b.update[0]]));
  });

  it('a failing part of a transaction fails alone', async () => {
    const { store, file } = await openStore();
    const lock = holdWriteLock(file);
    const first = store.appendUpdates([u('job-1', 1)]);
    // A job id SQLite cannot bind: the snapshot fails in the worker, inside the shared transaction.
    const broken = store.logWriter!.snapshot({ not: 'an id' } as unknown as string, new Uint8Array([0, 0]), new Uint8Array([0]));
    const later = store.appendUpdates([u('job-1', 3)]);
    lock.release();
    await first;
    await expect(broken).rejects.toBeInstanceOf(Error);
    await later;
    expect(storedRows(file)).toEqual([
      ['job-1', 1],
      ['job-1', 3],
    ]);
  });

  it('a worker crash in a group commit is retried like any failed commit, and reported when it keeps failing', async () => {
    const { store, file } = await openStore();
    const writer = store.logWriter!;
    const committed: JobUpdate[][] = [];
    const failed: JobUpdate[][] = [];
    const events = { committed: (b: readonly JobUpdate[]) => committed.push([...b]), failed: (b: readonly JobUpdate[]) => failed.push([...b]) };

    // One crash, then the retry (on a new worker) commits.
    let lock = holdWriteLock(file);
    const retried = new GroupCommitter(store, events, 1, 3);
    retried.append(u('job-1', 1));
    const firstWorker = await waitForWorker(() => writer.threadId);
    void writer.crash();
    await until('a retry on a new worker', () => writer.threadId !== null && writer.threadId !== firstWorker);
    lock.release();
    await retried.barrier();
    expect(committed).toEqual([[u('job-1', 1)]]);
    expect(failed).toEqual([]);
    expect(storedRows(file)).toContainEqual(['job-1', 1]);

    // Crashes on every attempt: the batch fails (its sockets are refused, its rooms reload).
    await writer.crash(); // the idle worker goes, so the next one is the commit's own
    lock = holdWriteLock(file);
    const broken = new GroupCommitter(store, events, 1, 2);
    broken.append(u('job-1', 2));
    const barrier = broken.barrier();
    const worker = await waitForWorker(() => writer.threadId);
    void writer.crash();
    await until('a retry on a new worker', () => writer.threadId !== null && writer.threadId !== worker);
    void writer.crash();
    await expect(barrier).rejects.toBeInstanceOf(LogWriterCrashed);
    expect(failed).toEqual([[u('job-1', 2)]]);
    expect(committed).toHaveLength(1);
    lock.release();
  });
});

async function waitForWorker(threadId: () => number | null): Promise<number> {
  await until('the log writer to start', () => threadId() !== null);
  return threadId()!;
}
