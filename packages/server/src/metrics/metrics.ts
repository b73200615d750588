/**
 * The server's Prometheus metrics, rendered as text exposition format at `GET /metrics`.
 * Just the few series an operator watches: sockets, loaded job docs, updates received,
 * durable-ack latency, group-commit time, workflow ops by outcome, sign-ins by outcome and
 * password checks.
 */

/** Upper bounds (seconds) of the durable-ack latency histogram buckets. */
export const ACK_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Upper bounds (seconds) of the group-commit time histogram buckets: a commit waits on the disk (an fsync under FULL). */
export const COMMIT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** A Prometheus histogram: cumulative counts per upper bound, count and sum. */
class Histogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  /** Samples so far. */
  get observed(): number {
    return this.count;
  }

  observe(value: number): void {
    this.count++;
    this.sum += value;
    this.bounds.forEach((le, i) => {
      if (value <= le) this.counts[i]!++;
    });
  }

  /** The series' sample lines under `name`. */
  samples(name: string): string[] {
    return [
      ...this.bounds.map((le, i) => `${name}_bucket{le="${le}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** Counters and histograms the relay and op service feed. */
export class ServerMetrics {
  /** Client content messages received (sync step 2 and update). */
  updatesReceived = 0;
  /** Sockets closed by the server for a refusal, by close code. */
  readonly refusals = new Map<number, number>();
  /** Workflow ops by outcome (`applied`, `rejected`, `duplicate`, `out_of_order`, …). */
  readonly opsByOutcome = new Map<string, number>();
  /** Sign-ins by outcome (`ok`, `bad_credentials`, `throttled`, `busy`). */
  readonly loginsByOutcome = new Map<string, number>();
  private readonly extraGauges: { name: string; help: string; read: () => number }[] = [];
  private readonly ackLatency = new Histogram(ACK_LATENCY_BUCKETS);
  private readonly commitTime = new Histogram(COMMIT_BUCKETS);
  private readonly checkpointTime = new Histogram(COMMIT_BUCKETS);
  /** Frames the SQLite WAL held at its last checkpoint that ran (null before the first, or on another store). */
  private walFrames: number | null = null;

  constructor(private readonly gauges: { connections(): number; loadedDocs(): number }) {}

  /** Records the time from receiving a content message to acking it. */
  observeAckLatency(seconds: number): void {
    this.ackLatency.observe(seconds);
  }

  /**
   * Records how long one group commit took to land, from its start (retries included): a
   * durable ack, and with relay after commit every delivery, waits for it.
   */
  observeCommit(seconds: number): void {
    this.commitTime.observe(seconds);
  }

  /**
   * Records one SQLite WAL checkpoint: how long it took, and how many frames the WAL held
   * (about one interval's commits when the WAL starts over after each checkpoint).
   */
  observeCheckpoint(seconds: number, walFrames: number): void {
    this.checkpointTime.observe(seconds);
    // SQLite reports -1 frames for a checkpoint that could not run (another one held the lock).
    if (walFrames >= 0) this.walFrames = walFrames;
  }

  /** Counts one op outcome. */
  countOp(outcome: string): void {
    this.opsByOutcome.set(outcome, (this.opsByOutcome.get(outcome) ?? 0) + 1);
  }

  /** Counts one sign-in outcome. */
  countLogin(outcome: string): void {
    this.loginsByOutcome.set(outcome, (this.loginsByOutcome.get(outcome) ?? 0) + 1);
  }

  /** Adds a gauge read at every render, for state another part of the server owns. */
  gauge(name: string, help: string, read: () => number): void {
    this.extraGauges.push({ name, help, read });
  }

  /** Counts one refusal close. */
  countRefusal(closeCode: number): void {
    this.refusals.set(closeCode, (this.refusals.get(closeCode) ?? 0) + 1);
  }

  /** The Prometheus text exposition. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: string[]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    metric('outpost_connections', 'gauge', 'Open relay websockets.', [`outpost_connections ${this.gauges.connections()}`]);
    metric('outpost_loaded_docs', 'gauge', 'Job docs loaded in memory.', [`outpost_loaded_docs ${this.gauges.loadedDocs()}`]);
    metric('outpost_updates_received_total', 'counter', 'Client content messages received.', [`outpost_updates_received_total ${this.updatesReceived}`]);
    metric('outpost_durable_ack_seconds', 'histogram', 'Time from receiving a content message to its durable ack.', this.ackLatency.samples('outpost_durable_ack_seconds'));
    metric(
      'outpost_commit_seconds',
      'histogram',
      'Time a group commit of job updates took to land, from its start (one per commit).',
      this.commitTime.samples('outpost_commit_seconds'),
    );
    if (this.checkpointTime.observed > 0) {
      metric(
        'outpost_wal_checkpoint_seconds',
        'histogram',
        'Time a SQLite WAL checkpoint took (between two commits of the log writer).',
        this.checkpointTime.samples('outpost_wal_checkpoint_seconds'),
      );
      if (this.walFrames !== null) metric('outpost_wal_frames', 'gauge', 'Frames the SQLite WAL held at its last checkpoint.', [`outpost_wal_frames ${this.walFrames}`]);
    }
    metric(
      'outpost_ops_total',
      'counter',
      'Workflow ops by outcome.',
      [...this.opsByOutcome].map(([outcome, n]) => `outpost_ops_total{outcome="${outcome}"} ${n}`),
    );
    metric(
      'outpost_socket_refusals_total',
      'counter',
      'Sockets closed for a refusal, by close code.',
      [...this.refusals].map(([code, n]) => `outpost_socket_refusals_total{code="${code}"} ${n}`),
    );
    metric(
      'outpost_logins_total',
      'counter',
      'Sign-ins by outcome.',
      [...this.loginsByOutcome].map(([outcome, n]) => `outpost_logins_total{outcome="${outcome}"} ${n}`),
    );
    for (const g of this.extraGauges) metric(g.name, 'gauge', g.help, [`${g.name} ${g.read()}`]);
    return lines.join('\n') + '\n';
  }
}
