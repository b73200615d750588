/**
 * The run time estimate printed at the start of a run, per scenario and in all, so a
 * reader knows what they are waiting for; the runner prints each scenario's actual time
 * beside its estimate and the actual total at the end. Figures in seconds on the 2-core
 * machine with three servers. Quick ones from a timed quick run of the compiled-children
 * harness (543 s in all, 26 Nov 2026, load average 8–12 from other work). Full ones: the
 * "took" lines of the full run of 29 Nov 2026 19:01Z (1,113 s on a 2-core AMD EPYC machine;
 * the Intel Xeon's run of 17:27Z took 1,175 s; fan-out with every rate both hold run 5 times
 * by each server holding it, and the forwarder after them; every server and the generator
 * with a 64 MB young generation).
 * Update them from the "took … (estimated …)" lines of the next full run.
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
  fanout: { full: 230, perRunShare: 0.5, quick: 36 },
  'fanout-durability': { full: 42, perRunShare: 0.4, quick: 24 },
  'durable-writes': { full: 41, perRunShare: 0, quick: 28 },
  'ack-latency': { full: 86, perRunShare: 0.6, quick: 25 },
  'cold-open': { full: 63, perRunShare: 0, quick: 59 },
  'schedule-board': { full: 82, perRunShare: 0, quick: 53 },
  'idle-jobs': { full: 127, perRunShare: 0, quick: 32 },
  'device-open': { full: 39, perRunShare: 0, quick: 20 },
  memory: { full: 61, perRunShare: 0, quick: 42 },
  // After memory: these run beside its 5-minute idle wait.
  'many-jobs': { full: 64, perRunShare: 0.5, quick: 21 },
  'ops-replay': { full: 33, perRunShare: 0.5, quick: 15 },
  'catch-up': { full: 33, perRunShare: 0.8, quick: 11 },
  'reconnect-storm': { full: 49, perRunShare: 0.6, quick: 14 },
  'awareness-flood': { full: 26, perRunShare: 0.4, quick: 11 },
  'large-doc': { full: 49, perRunShare: 0, quick: 25 },
  'scale-out': { full: 64, perRunShare: 0.8, quick: 30 },
};

/** Memory's last readings after its longest idle time (and the no-sockets wait, 13 s), once the scenarios after it are done. */
const MEMORY_FINISH_S = 18;
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
