/**
 * `POST /api/auth/login` and `GET /api/me`.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { OutpostError } from '@outpost/shared';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { parseWith, readJson } from '../http/errors';
import { requireUser, type ApiEnv } from '../http/env';
import type { ServerMetrics } from '../metrics/metrics';
import type { UserRecord, Directory } from '../store/store';
import { DEFAULT_LOGIN_LIMITS, LoginThrottle, type LoginLimits } from './login-throttle';
import { PasswordChecks } from './password-checks';
import { verifyPassword } from './password';
import { issueToken } from './token';
import { Hooks } from '../hooks/hooks';

const loginSchema = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict();

/** Hashed for an unknown user, so timing does not reveal which usernames exist. */
const NO_USER_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** The public face of a user. */
export function publicUser(user: UserRecord): { id: string; username: string; name: string; role: UserRecord['role'] } {
  return { id: user.id, username: user.username, name: user.name, role: user.role };
}

/** Options of the auth routes. */
export interface AuthOptions {
  tokenTtlSeconds?: number;
  /** Failed sign-in budgets and the password-check bound (defaults: DEFAULT_LOGIN_LIMITS). */
  loginLimits?: Partial<LoginLimits>;
  /** Where login outcomes and password-check gauges are reported. */
  metrics?: ServerMetrics;
  /** How `/me` authenticates (the team's `ServerHooks`, else the demo's bearer token). */
  hooks?: Hooks;
}

/** The caller's address as the socket sees it (proxies are not trusted: docs/decisions.md). */
function callerAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process `app.request()` has no socket; all such callers share one budget.
    return 'unknown';
  }
}

/** Login and who-am-I routes. */
export function authRoutes(store: Directory, secret: string, options: AuthOptions = {}): Hono<ApiEnv> {
  const limits = { ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits };
  const throttle = new LoginThrottle(limits);
  const checks = new PasswordChecks(limits.passwordChecksAtOnce, limits.passwordChecksWaiting);
  const metrics = options.metrics;
  metrics?.gauge('outpost_password_checks_running', 'Password checks (scrypt) running.', () => checks.running);
  metrics?.gauge('outpost_password_checks_waiting', 'Password checks waiting for a turn.', () => checks.queued);

  const app = new Hono<ApiEnv>();
  app.post('/auth/login', async (c) => {
    const { username, password } = parseWith(loginSchema, await readJson(c));
    const address = callerAddress(c);
    const wait = throttle.retryAfter(username, address);
    if (wait > 0) {
      metrics?.countLogin('throttled');
      throw new OutpostError('too_many_attempts', undefined, { retryAfterSeconds: wait });
    }
    const user = await store.getUserByUsername(username);
    let ok: boolean;
    try {
      ok = await checks.run(() => verifyPassword(password, user?.passwordHash ?? NO_USER_HASH));
    } catch (err) {
      if (err instanceof OutpostError && err.code === 'unavailable') metrics?.countLogin('busy');
      throw err;
    }
    if (!user || !ok) {
      throttle.failed(username, address);
      metrics?.countLogin('bad_credentials');
      throw new OutpostError('bad_credentials');
    }
    metrics?.countLogin('ok');
    return c.json({ token: await issueToken(user, secret, options.tokenTtlSeconds), user: publicUser(user) });
  });
  app.get('/me', requireUser(options.hooks ?? new Hooks({}, secret)), async (c) => {
    const user = await store.getUser(c.var.user.userId);
    if (!user) throw new OutpostError('unauthenticated', 'This account no longer exists.');
    return c.json({ user: publicUser(user) });
  });
  return app;
}
