/**
 * The server's Prometheus metrics, rendered as text exposition format at `GET /metrics`.
 * Just the few series an operator watches: sockets, loaded job docs, updates received,
 * durable-ack latency, workflow ops by outcome, sign-ins by outcome and password checks.
 */

/** Upper bounds (seconds) of the durable-ack latency histogram buckets. */
export const ACK_LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

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
  private readonly ackBuckets = ACK_LATENCY_BUCKETS.map(() => 0);
  private ackCount = 0;
  private ackSum = 0;

  constructor(private readonly gauges: { connections(): number; loadedDocs(): number }) {}

  /** Records the time from receiving a content message to acking it. */
  observeAckLatency(seconds: number): void {
    this.ackCount++;
    this.ackSum += seconds;
    ACK_LATENCY_BUCKETS.forEach((le, i) => {
      if (seconds <= le) this.ackBuckets[i]!++;
    });
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
    metric('outpost_durable_ack_seconds', 'histogram', 'Time from receiving a content message to its durable ack.', [
      ...ACK_LATENCY_BUCKETS.map((le, i) => `outpost_durable_ack_seconds_bucket{le="${le}"} ${this.ackBuckets[i]}`),
      `outpost_durable_ack_seconds_bucket{le="+Inf"} ${this.ackCount}`,
      `outpost_durable_ack_seconds_sum ${this.ackSum}`,
      `outpost_durable_ack_seconds_count ${this.ackCount}`,
    ]);
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
