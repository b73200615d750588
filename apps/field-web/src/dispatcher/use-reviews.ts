/**
 * The open review marks (jobs whose status came from a technician's "keep mine"
 * override), read from `GET /api/reviews` while connected, and acknowledging one. Read
 * again when the server pushes a mark made or acknowledged (`reviewNotice`), when a marked
 * job moves on (`jobNotice`: a mark whose job moved on is gone) and after the channel
 * reconnects — never on a timer.
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewMark } from './review-words';

/** Review marks by job id; `refreshKey` re-reads them when it changes too (the open job's version). */
export function useReviews(enabled: boolean, refreshKey?: unknown): { marks: Record<string, ReviewMark>; acknowledge(jobId: string): Promise<void> } {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const [marks, setMarks] = useState<Record<string, ReviewMark>>({});
  // The marks as last rendered, for the push handler below (which reads them, not renders them).
  const shown = useRef(marks);
  useEffect(() => {
    shown.current = marks;
  }, [marks]);

  const refresh = useCallback(async () => {
    const res = await engine.api('/api/reviews');
    if (!res.ok) throw new Error(`reviews ${res.status}`);
    setMarks(((await res.json()) as { reviews: Record<string, ReviewMark> }).reviews);
  }, [engine]);

  useEffect(() => {
    // Offline the marks stay as last read; the next push or reconnect reads them again.
    if (!enabled || !connected) return;
    const read = () => void refresh().catch((err: unknown) => console.warn('[outpost] could not read review marks', err));
    read();
    const offs = [engine.on('reviewNotice', read), engine.on('jobNotice', (n) => shown.current[n.jobId] && read()), engine.on('listsStale', read)];
    return () => offs.forEach((off) => off());
  }, [engine, enabled, connected, refresh, refreshKey]);

  const acknowledge = useCallback(
    async (jobId: string) => {
      const res = await engine.api(`/api/jobs/${encodeURIComponent(jobId)}/review/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      if (!res.ok && res.status !== 404) throw new Error(`acknowledge ${res.status}`);
      await refresh();
    },
    [engine, refresh],
  );
  return { marks, acknowledge };
}
