/** The SQLite store's statements, prepared once per connection (sqlite-store.ts). */
import type Database from 'better-sqlite3';

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
