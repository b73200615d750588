import { defineMessage, type ValueOf } from './message';

/**
 * Review notice (server → device, on the device channel, protocol 3): a technician's "keep
 * mine" override on `jobId` was applied and marked for review (`state` `marked`), or a
 * dispatcher acknowledged the mark (`acknowledged`). Pushed to every dispatcher only; the
 * device re-reads the open marks.
 */
export const reviewNotice = defineMessage(111, 'reviewNotice', [
  ['jobId', 'string'],
  ['opId', 'string'],
  ['state', 'string'],
] as const);

/** A decoded review notice. */
export type ReviewNotice = ValueOf<typeof reviewNotice.fields>;
