/**
 * The job-doc half of `SqliteStore` on the store's own connection: reading a job's snapshot
 * and log, and the writes made here rather than on the log writer's thread (appends of a
 * `:memory:` store, folds that merge the stored log). The log's layout is job-log-sql.ts.
 *
 *   const docs = new SqliteJobDocs(db)
 *   docs.load('job-1')              // snapshot + live log
 *   docs.fold('job-1', docState?)   // inside nothing else: its own IMMEDIATE transaction
 */
import type Database from 'better-sqlite3';
import * as Y from 'yjs';
import { mergeJobLog } from '../job-doc-merge';
import type { JobDocState, JobUpdate, StoredJobDoc } from '../store';
import { JOB_LOG_SQL } from './job-log-sql';
import { LeftoverRows, type LogRow } from './leftover-rows';
import { blob, bytes, type SnapshotRow } from './rows';

/** The job log starting furthest back, and how many rows the table holds from its start on. */
export interface OldestLog {
  jobId: string;
  spanRows: number;
}

type JobLogStatements = Record<keyof typeof JOB_LOG_SQL | 'snapshot', Database.Statement>;

export class SqliteJobDocs {
  private readonly sql: JobLogStatements;
  /** The rows of the logs found at start-up, until each is folded. */
  private leftover: LeftoverRows | null = null;
  /** Appends a batch in one transaction on this connection. */
  readonly append: (batch: readonly JobUpdate[]) => void;

  constructor(private readonly db: Database.Database) {
    const prepared = Object.entries(JOB_LOG_SQL).map(([name, sql]) => [name, db.prepare(sql)]);
    this.sql = Object.fromEntries([...prepared, ['snapshot', db.prepare('SELECT snapshot, state_vector FROM job_snapshots WHERE job_id = ?')]]) as JobLogStatements;
    this.sql.jobsWithLog.pluck();
    const { append, markStart } = this.sql;
    this.append = db.transaction((batch: readonly JobUpdate[]) => {
      for (const u of batch) markStart.run(u.jobId, append.run(u.jobId, blob(u.update)).lastInsertRowid);
    });
  }

  /** The job's snapshot and its live log, read in one transaction. */
  load(jobId: string): StoredJobDoc {
    return this.db.transaction(() => {
      const snap = this.sql.snapshot.get(jobId) as SnapshotRow | undefined;
      const rows = this.sql.liveRows.all({ job: jobId }) as LogRow[];
      return {
        snapshot: snap ? bytes(snap.snapshot) : null,
        updates: rows.map((r) => bytes(r.update_bytes)),
        ...(snap?.state_vector ? { snapshotStateVector: bytes(snap.state_vector) } : {}),
      };
    })();
  }

  /** See `OldestLog`; null when no job has a log or the connection is closed. */
  oldestLog(): OldestLog | null {
    if (!this.db.open) return null;
    const oldest = this.sql.oldestStart.get() as { job_id: string; first_id: number } | undefined;
    const last = (this.sql.lastId.get() as { id: number | null }).id;
    return oldest && last !== null ? { jobId: oldest.job_id, spanRows: last - oldest.first_id } : null;
  }

  count(jobId: string): number {
    return (this.sql.countLive.get({ job: jobId }) as { n: number }).n;
  }

  /** Jobs with a live log, in id order; notes where their rows are, so folding them reads the log once (leftover-rows.ts). */
  listWithLog(): string[] {
    const jobs = this.sql.jobsWithLog.all() as string[];
    this.leftover = jobs.length > 0 ? LeftoverRows.scan(this.db) : null;
    return jobs;
  }

  /**
   * Stores `docState` (the single node's loaded doc, holding every stored update) or the
   * merge of the snapshot and the live log as the job's snapshot, and ends its log. Takes
   * the write lock first: no append can slip between the read and the end.
   */
  fold(jobId: string, docState?: JobDocState): void {
    this.db
      .transaction(() => {
        if (docState) return this.endLog(jobId, docState.update, docState.stateVector);
        const snap = this.sql.snapshot.get(jobId) as SnapshotRow | undefined;
        const rows = this.leftover?.read(jobId) ?? (this.sql.liveRows.all({ job: jobId }) as LogRow[]);
        if (this.leftover?.empty) this.leftover = null;
        if (rows.length === 0) return;
        const merged = mergeJobLog(
          snap ? bytes(snap.snapshot) : null,
          rows.map((r) => bytes(r.update_bytes)),
        );
        this.endLog(jobId, merged, Y.encodeStateVectorFromUpdate(merged));
      })
      .immediate();
  }

  private endLog(jobId: string, snapshot: Uint8Array, stateVector: Uint8Array): void {
    this.sql.putSnapshot.run(jobId, blob(snapshot), blob(stateVector));
    this.sql.endLog.run(jobId);
    this.sql.trimHead.run();
  }
}
