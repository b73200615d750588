/** The SQLite store's options, and SQLite's `synchronous` pragma for each durability. */
import type { Durability } from '../store';

/** How hard each commit is pushed to disk (see sqlite-store.ts), and the store's tuning. */
export interface SqliteStoreOptions {
  /** Default `full`. */
  durability?: Durability;
  /** Rows a job's log may hold behind it before it is folded (pinned-log-watch.ts); default 1,000,000. */
  logSpanRows?: number;
  /** Least time between two WAL checkpoints beside the appends (wal-checkpointer.ts); default 1,000 ms. */
  checkpointEveryMs?: number;
  /** WAL frames at which the log writer checkpoints between two commits, so the WAL starts over; default `WAL_RESTART_FRAMES` (wal-checkpointer.ts). */
  walRestartFrames?: number;
  /** Told of each WAL checkpoint: how long it took and how many frames the WAL held (the server's metrics). */
  checkpointed?: (seconds: number, walFrames: number) => void;
  /** How long the event loop waits for a group commit in the turn that made it (in-turn-wait.ts); default 2 ms (`WAIT_IN_TURN_MS`), 0: never. */
  waitInTurnMs?: number;
  /** The most of its time the event loop spends in those waits (in-turn-wait.ts); default no limit (`WAIT_SHARE`: 1); a limit of 5 % is 0.05. */
  waitShare?: number;
  /** Whether the event loop may wait in turn now (log-writer.ts `mayWaitInTurn`); default always. */
  mayWaitInTurn?: () => boolean;
}

/** SQLite's `synchronous` pragma for each durability. */
export const SYNCHRONOUS: Record<Durability, 'FULL' | 'NORMAL'> = { full: 'FULL', process: 'NORMAL' };
/** What `PRAGMA synchronous` reads back as. */
export const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
