/** The job checklist: big tick boxes, required items marked. */
import { useJobRoot } from '@outpost/client/react';
import { setChecklistDone } from '@outpost/shared';
import type * as Y from 'yjs';
import { nowIso } from './use-job-content';

/** Props of {@link ChecklistSection}. */
export interface ChecklistSectionProps {
  doc: Y.Doc;
  user: { id: string };
}

/** The checklist card of the job screen. */
export function ChecklistSection({ doc, user }: ChecklistSectionProps) {
  const checklist = useJobRoot(doc, 'checklist');
  const done = checklist.filter((c) => c.done).length;
  return (
    <section className="card" aria-labelledby="checklist-title">
      <h2 id="checklist-title">
        Checklist{' '}
        <span className="muted">
          ({done}/{checklist.length} done)
        </span>
      </h2>
      {checklist.length === 0 ? <p className="muted">No checklist on this job.</p> : null}
      <ul className="checklist">
        {checklist.map((item) => (
          <li key={item.id}>
            <label>
              <input type="checkbox" checked={item.done} onChange={(e) => setChecklistDone(doc, item.id, e.target.checked, user.id, nowIso())} />
              <span className="grow">
                {item.label} {item.required ? <span className="required">REQUIRED</span> : null}
                {item.done && item.doneBy ? <span className="muted"> · {item.doneBy}</span> : null}
              </span>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
