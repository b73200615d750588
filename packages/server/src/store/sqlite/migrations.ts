/**
 * Versioned schema migrations for the SQLite store, the twin of `postgres/migrations.ts`.
 * The version lives in the database header (`PRAGMA user_version`); each step runs in one
 * `BEGIN IMMEDIATE` transaction together with the version bump, so a crash mid-step leaves
 * the previous version intact and two processes opening the file cannot both apply a step.
 *
 * A step, once released, never changes: a schema change is a new step at the end.
 *
 * Step 1 is the schema as it was before versions existed. Data directories from that time
 * are at `user_version` 0 with the tables already there; step 1 only creates what is
 * missing (every statement is `IF NOT EXISTS`) and adds the snapshot state-vector column
 * that older files lack, so such a file is recognised and upgraded, never recreated.
 */
import type Database from 'better-sqlite3';
import { SQLITE_SCHEMA } from './schema';

/** One schema step. */
export interface SqliteMigration {
  id: number;
  name: string;
  apply(db: Database.Database): void;
}

function hasColumn(db: Database.Database, table: string, column: string): boolean {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);
}

/** Every step, in order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    id: 1,
    name: 'job docs, op log and reference data',
    apply(db) {
      db.exec(SQLITE_SCHEMA);
      // Data directories made before snapshots kept their state vector.
      if (!hasColumn(db, 'job_snapshots', 'state_vector')) db.exec('ALTER TABLE job_snapshots ADD COLUMN state_vector BLOB');
    },
  },
  {
    id: 2,
    name: 'device sequences per (user, device)',
    // A device's numbering belonged to whoever named its id, so one user could consume
    // another's numbers. Each user who logged ops from a device keeps the device's count,
    // so no device has to renumber; a device row with no logged op names no user and is
    // dropped (its next op is answered `out_of_order` with expectedSeq 1 and renumbered).
    apply(db) {
      db.exec(`
CREATE TABLE device_seqs_by_user (
  user_id TEXT NOT NULL,
  device_id TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
INSERT INTO device_seqs_by_user (user_id, device_id, last_seq)
  SELECT DISTINCT json_extract(o.entry, '$.actor'), d.device_id, d.last_seq
  FROM device_seqs d JOIN ops o ON json_extract(o.entry, '$.deviceId') = d.device_id
  WHERE json_extract(o.entry, '$.actor') IS NOT NULL;
DROP TABLE device_seqs;
ALTER TABLE device_seqs_by_user RENAME TO device_seqs;
`);
    },
  },
  {
    id: 3,
    name: 'blob uploaders',
    // Who uploaded each blob: a technician reads a blob she uploaded herself (http/blob-access.ts).
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS blob_uploads (
  sha256 TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (sha256, user_id)
) WITHOUT ROWID;
`);
    },
  },
  {
    id: 4,
    name: 'dispatcher acknowledgements of override reviews',
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS review_acks (
  op_id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  acked_by TEXT NOT NULL,
  acked_at TEXT NOT NULL
);
`);
    },
  },
  {
    id: 5,
    name: 'removals from jobs and parked handovers',
    // Read by handover-store.ts.
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS job_removals (
  job_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  removed_by TEXT NOT NULL,
  removed_at TEXT NOT NULL,
  PRIMARY KEY (job_id, user_id, removed_at)
);
CREATE TABLE IF NOT EXISTS handovers (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  technician TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at TEXT NOT NULL,
  update_bytes BLOB NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS handovers_by_job ON handovers (job_id, created_at);
CREATE INDEX IF NOT EXISTS handovers_by_state ON handovers (state, created_at);
`);
    },
  },
  {
    id: 6,
    name: 'resumable blob upload chunks',
    // Read by blob-chunks.ts: chunks of a large photo survive cuts and restarts until assembled.
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS blob_chunks (
  sha256 TEXT NOT NULL,
  user_id TEXT NOT NULL,
  offset INTEGER NOT NULL,
  total_length INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (sha256, user_id, offset)
);
`);
    },
  },
  {
    id: 7,
    name: 'unfinished uploads by uploader',
    // Read by blob-chunks.ts `openBlobUploads`: the cap on a user's unfinished uploads is
    // checked as each new upload starts, without reading every chunk's bytes.
    apply(db) {
      db.exec('CREATE INDEX IF NOT EXISTS blob_chunks_by_uploader ON blob_chunks (user_id, sha256, received_at);');
    },
  },
  {
    id: 8,
    name: 'job logs found from their first row, not by an index',
    // Read and written by job-log-sql.ts: the (job_id, id) index cost a page per job in
    // every commit. Each job's log starts at its oldest row (every stored row is live here).
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS job_log_starts (
  job_id TEXT PRIMARY KEY,
  first_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS job_log_starts_by_first ON job_log_starts (first_id);
INSERT OR IGNORE INTO job_log_starts (job_id, first_id) SELECT job_id, MIN(id) FROM job_updates GROUP BY job_id;
DROP INDEX IF EXISTS job_updates_by_job;
`);
    },
  },
  {
    id: 9,
    name: 'jobs by status and by window end',
    // Read by sqlite-store.ts `listJobs` with `closedAfter` (the dispatcher's board): open
    // jobs and recently closed ones are found without reading every job ever made.
    apply(db) {
      db.exec('CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status); CREATE INDEX IF NOT EXISTS jobs_by_window_end ON jobs (window_end);');
    },
  },
  {
    id: 10,
    name: 'equipment by job',
    // Read by sqlite-store.ts `listEquipment` (priming, each device refresh): a job's
    // equipment is found by key, not by reading every piece's JSON. Kept by `putEquipment`.
    apply(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS equipment_jobs (
  job_id TEXT NOT NULL,
  equipment_id TEXT NOT NULL,
  PRIMARY KEY (job_id, equipment_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO equipment_jobs (job_id, equipment_id) SELECT j.value, e.id FROM equipment e, json_each(e.body, '$.jobIds') j;
`);
    },
  },
];

/** The schema version this code writes. */
export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]!.id;

/**
 * Brings the file up to date and returns the ids of the steps it applied (empty when it
 * already was). Refuses a file written by a newer server: its schema is unknown here.
 */
export function migrateSqlite(db: Database.Database, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): number[] {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  const latest = migrations[migrations.length - 1]?.id ?? 0;
  if (version() > latest) {
    throw new Error(`The database is at schema version ${version()}, newer than this server knows (${latest}); run a newer outpost-server.`);
  }
  const done: number[] = [];
  for (const step of migrations) {
    const applied = db
      .transaction(() => {
        // Read again inside the lock: another process may have applied it meanwhile.
        if (version() >= step.id) return false;
        step.apply(db);
        db.pragma(`user_version = ${step.id}`);
        return true;
      })
      .immediate();
    if (applied) done.push(step.id);
  }
  return done;
}
