import { defineMessage, type ValueOf } from './message';

/**
 * Request notice (server → device, on the device channel, protocol 3): the job a request
 * from the field became (`requestJobId`) was made or changed (status, assignees, window,
 * title). Pushed only to the technician who raised it, who is not on that job and would
 * hear nothing else; `jobId` is the job it was raised from, whose requests the device
 * re-reads (`GET /api/jobs/:jobId/requests`).
 */
export const requestNotice = defineMessage(112, 'requestNotice', [
  ['jobId', 'string'],
  ['requestJobId', 'string'],
] as const);

/** A decoded request notice. */
export type RequestNotice = ValueOf<typeof requestNotice.fields>;
