/** Splitting a technician's jobs into Today and Tomorrow by their scheduled window. */

/** A job with a window start. */
export interface Scheduled {
  windowStart: string;
}

/** Midnight of the day `offset` days from `now`, local time. */
function dayStart(now: Date, offset: number): number {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + offset).getTime();
}

/** Jobs for today and tomorrow, each sorted by start; anything else goes to `later`. */
export function groupByDay<T extends Scheduled>(jobs: readonly T[], now = new Date()): { today: T[]; tomorrow: T[]; later: T[] } {
  const sorted = [...jobs].sort((a, b) => a.windowStart.localeCompare(b.windowStart));
  const t0 = dayStart(now, 0);
  const t1 = dayStart(now, 1);
  const t2 = dayStart(now, 2);
  const at = (j: T) => Date.parse(j.windowStart);
  return {
    today: sorted.filter((j) => at(j) < t1 && at(j) >= t0),
    tomorrow: sorted.filter((j) => at(j) >= t1 && at(j) < t2),
    later: sorted.filter((j) => at(j) < t0 || at(j) >= t2),
  };
}
