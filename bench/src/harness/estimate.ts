/**
 * The run time estimate printed at the start of a run, per scenario and in all, so a
 * reader knows what they are waiting for; the runner prints each scenario's actual time
 * beside its estimate and the actual total at the end. Figures in seconds on the 2-core
 * machine with three servers. Quick ones from a timed quick run of the compiled-children
 * harness (543 s in all, 26 Nov 2026, load average 8–12 from other work, part of it beside a
 * full-mode run). Full ones marked "measured" are single-scenario full runs on that same
 * loaded machine (so they overstate a quiet run); the rest from the scenarios' sizes and
 * earlier runs, not yet from a full run of this plan (update them from the "took …
 * (estimated …)" lines of the next one).
 */

interface Estimate {
  /** Seconds of a full run with 5 runs per headline figure. */
  full: number;
  /** Of which the part that scales with `BENCH_RUNS`. */
  perRunShare: number;
  /** Seconds of a quick run (`BENCH_QUICK=1`). */
  quick: number;
}

/** Per scenario id. */
export const ESTIMATES: Record<string, Estimate> = {
  'catch-up': { full: 32, perRunShare: 0.8, quick: 11 }, // full measured
  'ops-replay': { full: 35, perRunShare: 0.5, quick: 15 }, // full measured
  fanout: { full: 168, perRunShare: 0.35, quick: 31 },
  'fanout-durability': { full: 50, perRunShare: 0.4, quick: 24 }, // full measured
  'durable-writes': { full: 41, perRunShare: 0, quick: 28 }, // full measured
  'ack-latency': { full: 78, perRunShare: 0.7, quick: 25 },
  'cold-open': { full: 124, perRunShare: 0, quick: 59 }, // full measured
  'device-open': { full: 249, perRunShare: 0, quick: 38 }, // full measured (loaded: 66 estimated before)
  'many-jobs': { full: 30, perRunShare: 0, quick: 21 }, // full measured
  'idle-jobs': { full: 242, perRunShare: 0, quick: 32 }, // full measured
  memory: { full: 103, perRunShare: 0, quick: 42 }, // full measured: 133 s with its finish
  'reconnect-storm': { full: 109, perRunShare: 0.6, quick: 14 }, // full measured
  'awareness-flood': { full: 32, perRunShare: 0.4, quick: 11 }, // full measured
  'large-doc': { full: 52, perRunShare: 0, quick: 22 }, // full measured
  'scale-out': { full: 43, perRunShare: 0, quick: 54 }, // full measured
  'schedule-board': { full: 90, perRunShare: 0, quick: 53 },
};

/** Memory's last reading after its longest idle time, once the scenarios after it are done. */
const MEMORY_FINISH_S = 30;
/** Probing that every server starts, before the first scenario. */
export const STARTUP_S = 15;

/** Seconds for one scenario with `runs` runs per headline figure. */
export function estimateSeconds(id: string, quick: boolean, runs: number): number {
  const e = ESTIMATES[id];
  if (!e) return 0;
  if (quick) return e.quick;
  return Math.round(e.full * (1 - e.perRunShare + e.perRunShare * (runs / 5)));
}

/**
 * The whole run: every scenario, plus memory's deferred reading. Its longest idle time
 * (`idleS`, 5 min in a full run) overlaps the scenarios after it; only what they do not
 * cover is waited for.
 */
export function estimateRun(ids: readonly string[], quick: boolean, runs: number, memory?: { idleS: number; after: readonly string[] }): number {
  let total = STARTUP_S + ids.reduce((s, id) => s + estimateSeconds(id, quick, runs), 0);
  if (memory && ids.includes('memory')) {
    const covered = memory.after.filter((id) => ids.includes(id)).reduce((s, id) => s + estimateSeconds(id, quick, runs), 0);
    total += Math.max(0, memory.idleS - covered) + MEMORY_FINISH_S;
  }
  return total;
}

/** "12.5 min" or "45 s". */
export function showDuration(seconds: number): string {
  return seconds >= 120 ? `${(seconds / 60).toFixed(1)} min` : `${Math.round(seconds)} s`;
}
