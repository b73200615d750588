import { ERROR_CODES, type ErrorCode } from '../errors/codes';

/**
 * Websocket close codes with HTTP meanings, in one table (as Hocuspocus's CloseEvents).
 * 4000 + HTTP status, so a close code reads like the status it stands for.
 */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  internal: 1011,
  tryAgainLater: 1013,
  badMessage: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  notFound: 4404,
  tooLarge: 4413,
  updateRequired: 4426,
  rateLimited: 4429,
} as const;

/** The close code for an error code (from the shared error table). */
export function closeCodeFor(code: ErrorCode): number {
  return ERROR_CODES[code].close;
}

/** Websocket close reasons are limited to 123 bytes of UTF-8. */
export function closeReason(message: string): string {
  const bytes = new TextEncoder().encode(message);
  if (bytes.length <= 123) return message;
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD$/, '') + '...';
}
