import { describe, expect, it } from 'vitest';
import { isGeneratorBound, isHeld, refineBetween, SendSchedule } from '../src/harness/schedule';

describe('the open-loop send schedule', () => {
  it('plans evenly spaced sends for the window', () => {
    const s = new SendSchedule(1000, 500, 2000);
    expect(s.planned).toBe(1000);
    expect(s.at(0)).toBe(1000);
    expect(s.at(10)).toBe(1020);
  });

  it('hands out every send that fell due, once, with its planned time', () => {
    const s = new SendSchedule(0, 1000, 10);
    expect(s.due(2.5)).toEqual([
      [0, 0],
      [1, 1],
      [2, 2],
    ]);
    expect(s.due(2.5)).toEqual([]);
    expect(s.nextAt()).toBe(3);
  });

  it('never skips sends when the generator wakes late: the backlog comes due with its planned times', () => {
    const s = new SendSchedule(0, 1000, 10);
    const late = s.due(50);
    expect(late.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(late[9]![1]).toBe(9);
    expect(s.done).toBe(true);
    expect(s.nextAt()).toBe(Infinity);
  });

  it('refuses a rate that is not positive', () => {
    expect(() => new SendSchedule(0, 0, 1000)).toThrow(/positive/);
  });
});

describe('finer steps near the knee', () => {
  it('splits between the highest held and the first failed rate', () => {
    expect(refineBetween(6000, 9000, 2)).toEqual([7000, 8000]);
  });

  it('gives nothing when the two rates are one grain apart', () => {
    expect(refineBetween(1000, 1100, 2)).toEqual([]);
  });
});

describe('the held rule', () => {
  const ok = { sentPercent: 100, deliveredPercent: 100, p99: 40, socketErrors: 0 };
  it('holds with everything sent and delivered and p99 within 100 ms', () => {
    expect(isHeld(ok)).toBe(true);
    expect(isHeld({ ...ok, p99: 100 })).toBe(true);
  });
  it('fails on p99 over 100 ms, under 99 % sent or delivered, or a socket error', () => {
    expect(isHeld({ ...ok, p99: 101 })).toBe(false);
    expect(isHeld({ ...ok, sentPercent: 98.9 })).toBe(false);
    expect(isHeld({ ...ok, deliveredPercent: 98 })).toBe(false);
    expect(isHeld({ ...ok, socketErrors: 1 })).toBe(false);
  });

  it('sets aside a failed run in which the generator fell behind while the server stayed responsive, and only that', () => {
    const failed = { held: false, genLagP99: 90, serverLoopMax: 15 };
    expect(isGeneratorBound(failed)).toBe(true);
    // The server stalled too: its own delay may be what held the generator up.
    expect(isGeneratorBound({ ...failed, serverLoopMax: 60 })).toBe(false);
    // The generator kept to its plan: the failure is the server's.
    expect(isGeneratorBound({ ...failed, genLagP99: 40 })).toBe(false);
    // A held run is never set aside.
    expect(isGeneratorBound({ ...failed, held: true })).toBe(false);
  });
});
