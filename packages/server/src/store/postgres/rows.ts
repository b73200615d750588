/** Row shapes of the Postgres schema and their records. */
import type { ServerState } from '@outpost/shared';
import { jobFromRow, stateOf, type JobRow } from '../job-row';

/** A `jobs` row as pg returns it (assignees as text[]). */
export type { JobRow } from '../job-row';
export { jobFromRow } from '../job-row';
export type { UserRow } from '../user-row';
export { userFromRow } from '../user-row';

/** The workflow state part of a job row. */
export function stateFromRow(r: JobRow): ServerState {
  return stateOf(jobFromRow(r));
}

/** A `bytea` value as the plain Uint8Array the Store interface promises. */
export function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Bytes as a `bytea` parameter. */
export function byteaParam(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
