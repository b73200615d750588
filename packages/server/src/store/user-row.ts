/** The `users` table's columns, shared by the SQL adapters (both store them alike). */
import type { UserRecord } from './store';

/** A `users` row. */
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
