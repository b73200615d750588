import { mkdtemp, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../../../../test-support/until';
import { SqliteStore } from './sqlite-store';

describe('WAL checkpoints of the SQLite store', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function openStore(checkpointEveryMs: number, walRestartFrames?: number): Promise<{ store: SqliteStore; walBytes: () => number; checkpoints: number[] }> {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-wal-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const file = join(dir, 'outpost.db');
    /** WAL frames at each checkpoint. */
    const checkpoints: number[] = [];
    const store = new SqliteStore(file, { checkpointEveryMs, walRestartFrames, checkpointed: (_s, frames) => checkpoints.push(frames) });
    cleanups.push(() => store.close());
    return { store, walBytes: () => statSync(`${file}-wal`).size, checkpoints };
  }

  /** Appends without a pause (two appends always asked) until `stop`; resolves with how many were committed. */
  function appendNonStop(store: SqliteStore): { stop(): Promise<number> } {
    let stopped = false;
    let committed = 0;
    const update = new Uint8Array(3_000).fill(7);
    const writer = async (w: number) => {
      for (let i = 0; !stopped; i++) {
        await store.appendUpdates([{ jobId: `job-${w}-${i % 20}`, update }]);
        committed++;
      }
    };
    const writers = [writer(0), writer(1)];
    return {
      async stop() {
        stopped = true;
        await Promise.all(writers);
        return committed;
      },
    };
  }

  it('lets the WAL start over while appends never pause, instead of growing', async () => {
    const { store, walBytes, checkpoints } = await openStore(50, 256);
    const appends = appendNonStop(store);
    // Frames in the WAL at each checkpoint (-1: one that could not run); fewer than at the
    // one before means the WAL started over in between.
    const restarts = () => checkpoints.filter((n) => n >= 0).filter((n, i, all) => i > 0 && n < all[i - 1]!).length;
    // Checkpoints beside the appends never complete while appends go on; past 256 frames the
    // log writer checkpoints between two commits and the next one writes the WAL from its
    // start. A WAL that never starts over grows with every commit (12 → 65 MB in 1.5 s).
    await until('the WAL started over twice', () => restarts() >= 2, 20_000);
    expect(await appends.stop()).toBeGreaterThan(0);
    expect(walBytes()).toBeLessThan(16 * 2 ** 20);
  });

  it("checkpoints writes that stopped, and writes on the store's own connection, without waiting for the next append", async () => {
    const { store, checkpoints } = await openStore(50);
    const update = new Uint8Array(100).fill(1);
    await store.appendUpdates([{ jobId: 'job-1', update }]);
    // The first transaction takes a checkpoint after it; the second is within the least gap.
    await until('the first checkpoint', () => checkpoints.length === 1);
    await store.appendUpdates([{ jobId: 'job-1', update }]);
    expect(checkpoints).toHaveLength(1);
    await until('a checkpoint of the last append once the gap passed', () => checkpoints.length === 2);
    await sleep(150);
    expect(checkpoints).toHaveLength(2); // nothing written since: no checkpoint
    await store.putCustomer({ id: 'cust-9', name: 'Ninth Street Bakery', phone: '555-0109', email: 'bakery@example.com', address: '9 Ninth St' });
    await until("a checkpoint of the customer, written on the store's own connection", () => checkpoints.length === 3);
    expect(checkpoints[2]).toBeGreaterThan(0);
  });
});
