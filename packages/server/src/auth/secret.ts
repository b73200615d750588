/**
 * The JWT secret: given (`OUTPOST_SECRET`), or kept in `<dataDir>/secret` (generated on the
 * first start, mode 0600). An empty secret would make every login fail with a 500 (HMAC
 * refuses an empty key), so the server refuses to start with one instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Returns `secret`, or throws when it is empty or only whitespace. */
export function checkedSecret(secret: string, source = 'The secret'): string {
  if (secret.trim() === '') throw new Error(`${source} is empty; refusing to start (every sign-in would fail). Set OUTPOST_SECRET or delete the empty file to generate one.`);
  return secret;
}

/** Reads `<dataDir>/secret`, generating it on first start; tightens a looser file to 0600. */
export async function readOrCreateSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  }
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  return checkedSecret((await readFile(file, 'utf8')).trim(), `The secret file ${file}`);
}
