/** A review mark with its Acknowledge button (board row and job screen). */
import { useState } from 'react';
import { reviewWords, type ReviewMark } from './review-words';

/** Props of {@link ReviewMarkNotice}. */
export interface ReviewMarkNoticeProps {
  mark: ReviewMark;
  selfId: string;
  onAcknowledge: () => Promise<void>;
}

/** "Completed by Alice over your cancel — review" [Acknowledge]. */
export function ReviewMarkNotice({ mark, selfId, onAcknowledge }: ReviewMarkNoticeProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ack = async () => {
    setBusy(true);
    setError(null);
    try {
      await onAcknowledge();
    } catch (err) {
      setError(`Could not acknowledge: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="notice warn" data-testid="review-mark">
      <span className="grow">{reviewWords(mark, selfId)}</span>
      <button type="button" className="small" disabled={busy} onClick={() => void ack()}>
        Acknowledge
      </button>
      {error ? <span className="disabled-reason">{error}</span> : null}
    </div>
  );
}
