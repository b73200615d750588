/**
 * The board's jobs and lanes kept as the same objects from one render to the next when
 * nothing they show changed, so a live update (one job's status, one reassignment) re-renders
 * the lanes and blocks it touched and leaves the other 200 blocks alone (`Lane` and
 * `JobBlock` are memoised on their props).
 */
import type { DeskJob } from './desk-jobs';
import { lanesOf } from './schedule';

/** A lane with no jobs: one array for all, so an empty lane stays the same too. */
export const NO_JOBS: readonly DeskJob[] = [];

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Whether two jobs show the same (every field equal; arrays such as assignees by their items). */
export function sameJob(a: DeskJob, b: DeskJob): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof DeskJob)[]);
  for (const k of keys) if (!sameValue(a[k], b[k])) return false;
  return true;
}

/** Holds the previous render's jobs and lanes. */
export class DeskModel {
  private previousJobs = new Map<string, DeskJob>();
  private previousLanes = new Map<string, readonly DeskJob[]>();

  /** `next`, each job replaced by its previous object when it shows the same. */
  jobs(next: readonly DeskJob[]): DeskJob[] {
    const kept = next.map((job) => {
      const before = this.previousJobs.get(job.id);
      return before && sameJob(before, job) ? before : job;
    });
    this.previousJobs = new Map(kept.map((j) => [j.id, j]));
    return kept;
  }

  /** The jobs of each lane (a job with two technicians is in both), each lane's previous array kept when it holds the same jobs in the same order. */
  byLane(shown: readonly DeskJob[]): ReadonlyMap<string, readonly DeskJob[]> {
    const next = new Map<string, DeskJob[]>();
    for (const job of shown) {
      for (const lane of lanesOf(job)) {
        const list = next.get(lane);
        if (list) list.push(job);
        else next.set(lane, [job]);
      }
    }
    const kept = new Map<string, readonly DeskJob[]>();
    for (const [lane, list] of next) {
      const before = this.previousLanes.get(lane);
      kept.set(lane, before && sameValue(before, list) ? before : list);
    }
    this.previousLanes = kept;
    return kept;
  }
}
