/**
 * How the relay says no on a socket: the shared error message (to Outpost clients, which
 * asked for them with `acks=1`), then the code's close code — and from then on it reads
 * nothing. A peer that ignores the close frame and keeps streaming would otherwise be read
 * (and its frames buffered) until ws's 30 s close timeout; instead the socket stops reading
 * at once (its writes back up in the peer's own TCP buffers) and is cut after a short grace,
 * long enough for an honest client to receive the close frame.
 */
import { closeReason, encodeMessage, ERROR_CODES, errorMessage, type ErrorCode } from '@outpost/shared';
import type { WebSocket } from 'ws';
import type { RelayContext } from './context';

/** How long a closed socket has to take its close frame before it is cut. */
export const CLOSE_GRACE_MS = 1_000;

/** Sends the error message (to Outpost clients) and closes with the code's close code; reads nothing more. */
export function refuseSocket(ws: WebSocket, code: ErrorCode, message: string, wantsAcks: boolean, ctx: Pick<RelayContext, 'metrics'>): void {
  if (wantsAcks && ws.readyState === ws.OPEN) ws.send(encodeMessage(errorMessage, { code, message }));
  const close = ERROR_CODES[code].close;
  if (close >= 4000) ctx.metrics.countRefusal(close);
  closeSocket(ws, close, closeReason(message));
}

/** Closes with `code`, stops reading at once and cuts the connection after `CLOSE_GRACE_MS`. */
export function closeSocket(ws: WebSocket, code: number, reason: string): void {
  ws.pause();
  if (ws.readyState === ws.CLOSED) return;
  if (ws.readyState === ws.OPEN) ws.close(code, reason);
  const cut = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
  cut.unref();
  ws.once('close', () => clearTimeout(cut));
}
