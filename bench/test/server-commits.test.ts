import { describe, expect, it } from 'vitest';
import { commitsBetween, parseCommitHistogram } from '../src/load/server-commits';

const metrics = (counts: number[]) =>
  [
    '# TYPE outpost_commit_seconds histogram',
    ...[0.001, 0.01, 0.1].map((le, i) => `outpost_commit_seconds_bucket{le="${le}"} ${counts[i]}`),
    `outpost_commit_seconds_bucket{le="+Inf"} ${counts[3]}`,
    `outpost_commit_seconds_sum 1.5`,
    `outpost_commit_seconds_count ${counts[3]}`,
  ].join('\n');

describe("a step's commits from Outpost's /metrics", () => {
  it('reads the cumulative buckets, +Inf as Infinity', () => {
    expect([...parseCommitHistogram(metrics([1, 5, 6, 7]))]).toEqual([
      [0.001, 1],
      [0.01, 5],
      [0.1, 6],
      [Infinity, 7],
    ]);
    expect(parseCommitHistogram('outpost_connections 3\n').size).toBe(0);
  });

  it('counts the commits between two readings and names the buckets of their 99th percentile and slowest', () => {
    const before = parseCommitHistogram(metrics([10, 20, 20, 20]));
    // 200 commits in the step: 190 under 1 ms, 8 under 10 ms, 2 under 100 ms.
    const after = parseCommitHistogram(metrics([200, 218, 220, 220]));
    expect(commitsBetween(before, after)).toEqual({ commits: 200, p99Ms: 10, maxMs: 100 });
    // One commit past the last bound: the slowest is unbounded.
    expect(commitsBetween(before, parseCommitHistogram(metrics([10, 20, 20, 21])))).toEqual({ commits: 1, p99Ms: Infinity, maxMs: Infinity });
  });

  it('gives nothing without both readings or without a commit between them', () => {
    const reading = parseCommitHistogram(metrics([1, 1, 1, 1]));
    expect(commitsBetween(null, reading)).toBeNull();
    expect(commitsBetween(reading, reading)).toBeNull();
  });
});
