import { defineMessage, type ValueOf } from './message';

/**
 * Job changed (server → client): a workflow op was applied to the job, so its status,
 * version or assignees moved. The same facts also reach devices through the doc's
 * server-owned map; this message lets a client react without diffing the doc.
 */
export const jobChanged = defineMessage(102, 'jobChanged', [
  ['jobId', 'string'],
  ['status', 'string'],
  ['version', 'uint'],
  ['assignees', 'strings'],
] as const);

/** A decoded job-changed message. */
export type JobChanged = ValueOf<typeof jobChanged.fields>;
