/**
 * The signed-in user on this device: the token from `POST /api/auth/login`, kept in the
 * device database so the app opens signed in, offline too, until the token expires.
 */
import type { User } from '@outpost/shared';
import type { ServerHttp } from './server-http';
import type { DeviceStorage } from '../storage/device-storage';

export type { User };

/** What is kept on the device. */
export interface SavedSession {
  token: string;
  user: User;
}

/** Seconds-since-epoch expiry of a JWT, or null when it cannot be read. */
export function tokenExpiry(token: string): number | null {
  try {
    const payload = token.split('.')[1] ?? '';
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof json.exp === 'number' ? json.exp : null;
  } catch {
    return null;
  }
}

/** Signs in with the server and keeps the session on the device. */
export async function login(api: ServerHttp, db: DeviceStorage, username: string, password: string): Promise<SavedSession> {
  const session = await api.call<SavedSession>('POST', '/api/auth/login', { username, password });
  await db.put('meta', 'session', session);
  return session;
}

/** The saved session, or null when there is none or its token has expired. */
export async function savedSession(db: DeviceStorage, now = Date.now()): Promise<SavedSession | null> {
  const session = await db.get<SavedSession>('meta', 'session');
  if (!session) return null;
  const exp = tokenExpiry(session.token);
  return exp !== null && exp * 1000 <= now ? null : session;
}

/** Forgets the saved session. */
export function forgetSession(db: DeviceStorage): Promise<void> {
  return db.delete('meta', 'session');
}
