import { defineMessage, type ValueOf } from './message';

/**
 * Error (server → client): a message was refused. Sent just before the socket closes
 * with the close code of `code`, so the client can show the full reason (close reasons
 * are cut at 123 bytes).
 */
export const errorMessage = defineMessage(103, 'error', [
  ['code', 'string'],
  ['message', 'string'],
] as const);

/** A decoded error message. */
export type ErrorMessage = ValueOf<typeof errorMessage.fields>;
