/**
 * "Alice has unsent work on this job: 1 note, 1 photo — Merge / Discard": a technician's
 * work handed over after they were taken off the job, for the dispatcher to decide.
 * The photos and signature it names are shown from the server.
 */
import { useOutpost } from '@outpost/client/react';
import { handoverWords, type Handover } from '@outpost/shared';
import { useEffect, useState } from 'react';

function Thumb({ sha }: { sha: string }) {
  const engine = useOutpost();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Not uploaded yet (or refused): the card still says what the work holds.
    void engine.blobs.objectUrl(sha).then(
      (u) => live && setUrl(u),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [engine, sha]);
  return url ? <img src={url} alt="Handed-over photo or signature" data-testid="handover-blob" width={56} height={56} style={{ objectFit: 'cover', borderRadius: 6 }} /> : null;
}

/** Props of {@link HandoverCard}. */
export interface HandoverCardProps {
  handover: Handover;
  decide(id: string, decision: 'merge' | 'discard'): Promise<void>;
}

/** One parked handover with Merge and Discard. */
export function HandoverCard({ handover, decide }: HandoverCardProps) {
  const [busy, setBusy] = useState(false);
  const act = (decision: 'merge' | 'discard') => async () => {
    setBusy(true);
    try {
      await decide(handover.id, decision);
    } finally {
      setBusy(false);
    }
  };
  const first = handover.technician.name.split(' ')[0];
  return (
    <div className="notice warn stack" data-testid="handover" data-handover-id={handover.id} style={{ alignItems: 'stretch' }}>
      <p>
        <strong>{first}</strong> has unsent work on this job: {handoverWords(handover.summary)}
      </p>
      {handover.blobs.length > 0 ? (
        <div className="row">
          {handover.blobs.map((sha) => (
            <Thumb key={sha} sha={sha} />
          ))}
        </div>
      ) : null}
      <div className="row">
        <button type="button" className="small primary" disabled={busy} onClick={act('merge')} aria-label={`Merge ${first}'s work`}>
          Merge
        </button>
        <button type="button" className="small danger" disabled={busy} onClick={act('discard')} aria-label={`Discard ${first}'s work`}>
          Discard
        </button>
      </div>
    </div>
  );
}
