import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password';
import { issueToken, verifyToken } from './token';

const user = { id: 'alice', username: 'alice', name: 'Alice', role: 'technician' as const, passwordHash: '' };

describe('passwords and tokens', () => {
  it('accepts the right password against a salted scrypt hash and nothing else', async () => {
    const hash = await hashPassword('outpost');
    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toBe(await hashPassword('outpost'));
    expect(await verifyPassword('outpost', hash)).toBe(true);
    expect(await verifyPassword('Outpost', hash)).toBe(false);
    expect(await verifyPassword('outpost', 'plain')).toBe(false);
  });

  it('round-trips a token and refuses a forged, expired or malformed one with the right code', async () => {
    expect(await verifyToken(await issueToken(user, 's3cret'), 's3cret')).toEqual({ userId: 'alice', role: 'technician', name: 'Alice', expiresAt: expect.any(Number) });
    await expect(verifyToken(await issueToken(user, 'other'), 's3cret')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(verifyToken(await issueToken(user, 's3cret', -1), 's3cret')).rejects.toMatchObject({ code: 'token_expired' });
    await expect(verifyToken('garbage', 's3cret')).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(verifyToken(undefined, 's3cret')).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('remembers a verified token but still refuses it once expired, and under another secret', async () => {
    // `exp` is in whole seconds, so a 1 s token could have ms left: under a loaded test run it
    // expired before the checks below (token_expired, not unauthenticated). 2 s leaves ≥ 1 s.
    const token = await issueToken(user, 's3cret', 2);
    expect((await verifyToken(token, 's3cret')).userId).toBe('alice');
    expect((await verifyToken(token, 's3cret')).userId).toBe('alice'); // the remembered answer
    await expect(verifyToken(token, 'rotated')).rejects.toMatchObject({ code: 'unauthenticated' });
    const [head, body, signature] = token.split('.');
    const flipped = `${head}.${body}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
    await expect(verifyToken(flipped, 's3cret')).rejects.toMatchObject({ code: 'unauthenticated' });
    await new Promise((r) => setTimeout(r, 2100));
    await expect(verifyToken(token, 's3cret')).rejects.toMatchObject({ code: 'token_expired' });
  });
});
