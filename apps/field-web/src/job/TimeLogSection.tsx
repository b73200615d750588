/** Time log: start and stop the clock for travel, work or a break. */
import { useJobRoot } from '@outpost/client/react';
import { startTime, stopTime, type TimeEntry } from '@outpost/shared';
import { useState } from 'react';
import type * as Y from 'yjs';
import { newId, nowIso } from './use-job-content';

/** Props of {@link TimeLogSection}. */
export interface TimeLogSectionProps {
  doc: Y.Doc;
  user: { id: string };
}

function minutes(entry: TimeEntry): string {
  if (!entry.end) return 'running';
  const m = Math.round((Date.parse(entry.end) - Date.parse(entry.start)) / 60_000);
  return `${m} min`;
}

/** The time log card of the job screen. */
export function TimeLogSection({ doc, user }: TimeLogSectionProps) {
  const time = useJobRoot(doc, 'time');
  const [kind, setKind] = useState<TimeEntry['kind']>('work');
  const running = time.find((t) => t.tech === user.id && t.end === null);
  return (
    <section className="card" aria-labelledby="time-title">
      <h2 id="time-title">Time log</h2>
      <table>
        <tbody>
          {time.map((t) => (
            <tr key={t.id}>
              <td>{t.kind}</td>
              <td>{t.tech}</td>
              <td>{new Date(t.start).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</td>
              <td>{minutes(t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {running ? (
        <button type="button" className="big danger" style={{ marginTop: 8 }} onClick={() => stopTime(doc, running.id, nowIso())}>
          Stop {running.kind} clock
        </button>
      ) : (
        <div className="row" style={{ marginTop: 8 }}>
          <select aria-label="Time kind" value={kind} onChange={(e) => setKind(e.target.value as TimeEntry['kind'])} style={{ width: 'auto' }}>
            <option value="travel">travel</option>
            <option value="work">work</option>
            <option value="break">break</option>
          </select>
          <button type="button" className="primary grow" onClick={() => startTime(doc, { id: newId(), tech: user.id, start: nowIso(), kind })}>
            Start clock
          </button>
        </div>
      )}
    </section>
  );
}
