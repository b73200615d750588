/**
 * The authorization matrix: role × job relation × token × action → the expected verdict.
 * Pure data; auth-matrix.test.ts runs every cell against the real server.
 *
 * Policy (DESIGN.md "technicians reach only jobs assigned to them, over ws and REST"):
 * - no valid token → nothing (401 / close 4401), whatever the role and job;
 * - a dispatcher reaches every job;
 * - a technician reaches the jobs assigned to them, and nothing of a job they are not
 *   (or no longer) assigned to — including its photos and signature (blob get);
 * - blob put is not tied to a job: bytes are content-addressed and reach a job only
 *   through a doc write, which the relay authorizes. Any signed-in user may upload;
 * - a refused op (401, 403) writes nothing — no op log entry, no job change — and its
 *   answer carries no job state;
 * - an override never widens a role: a technician's reopen with `override: true` on a
 *   cancelled job of their own is `403 forbidden` (reopen is the dispatcher's);
 * - a blob a technician may not read answers 404 not_found, exactly as a missing one;
 * - within a job she reaches, a technician may not write what the office defines
 *   (`wsOfficeField`: the job's title), and nobody may write an entry naming another
 *   person as its author (`wsForgedAuthor`: a note signed as someone else) — issue 13;
 * - the device channel (`channelJoin`, `channelUpdate`) and the op batch (`opBatch`) obey
 *   the same rules per job: a bad token refuses the whole channel (4401) or request (401);
 *   a job the technician may not reach is refused on its own (jobClosed 4403, or that op's
 *   answer 403) while the channel or batch goes on — issue 15.
 */
import type { TokenKind } from './tokens';

/** Who acts. */
export const ROLES_UNDER_TEST = ['technician', 'dispatcher'] as const;
/** The job, seen from the technician (alice): hers, bob's, or hers until a moment ago. */
export const RELATIONS = ['own', 'other', 'unassigned'] as const;
/** What is attempted. */
export const ACTIONS = [
  'wsJoin',
  'wsUpdate',
  'wsOfficeField',
  'wsForgedAuthor',
  'restRead',
  'opSubmit',
  'opOverride',
  'blobGet',
  'blobPut',
  'channelJoin',
  'channelUpdate',
  'opBatch',
] as const;

export type RoleUnderTest = (typeof ROLES_UNDER_TEST)[number];
export type Relation = (typeof RELATIONS)[number];
export type Action = (typeof ACTIONS)[number];

/** The expected outcome of one cell. */
export type Verdict = { allow: true } | { allow: false; status: 401 | 403 | 404; codes: string[] };

/** One cell of the matrix. */
export interface Cell {
  role: RoleUnderTest;
  relation: Relation;
  token: TokenKind;
  action: Action;
  expect: Verdict;
}

const TOKEN_CODES: Record<Exclude<TokenKind, 'valid'>, string[]> = {
  expired: ['token_expired'],
  forged: ['unauthenticated'],
  missing: ['unauthenticated'],
};

/** The expected verdict for a cell (see the module comment). */
export function verdictFor(role: RoleUnderTest, relation: Relation, token: TokenKind, action: Action): Verdict {
  if (token !== 'valid') return { allow: false, status: 401, codes: TOKEN_CODES[token] };
  const reaches = role === 'dispatcher' || relation === 'own';
  if (!reaches && action === 'blobGet') return { allow: false, status: 404, codes: ['not_found'] };
  if (!reaches && action !== 'blobPut') return { allow: false, status: 403, codes: ['not_assigned'] };
  if (action === 'opOverride' && role === 'technician') return { allow: false, status: 403, codes: ['forbidden'] };
  if (action === 'wsForgedAuthor') return { allow: false, status: 403, codes: ['wrong_author'] };
  if (action === 'wsOfficeField' && role === 'technician') return { allow: false, status: 403, codes: ['office_field'] };
  return { allow: true };
}

/** Every cell: 2 roles × 3 relations × 4 tokens × 12 actions = 288. */
export function matrix(tokens: readonly TokenKind[]): Cell[] {
  const cells: Cell[] = [];
  for (const role of ROLES_UNDER_TEST)
    for (const relation of RELATIONS)
      for (const token of tokens) for (const action of ACTIONS) cells.push({ role, relation, token, action, expect: verdictFor(role, relation, token, action) });
  return cells;
}

/** A readable name for a cell. */
export function cellName(c: Cell): string {
  const who = c.role === 'technician' ? 'technician' : 'dispatcher';
  const job = { own: "the technician's own job", other: "another technician's job", unassigned: 'a job unassigned a moment ago' }[c.relation];
  return `${who}, ${job}, ${c.token} token, ${c.action}: ${c.expect.allow ? 'allowed' : `denied ${c.expect.status}`}`;
}
