import { describe, expect, it } from 'vitest';
import { PasswordChecks } from './password-checks';

describe('password checks', () => {
  it('never runs more checks at once than allowed, runs the waiting ones in turn, and refuses past the queue', async () => {
    const checks = new PasswordChecks(2, 3);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const check = () =>
      checks.run(async () => {
        peak = Math.max(peak, ++running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return true;
      });
    const admitted = Array.from({ length: 5 }, check);
    await expect(check()).rejects.toMatchObject({ code: 'unavailable', details: { retryAfterSeconds: 1 } });
    expect([checks.running, checks.queued]).toEqual([2, 3]);
    while (releases.length > 0 || running > 0) {
      releases.shift()?.();
      await new Promise((r) => setTimeout(r, 0));
    }
    expect(await Promise.all(admitted)).toEqual([true, true, true, true, true]);
    expect(peak).toBe(2);
    expect([checks.running, checks.queued]).toEqual([0, 0]);
  });
});
