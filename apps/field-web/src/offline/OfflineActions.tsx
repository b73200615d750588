/**
 * Offline Actions: everything this device made that is not plainly on the server yet —
 * workflow steps AND content changes (note written, item ticked, photo added, …), one row
 * each, by state (All, Pending, Conflicts, Errors, Sent) — with retry / discard, and one
 * decision per job for steps the server refused against the office's change.
 */
import { groupConflicts, type ChangeLists } from '@outpost/client';
import { useOutbox, useOutpost } from '@outpost/client/react';
import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { ChangeCard, ConflictCard, OpCard, type JobTitle } from './cards';
import { RemovedJobs } from './RemovedJobs';

const TABS = ['All', 'Pending', 'Conflicts', 'Errors', 'Sent'] as const;
type Tab = (typeof TABS)[number];

/** Props of {@link OfflineActions}. */
export interface OfflineActionsProps {
  jobTitle: JobTitle;
}

/** A row and when it happened, for ordering mixed lists. */
interface Row {
  key: string;
  at: string;
  node: ReactNode;
}

const newestFirst = (rows: Row[]) => [...rows].sort((a, b) => b.at.localeCompare(a.at));
const oldestFirst = (rows: Row[]) => [...rows].sort((a, b) => a.at.localeCompare(b.at));

/** The Offline Actions screen. */
export function OfflineActions({ jobTitle }: OfflineActionsProps) {
  const engine = useOutpost();
  const outbox = useOutbox();
  const changes: ChangeLists = useSyncExternalStore(engine.changes.subscribe, engine.changes.get, engine.changes.get);
  const [tab, setTab] = useState<Tab>('All');

  const conflicts: Row[] = groupConflicts(outbox.conflicts).map((g) => ({
    key: g.key,
    at: g.items[0]!.enqueuedAt,
    node: <ConflictCard key={g.key} group={g} outbox={outbox} jobTitle={jobTitle} />,
  }));
  const op = (i: (typeof outbox.queued)[number], at: string): Row => ({ key: i.opId, at, node: <OpCard key={i.opId} item={i} outbox={outbox} jobTitle={jobTitle} /> });
  const change = (c: ChangeLists['pending'][number]): Row => ({ key: c.key, at: c.at, node: <ChangeCard key={c.key} change={c} jobTitle={jobTitle} /> });
  const pending = oldestFirst([...outbox.queued.map((i) => op(i, i.enqueuedAt)), ...changes.pending.map(change)]);
  const errors = oldestFirst([...outbox.errors.map((i) => op(i, i.enqueuedAt)), ...changes.failed.map(change)]);
  const sent = newestFirst([
    ...outbox.sent.map((i) => op(i, i.sentAt ?? i.enqueuedAt)),
    ...changes.sent.map((c) => ({
      key: `sent:${c.key}:${c.sentAt}`,
      at: c.sentAt,
      node: <ChangeCard key={`sent:${c.key}:${c.sentAt}`} change={{ ...c, state: 'sent' }} jobTitle={jobTitle} />,
    })),
  ]);
  const lists: Record<Tab, Row[]> = { All: [...conflicts, ...errors, ...pending, ...sent], Pending: pending, Conflicts: conflicts, Errors: errors, Sent: sent };

  return (
    <section aria-labelledby="offline-title">
      <h1 id="offline-title">Offline Actions</h1>
      <RemovedJobs jobTitle={jobTitle} />
      <p className="muted" data-testid="content-pending">
        {pending.length > 0
          ? `${pending.length} ${pending.length === 1 ? 'change is' : 'changes are'} only on this device so far; ${pending.length === 1 ? 'it uploads' : 'they upload'} by ${pending.length === 1 ? 'itself' : 'themselves'}.`
          : 'Nothing is waiting to upload.'}
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
        {lists[tab].map((row) => row.node)}
      </ul>
    </section>
  );
}
