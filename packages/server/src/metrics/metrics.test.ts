import { describe, expect, it } from 'vitest';
import { ServerMetrics } from './metrics';

describe('server metrics', () => {
  it('renders group-commit times as a Prometheus histogram beside the durable-ack latency', () => {
    const metrics = new ServerMetrics({ connections: () => 0, loadedDocs: () => 0 });
    for (const seconds of [0.0003, 0.002, 0.002, 0.3]) metrics.observeCommit(seconds);
    metrics.observeAckLatency(0.004);
    const text = metrics.render();
    expect(text).toContain('# TYPE outpost_commit_seconds histogram');
    expect(text).toMatch(/^outpost_commit_seconds_bucket\{le="0.0005"\} 1$/m);
    expect(text).toMatch(/^outpost_commit_seconds_bucket\{le="0.0025"\} 3$/m);
    expect(text).toMatch(/^outpost_commit_seconds_bucket\{le="0.25"\} 3$/m);
    expect(text).toMatch(/^outpost_commit_seconds_bucket\{le="0.5"\} 4$/m);
    expect(text).toMatch(/^outpost_commit_seconds_bucket\{le="\+Inf"\} 4$/m);
    expect(text).toMatch(/^outpost_commit_seconds_count 4$/m);
    expect(Number(/^outpost_commit_seconds_sum (\S+)$/m.exec(text)?.[1])).toBeCloseTo(0.3043, 6);
    expect(text).toMatch(/^outpost_durable_ack_seconds_bucket\{le="0.005"\} 1$/m);
    expect(text).toMatch(/^outpost_durable_ack_seconds_count 1$/m);
  });

  it('shows SQLite WAL checkpoints once there was one', () => {
    const metrics = new ServerMetrics({ connections: () => 0, loadedDocs: () => 0 });
    expect(metrics.render()).not.toContain('outpost_wal_');
    metrics.observeCheckpoint(0.003, 1_200);
    metrics.observeCheckpoint(0.02, 310);
    const text = metrics.render();
    expect(text).toContain('# TYPE outpost_wal_checkpoint_seconds histogram');
    expect(text).toMatch(/^outpost_wal_checkpoint_seconds_bucket\{le="0.005"\} 1$/m);
    expect(text).toMatch(/^outpost_wal_checkpoint_seconds_count 2$/m);
    expect(text).toMatch(/^outpost_wal_frames 310$/m);
    // A checkpoint that could not run (SQLite says -1 frames) is timed but leaves the gauge.
    metrics.observeCheckpoint(0.0001, -1);
    expect(metrics.render()).toMatch(/^outpost_wal_frames 310$/m);
    expect(metrics.render()).toMatch(/^outpost_wal_checkpoint_seconds_count 3$/m);
  });
});
