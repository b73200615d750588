/** The SQLite store's statements, prepared once per connection (sqlite-store.ts). */
import type Database from 'better-sqlite3';

const SQL = {
  opById: 'SELECT entry FROM ops WHERE op_id = ?',
  deviceSeq: 'SELECT last_seq FROM device_seqs WHERE user_id = ? AND device_id = ?',
  putDeviceSeq: 'INSERT INTO device_seqs (user_id, device_id, last_seq) VALUES (?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET last_seq = excluded.last_seq',
  job: 'SELECT * FROM jobs WHERE id = ?',
  lastOpSeq: 'SELECT MAX(seq) AS n FROM ops WHERE job_id = ?',
  insertOp: 'INSERT INTO ops (op_id, job_id, seq, entry) VALUES (?, ?, ?, ?)',
  updateJobState: 'UPDATE jobs SET status = ?, version = ?, assignees = ?, changed_by = ?, changed_at = ? WHERE id = ?',
  opsOfJob: 'SELECT entry FROM ops WHERE job_id = ? ORDER BY seq',
  openReviews: "SELECT entry FROM ops WHERE json_extract(entry, '$.review') = 1 AND op_id NOT IN (SELECT op_id FROM review_acks) ORDER BY job_id, seq",
  ackReview: 'INSERT INTO review_acks (op_id, job_id, acked_by, acked_at) VALUES (?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING',
  user: 'SELECT * FROM users WHERE id = ?',
  userByName: 'SELECT * FROM users WHERE username = ?',
  blob: 'SELECT content_type, bytes FROM blobs WHERE sha256 = ?',
  putBlob: 'INSERT INTO blobs (sha256, content_type, bytes) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING',
  hasBlob: 'SELECT 1 FROM blobs WHERE sha256 = ?',
  putUpload: 'INSERT INTO blob_uploads (sha256, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING',
  upload: 'SELECT 1 FROM blob_uploads WHERE sha256 = ? AND user_id = ?',
} as const;

/** The store's prepared statements by name (typed out: the package's .d.ts build cannot name an inferred better-sqlite3 type). */
export type Statements = Record<keyof typeof SQL, Database.Statement>;

export function prepareStatements(db: Database.Database): Statements {
  return Object.fromEntries(Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)])) as Statements;
}
