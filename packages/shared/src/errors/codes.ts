/**
 * The one error vocabulary of Outpost, shared by client and server.
 * Each code has a human message, the HTTP status it answers with, the websocket close
 * code it closes with, and whether a client should retry the same request later.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, close: 4400, retryable: false, message: 'The request is malformed.' },
  bad_message: { status: 400, close: 4400, retryable: false, message: 'The message could not be decoded.' },
  validation_failed: { status: 400, close: 4400, retryable: false, message: 'The request body is not valid.' },
  unknown_root: { status: 400, close: 4400, retryable: false, message: 'The update writes to a part of the job document that does not exist.' },
  bad_field: { status: 400, close: 4400, retryable: false, message: 'The update writes a field the job does not have, or one that never changes once set.' },
  unresolved_update: { status: 400, close: 4400, retryable: false, message: 'The update depends on changes the server has not seen.' },
  unauthenticated: { status: 401, close: 4401, retryable: false, message: 'Sign in again: the token is missing or invalid.' },
  token_expired: { status: 401, close: 4401, retryable: false, message: 'Sign in again: the token has expired.' },
  bad_credentials: { status: 401, close: 4401, retryable: false, message: 'Wrong username or password.' },
  forbidden: { status: 403, close: 4403, retryable: false, message: 'Your role may not do this.' },
  not_assigned: { status: 403, close: 4403, retryable: false, message: 'This job is not assigned to you.' },
  server_owned: { status: 403, close: 4403, retryable: false, message: "Only the server may write the job's status, version and assignees." },
  office_field: {
    status: 403,
    close: 4403,
    retryable: false,
    message: "Only the office may change this part of the job: its details, and the checklist's items, labels and what is required.",
  },
  wrong_author: { status: 403, close: 4403, retryable: false, message: 'The change names someone other than you as its author.' },
  not_author: { status: 403, close: 4403, retryable: false, message: 'Only the person who made this entry, or the office, may change or remove it.' },
  not_found: { status: 404, close: 4404, retryable: false, message: 'Not found.' },
  handover_expired: { status: 403, close: 4403, retryable: false, message: 'You were taken off this job too long ago to hand its work over; export it and give it to the office.' },
  conflict: { status: 409, close: 4409, retryable: false, message: 'The job changed on the server; this action no longer applies.' },
  guard_failed: { status: 409, close: 4409, retryable: false, message: 'The job is not ready for this step.' },
  behind_conflict: { status: 409, close: 4409, retryable: false, message: 'Not applied: an earlier action on this job is in conflict; resolve that one first.' },
  op_mismatch: { status: 409, close: 4409, retryable: false, message: 'This operation id was already used for a different operation.' },
  too_large: { status: 413, close: 4413, retryable: false, message: 'The message is too large.' },
  job_full: { status: 413, close: 4413, retryable: false, message: 'This job is full: it cannot take more content. Ask the office to open a follow-up job.' },
  too_many_connections: { status: 429, close: 4429, retryable: true, message: 'Too many connections are open for your account; close some and try again.' },
  unsupported_media_type: { status: 415, close: 4400, retryable: false, message: 'The content type is not supported.' },
  upload_offset: {
    status: 409,
    close: 4409,
    retryable: false,
    message: 'This chunk does not start where the stored part of the upload ends; ask for the upload and resume from there.',
  },
  hash_mismatch: { status: 422, close: 4400, retryable: false, message: 'The bytes do not match their sha256.' },
  out_of_order: { status: 425, close: 4425, retryable: true, message: 'An earlier operation from this device has not arrived yet.' },
  not_causal: { status: 425, close: 4425, retryable: true, message: 'The server has not yet received the job changes this operation depends on.' },
  update_required: { status: 426, close: 4426, retryable: false, message: 'This app is older than the server accepts; update it to sync.' },
  rate_limited: { status: 429, close: 4429, retryable: true, message: 'Too many messages; slow down.' },
  too_many_uploads: { status: 429, close: 4429, retryable: true, message: 'Too many unfinished uploads for your account; the next one can start once one of them is finished.' },
  too_many_attempts: { status: 429, close: 4429, retryable: true, message: 'Too many failed sign-ins; wait a moment and try again.' },
  unavailable: { status: 503, close: 1013, retryable: true, message: 'The server is busy or shutting down; try again.' },
  internal: { status: 500, close: 1011, retryable: true, message: 'Something went wrong on the server.' },
} as const satisfies Record<string, ErrorSpec>;

/** What one error code means on each wire. */
export interface ErrorSpec {
  status: number;
  close: number;
  retryable: boolean;
  message: string;
}

/** A code from the shared error vocabulary. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every HTTP error. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** True when `code` is one of Outpost's error codes. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
}
