/**
 * How the relay says no on a socket: the shared error message (to Outpost clients, which
 * asked for them with `acks=1`), then the code's close code — and from then on it reads
 * next to nothing. A peer that ignores the close frame and keeps streaming would otherwise
 * be read (and its frames buffered) until ws's 30 s close timeout. After the relay closes a
 * socket it reads on only to take the peer's close reply (an honest client's handshake
 * completes at once): past `CLOSE_READ_BYTES`, or `CLOSE_GRACE_MS`, the connection is cut.
 */
import { closeReason, encodeMessage, ERROR_CODES, errorMessage, type ErrorCode } from '@outpost/shared';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { RelayContext } from './context';

/** How long a closed socket has to complete the close handshake before it is cut. */
export const CLOSE_GRACE_MS = 1_000;
/** Bytes read from a socket after the relay closed it before it is cut (a close reply is a few bytes). */
export const CLOSE_READ_BYTES = 16 * 1024;

/**
 * Watches the raw socket under `ws`: once the websocket is closing, at most
 * `CLOSE_READ_BYTES` more are read before the connection is cut. Call once, at upgrade.
 */
export function limitReadsAfterClose(ws: WebSocket, socket: Socket): void {
  let budget = CLOSE_READ_BYTES;
  socket.on('data', (chunk: Buffer) => {
    if (ws.readyState === ws.OPEN) return;
    budget -= chunk.length;
    if (budget < 0) ws.terminate();
  });
}

/** Sends the error message (to Outpost clients) and closes with the code's close code. */
export function refuseSocket(ws: WebSocket, code: ErrorCode, message: string, wantsAcks: boolean, ctx: Pick<RelayContext, 'metrics'>): void {
  if (wantsAcks && ws.readyState === ws.OPEN) ws.send(encodeMessage(errorMessage, { code, message }));
  const close = ERROR_CODES[code].close;
  if (close >= 4000) ctx.metrics.countRefusal(close);
  closeSocket(ws, close, closeReason(message));
}

/** Closes with `code` and cuts the connection if the close handshake is not done within `CLOSE_GRACE_MS`. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === ws.CLOSED) return;
  if (ws.readyState === ws.OPEN) ws.close(code, reason);
  // A socket paused while it was let in must read on, or the peer's close reply is never seen.
  ws.resume();
  const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  cut.unref();
  ws.once('close', () => clearTimeout(cut));
}
