/**
 * Letting a socket in on `/sync/:jobId`: verify its token, hold the job's room (loaded, on a
 * cold open), check it may see the job (a cold open's check reads the job as the load read
 * it), join the room, and check again only if an access event came in between
 * (room-access.ts); then the frames it sent meanwhile are handled in order. A socket refused
 * on the way gets the shared error message (Outpost clients) and the code's close code.
 */
import { ERROR_CODES, OutpostError, type ErrorCode } from '@outpost/shared';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/token';
import { authRequestOf } from '../hooks/hooks';
import { RelayConnection } from './connection';
import type { RelayContext } from './context';
import type { JobRoom } from './job-room';
import { socketTransport } from './member-transport';
import { checkRoomAccess, recheckIfChanged, type AccessChecked } from './room-access';
import type { RoomRegistry } from './room-registry';
import { closeSocket, limitReadsAfterClose, refuseSocket } from './socket-refusal';

/** The sockets of one relay, from upgrade to close. */
export class Handshake {
  private readonly sockets = new Set<WebSocket>();
  /** Open sockets per user (counted from a verified token until close). */
  private readonly perUser = new Map<string, number>();
  private closing = false;
  /** Sockets being let in (token, room, access check) now. */
  private lettingIn = 0;

  constructor(
    private readonly ctx: RelayContext,
    private readonly rooms: RoomRegistry,
  ) {}

  /** Open sockets. */
  get count(): number {
    return this.sockets.size;
  }

  /** Sockets being let in now: the relay's `admitting`. */
  get admitting(): number {
    return this.lettingIn;
  }

  /** Refuses new sockets from now on (server shutdown). */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Closes every socket still open (1001). */
  closeAll(): void {
    for (const ws of this.sockets) closeSocket(ws, 1001, 'server shutting down');
  }

  /** Handles an upgraded socket for `/sync/:jobId`. */
  async accept(ws: WebSocket, req: IncomingMessage, jobId: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://relay');
    const wantsAcks = url.searchParams.get('acks') === '1';
    limitReadsAfterClose(ws, req.socket);
    if (this.closing) return refuseSocket(ws, 'unavailable', 'The server is shutting down; try again.', wantsAcks, this.ctx);
    this.sockets.add(ws);
    // Nothing is read while the socket is let in: what the peer sends meanwhile waits in its
    // own TCP buffers, not in this process. Frames read before the pause took hold are
    // queued, within a byte cap.
    ws.pause();
    const queued: Uint8Array[] = [];
    let queuedBytes = 0;
    let connection: RelayConnection | null = null;
    let ready = false;
    ws.binaryType = 'nodebuffer';
    const { messageBurst, maxPendingBytes } = this.ctx.limits;
    ws.on('message', (data: Buffer) => {
      if (ready && connection) return connection.receive(data);
      if (ws.readyState !== ws.OPEN) return; // refused: nothing more is kept
      queued.push(data);
      queuedBytes += data.byteLength;
      if (queued.length > messageBurst || queuedBytes > maxPendingBytes) {
        queued.length = 0;
        refuseSocket(ws, 'rate_limited', `At most ${maxPendingBytes} bytes may be sent before the connection is let in.`, wantsAcks, this.ctx);
      }
    });
    ws.on('error', () => ws.terminate());
    let room: JobRoom | null = null;
    let expiry: NodeJS.Timeout | undefined;
    let user: string | null = null;
    ws.on('close', () => {
      clearTimeout(expiry);
      this.sockets.delete(ws);
      if (user !== null) this.countOut(user);
      if (connection && room) {
        room.leave(connection);
        this.rooms.release(room);
      }
    });
    this.lettingIn++;
    try {
      const principal = await this.ctx.hooks.authenticate(authRequestOf(req));
      if (ws.readyState !== ws.OPEN) return;
      this.countIn(principal.userId);
      user = principal.userId;
      const held = await this.authorizedRoom(principal, jobId);
      room = held.room;
      if (ws.readyState !== ws.OPEN) return this.rooms.release(room);
      const open = new RelayConnection(socketTransport(ws, wantsAcks, this.ctx, req.socket), room, principal, wantsAcks, this.ctx);
      // Dropped between its load and here (a failed commit): the device comes back for a fresh copy.
      if (!open.start()) {
        this.rooms.release(room);
        throw new OutpostError('unavailable', 'The job was reloaded; reconnect.');
      }
      connection = open;
      if (principal.expiresAt !== undefined) {
        // setTimeout holds at most ~24.8 days; tokens live hours.
        const ms = Math.min(Math.max(0, principal.expiresAt - Date.now()), 2 ** 31 - 1);
        expiry = setTimeout(() => open.refuse('token_expired'), ms);
      }
      // An access event (an unassignment's revoke) that came before the socket became a
      // member means checking again; a later one reaches the member (room-access.ts).
      await recheckIfChanged(this.ctx, principal, room, held.checked).catch((err: unknown) => {
        open.refuse(err instanceof OutpostError ? err.code : 'internal');
      });
      ready = true;
      for (const frame of queued.splice(0)) open.receive(frame);
      if (ws.readyState === ws.OPEN) ws.resume();
    } catch (err) {
      const code: ErrorCode = err instanceof OutpostError ? err.code : 'internal';
      if (!(err instanceof OutpostError)) console.error('[outpost] relay connect failed', err);
      refuseSocket(ws, code, err instanceof Error ? err.message : ERROR_CODES[code].message, wantsAcks, this.ctx);
    } finally {
      this.lettingIn--;
    }
  }

  /** Counts a socket of `userId` (device channels too); throws `too_many_connections` past the per-user cap. */
  countIn(userId: string): void {
    const open = this.perUser.get(userId) ?? 0;
    const cap = this.ctx.limits.maxSocketsPerUser;
    if (open >= cap) throw new OutpostError('too_many_connections', `At most ${cap} connections may be open for one user.`);
    this.perUser.set(userId, open + 1);
  }

  /** Uncounts a socket counted by `countIn`. */
  countOut(userId: string): void {
    const open = (this.perUser.get(userId) ?? 1) - 1;
    if (open > 0) this.perUser.set(userId, open);
    else this.perUser.delete(userId);
  }

  /**
   * Holds the job's room, then checks `principal` may see the job; on a cold open the check
   * reads the job the load read (room-access.ts). A refused socket releases the room;
   * nothing of the doc was sent.
   */
  private async authorizedRoom(principal: Principal, jobId: string): Promise<{ room: JobRoom; checked: AccessChecked }> {
    const room = await this.rooms.acquire(jobId);
    try {
      return { room, checked: await checkRoomAccess(this.ctx, principal, room) };
    } catch (err) {
      this.rooms.release(room);
      throw err;
    }
  }
}
