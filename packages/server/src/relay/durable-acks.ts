/**
 * The durable acks one socket is owed. Content messages are counted from 1; message n is
 * acked once the commit of its own update landed, and acks go out in order (they are
 * cumulative: `upTo` n means every message up to n is stored). Messages waiting for the
 * same group commit share one ack, so a burst costs one ack frame per commit.
 *
 * The acks wait in a queue, sent from its head once their commits settled: one reaction
 * per commit and socket (a relay under fan-out settles thousands a second), where a chain
 * of promises cost two promises and an extra turn of the microtask queue for each.
 */

/** What the socket does with its acks. */
export interface AckEvents {
  /** Every content message up to `upTo` is stored; `receivedAt` are their arrival times. */
  acked(upTo: number, receivedAt: readonly number[]): void;
  /** A commit failed: nothing from it may be acked; the socket must be refused. */
  failed(err: unknown): void;
}

/** An ack owed once `committed` settles, covering messages up to `upTo`. */
interface WaitingAck {
  committed: Promise<void>;
  upTo: number;
  receivedAt: number[];
  outcome: 'pending' | 'stored' | 'failed';
  err?: unknown;
  /** `drained` callers waiting for this ack to be sent. */
  drained?: (() => void)[];
}

/** The acks owed to one socket. */
export class DurableAcks {
  /** Acks not sent yet, in message order. */
  private readonly queue: WaitingAck[] = [];
  /** Set after a failed commit: a later ack would claim the lost messages too (acks are cumulative). */
  private failed = false;

  constructor(private readonly events: AckEvents) {}

  /** Owes an ack for message `n` once `committed` (the commit of that message's update) lands. */
  owe(n: number, receivedAt: number, committed: Promise<void>): void {
    const last = this.queue[this.queue.length - 1];
    if (last && last.committed === committed && last.outcome === 'pending') {
      last.upTo = n;
      last.receivedAt.push(receivedAt);
      return;
    }
    const ack: WaitingAck = { committed, upTo: n, receivedAt: [receivedAt], outcome: 'pending' };
    this.queue.push(ack);
    committed.then(
      () => this.settle(ack, 'stored'),
      (err: unknown) => this.settle(ack, 'failed', err),
    );
  }

  /** Resolves once every ack owed so far was sent (or failed). */
  drained(): Promise<void> {
    const last = this.queue[this.queue.length - 1];
    if (!last) return Promise.resolve();
    return new Promise((resolve) => (last.drained ??= []).push(resolve));
  }

  private settle(ack: WaitingAck, outcome: 'stored' | 'failed', err?: unknown): void {
    ack.outcome = outcome;
    ack.err = err;
    // Acks go out in order: a commit that landed waits for the ones before it.
    while (this.queue.length > 0 && this.queue[0]!.outcome !== 'pending') {
      const head = this.queue.shift()!;
      if (head.outcome === 'stored') {
        if (!this.failed) this.events.acked(head.upTo, head.receivedAt);
      } else if (!this.failed) {
        this.failed = true;
        this.events.failed(head.err);
      }
      for (const resolve of head.drained ?? []) resolve();
    }
  }
}
