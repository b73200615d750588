import { ERROR_CODES, type ErrorBody, type ErrorCode } from './codes';

/** An error with a code from the shared vocabulary; the same class on client and server. */
export class OutpostError extends Error {
  override readonly name = 'OutpostError';
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_CODES[code].message);
    this.code = code;
    this.details = details;
  }

  /** HTTP status this error answers with. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  /** Websocket close code this error closes a socket with. */
  get closeCode(): number {
    return ERROR_CODES[this.code].close;
  }

  /** Whether the same request may succeed later unchanged. */
  get retryable(): boolean {
    return ERROR_CODES[this.code].retryable;
  }

  /** The `{ error: { code, message } }` body. */
  toBody(): ErrorBody {
    const body: ErrorBody = { error: { code: this.code, message: this.message } };
    if (this.details !== undefined) body.error.details = this.details;
    return body;
  }
}

/** Shorthand used at throw sites: `throw outpostError('not_found', 'No job j1')`. */
export function outpostError(code: ErrorCode, message?: string, details?: unknown): OutpostError {
  return new OutpostError(code, message, details);
}
