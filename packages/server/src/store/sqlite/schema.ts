/**
 * SQLite schema for the embedded store. JSON columns hold small string lists
 * (assignees, equipment job ids); everything the server filters on by SQL is a column.
 *
 * This is step 1 of `migrations.ts` (the schema from before versions existed) and never
 * changes; later shapes are migration steps (e.g. step 2 keys `device_seqs` per user).
 */
export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS job_snapshots (
  job_id TEXT PRIMARY KEY,
  snapshot BLOB NOT NULL,
  state_vector BLOB
);
CREATE TABLE IF NOT EXISTS job_updates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL,
  update_bytes BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS job_updates_by_job ON job_updates (job_id, id);

CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  password_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  site_address TEXT NOT NULL,
  window_start TEXT NOT NULL,
  window_end TEXT NOT NULL,
  created_at TEXT NOT NULL,
  status TEXT NOT NULL,
  version INTEGER NOT NULL,
  assignees TEXT NOT NULL,
  changed_by TEXT,
  changed_at TEXT
);
CREATE TABLE IF NOT EXISTS ops (
  op_id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  entry TEXT NOT NULL,
  UNIQUE (job_id, seq)
);
CREATE TABLE IF NOT EXISTS device_seqs (
  device_id TEXT PRIMARY KEY,
  last_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS customers (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS equipment (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pricebook (
  id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blobs (
  sha256 TEXT PRIMARY KEY,
  content_type TEXT NOT NULL,
  bytes BLOB NOT NULL
);
`;
