/**
 * Who may read `GET /metrics`. The series name no job or person, but they tell an outsider
 * how busy the server is and how it refuses things, so:
 * - with a metrics token configured (`OUTPOST_METRICS_TOKEN`), every scrape must send it as
 *   `Authorization: Bearer <token>`, wherever the server listens;
 * - without one, metrics are served only when the server listens on loopback (the scraper
 *   runs on the same machine); on any other interface `/metrics` answers 403.
 * A session token does not open metrics: operators and field users are different people.
 */
import { OutpostError } from '@outpost/shared';
import type { MiddlewareHandler } from 'hono';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** What the rule above is decided from. */
export interface MetricsAccess {
  /** The interface the server binds (`--host`). */
  host: string;
  /** The scrape token, if configured. */
  token?: string;
}

/** True when `host` reaches only this machine (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Middleware for `/metrics` enforcing the rule in the module comment. */
export function requireMetricsAccess(access: MetricsAccess): MiddlewareHandler {
  const expected = access.token ? digest(access.token) : null;
  const open = !expected && isLoopbackHost(access.host);
  return async (c, next) => {
    if (!open) {
      if (!expected) throw new OutpostError('forbidden', 'Metrics are served off loopback only with a metrics token (OUTPOST_METRICS_TOKEN).');
      const sent = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      // Compared as digests: equal length, constant time.
      if (!sent || !timingSafeEqual(digest(sent), expected)) throw new OutpostError('unauthenticated', 'Send the metrics token as a bearer token.');
    }
    await next();
  };
}
