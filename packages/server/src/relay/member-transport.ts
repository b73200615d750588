/**
 * Where a job member's frames go. On `/sync/:jobId` a member owns its socket: a refusal
 * closes it. On the device channel a member is one job among many on a shared socket: its
 * frames carry the job id, and a refusal ends only that job's membership.
 */
import type { ErrorCode } from '@outpost/shared';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { RelayContext } from './context';
import { closeSocket, refuseSocket } from './socket-refusal';
import { TickCork } from './tick-cork';

/** How a `RelayConnection` reaches its device. */
export interface MemberTransport {
  /** True while frames can still be sent. */
  readonly open: boolean;
  /** Bytes queued on the underlying socket and not yet sent. */
  readonly bufferedAmount: number;
  /** Sends one message of this job. */
  send(message: Uint8Array): void;
  /** Tells the device why (error message) and ends this membership with the code's close code. */
  refuse(code: ErrorCode, message: string): void;
  /** Ends the membership without an error (server shutdown). */
  goAway(): void;
}

/**
 * The transport of a `/sync/:jobId` socket: one job, the whole socket. `socket` is the TCP
 * socket under `ws` (`req.socket` of the upgrade): the frames of one tick (a commit's relays
 * and the ack of the socket's own change) leave in one write (`TickCork`).
 */
export function socketTransport(ws: WebSocket, wantsAcks: boolean, ctx: Pick<RelayContext, 'metrics'>, socket: Pick<Socket, 'cork' | 'uncork'> | null = null): MemberTransport {
  const cork = new TickCork(socket);
  return {
    get open() {
      return ws.readyState === ws.OPEN;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send(message) {
      cork.hold();
      // No write callback: a failed write errors the socket, which ws closes by itself, and a
      // callback would make Node allocate and schedule an after-write tick per corked write.
      ws.send(message);
    },
    refuse(code, message) {
      refuseSocket(ws, code, message, wantsAcks, ctx);
    },
    goAway() {
      closeSocket(ws, 1001, 'server shutting down');
    },
  };
}
