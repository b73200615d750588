/**
 * JWTs (HS256) made by the test itself: valid ones for a known secret, expired ones, and
 * forged ones (wrong secret, `alg: none`, tampered payload) for the authorization matrix.
 * Only node:crypto, so the suite does not trust the server's own signing code.
 */
import { createHmac } from 'node:crypto';

/** Claims of an Outpost session token. */
export interface TokenClaims {
  sub: string;
  role: string;
  name: string;
  exp: number;
  iat?: number;
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** Signs `claims` with `secret` as HS256. */
export function signToken(claims: TokenClaims, secret: string, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const head = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ iat: Math.floor(Date.now() / 1000), ...claims }))}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** Kinds of token a request can carry in the matrix. */
export const TOKEN_KINDS = ['valid', 'expired', 'forged', 'missing'] as const;
/** A kind of token. */
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A user the token speaks for. */
export interface TokenUser {
  id: string;
  role: string;
  name: string;
}

/**
 * A token of the given kind for `user`: `valid` (signed with the server's secret, 1 h
 * left), `expired` (right signature, expired an hour ago), `forged` (a wrong secret, or
 * unsigned, claiming to be the user), `missing` (undefined).
 */
export function tokenFor(kind: TokenKind, user: TokenUser, secret: string, variant = 0): string | undefined {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: user.id, role: user.role, name: user.name };
  switch (kind) {
    case 'valid':
      return signToken({ ...claims, exp: now + 3600 }, secret);
    case 'expired':
      return signToken({ ...claims, iat: now - 7200, exp: now - 3600 }, secret);
    case 'forged': {
      const forgeries = [
        () => signToken({ ...claims, exp: now + 3600 }, `${secret}-not-it`),
        () => `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${b64url(JSON.stringify({ ...claims, exp: now + 3600 }))}.`,
        () => {
          // A real token for someone else, with the payload swapped: the signature no longer matches.
          const real = signToken({ sub: 'nobody', role: 'technician', name: 'Nobody', exp: now + 3600 }, secret).split('.');
          return `${real[0]}.${b64url(JSON.stringify({ ...claims, role: 'dispatcher', exp: now + 3600 }))}.${real[2]}`;
        },
      ];
      return forgeries[variant % forgeries.length]!();
    }
    case 'missing':
      return undefined;
  }
}
