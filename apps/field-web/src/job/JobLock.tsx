/**
 * Why the job takes no changes from this person, as one clear line at the top of the job
 * screen: taken off the job (and what became of their unsent work), or the job is closed.
 */
import type { JobAccess } from '@outpost/client';
import { useOutpost } from '@outpost/client/react';
import { useEffect } from 'react';
import { hrefFor } from '../app/router';
import { accessSentence } from './access-words';

/** Props of {@link JobLock}. */
export interface JobLockProps {
  access: JobAccess | null;
  closed: string | null;
}

/** The read-only line of the job screen (nothing while the job is open to this person). */
export function JobLock({ access, closed }: JobLockProps) {
  const engine = useOutpost();
  const awaiting = access?.handover.state === 'sent' && access.handover.decision === 'parked';
  // What the office decided since (merged, discarded): asked when the job opens.
  useEffect(() => {
    if (awaiting) void engine.refreshAccess().catch((err: unknown) => console.warn('[outpost] handover decisions', err));
  }, [engine, awaiting]);
  if (access) {
    return (
      <p className="notice warn" role="alert" data-testid="job-lock" style={{ margin: '0 0 12px' }}>
        <span className="grow">{accessSentence(access)} This job is read-only on this device.</span>
        <a href={hrefFor({ name: 'offline-actions' })}>Offline Actions</a>
      </p>
    );
  }
  if (closed) {
    return (
      <p className="notice" role="status" data-testid="job-lock" style={{ margin: '0 0 12px' }}>
        {closed}
      </p>
    );
  }
  return null;
}
