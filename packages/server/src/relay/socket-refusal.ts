/**
 * How the relay says no on a socket: the shared error message (to Outpost clients, which
 * asked for them with `acks=1`), then the code's close code.
 */
import { closeReason, encodeMessage, ERROR_CODES, errorMessage, type ErrorCode } from '@outpost/shared';
import type { WebSocket } from 'ws';
import type { RelayContext } from './context';

/** Sends the error message (to Outpost clients) and closes with the code's close code. */
export function refuseSocket(ws: WebSocket, code: ErrorCode, message: string, wantsAcks: boolean, ctx: Pick<RelayContext, 'metrics'>): void {
  if (wantsAcks && ws.readyState === ws.OPEN) ws.send(encodeMessage(errorMessage, { code, message }));
  const close = ERROR_CODES[code].close;
  if (close >= 4000) ctx.metrics.countRefusal(close);
  ws.close(close, closeReason(message));
}
