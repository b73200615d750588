import { describe, expect, it } from 'vitest';
import { IdleClock } from './idle-clock';

describe('idle clock (hibernation after a process freeze)', () => {
  it('lets docs hibernate at sweeps on time, and not for one idle period after a sweep that came late', () => {
    const clock = new IdleClock(100, 400);
    expect(clock.mayHibernate(0)).toBe(true);
    expect(clock.mayHibernate(100)).toBe(true);
    expect(clock.mayHibernate(210)).toBe(true); // a little late is not a freeze
    expect(clock.mayHibernate(5_000)).toBe(false); // frozen for ~5 s
    expect(clock.mayHibernate(5_100)).toBe(false);
    expect(clock.mayHibernate(5_300)).toBe(false);
    expect(clock.mayHibernate(5_400)).toBe(true);
  });
});
