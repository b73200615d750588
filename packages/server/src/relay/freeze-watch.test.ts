import { describe, expect, it } from 'vitest';
import { FreezeWatch } from './freeze-watch';

/** Turns of the loop every 100 ms from `from` to `to`. */
function ticks(watch: FreezeWatch, from: number, to: number): void {
  for (let t = from; t <= to; t += 100) watch.check(t);
}

describe('freeze watch (quiet after a process freeze)', () => {
  it('counts quiet from the last turn of the loop that came far too late', () => {
    const watch = new FreezeWatch(1000, 0, 0);
    ticks(watch, 100, 1900);
    ticks(watch, 2800, 5400); // one turn 900 ms late: a busy loop, not a freeze
    expect(watch.quietLeft(5000, 5450)).toBe(0); // quiet is whatever the caller measured
    // Frozen from 5.4 s to 12 s: a 5 s timer due meanwhile fires at the resume.
    expect(watch.quietLeft(5000, 12_000)).toBe(5000);
    ticks(watch, 12_100, 14_000);
    expect(watch.quietLeft(5000, 14_000)).toBe(3000);
    ticks(watch, 14_100, 17_000);
    expect(watch.quietLeft(5000, 17_000)).toBe(0);
  });

  it('sees a freeze even when the quiet timer runs before its own interval at the resume', () => {
    const watch = new FreezeWatch(1000, 0, 0);
    expect(watch.quietLeft(200, 3000)).toBe(200);
  });

  it('lets docs hibernate at sweeps on time, and not for one idle period after a sweep that came late', () => {
    // Until 29 Nov the hibernation sweep had a clock of its own (IdleClock), late at 3 sweeps.
    const watch = new FreezeWatch(300, 0, 0);
    const mayHibernate = (now: number) => watch.quietLeft(400, now) === 0;
    expect(mayHibernate(0)).toBe(true);
    expect(mayHibernate(100)).toBe(true);
    expect(mayHibernate(210)).toBe(true); // a little late is not a freeze
    expect(mayHibernate(5_000)).toBe(false); // frozen for ~5 s
    expect(mayHibernate(5_100)).toBe(false);
    expect(mayHibernate(5_300)).toBe(false);
    expect(mayHibernate(5_400)).toBe(true);
  });
});
