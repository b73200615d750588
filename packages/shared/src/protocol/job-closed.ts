import { defineMessage, type ValueOf } from './message';

/**
 * Job closed (server → device, on the device channel): the server ended one job's
 * membership while the channel stays open — refused (not assigned, bad frame, too large,
 * rate), revoked (unassigned), or reloaded. `code` is the websocket close code the same
 * refusal has on `/sync/:jobId`, so a device handles both the same way; the `error`
 * message addressed to the job comes just before it. Code 1000 (reason `unsubscribed`)
 * answers the device's own `unsubscribe`: every frame of that membership came before it,
 * so a device that subscribed again meanwhile knows which acks are the new membership's.
 */
export const jobClosed = defineMessage(106, 'jobClosed', [
  ['jobId', 'string'],
  ['code', 'uint'],
  ['reason', 'string'],
] as const);

/** A decoded job-closed message. */
export type JobClosed = ValueOf<typeof jobClosed.fields>;
