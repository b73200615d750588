/**
 * A socket's access check on a held room, with one read of storage at most before the device
 * is answered. The room subscribes to the bus before it reads the job, and every change of
 * who may see the job (an unassignment's `revoke`, a `jobChanged`) is published after its
 * commit; so a check that read the job after the subscription, and saw no access event come
 * before the socket became a member, cannot have missed one: a later one reaches the member.
 *
 *   const checked = await checkRoomAccess(ctx, principal, room)
 *   join(room)
 *   await recheckIfChanged(ctx, principal, room, checked) // reads storage only after an access event
 */
import type { Principal } from '../auth/token';
import type { RelayContext } from './context';
import type { JobRoom } from './job-room';

/** The room's access events as they stood when a check passed. */
export interface AccessChecked {
  accessEvents: number;
}

/**
 * Throws unless `principal` may sync the room's job (the team's rule, `ServerHooks`). Just
 * after a cold load it reads the job as the load read it (no second read of storage);
 * otherwise it reads storage.
 */
export async function checkRoomAccess(ctx: Pick<RelayContext, 'hooks' | 'store'>, principal: Principal, room: JobRoom): Promise<AccessChecked> {
  const accessEvents = room.accessEvents;
  const loaded = room.jobReadAtLoad;
  await ctx.hooks.jobFor(loaded ? { getJob: () => Promise.resolve(loaded.job) } : ctx.store, principal, room.jobId, 'sync');
  return { accessEvents };
}

/** Once the socket is a member: checks again against storage if an access event came since `checked`. */
export async function recheckIfChanged(ctx: Pick<RelayContext, 'hooks' | 'store'>, principal: Principal, room: JobRoom, checked: AccessChecked): Promise<void> {
  if (room.accessEvents !== checked.accessEvents) await ctx.hooks.jobFor(ctx.store, principal, room.jobId, 'sync');
}
