/**
 * The job-log writer of the SQLite store: a worker thread with its own connection to the
 * database file, which appends group-commit batches and stores compaction snapshots in the
 * order they were asked, one transaction at a time: what is asked while one commits goes
 * as the next, so a compaction rides on a batch's fsync instead of costing its own.
 *
 * better-sqlite3 is synchronous: on the main thread every commit held the event loop for
 * its fsync (`synchronous = FULL`) and, now and then, a WAL checkpoint, so under load every
 * socket waited behind the disk. Here a request resolves only once its transaction has
 * committed (the durable ack waits on it). The loop waits for a group commit's transaction
 * in the turn that sent it, but briefly (`waitInTurnMs`, `answerInTurn`): a commit that
 * lands in time is answered in that turn, with its acks and relays; a slower one, and every
 * one sent in a pause after it (in-turn-wait.ts), is answered in a later turn while the loop
 * goes on, as a slow disk needs.
 *
 * When asked (`restartWal`), the worker also checkpoints the WAL between two transactions,
 * so that the WAL starts over (log-writer-worker.ts says why there).
 *
 * If the worker dies (a crash, an exit), every request it had not answered rejects with
 * `LogWriterCrashed` (its transaction may or may not have committed: appends are Yjs
 * updates, so a retry that stores one twice is harmless); the next request starts a new
 * worker. The group committer retries, then fails the batch like any failed commit.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { JobUpdate } from '../store';
import { WORKER_SOURCE } from './log-writer-worker';
import { InTurnWait, WAIT_IN_TURN_MS, WAIT_SHARE } from './in-turn-wait';

/** A request the worker had not answered when it died. */
export class LogWriterCrashed extends Error {
  constructor(detail: string) {
    super(`The SQLite log writer stopped before answering: ${detail}`);
    this.name = 'LogWriterCrashed';
  }
}

type Part = ({ kind: 'append' } & PackedBatch) | { kind: 'snapshot'; jobId: string; snapshot: Uint8Array; stateVector: Uint8Array };

interface Outcome {
  ok: boolean;
  message?: string;
  code?: string;
}

/** What the worker posts after a checkpoint. */
interface CheckpointReply {
  checkpoint: Outcome & { seconds?: number; walFrames?: number };
}

interface Reply {
  id: number;
  /** One per part of the request, in order; absent when the whole transaction failed (`ok`, `message`). */
  parts?: Outcome[];
  ok: boolean;
  message?: string;
  code?: string;
}

/** How the worker opens its connection. */
export interface LogWriterOptions {
  /** The database file (already created and migrated by the store). */
  file: string;
  /** SQLite's `synchronous` pragma, as the store's own connection runs it. */
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
  /** Called after each transaction commits (the store checkpoints the WAL soon after). */
  committed?: () => void;
  /** Told of each checkpoint the worker ran: how long it took and how many frames the WAL held. */
  checkpointed?: (seconds: number, walFrames: number) => void;
  /**
   * How long the event loop waits for an append's transaction in the turn that sent it
   * (ms; default `WAIT_IN_TURN_MS`; 0: never, the answer comes in a later turn). Not for a
   * pause after a wait that ran out (`PAUSE_AFTER_RUN_OUT` waits): on a slow disk the loop
   * waits one time in 51.
   */
  waitInTurnMs?: number;
  /**
   * The most of its time the loop spends in those waits (0–1; default `WAIT_SHARE`; 1: no
   * limit). See in-turn-wait.ts.
   */
  waitShare?: number;
  /**
   * Whether the loop may wait in turn now (default: always). False while it has work no
   * commit waits for: holding it for the fsync would idle that work (sockets being let in
   * during a reconnect storm), where in steady relaying the next batch could not commit
   * before this one anyway. The server passes its relay's `admitting` (app.ts).
   */
  mayWaitInTurn?: () => boolean;
}

interface Pending {
  resolve(): void;
  reject(err: unknown): void;
}

/** A part waiting for its transaction. */
interface Queued extends Pending {
  part: Part;
  transfer: ArrayBuffer[];
}

/**
 * Appends and snapshots of the job log, committed off the event loop. One transaction is
 * in flight at a time; what is asked meanwhile queues and goes as the next one, in order.
 */
export class LogWriter {
  private worker: Worker | null = null;
  /** The port the running worker answers on (read at once by `answerInTurn`). */
  private answers: MessagePort | null = null;
  /** Answers posted by the worker so far, counted in shared memory as it posts them. */
  private readonly answered = new Int32Array(new SharedArrayBuffer(4));
  /** The loop's wait for a commit in the turn that sent it (`answerInTurn`). */
  private readonly inTurn: InTurnWait;
  /**
   * The transaction in flight (its request id and parts), or the close; null when none is.
   * One field, not a map by id: there is never more than one, and a map emptied and filled
   * again per commit reallocates its table each time (garbage the young collections copy).
   */
  private inFlight: { id: number; parts: Pending[] } | null = null;
  private queue: Queued[] = [];
  /** Set while the next transaction's send is scheduled (`sendSoon`). */
  private sendScheduled = false;
  private nextId = 1;
  private closed = false;
  /** Waiters for the moment no request is in flight or queued (`idle`). */
  private idleWaiters: (() => void)[] = [];
  /** A checkpoint goes with the next transaction (`restartWal`). */
  private restartWanted = false;
  private static driver: string | undefined;

