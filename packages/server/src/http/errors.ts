/**
 * HTTP error plumbing: every failure leaves as `{ error: { code, message, details? } }`
 * with the status from the shared error table; unexpected errors become `internal`.
 */
import { OutpostError } from '@outpost/shared';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';

/** Answers an error in the shared shape. */
export function errorResponse(c: Context, err: OutpostError): Response {
  // A too-large body is answered before it is read; the connection cannot be reused.
  if (err.code === 'too_large') c.header('connection', 'close');
  // A refusal that knows when to come back says so where HTTP clients look (429, 503).
  const retryAfter = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof retryAfter === 'number') c.header('retry-after', String(retryAfter));
  return c.json(err.toBody(), err.status as ContentfulStatusCode);
}

/** Hono `onError`: known errors keep their code; anything else is logged and hidden. */
export function onError(err: Error, c: Context): Response {
  if (err instanceof OutpostError) return errorResponse(c, err);
  if (cutByClient(err)) {
    // A weak link dropped mid-body (a photo chunk): expected in the field, not a server fault.
    console.warn(`[outpost] ${c.req.method} ${c.req.path}: the client's connection dropped before its body arrived`);
    return errorResponse(c, new OutpostError('bad_request', 'The request body was cut off.'));
  }
  console.error('[outpost] unexpected error', err);
  return errorResponse(c, new OutpostError('internal'));
}

/** Node's error for a request body whose connection closed before it ended. */
function cutByClient(err: Error): boolean {
  return (err as Error & { code?: string }).code === 'ECONNRESET' && err.message === 'aborted';
}

/** Reads a JSON body; malformed JSON is `bad_request`. */
export async function readJson(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new OutpostError('bad_request', 'The body is not valid JSON.');
  }
}

/** Parses with a zod schema; failures are `validation_failed` with the issues as details. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = issues[0];
    throw new OutpostError('validation_failed', first ? `${first.path || 'body'}: ${first.message}` : undefined, { issues });
  }
  return result.data;
}
