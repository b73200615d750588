/**
 * What the job list says about the jobs saved on this device: while a first download runs,
 * "Saving 7 jobs to this device… 3 of 7"; once done, "Ready to work offline: 7 jobs,
 * 6 customers, 50 pricebook items, 9 equipment records".
 */
import { failureWords, type FailureLike } from '../offline/op-words';

/** The part of the priming state the words read. */
export interface PrimingLike {
  primedAt: string | null;
  complete: boolean;
  running: boolean;
  error: string | null;
  counts: { jobs: number; customers: number; equipment: number; pricebook: number };
  progress?: { done: number; total: number } | null;
  failure?: FailureLike | null;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The status line, and whether the job sections have anything truthful to show yet. */
export function primingWords(p: PrimingLike, connected: boolean): { line: string; listReady: boolean } {
  const firstRun = !p.primedAt;
  if (firstRun && p.running) {
    const line = p.progress ? `Saving ${count(p.progress.total, 'job', 'jobs')} to this device… ${p.progress.done} of ${p.progress.total}` : 'Saving your jobs to this device…';
    return { line, listReady: false };
  }
  if (firstRun) {
    const why = p.failure && connected ? ` ${failureWords(p.failure)}` : connected ? '' : ' Connect to download them.';
    return { line: `No jobs saved on this device yet.${why}`, listReady: false };
  }
  const c = p.counts;
  const ready = `Ready to work offline: ${count(c.jobs, 'job', 'jobs')}, ${count(c.customers, 'customer', 'customers')}, ${count(c.pricebook, 'pricebook item', 'pricebook items')}, ${count(c.equipment, 'equipment record', 'equipment records')}`;
  if (!p.complete && p.error && connected) return { line: `Saved on this device, but incomplete: ${p.failure ? failureWords(p.failure) : p.error}`, listReady: true };
  return { line: ready, listReady: true };
}
