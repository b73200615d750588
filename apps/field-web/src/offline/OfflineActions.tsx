/**
 * Offline Actions: every workflow step this device made, by state (All, Pending,
 * Conflicts, Errors, Sent), with retry / discard, and for a conflict what the server has,
 * who changed it and when, and the choice between keeping mine and keeping the server's.
 */
import { useOutbox, useSyncStatus } from '@outpost/client/react';
import { STATUS_LABELS, type JobStatus } from '@outpost/shared';
import { useState } from 'react';
import { hrefFor } from '../app/router';
import { displayName } from '../sync/merge-words';
import { describeOp, shortTime } from './op-words';
import { RemovedJobs } from './RemovedJobs';

const TABS = ['All', 'Pending', 'Conflicts', 'Errors', 'Sent'] as const;
type Tab = (typeof TABS)[number];

type OutboxState = ReturnType<typeof useOutbox>;
type Item = OutboxState['queued'][number];

/** Props of {@link OfflineActions}. */
export interface OfflineActionsProps {
  jobTitle: (jobId: string) => string | undefined;
}

function ItemCard({ item, outbox, jobTitle }: { item: Item; outbox: OutboxState; jobTitle: OfflineActionsProps['jobTitle'] }) {
  const [busy, setBusy] = useState(false);
  const act = (fn: (opId: string) => Promise<unknown>) => async () => {
    setBusy(true);
    try {
      await fn(item.opId);
    } finally {
      setBusy(false);
    }
  };
  const stateWord = item.state === 'queued' ? 'pending' : item.state;
  const title = jobTitle(item.jobId) ?? item.jobId;
  return (
    <li className={`card item ${stateWord}`} data-testid="outbox-item" data-state={item.state}>
      <div className="row">
        <strong className="grow">{describeOp(item.op)}</strong>
        <span className="pill">{stateWord}</span>
      </div>
      <p>
        <a href={hrefFor({ name: 'job', jobId: item.jobId })}>{title}</a>
        <span className="muted"> · made {shortTime(item.op.occurredAt)}</span>
      </p>
      {item.conflict ? (
        <div className="stack" data-testid="conflict">
          <p>
            The server has this job <strong>{STATUS_LABELS[item.conflict.server.status]}</strong>, changed by{' '}
            <strong>{displayName(item.conflict.server.changedBy ?? 'someone')}</strong> at {shortTime(item.conflict.server.changedAt)}.
          </p>
          <p className="muted">{item.conflict.message}</p>
          <div className="row">
            <button type="button" className="primary grow" disabled={busy} onClick={act(outbox.keepMine)}>
              Keep mine
            </button>
            <button type="button" className="grow" disabled={busy} onClick={act(outbox.keepServers)}>
              Keep server's
            </button>
          </div>
        </div>
      ) : null}
      {item.error ? <p className="disabled-reason">{item.error.message}</p> : null}
      {item.state === 'error' || item.state === 'queued' ? (
        <div className="row">
          {item.state === 'error' ? (
            <button type="button" className="small" disabled={busy} onClick={act(outbox.retry)}>
              Retry
            </button>
          ) : null}
          <button type="button" className="small danger" disabled={busy} onClick={act(outbox.discard)}>
            Discard
          </button>
        </div>
      ) : null}
      {item.state === 'sent' ? (
        <p className="muted">
          Sent {shortTime(item.sentAt)}
          {item.result ? ` · the server has it ${STATUS_LABELS[item.result.status as JobStatus] ?? item.result.status}` : ''}
          {item.result?.review ? ' · flagged for dispatcher review' : ''}
        </p>
      ) : null}
    </li>
  );
}

/** The Offline Actions screen. */
export function OfflineActions({ jobTitle }: OfflineActionsProps) {
  const outbox = useOutbox();
  const status = useSyncStatus();
  const [tab, setTab] = useState<Tab>('All');
  const lists: Record<Tab, Item[]> = {
    All: [...outbox.conflicts, ...outbox.errors, ...outbox.queued, ...[...outbox.sent].reverse()],
    Pending: outbox.queued,
    Conflicts: outbox.conflicts,
    Errors: outbox.errors,
    Sent: [...outbox.sent].reverse(),
  };
  const contentPending = Math.max(0, status.pending - outbox.queued.length);
  return (
    <section aria-labelledby="offline-title">
      <h1 id="offline-title">Offline Actions</h1>
      <RemovedJobs jobTitle={jobTitle} />
      <p className="muted" data-testid="content-pending">
        {contentPending > 0
          ? `${contentPending} note, checklist or photo ${contentPending === 1 ? 'change is' : 'changes are'} waiting to upload; they merge by themselves.`
          : 'All notes, checklists and photos are uploaded.'}
      </p>
      <div className="tabs" role="tablist" aria-label="Offline actions by state">
        {TABS.map((t) => (
          <button key={t} type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t} ({lists[t].length})
          </button>
        ))}
      </div>
      <ul role="tabpanel" aria-label={tab} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {lists[tab].length === 0 ? <li className="muted">Nothing here.</li> : null}
        {lists[tab].map((item) => (
          <ItemCard key={item.opId} item={item} outbox={outbox} jobTitle={jobTitle} />
        ))}
      </ul>
    </section>
  );
}
