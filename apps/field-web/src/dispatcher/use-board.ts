/**
 * The dispatcher's board: every job with its live status and assignees. Read from
 * `GET /api/board` when the server pushes a job change (and right after the outbox
 * changes, and in full after a reconnect); offline it shows the primed jobs, marked as
 * last known.
 */
import { useOutbox, useOutpost, useSyncStatus } from '@outpost/client/react';
import { useCallback, useEffect, useState } from 'react';
import type { JobSummary } from '../app/reference';

/** A technician the dispatcher can assign. */
export interface Technician {
  id: string;
  name: string;
}

/** What the board shows. */
export interface BoardView {
  jobs: JobSummary[];
  technicians: Technician[];
  /** False when the list is the device's last known copy. */
  live: boolean;
  refresh: () => void;
}

/** The live board, falling back to `primed` jobs when the server cannot be reached. */
export function useBoard(primed: readonly JobSummary[]): BoardView {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const outbox = useOutbox();
  const [board, setBoard] = useState<{ jobs: JobSummary[]; technicians: Technician[] } | null>(null);
  const [live, setLive] = useState(false);

  const refresh = useCallback(() => {
    void engine
      .api('/api/board')
      .then(async (res) => {
        if (!res.ok) throw new Error(`board ${res.status}`);
        const body = (await res.json()) as { jobs: JobSummary[]; technicians: Technician[] };
        setBoard({ jobs: body.jobs, technicians: body.technicians });
        setLive(true);
      })
      .catch(() => setLive(false));
  }, [engine]);

  // Re-read the board whenever an op moves (queued → sent leaves the total unchanged).
  const outboxShape = `${outbox.queued.length}/${outbox.sent.length}/${outbox.conflicts.length}/${outbox.errors.length}`;
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the board stops being live the moment the connection drops (one extra render per disconnect)
    if (!connected) return setLive(false);
    refresh();
  }, [connected, refresh, outboxShape]);

  // Pushed job changes (created, assigned, status) and a reconnect re-read the board: no polling.
  useEffect(() => {
    const offNotice = engine.on('jobNotice', refresh);
    const offStale = engine.on('listsStale', refresh);
    return () => {
      offNotice();
      offStale();
    };
  }, [engine, refresh]);

  return { jobs: board?.jobs ?? [...primed], technicians: board?.technicians ?? [], live: live && board !== null, refresh };
}
