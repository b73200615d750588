import { defineMessage, type ValueOf } from './message';

/**
 * Job notice (server → device, on the device channel): something about a job that concerns
 * this device's lists changed — `change` is `assigned`, `unassigned`, `created`,
 * `rescheduled`, `cancelled` or `changed`. Pushed to every device of the users it concerns
 * (the job's technicians before and after, every dispatcher), whether or not the device
 * has the job open, so lists update without polling.
 */
export const jobNotice = defineMessage(108, 'jobNotice', [
  ['jobId', 'string'],
  ['change', 'string'],
  ['status', 'string'],
  ['version', 'uint'],
  ['assignees', 'strings'],
] as const);

/** A decoded job notice. */
export type JobNotice = ValueOf<typeof jobNotice.fields>;
