import { describe, expect, it } from 'vitest';
import { groupByDay } from './day-groups';

describe('today and tomorrow lists', () => {
  it('puts each job under its day, earliest first', () => {
    const now = new Date(2026, 4, 10, 9, 0);
    const at = (d: number, h: number) => ({ windowStart: new Date(2026, 4, d, h).toISOString() });
    const jobs = [at(11, 8), at(10, 14), at(10, 8), at(12, 9)];
    const { today, tomorrow, later } = groupByDay(jobs, now);
    expect(today).toEqual([at(10, 8), at(10, 14)]);
    expect(tomorrow).toEqual([at(11, 8)]);
    expect(later).toEqual([at(12, 9)]);
  });
});
