/**
 * The job screen: customer and site, equipment, the next status steps, then everything
 * recorded on the job. All of it reads and writes the job's local Y.Doc, so it works the
 * same with or without a connection.
 */
import { useJob, useJobAccess, useOutbox, useOutpost, usePresence } from '@outpost/client/react';
import { addLineItem, type OpIntent, type Role } from '@outpost/shared';
import { useEffect, useMemo } from 'react';
import type { PrimedReference } from '../app/reference';
import { hrefFor } from '../app/router';
import { cancelQuestion } from '../dispatcher/Board';
import { ReviewMarkNotice } from '../dispatcher/ReviewMarkNotice';
import { useReviews } from '../dispatcher/use-reviews';
import { groupConflicts } from '@outpost/client';
import { LookupCard } from '../lookup/LookupCard';
import { RequestsSection } from '../requests/RequestsSection';
import { projectStatus } from '../sync/projected-status';
import { sawEditing } from '../sync/note-editors';
import { OnlineOnlyButton } from '../sync/OnlineOnly';
import { closedSentence } from './access-words';
import { ChecklistSection } from './ChecklistSection';
import { JobLock } from './JobLock';
import { JobHandovers } from '../dispatcher/JobHandovers';
import type { JobBlobs } from './job-blobs';
import { LineItemsSection, money } from './LineItemsSection';
import { MessagesSection } from './MessagesSection';
import { NotesSection } from './NotesSection';
import { PhotosSection } from './PhotosSection';
import { RefrigerantSection } from './RefrigerantSection';
import { SignatureSection } from './SignatureSection';
import { StatusActions } from './StatusActions';
import { TimeLogSection } from './TimeLogSection';
import { newId } from './use-job-content';

/** Props of {@link JobScreen}. */
export interface JobScreenProps {
  jobId: string;
  user: { id: string; name: string; role: Role };
  reference: PrimedReference;
}

