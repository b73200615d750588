/**
 * How the SQLite store reads its rows (jobs, users, snapshots, bytes) and the statements it
 * prepares once per connection.
 */
import type Database from 'better-sqlite3';
import { jobFromRow, type JobRow } from '../job-row';
import type { JobRecord, UserRecord } from '../store';

/** SQLite keeps a job's assignees as a JSON text column. */
export function jobFromSqliteRow(r: JobRow<string>): JobRecord {
  return jobFromRow({ ...r, assignees: JSON.parse(r.assignees) as string[] });
}

export interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  password_hash: string;
}

export interface SnapshotRow {
  snapshot: Buffer;
  state_vector: Buffer | null;
}

export function userFromRow(r: UserRow): UserRecord {
  return { id: r.id, username: r.username, name: r.name, role: r.role as UserRecord['role'], passwordHash: r.password_hash };
}

export const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
/** A Buffer over the same memory (better-sqlite3 binds Buffers; no copy). */
export const blob = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export function prepareStatements(db: Database.Database) {
  return {
    insertUpdate: db.prepare('INSERT INTO job_updates (job_id, update_bytes) VALUES (?, ?)'),
    snapshot: db.prepare('SELECT snapshot, state_vector FROM job_snapshots WHERE job_id = ?'),
    updates: db.prepare('SELECT update_bytes FROM job_updates WHERE job_id = ? ORDER BY id'),
    updatesWithId: db.prepare('SELECT id, update_bytes FROM job_updates WHERE job_id = ? ORDER BY id'),
    lastUpdateId: db.prepare('SELECT MAX(id) AS id FROM job_updates WHERE job_id = ?'),
    countUpdates: db.prepare('SELECT COUNT(*) AS n FROM job_updates WHERE job_id = ?'),
    // Read off the (job_id, id) index, one step per job.
    jobsWithLog: db.prepare('SELECT DISTINCT job_id FROM job_updates ORDER BY job_id').pluck(),
    putSnapshot: db.prepare(
      'INSERT INTO job_snapshots (job_id, snapshot, state_vector) VALUES (?, ?, ?) ON CONFLICT (job_id) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector',
    ),
    dropUpdates: db.prepare('DELETE FROM job_updates WHERE job_id = ? AND id <= ?'),
    opById: db.prepare('SELECT entry FROM ops WHERE op_id = ?'),
    deviceSeq: db.prepare('SELECT last_seq FROM device_seqs WHERE user_id = ? AND device_id = ?'),
    putDeviceSeq: db.prepare('INSERT INTO device_seqs (user_id, device_id, last_seq) VALUES (?, ?, ?) ON CONFLICT (user_id, device_id) DO UPDATE SET last_seq = excluded.last_seq'),
    job: db.prepare('SELECT * FROM jobs WHERE id = ?'),
    lastOpSeq: db.prepare('SELECT MAX(seq) AS n FROM ops WHERE job_id = ?'),
    insertOp: db.prepare('INSERT INTO ops (op_id, job_id, seq, entry) VALUES (?, ?, ?, ?)'),
    updateJobState: db.prepare('UPDATE jobs SET status = ?, version = ?, assignees = ?, changed_by = ?, changed_at = ? WHERE id = ?'),
    opsOfJob: db.prepare('SELECT entry FROM ops WHERE job_id = ? ORDER BY seq'),
    openReviews: db.prepare("SELECT entry FROM ops WHERE json_extract(entry, '$.review') = 1 AND op_id NOT IN (SELECT op_id FROM review_acks) ORDER BY job_id, seq"),
    ackReview: db.prepare('INSERT INTO review_acks (op_id, job_id, acked_by, acked_at) VALUES (?, ?, ?, ?) ON CONFLICT (op_id) DO NOTHING'),
    user: db.prepare('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
    blob: db.prepare('SELECT content_type, bytes FROM blobs WHERE sha256 = ?'),
    putBlob: db.prepare('INSERT INTO blobs (sha256, content_type, bytes) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING'),
    hasBlob: db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?'),
    putUpload: db.prepare('INSERT INTO blob_uploads (sha256, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    upload: db.prepare('SELECT 1 FROM blob_uploads WHERE sha256 = ? AND user_id = ?'),
  };
}
