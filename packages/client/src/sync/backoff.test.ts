import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('reconnect backoff', () => {
  const policy = { baseMs: 500, maxMs: 30_000 };
  it('doubles per attempt up to the cap', () => {
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, policy, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
    expect(backoffDelay(50, policy, () => 0.999999)).toBe(30_000);
  });
  it('spreads devices out with jitter but never drops below half the step', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(2000);
    const seen = new Set(Array.from({ length: 20 }, () => backoffDelay(3, policy)));
    expect(seen.size).toBeGreaterThan(1);
    for (const d of seen) expect(d).toBeGreaterThanOrEqual(2000);
  });
});
