/**
 * What a device does when a relay socket closes: the one close-code policy (terminal vs
 * retry), so no client keeps its own list of numbers.
 *
 * - `retry`: the network, the server restarting, load, or the device itself giving up on
 *   a socket that went quiet. Reconnect with backoff.
 * - `sign_in`: the token was refused (4401). Every job would be refused the same way:
 *   stop, and ask the person to sign in again.
 * - `refused`: the server answered and turned this job down (4403 not assigned, 4404 no
 *   such job, 4400 bad message, 4413 too large). Retrying the same socket cannot help;
 *   the job waits until something changes (a new sign-in, the job assigned again). A
 *   refusal is an answer, so it says the server is reachable.
 * - `update`: the app is older than the server accepts (4426, the device channel's
 *   handshake). Nothing syncs until the app is updated: stop, and say so once.
 */
import { CLOSE_CODES } from './close-codes';

/** Close codes a device makes up for sockets it gives up on itself (never sent by a server). */
export const DEVICE_CLOSE_CODES = {
  /** The server sent a message the device could not read: start over on a fresh socket. */
  unreadableMessage: 4000,
  /** Content went unacked too long (a half-open link): replace the socket. */
  noDurableAck: 4408,
} as const;

/** What to do after a close. */
export type CloseAction = 'retry' | 'sign_in' | 'refused' | 'update';

const REFUSALS: ReadonlySet<number> = new Set([CLOSE_CODES.badMessage, CLOSE_CODES.forbidden, CLOSE_CODES.notFound, CLOSE_CODES.tooLarge]);

/**
 * The action for a close `code`, given the `error` message's code the server sent just
 * before it (if any). `unresolved_update` (4400) heals on a fresh socket, whose sync
 * step 2 carries everything again, so it is retried.
 */
export function closeAction(code: number, errorCode?: string | null): CloseAction {
  if (code === CLOSE_CODES.unauthenticated) return 'sign_in';
  if (code === CLOSE_CODES.updateRequired) return 'update';
  if (REFUSALS.has(code)) return errorCode === 'unresolved_update' ? 'retry' : 'refused';
  return 'retry';
}

/** True when the server itself decided the close (a refusal or a refused token): it is reachable. */
export function serverAnswered(code: number): boolean {
  return code === CLOSE_CODES.unauthenticated || code === CLOSE_CODES.updateRequired || REFUSALS.has(code) || code === CLOSE_CODES.rateLimited;
}
