/**
 * The office's moves on the schedule board: assign (a workflow op through the outbox) and
 * reschedule (a write of the job doc's office-owned `meta` window: docs/decisions.md,
 * "A reschedule is a meta write"). Both queue on the device while offline.
 */
import { useOutpost } from '@outpost/client/react';
import { useCallback, useState } from 'react';

/** How long a reschedule waits for the server's copy of the job before writing anyway. */
const SYNC_WAIT_MS = 3000;

/** A window the dispatcher set that the board's server read may not show yet. */
export type MovedWindows = Record<string, { windowStart: string; windowEnd: string }>;

/** Assign and reschedule, and the windows moved on this device but not yet read back. */
export interface DeskActions {
  assign(jobId: string, assignees: string[]): void;
  reschedule(jobId: string, window: { windowStart: string; windowEnd: string }): void;
  moved: MovedWindows;
  /** The last failure, in words, or null. */
  error: string | null;
}

/** The board's write side; `refresh` re-reads the board after an op was answered. */
export function useDeskActions(refresh: () => void): DeskActions {
  const engine = useOutpost();
  const [moved, setMoved] = useState<MovedWindows>({});
  const [error, setError] = useState<string | null>(null);

  const assign = useCallback(
    (jobId: string, assignees: string[]) => {
      // Refused or queued ops land in Offline Actions like every other op.
      void engine.submitOp(jobId, { kind: 'assign', assignees }).then(refresh, (err: unknown) => setError(`Could not assign: ${String(err)}`));
    },
    [engine, refresh],
  );

  const reschedule = useCallback(
    (jobId: string, window: { windowStart: string; windowEnd: string }) => {
      setMoved((m) => ({ ...m, [jobId]: window }));
      void (async () => {
        const job = await engine.openJob(jobId);
        try {
          // Write on top of the server's copy when it can be had, so the meta write follows
          // the window it replaces; offline the device's copy is what there is.
          if (engine.status.get().connected) {
            await Promise.race([job.whenSynced(), new Promise((r) => setTimeout(r, SYNC_WAIT_MS))]);
          }
          job.doc.transact(() => {
            const meta = job.doc.getMap('meta');
            meta.set('windowStart', window.windowStart);
            meta.set('windowEnd', window.windowEnd);
          });
        } finally {
          // The job stays open in the background until the write is durable (job-store.ts).
          job.close();
        }
        // No timed re-read: once the write is stored the server pushes `rescheduled` and the board reads it then.
      })().catch((err: unknown) => setError(`Could not reschedule: ${String(err)}`));
    },
    [engine],
  );

  return { assign, reschedule, moved, error };
}
