/**
 * Summary statistics for latency samples. Percentiles use the nearest-rank method so a
 * p99 over 100 samples is an observed value, never an interpolation.
 */

/** A latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** The nearest-rank percentile `p` (0..100) of already sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Summarises latency samples (ms); NaN fields when there are none. */
export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Rounds for display and JSON: 3 significant decimals below 10, 1 above. */
export function round(n: number): number {
  if (!Number.isFinite(n)) return n;
  return Math.abs(n) < 10 ? Math.round(n * 1000) / 1000 : Math.round(n * 10) / 10;
}

/** a / b, or NaN when either side is missing. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(everyMs);
  }
  return check();
}

/** Repeated runs of one figure: median and range. */
export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median (nearest-rank lower middle for even counts, so it is an observed run) and range. */
export function spread(values: readonly number[]): Spread {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN };
  return { n: sorted.length, median: sorted[Math.ceil(sorted.length / 2) - 1]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/**
 * The spread of `key` over `runs` and the run it came from: the median is an observed run's
 * (`spread`), so a row can show that run's other figures beside the spread.
 */
export function medianRun<T extends Record<string, number | string>>(runs: readonly T[], key: string): { run: T; spread: Spread } {
  const s = spread(runs.map((r) => Number(r[key])));
  return { run: runs.find((r) => Number(r[key]) === s.median) ?? runs[0]!, spread: s };
}

/** "median (min–max, n runs)" for a table cell. */
export function showSpread(s: Spread): string {
  if (s.n === 0) return '—';
  if (s.n === 1) return String(round(s.median));
  return `${round(s.median)} (${round(s.min)}–${round(s.max)}, n=${s.n})`;
}

/**
 * The order servers run in for run `r`: rotated each run, so no server always runs first
 * (on a fresh machine) or last (after the others warmed caches or heated the CPU).
 */
export function interleaved<T>(items: readonly T[], r: number): T[] {
  if (items.length === 0) return [];
  const k = r % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
