/**
 * The SQLite job log's SQL, shared by the store's connection (sqlite-store.ts) and the log
 * writer's worker (log-writer-worker.ts), which runs the same strings.
 *
 * `job_updates` is append-only in id order and has no index by job. `job_log_starts` names,
 * per job with a log, the first row not yet folded into its snapshot: the job's log is its
 * rows from there on. An append adds its row and, if the job had no start, the start;
 * a compaction stores the snapshot and deletes the start, so the job's earlier rows are dead
 * without being touched. Rows before the oldest start are all dead and are deleted from the
 * head of the table, a bounded slice at a time.
 *
 * Why: with an index on `(job_id, id)`, every commit wrote an index page per job it touched
 * besides the table's last page: 115 KB of WAL for 20 keystrokes on 20 of 600 jobs against
 * 12 KB without it, and ~700 against ~200 µs of CPU per FULL commit (docs/decisions.md).
 * A job's rows are found by scanning from its start, which a compaction keeps recent.
 */

/** Dead rows deleted from the head of the log per compaction, at most. */
export const TRIM_ROWS = 2_000;

export const JOB_LOG_SQL = {
  append: 'INSERT INTO job_updates (job_id, update_bytes) VALUES (?, ?)',
  /** After `append`, with the job and the row's id: the job's log starts here unless it had started. */
  markStart: 'INSERT OR IGNORE INTO job_log_starts (job_id, first_id) VALUES (?, ?)',
  /** The job's log (`@job`), in order: its rows from its start on. */
  liveRows: 'SELECT id, update_bytes FROM job_updates WHERE id >= (SELECT first_id FROM job_log_starts WHERE job_id = @job) AND job_id = @job ORDER BY id',
  countLive: 'SELECT COUNT(*) AS n FROM job_updates WHERE id >= (SELECT first_id FROM job_log_starts WHERE job_id = @job) AND job_id = @job',
  jobsWithLog: 'SELECT job_id FROM job_log_starts ORDER BY job_id',
  putSnapshot:
    'INSERT INTO job_snapshots (job_id, snapshot, state_vector) VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector',
  /** With `putSnapshot`, once the snapshot holds all of the job's rows: they are dead from now on. */
  endLog: 'DELETE FROM job_log_starts WHERE job_id = ?',
  /** Deletes dead rows from the head: those before the oldest start (all of them if none), `TRIM_ROWS` at most. */
  trimHead: `DELETE FROM job_updates WHERE id < MIN(COALESCE((SELECT MIN(first_id) FROM job_log_starts), 9223372036854775807), (SELECT MIN(id) FROM job_updates) + ${TRIM_ROWS})`,
  /** The log whose start is oldest, which holds dead rows behind it from being deleted. */
  oldestStart: 'SELECT job_id, first_id FROM job_log_starts ORDER BY first_id LIMIT 1',
  lastId: 'SELECT MAX(id) AS id FROM job_updates',
} as const;