  constructor(private readonly options: LogWriterOptions) {
    this.inTurn = new InTurnWait(options.waitInTurnMs ?? WAIT_IN_TURN_MS, options.waitShare ?? WAIT_SHARE, options.mayWaitInTurn);
  }

  /**
   * Commits `batch` in one transaction; resolves once committed. A batch is a group commit's,
   * made at the end of a turn or as the previous commit landed: with no transaction in flight
   * it goes to the worker at once, with whatever queued before it, so the disk works while
   * the loop goes on. (Sent at the end of the turn instead, a batch made in the committer's
   * own immediate waited for the loop's next turn: every read of every socket in it.)
   */
  append(batch: readonly JobUpdate[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    const packed = pack(batch);
    const done = this.request({ kind: 'append', ...packed }, [packed.bytes.buffer, packed.jobOf.buffer, packed.lengths.buffer] as ArrayBuffer[]);
    this.answerInTurn(this.send()); // nothing is sent while a transaction is in flight
    return done;
  }

  /**
   * Takes the answer to transaction `id` in this turn if it comes within the in-turn wait
   * (in-turn-wait.ts): its durable acks and the changes it holds leave in this turn instead
   * of after the loop's next one.
   */
  private answerInTurn(id: number | undefined): void {
    const answers = this.answers;
    if (id === undefined || !answers) return;
    this.inTurn.hold(
      this.answered,
      () => {
        for (let m = receiveMessageOnPort(answers); m; m = receiveMessageOnPort(answers)) this.receive(m.message as Reply | CheckpointReply);
      },
      () => this.inFlight?.id !== id,
    );
  }

  /** Replaces the job's snapshot with `snapshot` and drops its log up to now, in one transaction. */
  snapshot(jobId: string, snapshot: Uint8Array, stateVector: Uint8Array): Promise<void> {
    const own = (u: Uint8Array) => (u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : u.slice());
    return this.request({ kind: 'snapshot', jobId, snapshot: own(snapshot), stateVector: own(stateVector) });
  }

  /**
   * Has the worker checkpoint the WAL after the transaction in flight (or the next one), or at
   * once when it is idle: with nothing appended meanwhile the checkpoint completes, and the
   * next commit writes the WAL from its start.
   */
  restartWal(): void {
    if (this.closed) return;
    if (this.busy) {
      this.restartWanted = true;
      return;
    }
    (this.worker ?? this.start()).postMessage({ id: this.nextId++, parts: [], checkpoint: true });
  }

  /**
   * True while a request is in flight or queued: the worker may hold the database's write
   * lock, so a write on another connection would block in SQLite's busy wait (sleeps of up
   * to 100 ms).
   */
  get busy(): boolean {
    return this.inFlight !== null || this.queue.length > 0;
  }

  /** Resolves once no request is in flight or queued (at once if none is). */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The running worker's thread id (null when none runs): tests use it to stop the worker. */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /**
   * Stops the worker as a crash would (tests): every request it had not answered, and every
   * one queued behind them, rejects at once, as on its exit. A worker inside SQLite's busy
   * wait stops only when that returns, so its transaction may still commit: the returned
   * promise resolves once it has exited.
   */
  crash(): Promise<number> {
    const worker = this.worker;
    if (!worker) return Promise.resolve(0);
    this.died(worker, 'stopped');
    return worker.terminate();
  }

  /** Waits for every request made so far, then closes the worker's connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.idle();
    const worker = this.worker;
    if (!worker) return;
    const id = this.nextId++;
    await new Promise<void>((resolve, reject) => {
      this.inFlight = { id, parts: [{ resolve, reject }] };
      worker.postMessage({ kind: 'close', id });
    }).catch(() => undefined); // a worker that died has nothing left to close
    await worker.terminate();
  }

  private request(part: Part, transfer: ArrayBuffer[] = []): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The SQLite store is closed.'));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ part, transfer, resolve, reject });
      if (!this.inFlight) this.sendSoon();
    });
  }

  /**
   * Sends what queued as one transaction at the end of this turn (a snapshot, or what queued
   * behind a transaction that just landed), unless an append sends it sooner.
   */
  private sendSoon(): void {
    if (this.sendScheduled) return;
    this.sendScheduled = true;
    setImmediate(() => {
      this.sendScheduled = false;
      this.send();
    });
  }

  /** Sends what queued as one transaction, unless one is in flight (its answer sends the rest); returns its id. */
  private send(): number | undefined {
    if (this.inFlight || this.queue.length === 0) return undefined;
    const parts = this.queue;
    this.queue = [];
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    worker.ref();
    const checkpoint = this.restartWanted;
    this.restartWanted = false;
    this.inFlight = { id, parts };
    worker.postMessage(
      { id, parts: parts.map((q) => q.part), checkpoint },
      parts.flatMap((q) => q.transfer),
    );
    return id;
  }

  private start(): Worker {
    LogWriter.driver ??= createRequire(import.meta.url).resolve('better-sqlite3');
    const { port1: answers, port2 } = new MessageChannel();
    const { file, synchronous, busyTimeoutMs } = this.options;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: LogWriter.driver, file, synchronous, busyTimeoutMs, answers: port2, answered: this.answered.buffer },
      transferList: [port2],
      // No loader hooks or flags of the parent (tsx, --cpu-prof…) are needed for plain CommonJS.
      execArgv: [],
    });
    // A writer waiting for work must not keep the process alive (it is ref'd while a request is pending).
    worker.unref();
    answers.on('message', (reply: Reply | CheckpointReply) => this.receive(reply));
    answers.unref();
    worker.on('error', (err) => this.died(worker, err.message));
    worker.on('exit', (code) => this.died(worker, `exit code ${code}`));
    this.worker = worker;
    this.answers = answers;
    return worker;
  }

  private receive(reply: Reply | CheckpointReply): void {
    if ('checkpoint' in reply) this.checkpointDone(reply.checkpoint);
    else this.answer(reply);
  }

  /** The worker is gone: what it had not answered is lost to us, and what queued behind it too (the next request starts another). */
  private died(worker: Worker, detail: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.answers?.close();
    this.answers = null;
    const lost = [...(this.inFlight?.parts ?? []), ...this.queue];
    this.inFlight = null;
    this.queue = [];
    for (const p of lost) p.reject(new LogWriterCrashed(detail));
    this.wakeIdle();
  }

  private checkpointDone(outcome: CheckpointReply['checkpoint']): void {
    // A failed checkpoint leaves the WAL longer; the next one tries again.
    if (!outcome.ok) return console.error(`[outpost] WAL checkpoint failed: ${outcome.message}`);
    this.options.checkpointed?.(outcome.seconds ?? 0, outcome.walFrames ?? 0);
  }

  private answer(reply: Reply): void {
    if (this.inFlight?.id !== reply.id) return;
    const { parts } = this.inFlight;
    this.inFlight = null;
    if (reply.ok) this.options.committed?.();
    if (this.queue.length > 0) this.sendSoon();
    else {
      this.worker?.unref();
      // Before the parts settle: a write waiting on the event loop's connection goes first,
      // before a group commit's next batch, made as its promise settles, takes the lock again.
      this.wakeIdle();
    }
    parts.forEach((p, i) => {
      const outcome = reply.parts?.[i] ?? reply;
      if (outcome.ok) return p.resolve();
      const err = new Error(outcome.message) as Error & { code?: string };
      if (outcome.code) err.code = outcome.code;
      p.reject(err);
    });
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }
}

