/**
 * Work technicians handed over after being taken off a job, parked for the dispatcher
 * (`GET /api/handovers`). Read when the connection is there, again whenever the server
 * pushes a handover parked, merged or discarded, and in full after the channel reconnects
 * (pushes may have been missed) — never on a timer.
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import type { Handover } from '@outpost/shared';
import { useCallback, useEffect, useState } from 'react';

/** Parked handovers, and merge / discard. */
export interface HandoversView {
  parked: Handover[];
  decide(id: string, decision: 'merge' | 'discard'): Promise<void>;
  /** The server's words when a decision failed. */
  error: string | null;
}

/** The parked handovers while connected (none offline: merging needs the server). */
export function useHandovers(): HandoversView {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const [parked, setParked] = useState<Handover[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const res = await engine.api('/api/handovers');
    if (!res.ok) throw new Error(`handovers ${res.status}`);
    const next = ((await res.json()) as { handovers: Handover[] }).handovers;
    // The poll mostly brings the same list: keep the old one, so the board does not re-render.
    setParked((last) => (JSON.stringify(last) === JSON.stringify(next) ? last : next));
  }, [engine]);

  useEffect(() => {
    if (!connected) return;
    // A failed read leaves the last list up; the next push or reconnect reads again.
    const read = () => void refresh().catch((err: unknown) => console.warn('[outpost] could not read handovers', err));
    read();
    const offNotice = engine.on('handoverNotice', read);
    const offStale = engine.on('listsStale', read);
    return () => {
      offNotice();
      offStale();
    };
  }, [engine, connected, refresh]);

  const decide = useCallback(
    async (id: string, decision: 'merge' | 'discard') => {
      const res = await engine.api(`/api/handovers/${encodeURIComponent(id)}/${decision}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
      setError(res.ok ? null : (body?.error?.message ?? `HTTP ${res.status}`));
      await refresh().catch((err: unknown) => console.warn("[outpost] could not re-read the handovers (the server's push re-reads them too)", err));
    },
    [engine, refresh],
  );

  return { parked, decide, error };
}
