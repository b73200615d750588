/**
 * The Postgres schema, as numbered steps. A step, once released, never changes: a change
 * to the schema is a new step at the end. `migrate` applies the missing ones in order.
 *
 * Notes on the shape (the SQLite schema's twin, with Postgres types):
 * - `job_updates.id` orders a job's updates; compaction deletes the exact ids it merged,
 *   never a range, because ids from concurrent transactions commit out of order.
 * - `device_seqs` is locked per (user, device) and `jobs` per job inside `applyOp`, so two nodes
 *   cannot both apply an op at the same version; `ops (job_id, seq)` is unique as well.
 * - Window and change times stay ISO text, as devices sent them, so they round-trip exactly.
 */

/** One schema step. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/** Every step, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'job docs, op log and reference data',
    sql: `
CREATE TABLE job_snapshots (
  job_id text PRIMARY KEY,
  snapshot bytea NOT NULL
);
CREATE TABLE job_updates (
  id bigserial PRIMARY KEY,
  job_id text NOT NULL,
  update_bytes bytea NOT NULL
);
CREATE INDEX job_updates_by_job ON job_updates (job_id, id);

CREATE TABLE users (
  id text PRIMARY KEY,
  username text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL,
  password_hash text NOT NULL
);
CREATE TABLE jobs (
  id text PRIMARY KEY,
  title text NOT NULL,
  customer_id text NOT NULL,
  site_address text NOT NULL,
  window_start text NOT NULL,
  window_end text NOT NULL,
  created_at text NOT NULL,
  status text NOT NULL,
  version integer NOT NULL,
  assignees text[] NOT NULL,
  changed_by text,
  changed_at text
);
CREATE INDEX jobs_by_window ON jobs (window_start, id);
CREATE INDEX jobs_by_assignee ON jobs USING gin (assignees);

CREATE TABLE ops (
  op_id text PRIMARY KEY,
  job_id text NOT NULL,
  seq integer NOT NULL,
  entry jsonb NOT NULL,
  UNIQUE (job_id, seq)
);
CREATE TABLE device_seqs (
  device_id text PRIMARY KEY,
  last_seq bigint NOT NULL
);

CREATE TABLE customers (
  id text PRIMARY KEY,
  body jsonb NOT NULL
);
CREATE TABLE equipment (
  id text PRIMARY KEY,
  customer_id text NOT NULL,
  job_ids text[] NOT NULL,
  body jsonb NOT NULL
);
CREATE TABLE pricebook (
  id text PRIMARY KEY,
  body jsonb NOT NULL
);
CREATE TABLE blobs (
  sha256 text PRIMARY KEY,
  content_type text NOT NULL,
  bytes bytea NOT NULL
);
`,
  },
  {
    id: 2,
    name: 'device sequences per (user, device)',
    // As SQLite's step 2: each user who logged ops from a device keeps the device's count;
    // a device row with no logged op names no user and is dropped.
    sql: `
CREATE TABLE device_seqs_by_user (
  user_id text NOT NULL,
  device_id text NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (user_id, device_id)
);
INSERT INTO device_seqs_by_user (user_id, device_id, last_seq)
  SELECT DISTINCT o.entry->>'actor', d.device_id, d.last_seq
  FROM device_seqs d JOIN ops o ON o.entry->>'deviceId' = d.device_id
  WHERE o.entry->>'actor' IS NOT NULL;
DROP TABLE device_seqs;
ALTER TABLE device_seqs_by_user RENAME TO device_seqs;
`,
  },
  {
    id: 3,
    name: 'blob uploaders',
    // Who uploaded each blob: a technician reads a blob she uploaded herself (http/blob-access.ts).
    sql: `
CREATE TABLE IF NOT EXISTS blob_uploads (
  sha256 text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (sha256, user_id)
);
`,
  },
  {
    id: 4,
    name: 'dispatcher acknowledgements of override reviews',
    sql: `
CREATE TABLE IF NOT EXISTS review_acks (
  op_id text PRIMARY KEY,
  job_id text NOT NULL,
  acked_by text NOT NULL,
  acked_at text NOT NULL
);
`,
  },
  {
    id: 5,
    name: 'removals from jobs and parked handovers',
    sql: `
CREATE TABLE IF NOT EXISTS job_removals (
  job_id text NOT NULL,
  user_id text NOT NULL,
  removed_by text NOT NULL,
  removed_at text NOT NULL,
  PRIMARY KEY (job_id, user_id, removed_at)
);
CREATE TABLE IF NOT EXISTS handovers (
  id text PRIMARY KEY,
  job_id text NOT NULL,
  technician text NOT NULL,
  state text NOT NULL,
  created_at text NOT NULL,
  update_bytes bytea NOT NULL,
  body jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS handovers_by_job ON handovers (job_id, created_at);
CREATE INDEX IF NOT EXISTS handovers_by_state ON handovers (state, created_at);
`,
  },
  {
    id: 6,
    name: 'job snapshots keep their state vector',
    // A cold job answers sync from its snapshot without decoding it for the vector.
    sql: 'ALTER TABLE job_snapshots ADD COLUMN state_vector bytea;',
  },
  {
    id: 7,
    name: 'resumable blob upload chunks',
    // Read by blob-chunks.ts: chunks of a large photo survive cuts and restarts until assembled.
    sql: `
CREATE TABLE IF NOT EXISTS blob_chunks (
  sha256 text NOT NULL,
  user_id text NOT NULL,
  "offset" bigint NOT NULL,
  total_length bigint NOT NULL,
  bytes bytea NOT NULL,
  received_at text NOT NULL,
  PRIMARY KEY (sha256, user_id, "offset")
);
`,
  },
  {
    id: 8,
    name: 'unfinished uploads by uploader',
    // Read by blob-chunks.ts `openBlobUploads`: the cap on a user's unfinished uploads.
    sql: 'CREATE INDEX IF NOT EXISTS blob_chunks_by_uploader ON blob_chunks (user_id, sha256, received_at);',
  },
  {
    id: 9,
    name: 'jobs by status and by window end',
    // Read by postgres-store.ts `listJobs` with `closedAfter` (the dispatcher's board).
    sql: 'CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status); CREATE INDEX IF NOT EXISTS jobs_by_window_end ON jobs (window_end);',
  },
  {
    id: 10,
    name: 'equipment by job',
    // Read by postgres-store.ts `listEquipment` (priming): `job_ids && $n` from the index.
    sql: 'CREATE INDEX IF NOT EXISTS equipment_by_job ON equipment USING gin (job_ids);',
  },
];
