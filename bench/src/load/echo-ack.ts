/**
 * Acknowledgement by echo, for servers that send none (y-websocket-server): the server
 * relays every applied update to every socket on the job, the sender's included, so an
 * echoed update whose clock covers a sent update proves the server applied it.
 */
import * as Y from 'yjs';
import type { JobSession } from './sync-client';
import { singleRunEnd } from './update-head';

/** Tracks sent updates by their end clock and acks them as echoes arrive. */
export class EchoAck {
  private readonly ends: number[] = [];
  private acked = 0;

  constructor(
    private readonly session: JobSession,
    private readonly clientId: number,
  ) {
    const previous = session.onUpdate;
    session.onUpdate = (update, at) => {
      previous?.(update, at);
      const to = endClockOrNone(update, clientId);
      if (to === undefined) return;
      let n = this.acked;
      while (n < this.ends.length && this.ends[n]! <= to) n++;
      if (n > this.acked) {
        this.acked = n;
        session.acked = Math.max(session.acked, session.contentSent - (this.ends.length - n));
        session.onAck?.(session.acked, at);
      }
    };
  }

  /** Call right after sending an update whose own items end at clock `end` (exclusive). */
  sent(end: number): void {
    this.ends.push(end);
  }
}

/** The end clock (exclusive) of `clientId`'s items in `update`. */
export function endClock(update: Uint8Array, clientId: number): number {
  return endClockOrNone(update, clientId) ?? 0;
}

/** The end clock of `clientId`'s items in `update`; undefined when it holds none. */
function endClockOrNone(update: Uint8Array, clientId: number): number | undefined {
  const run = singleRunEnd(update);
  if (run) return run.client === clientId ? run.to : undefined;
  return Y.parseUpdateMeta(update).to.get(clientId);
}
