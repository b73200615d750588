/**
 * In Offline Actions: jobs this person was taken off (or that are gone), each with what
 * became of the work they had not sent, so nothing made on a device disappears unsaid.
 */
import { useJobAccessList, useOutpost } from '@outpost/client/react';
import { useEffect } from 'react';
import { hrefFor } from '../app/router';
import { accessSentence } from '../job/access-words';
import { downloadUnsynced } from '../sync/Notices';

/** Props of {@link RemovedJobs}. */
export interface RemovedJobsProps {
  jobTitle: (jobId: string) => string | undefined;
}

/** The removed-jobs section (nothing when there is none). */
export function RemovedJobs({ jobTitle }: RemovedJobsProps) {
  const engine = useOutpost();
  const list = useJobAccessList();
  // What the office decided since (merged, discarded): asked once each time the screen opens.
  useEffect(() => void engine.refreshAccess().catch((err: unknown) => console.warn('[outpost] handover decisions', err)), [engine]);
  if (list.length === 0) return null;
  return (
    <section aria-labelledby="removed-title" style={{ marginBottom: 12 }}>
      <h2 id="removed-title">Jobs you no longer have</h2>
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {list.map((a) => (
          <li key={a.jobId} className="card" data-testid="removed-job" data-job-id={a.jobId}>
            <a href={hrefFor({ name: 'job', jobId: a.jobId })}>{jobTitle(a.jobId) ?? a.title ?? a.jobId}</a>
            <p>{accessSentence(a)}</p>
            {a.reason === 'gone' || a.handover.state === 'refused' ? (
              // The work could not reach the office: the file is the way out.
              <button type="button" className="small" onClick={() => void downloadUnsynced(engine)}>
                Export unsynced work
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
