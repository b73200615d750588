/**
 * Keep-alive pings for every open socket, so proxies and NATs do not drop a quiet one.
 *
 * Spread over the period, a few sockets per tick: pinging every socket in one timer turn
 * held the event loop for half a second at 15,000 sockets (each ping is a socket write),
 * and the pongs then came back all at once. Here each tick pings its share of the sockets,
 * walking them with one live iterator (a socket that opens mid-round is reached in it, one
 * that closed is skipped), and a round starts over once it has walked them all.
 */

/** What the keep-alive needs of a socket (`ws`'s WebSocket). */
export interface Pingable {
  ping(): void;
}

/** Pings every socket of `sockets` about once per `periodMs`, `tickMs` apart in small shares. */
export class KeepAlive {
  private readonly timer: NodeJS.Timeout;
  private round: Iterator<Pingable> | null = null;

  constructor(
    private readonly sockets: ReadonlySet<Pingable>,
    private readonly periodMs = 30_000,
    private readonly tickMs = 100,
  ) {
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    let share = Math.ceil((this.sockets.size * this.tickMs) / this.periodMs);
    while (share > 0) {
      this.round ??= this.sockets.values();
      const next = this.round.next();
      if (next.done) {
        // Round over: the next starts on the next tick, so no socket is pinged twice in one.
        this.round = null;
        return;
      }
      next.value.ping();
      share--;
    }
  }
}
