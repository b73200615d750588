/**
 * Login floods (issue 13 item 5): wrong passwords are counted per username and per
 * address and answered `429 too_many_attempts` with `Retry-After` once either has had its
 * share; successes are never counted; password hashing is bounded so token checks go on
 * while a flood is being hashed. Callers come from different 127.x addresses.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { call, DEMO, startOutpost, type Outpost } from './support/outpost';
import { loginFrom, type Answer } from './support/from-address';
import { signToken } from './support/tokens';

let outpost: Outpost | undefined;
afterEach(async () => {
  await outpost?.stop();
  outpost = undefined;
});

function expectThrottled(res: Answer, maxSeconds: number): number {
  expect(res.status, JSON.stringify(res.body)).toBe(429);
  expect(res.body?.error?.code).toBe('too_many_attempts');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter), String(res.headers['retry-after'])).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.body?.error?.details).toEqual({ retryAfterSeconds: retryAfter });
  return retryAfter;
}

describe('login throttling', () => {
  it('answers 429 with Retry-After once a username has had its failures, from any address, and lets the right password in after the wait', async () => {
    outpost = await startOutpost({ loginLimits: { failuresPerUsername: 5, usernameRefillSeconds: 4 } });
    const port = outpost.server.port;
    const answers: Answer[] = [];
    // One guess from each of twelve hosts: only the username ties them together.
    for (let i = 1; i <= 12; i++) answers.push(await loginFrom(port, `127.0.2.${i}`, 'bob', `guess-${i}`));
    expect(answers.slice(0, 5).map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
    for (const a of answers.slice(5)) expectThrottled(a, 4);
    // While throttled even the right password waits (checking it would be the flood's reward).
    const wait = expectThrottled(await loginFrom(port, '127.0.2.99', 'bob', 'outpost'), 4);
    // Another user is not held up.
    expect((await loginFrom(port, '127.0.2.99', 'alice', 'outpost')).status).toBe(200);
    await new Promise((r) => setTimeout(r, wait * 1000 + 50));
    expect((await loginFrom(port, '127.0.2.99', 'bob', 'outpost')).status).toBe(200);
  });

  it('throttles one address whatever usernames it tries, and leaves other addresses alone', async () => {
    outpost = await startOutpost({ loginLimits: { failuresPerAddress: 8, addressRefillSeconds: 5 } });
    const port = outpost.server.port;
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await loginFrom(port, '127.0.4.1', `user-${randomBytes(4).toString('hex')}`, 'outpost');
      statuses.push(res.status);
      if (res.status === 429) expectThrottled(res, 5);
    }
    expect(statuses).toEqual([...Array(8).fill(401), ...Array(6).fill(429)]);
    expect((await loginFrom(port, '127.0.4.2', 'alice', 'outpost')).status).toBe(200);
    expect((await loginFrom(port, '127.0.4.1', 'alice', 'outpost')).status).toBe(429);
  });

  it('counts failures, not successes: a device signing in again and again is never throttled', async () => {
    outpost = await startOutpost({ loginLimits: { failuresPerUsername: 3, failuresPerAddress: 3 } });
    const port = outpost.server.port;
    for (let i = 0; i < 40; i++) expect((await loginFrom(port, '127.0.0.1', 'alice', 'outpost')).status).toBe(200);
    const wrong = [];
    for (let i = 0; i < 4; i++) wrong.push((await loginFrom(port, '127.0.0.1', 'alice', 'nope')).status);
    expect(wrong).toEqual([401, 401, 401, 429]);
  });

  it('keeps checking tokens while a flood of logins from many hosts is being hashed', async () => {
    outpost = await startOutpost();
    const port = outpost.server.port;
    let answered = 0;
    const flood = Array.from({ length: 100 }, (_, i) =>
      loginFrom(port, `127.0.${10 + Math.floor(i / 200)}.${(i % 200) + 1}`, `nobody-${i}`, 'guess').then((res) => {
        if (res.status === 401) answered++;
        return res;
      }),
    );
    // A token the server has never seen, so its signature is checked on the thread pool now.
    const now = Math.floor(Date.now() / 1000);
    const fresh = signToken({ sub: 'alice', role: 'technician', name: DEMO.alice.name, exp: now + 600, iat: now - Math.floor(Math.random() * 1000) }, outpost.secret);
    await new Promise((r) => setTimeout(r, 50));
    const me = await call(`${outpost.url}/api/me`, { token: fresh });
    const hashedBeforeMe = answered;
    expect(me.status, me.text).toBe(200);
    const results = await Promise.all(flood);
    const hashed = results.filter((r) => r.status === 401).length;
    // Every answer is a precise one: checked (401), or refused at once while the checks are full.
    for (const r of results) {
      expect([401, 503], JSON.stringify(r.body)).toContain(r.status);
      if (r.status === 503) {
        expect(r.body?.error?.code).toBe('unavailable');
        expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    }
    // The token was checked while most of the flood still waited for its password checks.
    expect(hashedBeforeMe, `${hashedBeforeMe} of ${hashed} checked logins came back before /api/me`).toBeLessThan(hashed / 2);
  });
});
