import { describe, expect, it } from 'vitest';
import { failureAfter, failureKind, isDue, isFlagged, retryDelay, serverWait } from './retry-schedule';

describe('the retry schedule', () => {
  it('waits about 1 s, 5 s, 30 s, then every 60 s', () => {
    expect([1, 2, 3, 4, 5, 50].map((n) => retryDelay(n, () => 0.5))).toEqual([1_000, 5_000, 30_000, 60_000, 60_000, 60_000]);
  });

  it('jitters each delay within ±20 % so devices that lost the same server do not return in step', () => {
    expect(retryDelay(1, () => 0)).toBe(800);
    expect(retryDelay(1, () => 0.999_999)).toBe(1_200);
    expect(retryDelay(4, () => 0)).toBe(48_000);
    const seen = new Set(Array.from({ length: 30 }, () => retryDelay(2)));
    expect(seen.size).toBeGreaterThan(5);
    for (const d of seen) expect(d >= 4_000 && d <= 6_000).toBe(true);
  });

  it('calls no answer, 408, 425, 429 and 5xx transient, and every other 4xx a refusal', () => {
    expect([null, 408, 425, 429, 500, 502, 503].map(failureKind)).toEqual(Array(7).fill('transient'));
    expect([400, 403, 404, 409, 413, 415, 422].map(failureKind)).toEqual(Array(7).fill('permanent'));
  });

  it('flags after three transient failures or one refusal, and keeps a flagged transient item due for background retries', () => {
    expect([1, 2, 3].map((n) => isFlagged(n, 'transient'))).toEqual([false, false, true]);
    expect(isFlagged(1, 'permanent')).toBe(true);
    const now = Date.parse('2026-11-26T11:40:00Z');
    const flagged = failureAfter(3, 503, { code: 'unavailable', message: 'busy' }, now, () => 0.5);
    expect(flagged.retryAt).toBe('2026-11-26T11:40:30.000Z');
    expect(isDue(flagged, now + 29_999)).toBe(false);
    expect(isDue(flagged, now + 30_000)).toBe(true);
    const refused = failureAfter(1, 415, { code: 'unsupported_media_type', message: 'Send blobs as image/*.' }, now);
    expect(refused).toEqual({ code: 'unsupported_media_type', message: 'Send blobs as image/*.', kind: 'permanent' });
    expect(isDue(refused, now + 3_600_000)).toBe(false);
  });

  it('never retries sooner than the wait a 429 names (Retry-After), and keeps its own longer delays', () => {
    const now = Date.parse('2026-11-26T11:40:00Z');
    const limited = { code: 'rate_limited', message: 'slow down' };
    expect(serverWait({ retryAfterSeconds: 7 })).toBe(7_000);
    expect([serverWait(undefined), serverWait({}), serverWait({ retryAfterSeconds: 'soon' }), serverWait({ retryAfterSeconds: -1 })]).toEqual([0, 0, 0, 0]);
    expect(failureAfter(1, 429, limited, now, () => 0.5, 7_000).retryAt).toBe('2026-11-26T11:40:07.000Z');
    expect(failureAfter(3, 429, limited, now, () => 0.5, 7_000).retryAt).toBe('2026-11-26T11:40:30.000Z');
  });
});
