/**
 * How the SQLite store reads its rows (jobs, users, snapshots, bytes).
 */
import { jobFromRow, type JobRow } from '../job-row';
import type { JobRecord } from '../store';
export type { UserRow } from '../user-row';
export { userFromRow } from '../user-row';

/** SQLite keeps a job's assignees as a JSON text column. */
export function jobFromSqliteRow(r: JobRow<string>): JobRecord {
  return jobFromRow({ ...r, assignees: JSON.parse(r.assignees) as string[] });
}

export interface SnapshotRow {
  snapshot: Buffer;
  state_vector: Buffer | null;
}

export const bytes = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
/** A Buffer over the same memory (better-sqlite3 binds Buffers; no copy). */
export const blob = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
