import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStatus } from '@outpost/shared';
import { until, World } from './harness';

interface LoggedOp {
  opId: string;
  deviceId: string;
  deviceSeq: number;
  outcome: string;
  to: string | null;
}

describe('draining the outbox over a flaky network', () => {
  let world: World;
  beforeEach(async () => {
    world = await World.start();
  });
  afterEach(() => world.close());

  it('applies every op exactly once and in order when the connection is cut mid-drain, again and again', async () => {
    const link = await world.link();
    const alice = await world.device('alice-phone', link, 'alice');
    const job = await alice.openJob('job-1006');
    await job.whenSynced();

    link.cut();
    const moves: JobStatus[] = ['en_route', 'on_site', 'in_progress'];
    for (let i = 0; i < 12; i++) moves.push(i % 2 === 0 ? 'on_hold' : 'in_progress');
    const queued = [];
    for (const to of moves) queued.push(await alice.submitOp('job-1006', { kind: 'transition', to }));

    // Restore and cut repeatedly while the drain runs.
    for (let cycle = 0; cycle < 10 && alice.outbox.list().queued.length > 0; cycle++) {
      link.restore();
      alice.syncNow();
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 40));
      link.cut();
      await new Promise((r) => setTimeout(r, 10));
    }
    link.restore();
    alice.syncNow();
    await until('the outbox is empty', () => alice.outbox.list().queued.length === 0, 30_000);
    expect(alice.outbox.list().errors).toEqual([]);
    expect(alice.outbox.list().conflicts).toEqual([]);

    const dana = await world.device('dana-laptop', await world.link(), 'dana');
    const { ops } = (await (await dana.api('/api/jobs/job-1006/ops')).json()) as { ops: LoggedOp[] };
    const mine = ops.filter((op) => op.deviceId === alice.deviceId);
    expect(mine.map((op) => op.opId)).toEqual(queued.map((item) => item.opId));
    expect(mine.every((op) => op.outcome === 'applied')).toBe(true);
    expect(mine.map((op) => op.to)).toEqual(moves);
    const seqs = mine.map((op) => op.deviceSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
