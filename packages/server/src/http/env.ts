/**
 * The Hono environment of the API: handlers read the authenticated user from `c.var.user`.
 */
import { OutpostError } from '@outpost/shared';
import type { MiddlewareHandler } from 'hono';
import { verifyToken, type Principal } from '../auth/token';

/** Hono env for routes behind `requireUser`. */
export interface ApiEnv {
  Variables: { user: Principal };
}

/** Middleware: verifies `Authorization: Bearer <token>` and sets `c.var.user`. */
export function requireUser(secret: string): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    c.set('user', await verifyToken(match?.[1], secret));
    await next();
  };
}

/** Throws `forbidden` unless the user is a dispatcher. */
export function requireDispatcher(user: Principal): void {
  if (user.role !== 'dispatcher') throw new OutpostError('forbidden', 'Only a dispatcher can do this.');
}
