/**
 * The requests raised from one job, as the person who raised them follows them: those
 * still in this device's outbox (pending, offline too) and those the server made into jobs,
 * with their current state. The server's list is read when the connection comes back, when
 * an op leaves the outbox, and when the server pushes that a request's job was made or moved
 * on (`requestNotice`: the raiser is not on that job and hears nothing else) — never on a timer.
 */
import { useOutbox, useOutpost, useSyncStatus } from '@outpost/client/react';
import { useEffect, useState } from 'react';
import { raisedRequests, type MadeRequest, type RaisedRequest } from './raised-requests';

/** The requests raised from `jobId`, newest last. */
export function useRaisedRequests(jobId: string): RaisedRequest[] {
  const engine = useOutpost();
  const outbox = useOutbox();
  const { connected } = useSyncStatus();
  const [made, setMade] = useState<MadeRequest[]>([]);
  const sentCount = outbox.sent.filter((i) => i.jobId === jobId && i.op.kind === 'request').length;

  useEffect(() => {
    if (!connected) return;
    let live = true;
    const read = () =>
      void engine
        .api(`/api/jobs/${encodeURIComponent(jobId)}/requests`)
        .then(async (res) => {
          if (!res.ok) throw new Error(`requests ${res.status}`);
          const body = (await res.json()) as { requests: MadeRequest[] };
          if (live) setMade(body.requests);
        })
        // The last list read stays on screen; the next read (or reconnect) tries again.
        .catch((error: unknown) => console.warn('could not read the requests of the job', error));
    read();
    const offNotice = engine.on('requestNotice', (n) => n.jobId === jobId && read());
    const offStale = engine.on('listsStale', read);
    return () => {
      live = false;
      offNotice();
      offStale();
    };
  }, [engine, jobId, connected, sentCount]);

  return raisedRequests(jobId, made, outbox);
}
