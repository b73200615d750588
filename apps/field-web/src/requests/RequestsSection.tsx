/**
 * Raising a request or follow-up job from a job ("Compressor needs replacing — quote"):
 * title, description, photos and the equipment it is about, for the job's customer. It is
 * queued like every step (offline too), listed as pending, and becomes a job in Requested
 * on the dispatcher's board once it reaches the server.
 */
import { useOutpost } from '@outpost/client/react';
import { STATUS_LABELS, type Equipment } from '@outpost/shared';
import { useRef, useState, type FormEvent } from 'react';
import { shrinkPhoto } from '../job/job-blobs';
import type { RaisedRequest } from './raised-requests';
import { useRaisedRequests } from './use-raised-requests';

/** Props of {@link RequestsSection}. */
export interface RequestsSectionProps {
  jobId: string;
  customerName: string;
  equipment: readonly Equipment[];
}

function stateWords(r: RaisedRequest): string {
  if (r.state === 'pending') return 'Pending: on this device until it is uploaded';
  if (r.state === 'refused') return `Refused: ${r.reason ?? 'see Offline Actions'}`;
  return STATUS_LABELS[r.state];
}

/** The requests card of the job screen. */
export function RequestsSection({ jobId, customerName, equipment }: RequestsSectionProps) {
  const engine = useOutpost();
  const raised = useRaisedRequests(jobId);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [photoIds, setPhotoIds] = useState<string[]>([]);
  const [equipmentIds, setEquipmentIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const file = useRef<HTMLInputElement>(null);

  const addPhoto = async (picked: File | undefined) => {
    if (!picked) return;
    setBusy(true);
    try {
      const { bytes, mime } = await shrinkPhoto(picked);
      const photo = await engine.blobs.putPhoto(jobId, bytes, { kind: 'damage', mime, caption: `For request: ${title.trim() || 'follow-up'}` });
      setPhotoIds((ids) => [...new Set([...ids, photo.id])]);
    } finally {
      setBusy(false);
      if (file.current) file.current.value = '';
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    await engine.submitOp(jobId, { kind: 'request', request: { title: title.trim(), description, photoIds, equipmentIds } });
    setTitle('');
    setDescription('');
    setPhotoIds([]);
    setEquipmentIds([]);
  };

  return (
    <section className="card" aria-labelledby="requests-title">
      <h2 id="requests-title">Requests and follow-ups</h2>
      <ul className="stack" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Requests raised from this job">
        {raised.map((r) => (
          <li
            key={r.opId}
            data-testid="raised-request"
            className={`item ${r.state === 'pending' ? 'pending' : r.state === 'refused' ? 'conflict' : 'sent'}`}
            style={{ paddingLeft: 8 }}
          >
            <strong>{r.title}</strong>
            <br />
            <span className="muted" data-testid="request-state">
              {stateWords(r)}
            </span>
          </li>
        ))}
      </ul>
      <form className="stack" onSubmit={submit} style={{ marginTop: 8 }} aria-label="Raise a request">
        <span className="muted">For {customerName}</span>
        <label htmlFor="request-title">Request title</label>
        <input id="request-title" value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} placeholder="Compressor needs replacing — quote" />
        <label htmlFor="request-description">What is needed</label>
        <textarea id="request-description" rows={3} maxLength={4000} value={description} onChange={(e) => setDescription(e.target.value)} />
        {equipment.length > 0 ? (
          <fieldset>
            <legend>Equipment</legend>
            {equipment.map((eq) => (
              <label key={eq.id} className="row">
                <input
                  type="checkbox"
                  checked={equipmentIds.includes(eq.id)}
                  onChange={(e) => setEquipmentIds((ids) => (e.target.checked ? [...ids, eq.id] : ids.filter((id) => id !== eq.id)))}
                />
                {eq.kind}: {eq.make} {eq.model}
              </label>
            ))}
          </fieldset>
        ) : null}
        <label htmlFor="request-photo">Add a photo to the request{photoIds.length > 0 ? ` (${photoIds.length} added)` : ''}</label>
        <input id="request-photo" ref={file} type="file" accept="image/*" capture="environment" disabled={busy} onChange={(e) => void addPhoto(e.target.files?.[0])} />
        <button type="submit" className="primary" disabled={!title.trim() || busy}>
          Raise request
        </button>
      </form>
    </section>
  );
}
