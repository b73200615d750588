/**
 * The office's own controls for the selected job in the side panel: who is on it and when
 * it is. (Cancel with confirmation and reopen are the dispatcher's status steps on the job
 * screen below; the technician's status buttons are not offered to the office.)
 */
import { useState } from 'react';
import type { Technician } from '../use-board';
import type { DeskJob } from './desk-jobs';

function localInput(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Props of {@link OfficeActions}. */
export interface OfficeActionsProps {
  job: DeskJob;
  technicians: readonly Technician[];
  assign(assignees: string[]): void;
  reschedule(window: { windowStart: string; windowEnd: string }): void;
}

/** Assign and reschedule, in the side panel. */
export function OfficeActions({ job, technicians, assign, reschedule }: OfficeActionsProps) {
  const [start, setStart] = useState(localInput(job.windowStart));
  const length = Date.parse(job.windowEnd) - Date.parse(job.windowStart);
  const moveTo = () => {
    const at = new Date(start);
    if (Number.isNaN(at.getTime())) return;
    reschedule({ windowStart: at.toISOString(), windowEnd: new Date(at.getTime() + length).toISOString() });
  };
  return (
    <section className="card stack" aria-labelledby="office-actions-title">
      <h2 id="office-actions-title">Dispatch</h2>
      <div className="row" role="group" aria-label="Technicians on this job">
        {technicians.map((t) => {
          const on = job.assignees.includes(t.id);
          return (
            <button
              key={t.id}
              type="button"
              className={`small chip${on ? ' on' : ''}`}
              aria-pressed={on}
              onClick={() => assign(on ? job.assignees.filter((a) => a !== t.id) : [...job.assignees, t.id])}
            >
              {on ? '✓ ' : ''}
              {t.name}
            </button>
          );
        })}
      </div>
      <div className="row">
        <label htmlFor="panel-start">Starts</label>
        <input id="panel-start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} style={{ width: 'auto' }} />
        <button type="button" className="small" onClick={moveTo}>
          Reschedule
        </button>
      </div>
    </section>
  );
}
