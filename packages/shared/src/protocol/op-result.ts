import { defineMessage, type ValueOf } from './message';

/**
 * Op result (server → client): the outcome of a workflow op, pushed to the submitting
 * device's sockets so a device learns results even when its HTTP response was lost.
 * `outcome` is `applied`, `rejected` or `duplicate`; `code` is an error code or ''.
 */
export const opResult = defineMessage(101, 'opResult', [
  ['opId', 'string'],
  ['outcome', 'string'],
  ['code', 'string'],
  ['status', 'string'],
  ['version', 'uint'],
] as const);

/** A decoded op result. */
export type OpResultMessage = ValueOf<typeof opResult.fields>;
