/**
 * A job's op history (`GET /api/jobs/:id/ops`): who did what, on which device, when the
 * device made it and when the server took it. Re-read when the job's version moves.
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import { useEffect, useState } from 'react';

interface LoggedOp {
  opId: string;
  deviceId: string;
  actor: string;
  kind: string;
  to: string | null;
  assignees: string[];
  occurredAt: string;
  receivedAt: string;
  outcome: 'applied' | 'rejected';
  code: string | null;
  review: boolean;
}

function stamp(iso: string): string {
  return new Date(iso).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function what(op: LoggedOp): string {
  if (op.kind === 'transition') return `→ ${op.to}`;
  if (op.kind === 'assign') return `assign ${op.assignees.join(', ') || 'nobody'}`;
  return op.kind;
}

/** The op log of one job, newest first. */
export function OpHistory({ jobId, version }: { jobId: string; version: number | undefined }) {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const [ops, setOps] = useState<LoggedOp[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    void engine
      .api(`/api/jobs/${encodeURIComponent(jobId)}/ops`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`The server answered ${res.status}.`);
        const body = (await res.json()) as { ops: LoggedOp[] };
        if (live) {
          setOps(body.ops);
          setError(null);
        }
      })
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [engine, jobId, version, connected]);

  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {error ? <p className="disabled-reason">{error}</p> : null}
      {!ops ? <p className="muted">{connected ? 'Reading…' : 'The history needs a connection.'}</p> : null}
      <ol className="history" reversed>
        {[...(ops ?? [])].reverse().map((op) => (
          <li key={op.opId} data-testid="history-op">
            <strong>{what(op)}</strong> by {op.actor}
            {op.outcome === 'rejected' ? ` — refused (${op.code})` : ''}
            {op.review ? ' — kept over the office (review)' : ''}
            <span className="block-sub">
              device {op.deviceId.slice(0, 8)} made it {stamp(op.occurredAt)} · server took it {stamp(op.receivedAt)}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
