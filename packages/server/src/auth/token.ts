/**
 * Session tokens: JWT, HS256, with `sub` (user id), `role`, `name` and `exp`.
 * The same token authenticates REST (`Authorization: Bearer`) and the relay (`?token=`).
 */
import { OutpostError, ROLES, type Role } from '@outpost/shared';
import { sign, verify } from 'hono/jwt';
import type { UserRecord } from '../store/store';

/** Who a request acts as, taken from a verified token. */
export interface Principal {
  userId: string;
  role: Role;
  name: string;
  /** When the token expires (ms since epoch); open sockets close with 4401 then. */
  expiresAt?: number;
}

/** Default token lifetime: a long field shift. */
export const TOKEN_TTL_SECONDS = 12 * 60 * 60;

/** Signs a token for `user`. */
export function issueToken(user: UserRecord, secret: string, ttlSeconds = TOKEN_TTL_SECONDS): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign({ sub: user.id, role: user.role, name: user.name, iat: now, exp: now + ttlSeconds }, secret, 'HS256');
}

/**
 * Tokens already verified, per secret: a device reconnecting presents the same token on
 * every job socket at once (200 jobs, 200 sockets), and each WebCrypto verification is two
 * trips through the thread pool. The key is the whole token, signature included, so only a
 * token that verified can hit; expiry is still checked on every use. Oldest out first.
 */
const verified = new Map<string, Map<string, Principal>>();
const MAX_VERIFIED_TOKENS = 10_000;

/** Verifies a token; throws `unauthenticated` or `token_expired`. */
export async function verifyToken(token: string | undefined | null, secret: string): Promise<Principal> {
  if (!token) throw new OutpostError('unauthenticated', 'No token was sent.');
  let tokens = verified.get(secret);
  const known = tokens?.get(token);
  if (known) {
    if (known.expiresAt !== undefined && known.expiresAt <= Date.now()) throw new OutpostError('token_expired');
    return known;
  }
  const principal = await verifySignature(token, secret);
  if (!tokens) verified.set(secret, (tokens = new Map()));
  if (tokens.size >= MAX_VERIFIED_TOKENS) tokens.delete(tokens.keys().next().value!);
  tokens.set(token, principal);
  return principal;
}

async function verifySignature(token: string, secret: string): Promise<Principal> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, 'HS256');
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'JwtTokenExpired') throw new OutpostError('token_expired');
    throw new OutpostError('unauthenticated');
  }
  const { sub, role, name, exp } = payload;
  if (typeof sub !== 'string' || typeof name !== 'string' || !(ROLES as readonly unknown[]).includes(role)) {
    throw new OutpostError('unauthenticated', 'The token does not name a user and role.');
  }
  return { userId: sub, role: role as Role, name, ...(typeof exp === 'number' ? { expiresAt: exp * 1000 } : {}) };
}
