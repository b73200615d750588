/**
 * Creating a job (dispatcher). Creation needs the server (it allocates the job and its
 * document), so the form says so while offline rather than pretending.
 */
import { useOutpost, useSyncStatus } from '@outpost/client/react';
import { useState, type FormEvent } from 'react';
import type { Customer } from '../app/reference';
import { navigate } from '../app/router';
import { OnlineOnlyButton } from '../sync/OnlineOnly';
import type { Technician } from './use-board';

/** Props of {@link CreateJob}. */
export interface CreateJobProps {
  customers: readonly Customer[];
  technicians: readonly Technician[];
}

/** Checklist lines: one item per line; a leading `*` marks it required. */
export function parseChecklist(text: string): { label: string; required: boolean }[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => (line.startsWith('*') ? { label: line.slice(1).trim(), required: true } : { label: line, required: false }))
    .filter((item) => item.label.length > 0);
}

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The whole hour after the next 60 minutes: the form's default start. */
function nextWholeHour(): Date {
  const start = new Date(Date.now() + 60 * 60_000);
  start.setMinutes(0, 0, 0);
  return start;
}

/** The new-job form. */
export function CreateJob({ customers, technicians }: CreateJobProps) {
  const engine = useOutpost();
  const { connected } = useSyncStatus();
  const [title, setTitle] = useState('');
  // The customer list may arrive after the form opens (priming still loading).
  const [chosenCustomer, setCustomerId] = useState('');
  const customerId = chosenCustomer || customers[0]?.id || '';
  const [siteAddress, setSiteAddress] = useState('');
  const [windowStart, setWindowStart] = useState(() => localInput(nextWholeHour()));
  const [hours, setHours] = useState('2');
  const [assignee, setAssignee] = useState('');
  const [checklist, setChecklist] = useState('*Check refrigerant pressures\nReplace filter');
  const [error, setError] = useState<string | null>(null);
  const customer = customers.find((c) => c.id === customerId);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const startAt = new Date(windowStart);
    const body = {
      title: title.trim(),
      customerId,
      siteAddress: siteAddress.trim() || customer?.address || '',
      windowStart: startAt.toISOString(),
      windowEnd: new Date(startAt.getTime() + Number(hours) * 3_600_000).toISOString(),
      assignees: assignee ? [assignee] : [],
      checklist: parseChecklist(checklist),
    };
    try {
      const res = await engine.api('/api/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const answer = (await res.json()) as { job?: { id: string }; error?: { message: string } };
      if (!res.ok || !answer.job) throw new Error(answer.error?.message ?? `The server answered ${res.status}.`);
      void engine.priming.prime();
      navigate({ name: 'job', jobId: answer.job.id });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <form className="card stack" onSubmit={(e) => void submit(e)} aria-labelledby="new-job-title">
      <h1 id="new-job-title">New job</h1>
      <div className="field">
        <label htmlFor="nj-title">Title</label>
        <input id="nj-title" required value={title} onChange={(e) => setTitle(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="nj-customer">Customer</label>
        <select id="nj-customer" value={customerId} onChange={(e) => setCustomerId(e.target.value)}>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </div>
      <OnlineOnlyButton label="Create customer" run={() => 'Customers are created in the office system; this server has no customer API.'} />
      <div className="field">
        <label htmlFor="nj-site">Site address</label>
        <input id="nj-site" placeholder={customer?.address} value={siteAddress} onChange={(e) => setSiteAddress(e.target.value)} />
      </div>
      <div className="row">
        <div className="field" style={{ flex: '1 1 200px' }}>
          <label htmlFor="nj-start">Starts</label>
          <input id="nj-start" type="datetime-local" value={windowStart} onChange={(e) => setWindowStart(e.target.value)} />
        </div>
        <div className="field" style={{ flex: '0 0 84px' }}>
          <label htmlFor="nj-hours">Hours</label>
          <input id="nj-hours" inputMode="decimal" value={hours} onChange={(e) => setHours(e.target.value)} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="nj-tech">Technician</label>
        <select id="nj-tech" value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">Unassigned</option>
          {technicians.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="nj-checklist">Checklist (one per line, * = required)</label>
        <textarea id="nj-checklist" value={checklist} onChange={(e) => setChecklist(e.target.value)} />
      </div>
      {error ? (
        <p className="disabled-reason" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="big primary" disabled={!connected || !title.trim() || !customerId}>
        Create job
      </button>
      {!connected ? <span className="disabled-reason">Creating a job needs a connection: you are offline.</span> : null}
    </form>
  );
}
