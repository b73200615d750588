/**
 * The Hono environment of the API: handlers read the authenticated user from `c.var.user`.
 */
import { OutpostError } from '@outpost/shared';
import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../auth/token';
import type { Hooks } from '../hooks/hooks';

/** Hono env for routes behind `requireUser`. */
export interface ApiEnv {
  Variables: { user: Principal; hooks: Hooks };
}

/** Middleware: authenticates the request (`ServerHooks.authenticate`, else `Authorization: Bearer`) into `c.var.user`. */
export function requireUser(hooks: Hooks): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    c.set('user', await hooks.authenticate({ headers: c.req.raw.headers, url: new URL(c.req.url) }));
    c.set('hooks', hooks);
    await next();
  };
}

/** Throws `forbidden` unless the user is a dispatcher. */
export function requireDispatcher(user: Principal): void {
  if (user.role !== 'dispatcher') throw new OutpostError('forbidden', 'Only a dispatcher can do this.');
}
