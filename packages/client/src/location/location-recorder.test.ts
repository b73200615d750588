import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LocationPing } from '@outpost/shared';
import { LocationRecorder, tracksLocation, type PositionSource } from './location-recorder';

const here = (lat: number): PositionSource => ({
  getCurrentPosition: (ok) => ok({ coords: { latitude: lat, longitude: 13.4, accuracy: 12.4 } }),
});

describe('location for time tracking', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('takes a reading when travel starts and then one per interval, into every active job, until it stops', async () => {
    const written: [readonly string[], LocationPing][] = [];
    const rec = new LocationRecorder({
      source: here(52.5),
      intervalMs: 60_000,
      write: async (jobs, ping) => void written.push([jobs, ping]),
      now: () => new Date('2026-11-26T10:00:00Z'),
    });
    rec.setActive(['job-1'], 'alice');
    expect(written).toEqual([[['job-1'], { tech: 'alice', lat: 52.5, lon: 13.4, accuracy: 12, at: '2026-11-26T10:00:00.000Z' }]]);
    rec.setActive(['job-1'], 'alice'); // re-telling the same state is not a new reading
    await vi.advanceTimersByTimeAsync(59_000);
    expect(written).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(written).toHaveLength(2);
    rec.setActive([], 'alice');
    await vi.advanceTimersByTimeAsync(300_000);
    expect(written).toHaveLength(2);
  });

  it('says so when the permission was refused, and clears it once a reading works', () => {
    const errors: (string | null)[] = [];
    const denied: PositionSource = { getCurrentPosition: (_ok, fail) => fail({ code: 1, message: 'denied' }) };
    new LocationRecorder({ source: denied, write: async () => undefined, onError: (e) => errors.push(e) }).setActive(['job-1'], 'alice');
    new LocationRecorder({ source: here(1), write: async () => undefined, onError: (e) => errors.push(e) }).setActive(['job-1'], 'alice');
    expect(errors).toEqual([expect.stringContaining('permission was refused'), null]);
  });

  it('tracks a job while its technician travels or has the clock running, not otherwise', () => {
    const server = (status: 'en_route' | 'on_site') => ({ status, version: 2, assignees: ['alice'], changedBy: null, changedAt: null });
    expect(tracksLocation({ server: server('en_route'), time: [] }, 'alice')).toBe(true);
    expect(tracksLocation({ server: server('on_site'), time: [] }, 'alice')).toBe(false);
    const clock = { id: 't1', tech: 'alice', start: 't', end: null, kind: 'work' as const };
    expect(tracksLocation({ server: server('on_site'), time: [clock] }, 'alice')).toBe(true);
    expect(tracksLocation({ server: server('on_site'), time: [clock] }, 'bob')).toBe(false);
    expect(tracksLocation({ server: server('on_site'), time: [{ ...clock, end: 't2' }] }, 'alice')).toBe(false);
  });
});
