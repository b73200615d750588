/**
 * Outpost's group-commit times over a step, from its `/metrics` histogram
 * (`outpost_commit_seconds`, served on loopback): read before and after, the difference is
 * the step's commits. Every delivery waits for its commit (relay after commit), so a step
 * whose deliveries stalled while the event loop did not shows here whether the commits did.
 * Figures are bucket bounds ("at most"), as a histogram gives them.
 */

/** Cumulative commit counts by upper bound in seconds (`Infinity` for `+Inf`). */
export type CommitHistogram = Map<number, number>;

/** The commit histogram in a `/metrics` text; empty when the series is absent. */
export function parseCommitHistogram(text: string): CommitHistogram {
  const out: CommitHistogram = new Map();
  for (const m of text.matchAll(/^outpost_commit_seconds_bucket\{le="([^"]+)"\} (\d+(?:\.\d+)?)$/gm)) {
    out.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  }
  return out;
}

/** Reads the commit histogram of the Outpost server on `port` (null when it cannot). */
export async function readCommitHistogram(port: number): Promise<CommitHistogram | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    return res.ok ? parseCommitHistogram(await res.text()) : null;
  } catch {
    return null;
  }
}

/** A step's commits: how many, and the bucket bounds (ms) their 99th percentile and slowest fall in. */
export interface CommitFigures {
  commits: number;
  p99Ms: number;
  maxMs: number;
}

/** The commits between two readings; null without both or without a commit between them. */
export function commitsBetween(before: CommitHistogram | null, after: CommitHistogram | null): CommitFigures | null {
  if (!before || !after) return null;
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const within = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const commits = within[within.length - 1] ?? 0;
  if (commits <= 0) return null;
  const firstReaching = (n: number) => bounds[within.findIndex((c) => c >= n)]! * 1000;
  return { commits, p99Ms: firstReaching(Math.ceil(commits * 0.99)), maxMs: firstReaching(commits) };
}