/** A batch as it is posted to the worker (see `pack`). */
interface PackedBatch {
  /** The batch's jobs, each once. */
  jobs: string[];
  /** Per update, the index of its job in `jobs`. */
  jobOf: Uint32Array;
  /** The updates end to end. */
  bytes: Uint8Array;
  /** Per update, its length in `bytes`. */
  lengths: Uint32Array;
}

/**
 * The batch in a form the worker gets at a small fixed cost: the updates end to end in one
 * new buffer and the numbers in typed arrays, all moved without a copy, and each job id
 * once. Posting the updates as they are would clone each one's whole underlying buffer (a
 * received update is a view into its socket's read buffer, often kilobytes for a few
 * bytes of update); a job id per update made the event loop's clone grow with the batch
 * (about 80 µs for 500 updates against 9 µs).
 */
function pack(batch: readonly JobUpdate[]): PackedBatch {
  const jobs: string[] = [];
  const indexOf = new Map<string, number>();
  const jobOf = new Uint32Array(batch.length);
  const lengths = new Uint32Array(batch.length);
  let total = 0;
  batch.forEach((u, i) => {
    let index = indexOf.get(u.jobId);
    if (index === undefined) {
      index = jobs.push(u.jobId) - 1;
      indexOf.set(u.jobId, index);
    }
    jobOf[i] = index;
    lengths[i] = u.update.byteLength;
    total += u.update.byteLength;
  });
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const u of batch) {
    bytes.set(u.update, at);
    at += u.update.byteLength;
  }
  return { jobs, jobOf, bytes, lengths };
}
