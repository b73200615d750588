/**
 * File modes of the data directory: it holds every job, photo, password hash and the JWT
 * secret, so the directory is created 0700 and the database files are 0600 whatever the
 * umask. SQLite gives its `-wal` and `-shm` files the mode of the database file, so the
 * database is created (or tightened) before SQLite opens it.
 */
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';

/** Creates the data directory 0700; warns when an existing one is open to others. */
export async function prepareDataDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    // Not changed here: it may be a directory the operator shares on purpose (e.g. `--data .`).
    console.warn(`[outpost] data directory ${dir} is mode ${mode.toString(8)}; 700 keeps other users out of it.`);
  }
}

/** Creates `file` (and tightens it and its -wal/-shm files) to 0600; returns `file`. */
export function protectDatabaseFile(file: string): string {
  if (file === '' || file === ':memory:') return file; // SQLite's private temporary databases
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
  return file;
}
