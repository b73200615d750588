import { describe, expect, it } from 'vitest';
import { ESTIMATES, estimateRun, estimateSeconds, showDuration, STARTUP_S } from '../src/harness/estimate';
import { SCENARIOS } from '../src/scenarios/index';

describe('the run time estimate', () => {
  it('has an estimate for every scenario', () => {
    expect(SCENARIOS.map((s) => s.id).filter((id) => !ESTIMATES[id])).toEqual([]);
  });

  it('scales only the per-run share with the run count', () => {
    const e = ESTIMATES.fanout!;
    expect(estimateSeconds('fanout', false, 5)).toBe(e.full);
    expect(estimateSeconds('fanout', false, 1)).toBe(Math.round(e.full * (1 - e.perRunShare * 0.8)));
    expect(estimateSeconds('fanout', true, 1)).toBe(e.quick);
  });

  it("waits for memory's longest idle time only where the scenarios after it do not cover it", () => {
    const after = ['large-doc'];
    const covered = estimateSeconds('large-doc', false, 5);
    const base = estimateSeconds('memory', false, 5) + covered;
    const long = estimateRun(['memory', 'large-doc'], false, 5, { idleS: covered + 100, after });
    const short = estimateRun(['memory', 'large-doc'], false, 5, { idleS: covered - 10, after });
    expect(long - short).toBe(100);
    expect(short).toBeGreaterThan(base);
    expect(estimateRun(['large-doc'], false, 5, { idleS: 300, after })).toBe(STARTUP_S + covered);
  });

  it('shows minutes from two minutes on', () => {
    expect(showDuration(45)).toBe('45 s');
    expect(showDuration(900)).toBe('15.0 min');
  });
});

describe('the full run estimate', () => {
  it('is printed from every scenario with the memory wait', async () => {
    const ids = SCENARIOS.map((s) => s.id);
    const total = estimateRun(ids, false, 5, { idleS: 300, after: ids.slice(ids.indexOf('memory') + 1) });
    console.info(
      `[estimate] full run ${showDuration(total)}, BENCH_RUNS=3 ${showDuration(estimateRun(ids, false, 3, { idleS: 300, after: ids.slice(ids.indexOf('memory') + 1) }))}`,
    );
    expect(total).toBeGreaterThan(ids.reduce((s, id) => s + estimateSeconds(id, false, 5), 0));
  });
});
