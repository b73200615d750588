/**
 * Frames sent in one tick leave in one write. A device channel sends a burst of small
 * frames at once (a slice of subscribe answers, the acks of one commit, a push to many
 * jobs), and a `/sync` socket gets a commit's changes of its job-mates with the ack of its
 * own; written one by one, each was a system call and a TCP segment of its own. The
 * socket under the websocket is corked at the first frame of a tick and uncorked when
 * the tick ends, so the burst goes out in one `writev`: the same frames, the same order.
 */
import type { Socket } from 'node:net';

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
    process.nextTick(() => {
      this.corked = false;
      socket.uncork();
    });
  }
}