/** One job, for the technician on site or the dispatcher in the office. */
export function JobScreen({ jobId, user, reference }: JobScreenProps) {
  const engine = useOutpost();
  const live = useJob(jobId);
  const presence = usePresence(jobId);
  const outbox = useOutbox();
  const access = useJobAccess(jobId);
  const blobs = useMemo<JobBlobs>(
    () => ({
      putPhoto: (bytes, meta) => engine.blobs.putPhoto(jobId, bytes, meta),
      putSignature: (bytes, meta) => engine.blobs.putSignature(jobId, bytes, meta),
      objectUrl: (sha) => engine.blobs.objectUrl(sha),
      uploadProgress: engine.blobs.uploadProgress,
    }),
    [engine, jobId],
  );

  useEffect(() => {
    for (const peer of presence.others) if (peer.editingNoteId) sawEditing(peer.editingNoteId, peer.user.id);
  }, [presence.others]);
  // Others see who has this job open right now (the dispatcher's schedule board shows it).
  const { setLocalPresence } = presence;
  useEffect(() => {
    setLocalPresence({ onScreen: true });
    return () => setLocalPresence({ onScreen: null });
  }, [setLocalPresence]);
  const reviews = useReviews(user.role === 'dispatcher', live?.job.server?.version);

  if (!live) return <p role="status">Opening job…</p>;
  const { doc, job } = live;
  const summary = reference.jobs.find((j) => j.id === jobId);
  const meta = { ...summary, ...job.meta };
  const customer = reference.customers.find((c) => c.id === meta.customerId);
  const equipment = reference.equipment.filter((e) => e.jobIds.includes(jobId));
  const waiting = outbox.queued.filter((i) => i.jobId === jobId).map((i) => i.op);
  const mine = (i: { jobId: string }) => i.jobId === jobId;
  // One decision per job for refused steps; a step waiting out an outage is not refused.
  const refused = groupConflicts(outbox.conflicts.filter(mine)).length + outbox.errors.filter((i) => mine(i) && i.error?.kind !== 'transient').length;
  const retrying = outbox.errors.filter((i) => mine(i) && i.error?.kind === 'transient').length;
  const review = reviews.marks[jobId];
  const serverStatus = job.server?.status ?? summary?.status ?? 'scheduled';
  const status = projectStatus(serverStatus, waiting);
  const total = job.lineItems.reduce((sum, l) => sum + l.qty * l.unitPriceCents, 0);
  const submit = (intent: OpIntent) => void engine.submitOp(jobId, intent);
  // A technician taken off the job writes nothing more to it; on a closed job, only notes
  // (docs/decisions.md, "Closed jobs are closed"). The office may still change anything.
  const technician = user.role === 'technician';
  const closed = technician ? closedSentence(status) : null;
  const removed = access !== null;
  const lockAll = removed || closed !== null;
  const lockNotes = removed || status === 'cancelled';

  return (
    <article aria-labelledby="job-title">
      <section className="card">
        <h1 id="job-title">{meta.title ?? 'Job'}</h1>
        <p>
          <strong>{customer?.name ?? 'Customer'}</strong>
          {customer?.phone ? (
            <>
              {' · '}
              <a href={`tel:${customer.phone}`}>{customer.phone}</a>
            </>
          ) : null}
        </p>
        {customer?.email ? (
          <p>
            <a href={`mailto:${customer.email}`} data-testid="customer-email">
              {customer.email}
            </a>
          </p>
        ) : null}
        <p>{meta.siteAddress ?? customer?.address}</p>
        {customer?.notes ? (
          <p className="notice warn" data-testid="customer-notes" style={{ margin: '4px 0' }}>
            <span className="grow">Customer notes: {customer.notes}</span>
          </p>
        ) : null}
        {meta.windowStart ? (
          <p className="muted">
            {new Date(meta.windowStart).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' })} –{' '}
            {meta.windowEnd ? new Date(meta.windowEnd).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : ''}
          </p>
        ) : null}
        <p className="muted">Assigned: {removed ? 'no longer you' : (job.server?.assignees ?? summary?.assignees ?? []).join(', ') || 'nobody'}</p>
        {equipment.length > 0 ? (
          <ul aria-label="Equipment" style={{ paddingLeft: 18, margin: 0 }}>
            {equipment.map((e) => (
              <li key={e.id}>
                {e.kind}: {e.make} {e.model}{' '}
                <span className="muted">
                  s/n {e.serial} · {e.refrigerant}
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {refused > 0 ? (
        <p className="notice warn" role="alert" style={{ margin: '0 0 12px' }}>
          <span className="grow">{refused === 1 ? 'A step you made was refused by the server.' : `${refused} steps you made were refused by the server.`}</span>
          <a href={hrefFor({ name: 'offline-actions' })}>Resolve</a>
        </p>
      ) : null}
      {retrying > 0 ? (
        <p className="notice warn" role="alert" style={{ margin: '0 0 12px' }}>
          <span className="grow">The server is unavailable; a step you made keeps being retried.</span>
          <a href={hrefFor({ name: 'offline-actions' })}>Details</a>
        </p>
      ) : null}
      {review ? <ReviewMarkNotice mark={review} selfId={user.id} onAcknowledge={() => reviews.acknowledge(jobId)} /> : null}
      {live.refused && live.refused.code !== 4401 && !removed ? (
        <p className="notice warn" role="alert" style={{ margin: '0 0 12px' }}>
          <span className="grow">{live.refused.reason || 'The server refused changes to this job.'} Your changes stay on this device.</span>
        </p>
      ) : null}
      <JobLock access={access} closed={closed} />
      {user.role === 'dispatcher' ? <JobHandovers jobId={jobId} /> : null}
      {/* A disabled fieldset disables every control inside it: one switch per locked part. */}
      <fieldset className="plain" disabled={removed} data-testid="status-controls">
        <StatusActions
          doc={doc}
          status={status}
          role={user.role}
          waiting={waiting.length > 0}
          onSubmit={submit}
          confirmCancel={() => window.confirm(cancelQuestion(meta.title ?? 'this job'))}
        />
      </fieldset>
      <fieldset className="plain" disabled={removed}>
        <MessagesSection doc={doc} user={user} unsent={live.unsent} />
      </fieldset>
      <fieldset className="plain" disabled={lockAll} data-locked={lockAll}>
        <ChecklistSection doc={doc} user={user} />
      </fieldset>
      <fieldset className="plain" disabled={lockNotes} data-locked={lockNotes}>
        <NotesSection doc={doc} user={user} others={presence.others} onEditing={(noteId) => presence.setLocalPresence({ editingNoteId: noteId })} />
      </fieldset>
      <fieldset className="plain" disabled={lockAll} data-locked={lockAll}>
        <PhotosSection doc={doc} blobs={blobs} />
        <SignatureSection doc={doc} blobs={blobs} />
        <TimeLogSection doc={doc} user={user} />
        <RefrigerantSection doc={doc} user={user} defaultRefrigerant={equipment[0]?.refrigerant} />
        <LineItemsSection doc={doc} pricebook={reference.pricebook} />
        <LookupCard onAddItem={(item) => addLineItem(doc, { id: newId(), pricebookId: item.id, description: item.description, qty: 1, unitPriceCents: item.unitPriceCents })} />
      </fieldset>
      <fieldset className="plain" disabled={removed}>
        <RequestsSection jobId={jobId} customerName={customer?.name ?? 'this customer'} equipment={equipment} />
      </fieldset>
      <fieldset className="plain" disabled={removed}>
        <section className="card" aria-labelledby="office-title">
          <h2 id="office-title">Office</h2>
          <div className="row">
            <OnlineOnlyButton label="Send payment link" run={() => `No payment service is connected to this server; nothing was sent for ${money(total)}.`} />
            <OnlineOnlyButton label="Send estimate" run={() => 'No estimate service is connected to this server; nothing was sent.'} />
          </div>
        </section>
      </fieldset>
    </article>
  );
}
