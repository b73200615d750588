/**
 * A Yjs update that arrives over HTTP (`POST /api/jobs/:id/updates`, from a service worker
 * draining the queue with the app closed) is judged exactly like one on a socket
 * (connection.ts `applyContent`): `classifyUpdate` against the room's doc, one catch-up
 * from storage before refusing what a moved device may carry, no gaps in a client's clock,
 * the room's size limit — and it resolves only after the commit of that very update.
 */
import { classifyUpdate, decodeJobUpdate, OutpostError, type DecodedUpdate, type ErrorCode } from '@outpost/shared';
import type { Principal } from '../auth/token';
import type { JobRoom } from './job-room';
import type { RoomMember } from './room-member';
import { appliesFully } from './update-gaps';

/** Refusals that may be stale verdicts of a room not caught up with storage (as in connection.ts). */
const CATCH_UP_FIRST: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['server_owned', 'unresolved_update', 'office_field', 'wrong_author', 'not_author', 'bad_field']);

/** The origin of an HTTP update in the room: it has no socket, so every socket hears the change. */
function httpWriter(userId: string): RoomMember {
  return {
    userId,
    awarenessIds: new Set(),
    send: () => undefined,
    refuse: () => undefined,
    jobChanged: () => undefined,
    opResult: () => undefined,
    drained: async () => undefined,
    goAway: () => undefined,
  };
}

function judge(update: Uint8Array, room: JobRoom, principal: Principal): { code: ErrorCode; detail?: string } | null {
  let decoded: DecodedUpdate;
  try {
    decoded = decodeJobUpdate(update);
  } catch (err) {
    return { code: 'bad_message', detail: (err as Error).message };
  }
  const verdict = classifyUpdate(decoded, room.doc, principal);
  if (!verdict.ok) return { code: verdict.code, detail: verdict.detail };
  if (!appliesFully(decoded, room.doc)) return { code: 'unresolved_update', detail: 'The update skips changes from its own client that the server has not seen.' };
  return null;
}

/** Validates and applies `update` to the held room; resolves once it is durable, throws the refusal. */
export async function applyHttpUpdate(room: JobRoom, update: Uint8Array, principal: Principal): Promise<void> {
  // An empty update changes nothing: durable as soon as everything before it is.
  if (update.length === 2 && update[0] === 0 && update[1] === 0) return room.committed();
  let refusal = judge(update, room, principal);
  if (refusal && CATCH_UP_FIRST.has(refusal.code)) {
    try {
      await room.catchUp();
    } catch {
      throw new OutpostError('unavailable', 'The server could not read the job; send the update again.');
    }
    refusal = judge(update, room, principal);
  }
  if (refusal) throw new OutpostError(refusal.code, refusal.detail);
  let committed: Promise<void>;
  try {
    committed = room.apply(update, httpWriter(principal.userId));
  } catch (err) {
    if (err instanceof OutpostError) throw err;
    throw new OutpostError('bad_message', `The update could not be applied: ${(err as Error).message}`);
  }
  await committed;
}
