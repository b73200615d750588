import { describe, expect, it } from 'vitest';
import { parseThreadStat, threadShares } from '../src/harness/threads';

// A /proc/<pid>/task/<tid>/stat line: utime 300 and stime 50 ticks (fields 14 and 15).
const line = (tid: number, name: string, utime: number, stime: number) => `${tid} (${name}) S 1 1 1 0 -1 4194304 10 0 0 0 ${utime} ${stime} 0 0 20 0 9 0 100 0 0`;

describe('CPU per thread of a server process', () => {
  it('reads the name and the user + system ticks of a thread, a name with spaces and parentheses too', () => {
    expect(parseThreadStat(line(12, 'node', 300, 50))).toEqual({ name: 'node', ticks: 350 });
    expect(parseThreadStat(line(13, 'V8 (Default) Worker', 7, 1))).toEqual({ name: 'V8 (Default) Worker', ticks: 8 });
    expect(parseThreadStat('garbage')).toBeNull();
  });

  it("gives each thread's share of one core over the step, busiest first, the main thread marked", () => {
    const before = new Map([
      [100, { name: 'node', ticks: 1000 }],
      [104, { name: 'node', ticks: 50 }],
    ]);
    const after = new Map([
      [100, { name: 'node', ticks: 1140 }],
      [104, { name: 'node', ticks: 90 }],
      [107, { name: 'libuv-worker', ticks: 0 }],
    ]);
    // 2 s at 100 ticks/s: 140 ticks are 70 % of a core, 40 ticks 20 %.
    expect(threadShares(100, before, after, 2000)).toEqual([
      { tid: 100, name: 'node', main: true, percent: 70 },
      { tid: 104, name: 'node', main: false, percent: 20 },
    ]);
  });
});
