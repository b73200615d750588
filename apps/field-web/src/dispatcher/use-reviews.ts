/**
 * The open review marks (jobs whose status came from a technician's "keep mine"
 * override), read from `GET /api/reviews` while connected, and acknowledging one.
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import { useCallback, useEffect, useState } from 'react';
import type { ReviewMark } from './review-words';

/** Review marks by job id; `refreshKey` re-reads them when it changes (a board poll, a job version). */
export function useReviews(enabled: boolean, refreshKey: unknown): { marks: Record<string, ReviewMark>; acknowledge(jobId: string): Promise<void> } {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const [marks, setMarks] = useState<Record<string, ReviewMark>>({});

  const refresh = useCallback(async () => {
    const res = await engine.api('/api/reviews');
    if (!res.ok) throw new Error(`reviews ${res.status}`);
    setMarks(((await res.json()) as { reviews: Record<string, ReviewMark> }).reviews);
  }, [engine]);

  useEffect(() => {
    // Offline the marks stay as last read; the next answer refreshes them.
    // eslint-disable-next-line react-hooks/set-state-in-effect -- refresh sets the marks only after the server answers (after an await), never synchronously
    if (enabled && connected) void refresh().catch((err: unknown) => console.warn('[outpost] could not read review marks', err));
  }, [enabled, connected, refresh, refreshKey]);

  const acknowledge = useCallback(
    async (jobId: string) => {
      const res = await engine.api(`/api/jobs/${encodeURIComponent(jobId)}/review/ack`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
      });
      if (!res.ok && res.status !== 404) throw new Error(`acknowledge ${res.status}`);
      await refresh();
    },
    [engine, refresh],
  );
  return { marks, acknowledge };
}
