/**
 * Holding many jobs open for a list (the schedule board holds every job of two days) without
 * freezing the page: jobs are opened a few at a time with the page given a turn between
 * (an idle callback), and what they report is read at most once per animation frame.
 * Opening all of them at once — a device database, a subscription and the server's answer
 * each, all landing together — held the main thread for over a second.
 */
import type { JobHandle } from '../jobs/job-store';

/** Jobs opened before the page gets a turn. */
export const JOBS_PER_TURN = 6;

/** What holding jobs needs of the engine. */
export interface JobOpener {
  openJob(jobId: string): Promise<JobHandle>;
}

/** How to wait for the page's next turn; the default is an idle callback (or a timer where there is none). */
export type NextTurn = () => Promise<void>;

/** The next idle period, or 200 ms at most when the page is never idle. */
export const idleTurn: NextTurn = () =>
  new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 200 });
    else setTimeout(resolve, 0);
  });

/**
 * Opens each of `jobIds` (in order, `perTurn` at a time, waiting for `nextTurn` between
 * turns) and calls `held` with each handle; `held` may return what undoes it. Returns the
 * release: undoes every `held`, closes every handle, and stops opening the rest.
 */
export function holdJobs(
  engine: JobOpener,
  jobIds: readonly string[],
  held: (handle: JobHandle) => (() => void) | void,
  options: { perTurn?: number; nextTurn?: NextTurn; failed?: (jobId: string, error: unknown) => void } = {},
): () => void {
  const perTurn = options.perTurn ?? JOBS_PER_TURN;
  const nextTurn = options.nextTurn ?? idleTurn;
  let live = true;
  const undo: (() => void)[] = [];
  const open = async (jobId: string) => {
    try {
      const handle = await engine.openJob(jobId);
      if (!live) return handle.close();
      const off = held(handle);
      undo.push(() => {
        off?.();
        handle.close();
      });
    } catch (error) {
      if (live) options.failed?.(jobId, error);
    }
  };
  void (async () => {
    for (let i = 0; i < jobIds.length && live; i += perTurn) {
      if (i > 0) await nextTurn();
      if (!live) return;
      await Promise.all(jobIds.slice(i, i + perTurn).map(open));
    }
  })();
  return () => {
    live = false;
    undo.splice(0).forEach((u) => u());
  };
}

/** Calls `flush` once in the next animation frame however often `mark` is called before it. */
export function oncePerFrame(flush: () => void): { mark(): void; cancel(): void } {
  let pending: number | ReturnType<typeof setTimeout> | null = null;
  const frame = typeof requestAnimationFrame === 'function';
  const run = () => {
    pending = null;
    flush();
  };
  return {
    mark() {
      if (pending === null) pending = frame ? requestAnimationFrame(run) : setTimeout(run, 16);
    },
    cancel() {
      if (pending === null) return;
      if (frame) cancelAnimationFrame(pending as number);
      else clearTimeout(pending);
      pending = null;
    },
  };
}
