import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DeviceDb } from '../storage/device-db';
import { savedSession, tokenExpiry } from './session';

function tokenExpiringAt(exp: number): string {
  const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '');
  return `${part({ alg: 'HS256' })}.${part({ sub: 'alice', exp })}.sig`;
}

describe('saved session', () => {
  it('opens signed in while the token is valid, and asks to sign in again once it expired', async () => {
    const db = await DeviceDb.open(indexedDB, crypto.randomUUID());
    const user = { id: 'alice', username: 'alice', name: 'Alice', role: 'technician' as const };
    const exp = Math.floor(Date.now() / 1000) + 60;
    await db.put('meta', 'session', { token: tokenExpiringAt(exp), user });
    expect(tokenExpiry(tokenExpiringAt(exp))).toBe(exp);
    expect((await savedSession(db))?.user).toEqual(user);
    expect(await savedSession(db, (exp + 1) * 1000)).toBeNull();
  });
});
