import { defineMessage, type ValueOf } from './message';

/**
 * Handover notice (server → device, on the device channel, protocol 3): a technician's
 * handed-over work on `jobId` was parked, or the office merged or discarded it — `state`
 * is `parked`, `merged` or `discarded`. Pushed to every dispatcher (their board lists parked
 * handovers) and to the technician who handed the work over; the device re-reads the list.
 */
export const handoverNotice = defineMessage(110, 'handoverNotice', [
  ['jobId', 'string'],
  ['handoverId', 'string'],
  ['state', 'string'],
] as const);

/** A decoded handover notice. */
export type HandoverNotice = ValueOf<typeof handoverNotice.fields>;
