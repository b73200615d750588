/**
 * The next status steps as big buttons (Start travel, I'm here, Start work, Pause,
 * Complete…). A tap queues a workflow op; the job shows its new status at once and the
 * op counts as pending until the server applies it.
 */
import { findTransition, nextTransitions, readJobFacts, STATUS_LABELS, type JobStatus, type OpIntent, type Role, type Transition } from '@outpost/shared';
import type * as Y from 'yjs';

/** Props of {@link StatusActions}. */
export interface StatusActionsProps {
  doc: Y.Doc;
  status: JobStatus;
  role: Role;
  /** True when a step is waiting in the outbox for this job. */
  waiting: boolean;
  onSubmit: (intent: OpIntent) => void;
  /** Asked before a cancel goes out; false keeps the job as it is. */
  confirmCancel?: () => boolean;
}

/**
 * The steps `role` is offered. A dispatcher on the job screen gets the office's own steps
 * (cancel, reopen), not the technician's field steps as if she were on site.
 */
export function stepsFor(status: JobStatus, role: Role): Transition[] {
  const moves = nextTransitions(status, role);
  return role === 'dispatcher' ? moves.filter((t) => !findTransition(t.from, t.to, 'technician')) : moves;
}

/** The op a button queues. */
export function intentFor(t: Transition): OpIntent {
  if (t.to === 'cancelled') return { kind: 'cancel' };
  if (t.label === 'Reopen') return { kind: 'reopen' };
  return { kind: 'transition', to: t.to };
}

/** Why "Complete" cannot be pressed yet, from what this device knows. */
export function completeBlocker(doc: Y.Doc): string | null {
  const facts = readJobFacts(doc);
  if (facts.openRequired.length > 0) return `Required items not done: ${facts.openRequired.join(', ')}.`;
  if (!facts.hasSignature) return 'The customer has not signed yet.';
  return null;
}

/** The status card of the job screen. */
export function StatusActions({ doc, status, role, waiting, onSubmit, confirmCancel = () => true }: StatusActionsProps) {
  const moves = stepsFor(status, role);
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">
        Status:{' '}
        <span className={`pill status-${status}`} data-testid="job-status">
          {STATUS_LABELS[status]}
        </span>
        {waiting ? <span className="muted"> (waiting to sync)</span> : null}
      </h2>
      <div className="stack">
        {moves.length === 0 ? <p className="muted">No further steps for you on this job.</p> : null}
        {moves.map((t) => {
          const blocker = t.to === 'completed' ? completeBlocker(doc) : null;
          const danger = t.to === 'cancelled' || (t.to === 'scheduled' && t.from === 'en_route');
          const quiet = t.to === 'on_hold';
          return (
            <div key={`${t.from}-${t.to}`} className="stack" style={{ gap: 2 }}>
              <button
                type="button"
                className={`big ${danger ? 'danger' : quiet ? '' : 'primary'}`}
                disabled={blocker !== null}
                aria-describedby={blocker ? `why-${t.to}` : undefined}
                onClick={() => (t.to !== 'cancelled' || confirmCancel()) && onSubmit(intentFor(t))}
              >
                {t.label}
              </button>
              {blocker ? (
                <span id={`why-${t.to}`} className="disabled-reason">
                  {blocker}
                </span>
              ) : null}
            </div>
          );
        })}
      </div>
    </section>
  );
}
