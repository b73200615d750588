import { describe, expect, it } from 'vitest';
import { interleaved, medianRun, percentile, showSpread, spread, summarize } from '../src/harness/stats';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles, so p99 is an observed sample', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 50)).toBe(50);
    expect(summarize([3, 1, 2]).max).toBe(3);
  });
});

describe('repeated runs', () => {
  it('reports the median as an observed run and the range', () => {
    expect(spread([30, 10, 20, 50, 40])).toEqual({ n: 5, median: 30, min: 10, max: 50 });
    expect(spread([4, 1, 3, 2]).median).toBe(2);
  });

  it('ignores missing figures and shows none when nothing was measured', () => {
    expect(spread([NaN, 5]).n).toBe(1);
    expect(showSpread(spread([]))).toBe('—');
    expect(showSpread(spread([12, 10, 11]))).toBe('11 (10–12, n=3)');
    const runs = [
      { ms: 30, bytes: 3 },
      { ms: 10, bytes: 1 },
      { ms: 20, bytes: 2 },
    ];
    expect(medianRun(runs, 'ms')).toEqual({ run: { ms: 20, bytes: 2 }, spread: { n: 3, median: 20, min: 10, max: 30 } });
  });

  it('rotates the server order every run', () => {
    const servers = ['outpost', 'hocuspocus', 'ywss'];
    expect(interleaved(servers, 0)).toEqual(['outpost', 'hocuspocus', 'ywss']);
    expect(interleaved(servers, 1)).toEqual(['hocuspocus', 'ywss', 'outpost']);
    expect(interleaved(servers, 3)).toEqual(servers);
  });
});
