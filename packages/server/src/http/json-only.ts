/**
 * JSON routes take JSON only. Without this, a body sent as text/plain, a form or an image
 * was parsed as JSON anyway — a cross-site form post (which browsers send without a CORS
 * preflight) could log in, submit an op or create a job.
 */
import { OutpostError } from '@outpost/shared';
import type { MiddlewareHandler } from 'hono';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? '').split(';')[0]!.trim().toLowerCase() === 'application/json';
}

/** Middleware: a request that may carry a body must declare `application/json`, else 415. */
export function jsonOnly(): MiddlewareHandler {
  return async (c, next) => {
    if (WITH_BODY.has(c.req.method) && !isJsonContentType(c.req.header('content-type'))) {
      throw new OutpostError('unsupported_media_type', 'Send this request as application/json.');
    }
    await next();
  };
}
