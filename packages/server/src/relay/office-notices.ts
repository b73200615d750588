/**
 * Pushes for what the office and the field follow beyond a job's own state: handed-over
 * work parked or decided, review marks made or acknowledged, and the state of a request
 * from the field as its raiser follows it. Like job notices they mean "re-read"; each goes
 * to exactly the people who may read what it names (see the audiences below).
 */
import { encodeMessage, handoverNotice, requestNotice, reviewNotice } from '@outpost/shared';
import type * as Y from 'yjs';
import type { DeviceNotice } from './device-notices';

/** A handover parked, merged or discarded: every dispatcher, and the technician who handed it over. */
export function handoverNotices(handover: { id: string; jobId: string; technician: string; state: string }): DeviceNotice[] {
  const message = encodeMessage(handoverNotice, { jobId: handover.jobId, handoverId: handover.id, state: handover.state });
  return [{ users: [handover.technician], dispatchers: true, message }];
}

/** A review mark made or acknowledged: dispatchers only (technicians have no review list). */
export function reviewNotices(jobId: string, opId: string, state: 'marked' | 'acknowledged'): DeviceNotice[] {
  return [{ users: [], dispatchers: true, message: encodeMessage(reviewNotice, { jobId, opId, state }) }];
}

/**
 * A request job was made or changed: its raiser (the doc's `meta.requestedBy`), who is not
 * on it and hears no job notice for it. None for a job that is not a request.
 */
export function requestNotices(requestJobId: string, doc: Y.Doc): DeviceNotice[] {
  const meta = doc.getMap('meta');
  const raiser = meta.get('requestedBy');
  const fromJobId = meta.get('fromJobId');
  if (typeof raiser !== 'string' || typeof fromJobId !== 'string') return [];
  return requestMadeNotices(requestJobId, raiser, fromJobId);
}

/** The notice for the raiser of the request job `requestJobId`, raised from `fromJobId`. */
export function requestMadeNotices(requestJobId: string, raiser: string, fromJobId: string): DeviceNotice[] {
  return [{ users: [raiser], dispatchers: false, message: encodeMessage(requestNotice, { jobId: fromJobId, requestJobId }) }];
}
