/**
 * `POST /api/auth/login` and `GET /api/me`.
 */
import { OutpostError } from '@outpost/shared';
import { Hono } from 'hono';
import { z } from 'zod';
import { parseWith, readJson } from '../http/errors';
import { requireUser, type ApiEnv } from '../http/env';
import type { Store, UserRecord } from '../store/store';
import { verifyPassword } from './password';
import { issueToken } from './token';

const loginSchema = z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict();

/** The public face of a user. */
export function publicUser(user: UserRecord): { id: string; username: string; name: string; role: UserRecord['role'] } {
  return { id: user.id, username: user.username, name: user.name, role: user.role };
}

/** Login and who-am-I routes. */
export function authRoutes(store: Store, secret: string, tokenTtlSeconds?: number): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.post('/auth/login', async (c) => {
    const { username, password } = parseWith(loginSchema, await readJson(c));
    const user = await store.getUserByUsername(username);
    // Hash even for an unknown user, so timing does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!user || !ok) throw new OutpostError('bad_credentials');
    return c.json({ token: await issueToken(user, secret, tokenTtlSeconds), user: publicUser(user) });
  });
  app.get('/me', requireUser(secret), async (c) => {
    const user = await store.getUser(c.var.user.userId);
    if (!user) throw new OutpostError('unauthenticated', 'This account no longer exists.');
    return c.json({ user: publicUser(user) });
  });
  return app;
}
