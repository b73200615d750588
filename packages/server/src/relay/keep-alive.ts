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
  /**
   * Pings owed and not yet sent: each tick adds its share of the period's pings, fractions
   * included. Until 27 Nov a tick's share was rounded up to one, so a server with fewer
   * sockets than ticks in a period (300) pinged each of them every few hundred ms instead of
   * every 30 s: radio wake-ups and bytes on every phone of a small crew.
   */
  private owed = 0;

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
    this.owed += (this.sockets.size * this.tickMs) / this.periodMs;
    while (this.owed >= 1) {
      this.round ??= this.sockets.values();
      const next = this.round.next();
      if (next.done) {
        // Round over: the next starts on the next tick, so no socket is pinged twice in one
        // (the ping owed now goes first in it; more than one would only make a burst).
        this.round = null;
        this.owed = Math.min(this.owed, 1);
        return;
      }
      next.value.ping();
      this.owed--;
    }
  }
}
