/**
 * Frames sent in one tick leave in one write. A device channel sends a burst of small
 * frames at once (a slice of subscribe answers, the acks of one commit, a push to many
 * jobs), and a `/sync` socket gets a commit's changes of its job-mates with the ack of its
 * own; written one by one, each was a system call and a TCP segment of its own. The
 * socket under the websocket is corked at the first frame of a tick and uncorked when
 * the tick ends, so the burst goes out in one `writev`: the same frames, the same order.
 * A commit reaches many sockets in one tick: one callback at the tick's end uncorks them
 * all, rather than a callback scheduled per socket.
 */
import type { Socket } from 'node:net';

/** The corks held in this tick, released together as it ends (`releaseHeld`). */
let held: TickCork[] = [];

function releaseHeld(): void {
  const corks = held;
  held = []; // a send while releasing corks again, for the next tick
  for (const cork of corks) cork.release();
}

/** Corks a socket for the rest of the current tick. */
export class TickCork {
  private corked = false;

  /** `socket`: the TCP socket under the websocket (`req.socket` of the upgrade); null: nothing is corked. */
  constructor(private readonly socket: Pick<Socket, 'cork' | 'uncork'> | null) {}

  /** Call before each send: the first in a tick corks the socket until the tick ends. */
  hold(): void {
    const socket = this.socket;
    if (!socket || this.corked) return;
    this.corked = true;
    socket.cork();
    if (held.length === 0) process.nextTick(releaseHeld);
    held.push(this);
  }

  /** Uncorks the socket: its frames of this tick leave (`releaseHeld`). */
  release(): void {
    this.corked = false;
    this.socket!.uncork();
  }
}
