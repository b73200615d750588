import { describe, expect, it } from 'vitest';
import { parseCpuTicks, stealPercent } from '../src/harness/steal';

const stat = ['cpu  300 0 50 600 10 0 5 35 0 0', 'cpu0 150 0 25 300 5 0 2 18 0 0', 'cpu1 150 0 25 300 5 0 3 17 0 0', 'intr 12345'].join('\n');

describe('steal time on a shared virtual machine', () => {
  it("reads a core's steal and total ticks from /proc/stat, or the whole machine's", () => {
    expect(parseCpuTicks(stat, 1)).toEqual({ steal: 17, total: 150 + 25 + 300 + 5 + 3 + 17 });
    expect(parseCpuTicks(stat)).toEqual({ steal: 35, total: 300 + 50 + 600 + 10 + 5 + 35 });
    expect(parseCpuTicks(stat, 7)).toBeNull();
  });

  it('gives the share of the time between two readings that went to other machines', () => {
    expect(stealPercent({ steal: 10, total: 1000 }, { steal: 30, total: 1200 })).toBe(10);
    expect(stealPercent(null, { steal: 30, total: 1200 })).toBeNull();
    expect(stealPercent({ steal: 10, total: 1000 }, { steal: 10, total: 1000 })).toBeNull();
  });
});
