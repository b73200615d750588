/**
 * Where the rows of each job's log lay when the server started (job-log-sql.ts), so folding
 * the logs a killed process left reads the log once in all, not once per job.
 *
 * A job's log is found by scanning from its first row, past the rows of every job written
 * since. After a crash at a high rate that is every job's log at once: 600 jobs with 500
 * rows each took 17.6 s to fold, reading the log from each start, against 11.0 s with the
 * old index by job. One pass at start-up notes each job's row ids; a fold then reads them
 * by id, and scans only the rows appended after that pass.
 *
 *   const leftover = LeftoverRows.scan(db) // with listJobsWithLog, at start-up
 *   const rows = leftover.read(jobId)      // inside the fold's transaction; undefined if not noted
 */
import type Database from 'better-sqlite3';

export type LogRow = { id: number; update_bytes: Buffer };

export class LeftoverRows {
  private readonly ids = new Map<string, number[]>();
  private readonly byIds: Database.Statement;

  private constructor(
    db: Database.Database,
    /** The last row id the pass saw. */
    private readonly through: number,
  ) {
    // The noted rows still in the job's log, then any appended after the pass. Each part
    // names the job: a row is never taken into another job's snapshot by its id alone.
    this.byIds = db.prepare(
      `SELECT id, update_bytes FROM job_updates
         WHERE id IN (SELECT value FROM json_each(@ids)) AND id >= (SELECT first_id FROM job_log_starts WHERE job_id = @job) AND job_id = @job
       UNION ALL
       SELECT id, update_bytes FROM job_updates
         WHERE id > @through AND id >= (SELECT first_id FROM job_log_starts WHERE job_id = @job) AND job_id = @job
       ORDER BY id`,
    );
  }

  /** One pass over every job's log. */
  static scan(db: Database.Database): LeftoverRows {
    const rows = db.prepare('SELECT u.id, u.job_id FROM job_updates u JOIN job_log_starts s ON s.job_id = u.job_id WHERE u.id >= s.first_id ORDER BY u.id').raw().all() as [
      number,
      string,
    ][];
    const leftover = new LeftoverRows(db, rows.length > 0 ? rows[rows.length - 1]![0] : 0);
    for (const [id, jobId] of rows) {
      const ids = leftover.ids.get(jobId);
      if (ids) ids.push(id);
      else leftover.ids.set(jobId, [id]);
    }
    return leftover;
  }

  /** True once every noted job was read. */
  get empty(): boolean {
    return this.ids.size === 0;
  }

  /** The job's log now, read by the noted ids (forgotten after); undefined for a job the pass did not see. */
  read(jobId: string): LogRow[] | undefined {
    const ids = this.ids.get(jobId);
    if (!ids) return undefined;
    this.ids.delete(jobId);
    return this.byIds.all({ ids: JSON.stringify(ids), job: jobId, through: this.through }) as LogRow[];
  }
}
