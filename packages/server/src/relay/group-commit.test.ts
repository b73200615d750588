import { describe, expect, it } from 'vitest';
import type { JobUpdate, Store } from '../store/store';
import { GroupCommitter } from './group-commit';

function recordingStore(opts: { hold?: Promise<void>; failTimes?: number } = {}) {
  const commits: JobUpdate[][] = [];
  let failures = opts.failTimes ?? 0;
  const store = {
    async appendUpdates(batch: readonly JobUpdate[]) {
      await opts.hold;
      if (failures-- > 0) throw new Error('write failed');
      commits.push([...batch]);
    },
  } as unknown as Store;
  return { store, commits };
}

const u = (jobId: string, byte: number): JobUpdate => ({ jobId, update: new Uint8Array([byte]) });
const noEvents = { committed: () => undefined, failed: () => undefined };

describe('group commit', () => {
  it('tells how long each commit took to land, from its start', async () => {
    const { store } = recordingStore({ hold: new Promise((r) => setTimeout(r, 30)) });
    const took: number[] = [];
    const committer = new GroupCommitter(store, { committed: (_u, seconds) => took.push(seconds), failed: () => undefined });
    committer.append(u('a', 1));
    await committer.barrier();
    expect(took).toHaveLength(1);
    expect(took[0]).toBeGreaterThanOrEqual(0.025);
    expect(took[0]).toBeLessThan(5);
  });

  it('commits updates that arrive together in one transaction', async () => {
    const { store, commits } = recordingStore();
    const committer = new GroupCommitter(store, noEvents, 5);
    committer.append(u('a', 1));
    committer.append(u('b', 2));
    committer.append(u('a', 3));
    await committer.barrier();
    expect(commits).toEqual([[u('a', 1), u('b', 2), u('a', 3)]]);
  });

  it('collects what arrives during a commit into the next one, and a barrier waits for everything before it', async () => {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const { store, commits } = recordingStore({ hold });
    const committer = new GroupCommitter(store, noEvents, 1);
    committer.append(u('a', 1));
    const first = committer.barrier();
    await new Promise((r) => setTimeout(r, 10)); // the first commit is now in flight
    committer.append(u('a', 2));
    committer.append(u('b', 3));
    const second = committer.barrier();
    let firstDone = false;
    void first.then(() => (firstDone = true));
    expect(firstDone).toBe(false);
    release();
    await second;
    expect(firstDone).toBe(true);
    expect(commits).toEqual([[u('a', 1)], [u('a', 2), u('b', 3)]]);
  });

  it('commits at the end of the turn that queued the update when no commit is in flight (no timer to wait out)', async () => {
    const { store, commits } = recordingStore();
    const committer = new GroupCommitter(store, noEvents);
    committer.append(u('a', 1));
    committer.append(u('b', 2));
    await new Promise((r) => setImmediate(r));
    expect(commits).toEqual([[u('a', 1), u('b', 2)]]);
  });

  it('resolves a barrier at once when nothing is pending', async () => {
    const { store } = recordingStore();
    await new GroupCommitter(store, noEvents).barrier();
  });

  it('retries a failed commit, and reports a commit that keeps failing', async () => {
    const flaky = recordingStore({ failTimes: 1 });
    const ok = new GroupCommitter(flaky.store, noEvents, 1);
    ok.append(u('a', 1));
    await ok.barrier();
    expect(flaky.commits).toHaveLength(1);

    const broken = recordingStore({ failTimes: 99 });
    const failed: JobUpdate[][] = [];
    const committer = new GroupCommitter(broken.store, { committed: () => undefined, failed: (b) => failed.push([...b]) }, 1, 2);
    committer.append(u('a', 1));
    await expect(committer.barrier()).rejects.toThrow('write failed');
    expect(failed).toEqual([[u('a', 1)]]);
  });
});
