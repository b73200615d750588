/** Row shapes of the Postgres schema and their records. */
import type { ServerState } from '@outpost/shared';
import type { JobRecord, UserRecord } from '../store';

/** A `jobs` row as pg returns it. */
export interface JobRow {
  id: string;
  title: string;
  customer_id: string;
  site_address: string;
  window_start: string;
  window_end: string;
  created_at: string;
  status: string;
  version: number;
  assignees: string[];
  changed_by: string | null;
  changed_at: string | null;
}

/** The job record of a row. */
export function jobFromRow(r: JobRow): JobRecord {
  return {
    id: r.id,
    title: r.title,
    customerId: r.customer_id,
    siteAddress: r.site_address,
    windowStart: r.window_start,
    windowEnd: r.window_end,
    createdAt: r.created_at,
    status: r.status as JobRecord['status'],
    version: r.version,
    assignees: r.assignees,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
  };
}

/** The workflow state part of a job row. */
export function stateFromRow(r: JobRow): ServerState {
  return { status: r.status as ServerState['status'], version: r.version, assignees: r.assignees, changedBy: r.changed_by, changedAt: r.changed_at };
}

/** A `users` row as pg returns it. */
export interface UserRow {
  id: string;
  username: string;
  name: string;
  role: string;
  password_hash: string;
}

/** The user record of a row. */
export function userFromRow(r: UserRow): UserRecord {
  return { id: r.id, username: r.username, name: r.name, role: r.role as UserRecord['role'], passwordHash: r.password_hash };
}

/** A `bytea` value as the plain Uint8Array the Store interface promises. */
export function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Bytes as a `bytea` parameter. */
export function byteaParam(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
