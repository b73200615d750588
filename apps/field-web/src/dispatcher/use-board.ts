/**
 * The dispatcher's board: every job with its live status and assignees. Read from
 * `GET /api/board` when the server pushes a job change (and right after the outbox
 * changes, and in full after a reconnect); offline it shows the primed jobs, marked as
 * last known, and the technicians of the last read (known-technicians.ts).
 */
import { useOutbox, useOutpost, useSyncStatus } from '@outpost/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { applyNotice, keepNewer } from './board-notice';
import { lastKnownTechnicians, rememberTechnicians } from './known-technicians';
import type { JobSummary } from '../app/reference';

/** Least time between two board reads while pushes stream in, ms. */
const READ_GAP_MS = 500;

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
  const [known] = useState(() => lastKnownTechnicians(engine.user?.id));

  // At least READ_GAP_MS between reads: pushes arriving meanwhile ask for one more read
  // after the gap, so a stream of updates costs two reads a second at most (each push is on
  // the board at once through applyNotice); an answer older than one already applied is
  // dropped, and a read never undoes a newer push (keepNewer).
  const reading = useRef({ again: false, timer: null as ReturnType<typeof setTimeout> | null, lastAt: -Infinity, sent: 0, applied: 0 });
  const refresh = useCallback(() => {
    const r = reading.current;
    const read = (): void => {
      const wait = r.lastAt + READ_GAP_MS - performance.now();
      if (r.timer || wait > 0) {
        r.again = true;
        r.timer ??= setTimeout(() => ((r.timer = null), r.again && read()), Math.max(wait, 0));
        return;
      }
      r.again = false;
      r.lastAt = performance.now();
      const seq = ++r.sent;
      r.timer = setTimeout(() => ((r.timer = null), r.again && read()), READ_GAP_MS);
      void engine
        .api('/api/board')
        .then(async (res) => {
          if (!res.ok) throw new Error(`board ${res.status}`);
          const body = (await res.json()) as { jobs: JobSummary[]; technicians: Technician[] };
          if (seq < r.applied) return;
          r.applied = seq;
          setBoard((b) => ({ jobs: keepNewer(b?.jobs, body.jobs), technicians: body.technicians }));
          rememberTechnicians(engine.user?.id, body.technicians);
          setLive(true);
        })
        .catch(() => setLive(false));
    };
    read();
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
    const offNotice = engine.on('jobNotice', (notice) => {
      setBoard((b) => (b ? { ...b, jobs: applyNotice(b.jobs, notice) } : b));
      refresh();
    });
    const offStale = engine.on('listsStale', refresh);
    return () => {
      offNotice();
      offStale();
    };
  }, [engine, refresh]);

  return { jobs: board?.jobs ?? [...primed], technicians: board?.technicians ?? known, live: live && board !== null, refresh };
}
