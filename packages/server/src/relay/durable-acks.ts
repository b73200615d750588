/**
 * The durable acks one socket is owed. Content messages are counted from 1; message n is
 * acked once the commit of its own update landed, and acks go out in order (they are
 * cumulative: `upTo` n means every message up to n is stored). Messages waiting for the
 * same group commit share one ack, so a burst costs one ack frame per commit.
 */

/** What the socket does with its acks. */
export interface AckEvents {
  /** Every content message up to `upTo` is stored; `receivedAt` are their arrival times. */
  acked(upTo: number, receivedAt: readonly number[]): void;
  /** A commit failed: nothing from it may be acked; the socket must be refused. */
  failed(err: unknown): void;
}

/** An ack owed once `committed` resolves, covering messages up to `upTo`. */
interface WaitingAck {
  committed: Promise<void>;
  upTo: number;
  receivedAt: number[];
  settled: boolean;
}

/** The acks owed to one socket. */
export class DurableAcks {
  private chain: Promise<void> = Promise.resolve();
  /** The last ack queued, while its commit is pending (later messages in that commit join it). */
  private waiting: WaitingAck | null = null;
  /** Set after a failed commit: a later ack would claim the lost messages too (acks are cumulative). */
  private failed = false;

  constructor(private readonly events: AckEvents) {}

  /** Owes an ack for message `n` once `committed` (the commit of that message's update) lands. */
  owe(n: number, receivedAt: number, committed: Promise<void>): void {
    const waiting = this.waiting;
    if (waiting && waiting.committed === committed && !waiting.settled) {
      waiting.upTo = n;
      waiting.receivedAt.push(receivedAt);
      return;
    }
    const ack: WaitingAck = { committed, upTo: n, receivedAt: [receivedAt], settled: false };
    this.waiting = ack;
    this.chain = this.chain
      .then(() => committed)
      .then(
        () => {
          ack.settled = true;
          if (!this.failed) this.events.acked(ack.upTo, ack.receivedAt);
        },
        (err: unknown) => {
          ack.settled = true;
          if (this.failed) return;
          this.failed = true;
          this.events.failed(err);
        },
      );
  }

  /** Resolves once every ack owed so far was sent (or failed). */
  drained(): Promise<void> {
    return this.chain;
  }
}
