/**
 * WAL checkpoints of the SQLite store, on their own connection and worker thread.
 *
 * SQLite checkpoints inside the commit that takes the WAL past 1,000 pages: that commit
 * also copies the WAL into the database file and fsyncs both, so every durable ack waiting
 * on it (and on the commits queued behind it) waited tens of milliseconds more, and a
 * write on the event loop's connection held the loop for as long. The store's connections
 * run `wal_autocheckpoint = 0`; this worker runs a PASSIVE checkpoint (it never waits for
 * a lock: the log writer keeps appending to the WAL meanwhile) at most once per `everyMs`
 * while writes come in. The WAL starts over at the first commit after a complete one; under
 * steady writes the log writer appends during every checkpoint, so none is complete, and
 * once the WAL is long (`WAL_RESTART_FRAMES`) this asks for a checkpoint between two commits
 * of the log writer (`restart`).
 * Durability is unchanged: a checkpoint syncs the WAL before copying it and the database
 * file after (as the store's `synchronous` says), whichever connection runs it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('synchronous = ' + workerData.synchronous);
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.postMessage('closed');
    parentPort.close();
    return;
  }
  const start = performance.now();
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ seconds: (performance.now() - start) / 1000, walFrames: result.log });
  } catch (err) {
    parentPort.postMessage(String((err && err.message) || err));
  }
});
`;

/** How the checkpointer opens its connection. */
export interface WalCheckpointerOptions {
  /** The database file (WAL mode, created and migrated by the store). */
  file: string;
  /** SQLite's `synchronous` pragma, as the store's other connections run it. */
  synchronous: 'FULL' | 'NORMAL';
  /** Least time between two checkpoints; default 1,000 ms. */
  everyMs?: number;
  /** Told of each checkpoint: how long it took and how many frames the WAL held. */
  checkpointed?: (seconds: number, walFrames: number) => void;
  /** WAL frames at which a checkpoint asks for `restart`; default `WAL_RESTART_FRAMES`. */
  restartFrames?: number;
  /** Checkpoints the WAL where nothing is appended meanwhile (the log writer between two commits), so it starts over. */
  restart?: () => void;
}

/**
 * WAL frames (pages of 4 KB, 32 MB) past which a checkpoint here asks for one where nothing
 * is appended meanwhile. Checkpoints here copy the WAL into the database file without holding
 * up a commit, but under steady writes none completes, so the WAL never starts over (it grew
 * by ~35 MB a second in a test of back-to-back appends); one between two commits of the log
 * writer does complete, at the price of holding up the commits queued behind it for its
 * fsyncs, once per 32 MB written.
 */
export const WAL_RESTART_FRAMES = 8_192;

/** Checkpoints the WAL soon after writes, off the event loop and off the log writer. */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private running = false;
  private wanted = false;
  private timer: NodeJS.Timeout | null = null;
  private lastAt = -Infinity;
  private closed = false;
  private done = 0;
  private static driver: string | undefined;

  constructor(private readonly options: WalCheckpointerOptions) {}

  /** Something was committed: checkpoint once the least gap since the last one has passed. */
  soon(): void {
    if (this.closed) return;
    this.wanted = true;
    if (this.running || this.timer) return;
    const wait = Math.max(0, this.lastAt + (this.options.everyMs ?? 1000) - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, wait);
    this.timer.unref();
  }

  /** Checkpoints finished so far (tests wait on it). */
  get finishedCount(): number {
    return this.done;
  }

  /** Stops the worker (a checkpoint under way finishes first). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const worker = this.worker;
    if (!worker) return;
    this.worker = null;
    await new Promise<void>((resolve) => {
      worker.on('message', (m) => m === 'closed' && resolve());
      worker.on('exit', () => resolve());
      worker.postMessage('close');
    });
    await worker.terminate();
  }

  private run(): void {
    if (!this.wanted || this.closed) return;
    this.wanted = false;
    this.running = true;
    this.lastAt = performance.now();
    (this.worker ?? this.start()).postMessage('checkpoint');
  }

  private start(): Worker {
    WalCheckpointer.driver ??= createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: WalCheckpointer.driver, file: this.options.file, synchronous: this.options.synchronous },
      execArgv: [],
    });
    worker.unref();
    worker.on('message', (m: string | { seconds: number; walFrames: number }) => {
      if (m === 'closed') return;
      // A failed checkpoint leaves the WAL longer; the next one tries again.
      if (typeof m === 'string') console.error(`[outpost] WAL checkpoint failed: ${m}`);
      else {
        this.options.checkpointed?.(m.seconds, m.walFrames);
        if (m.walFrames >= (this.options.restartFrames ?? WAL_RESTART_FRAMES)) this.options.restart?.();
      }
      this.finished();
    });
    worker.on('error', (err) => {
      console.error('[outpost] WAL checkpointer stopped', err);
      if (this.worker === worker) this.worker = null;
      this.finished();
    });
    this.worker = worker;
    return worker;
  }

  private finished(): void {
    this.running = false;
    this.done++;
    if (this.wanted) this.soon();
  }
}
