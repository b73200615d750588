import { describe, expect, it } from 'vitest';
import { StorageWatch, storageWarning } from './storage-watch';

describe('storage safety', () => {
  it('warns when unsynced work sits in nearly full or evictable storage, and only then', () => {
    expect(storageWarning(true, 90, 100, 3)).toMatchObject({ atRisk: true, warning: expect.stringContaining('nearly full') });
    expect(storageWarning(false, 10, 100, 3)).toMatchObject({ atRisk: true, warning: expect.stringContaining('may clear') });
    expect(storageWarning(true, 90, 100, 0)).toMatchObject({ atRisk: false, warning: null });
    expect(storageWarning(true, 10, 100, 3).atRisk).toBe(false);
  });

  it('asks the browser to persist storage and watches the quota', async () => {
    let asked = 0;
    const unsynced = { n: 2 };
    const watch = new StorageWatch(() => unsynced.n, {
      persist: async () => (asked++, false),
      estimate: async () => ({ usage: 50, quota: 100 }),
    });
    await watch.start(60_000);
    watch.stop();
    expect(asked).toBe(1);
    expect(watch.get()).toMatchObject({ persisted: false, usage: 50, quota: 100, atRisk: true });
    unsynced.n = 0;
    expect(watch.recompute().atRisk).toBe(false);
  });
});
