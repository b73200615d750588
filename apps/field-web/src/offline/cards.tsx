/**
 * The cards of Offline Actions: a workflow step (OpCard), a content change such as a note
 * or a photo (ChangeCard), and one conflict decision per job (ConflictCard).
 */
import { useOutbox, useOutpost } from '@outpost/client/react';
import type { ConflictGroup, ContentChange, SentChange } from '@outpost/client';
import { STATUS_LABELS, type JobStatus } from '@outpost/shared';
import { useState } from 'react';
import { hrefFor } from '../app/router';
import { conflictWords } from './conflict-words';
import { describeOp, failureWords, shortTime } from './op-words';

type OutboxState = ReturnType<typeof useOutbox>;
/** One outbox item as the app sees it. */
export type Item = OutboxState['queued'][number];
/** A job's title by id. */
export type JobTitle = (jobId: string) => string | undefined;

function useBusy(): [boolean, (fn: () => Promise<unknown>) => () => Promise<void>, string | null] {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = (fn: () => Promise<unknown>) => async () => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return [busy, act, error];
}

function JobLine({ jobId, at, jobTitle }: { jobId: string; at: string | undefined; jobTitle: JobTitle }) {
  return (
    <p>
      <a href={hrefFor({ name: 'job', jobId })}>{jobTitle(jobId) ?? jobId}</a>
      <span className="muted"> · made {shortTime(at)}</span>
    </p>
  );
}

const OP_STATE_WORDS = { queued: 'pending', error: 'failed', conflict: 'conflict', sent: 'sent' } as const;

/** A workflow step (status change, assign, cancel, reopen). */
export function OpCard({ item, outbox, jobTitle }: { item: Item; outbox: OutboxState; jobTitle: JobTitle }) {
  const [busy, act] = useBusy();
  const stateWord = OP_STATE_WORDS[item.state];
  return (
    <li className={`card item ${stateWord}`} data-testid="outbox-item" data-state={item.state}>
      <div className="row">
        <strong className="grow">{describeOp(item.op)}</strong>
        <span className="pill">{stateWord}</span>
      </div>
      <JobLine jobId={item.jobId} at={item.op.occurredAt} jobTitle={jobTitle} />
      {item.error ? <p className="disabled-reason">{failureWords(item.error)}</p> : null}
      {item.state === 'error' || item.state === 'queued' ? (
        <div className="row">
          {item.state === 'error' ? (
            <button type="button" className="small" disabled={busy} onClick={act(() => outbox.retry(item.opId))}>
              Retry
            </button>
          ) : null}
          <button type="button" className="small danger" disabled={busy} onClick={act(() => outbox.discard(item.opId))}>
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

/** What discarding a change loses, asked before it is done. */
function discardQuestion(change: ContentChange, title: string): string {
  const what = change.kind === 'signature' ? 'the signature' : 'this photo';
  return `Discard ${what} on "${title}"? It never reached the server: it will be removed from the job and deleted from this device, and cannot be brought back.`;
}

/** A content change: note written, item ticked, photo added, … (pending, failed or sent). */
export function ChangeCard({ change, jobTitle }: { change: ContentChange | (SentChange & { state: 'sent' }); jobTitle: JobTitle }) {
  const engine = useOutpost();
  const [busy, act] = useBusy();
  const failed = change.state === 'failed' ? change : null;
  const blob = 'blob' in change ? change.blob : undefined;
  const title = jobTitle(change.jobId) ?? change.jobId;
  const discard = async () => {
    if (!failed?.blob || !window.confirm(discardQuestion(failed, title))) return;
    await engine.blobs.discard(failed.blob.sha256);
  };
  return (
    <li className={`card item ${change.state}`} data-testid="change-item" data-state={change.state}>
      <div className="row">
        <strong className="grow">{change.words}</strong>
        <span className="pill">{change.state}</span>
      </div>
      <JobLine jobId={change.jobId} at={'at' in change ? change.at : undefined} jobTitle={jobTitle} />
      {'error' in change && change.error ? <p className="disabled-reason">{failureWords(change.error)}</p> : null}
      {failed && blob ? (
        <div className="row">
          <button type="button" className="small" disabled={busy} onClick={act(() => engine.blobs.retry(blob.sha256))}>
            Retry
          </button>
          <button type="button" className="small danger" disabled={busy} onClick={act(discard)}>
            Discard
          </button>
        </div>
      ) : null}
      {change.state === 'sent' ? <p className="muted">Sent {shortTime(change.sentAt)}</p> : null}
    </li>
  );
}

/**
 * The newest state this device knows for a job, from its own ops' answers: a conflict card
 * is re-read against it after every resolution, so it never shows a state that is gone.
 */
export function newestKnownState(outbox: OutboxState, jobId: string): { status: JobStatus; version: number } | null {
  let best: { status: JobStatus; version: number } | null = null;
  for (const i of outbox.sent) {
    const r = i.result;
    if (i.jobId === jobId && r && (!best || r.version > best.version)) best = { status: r.status as JobStatus, version: r.version };
  }
  return best;
}

/** One decision for a job's steps refused against the same server state. */
export function ConflictCard({ group, outbox, jobTitle }: { group: ConflictGroup; outbox: OutboxState; jobTitle: JobTitle }) {
  const [busy, act, error] = useBusy();
  const known = newestKnownState(outbox, group.jobId);
  const moved = known && known.version > group.server.version ? known : null;
  const server = moved ? { ...group.server, status: moved.status } : group.server;
  const words = conflictWords({ mine: group.mine, server: group.server, steps: group.items.length });
  const keepServers = moved ? `Keep server's → stays ${STATUS_LABELS[server.status]}` : words.keepServers;
  const opId = group.items[0]!.opId;
  return (
    <li className="card item conflict" data-testid="outbox-item" data-state="conflict">
      <div className="stack" data-testid="conflict">
        <div className="row">
          <strong className="grow">{words.sentence}</strong>
          <span className="pill">conflict</span>
        </div>
        <JobLine jobId={group.jobId} at={group.mine.occurredAt} jobTitle={jobTitle} />
        {words.steps ? <p className="muted">{words.steps}</p> : null}
        {moved ? <p data-testid="conflict-now">The job has changed since: it is {STATUS_LABELS[moved.status]} now.</p> : null}
        <p className="muted">Your notes and photos are kept either way.</p>
        <div className="row">
          <button type="button" className="primary grow" disabled={busy} onClick={act(() => outbox.keepMine(opId))}>
            {words.keepMine}
          </button>
          <button type="button" className="grow" disabled={busy} onClick={act(() => outbox.keepServers(opId))}>
            {keepServers}
          </button>
        </div>
        {error ? (
          <p className="disabled-reason" role="alert">
            {error}
          </p>
        ) : null}
      </div>
    </li>
  );
}
