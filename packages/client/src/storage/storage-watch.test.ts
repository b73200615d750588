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

  it('says the device could not save a change until every refused write is stored, whatever else it knows', () => {
    const full = new DOMException('', 'QuotaExceededError');
    expect(storageWarning(true, 10, 100, 0, full)).toMatchObject({
      atRisk: true,
      unsaved: true,
      warning: 'This device could not save your last change — storage is full; export or free space.',
    });
    const watch = new StorageWatch(() => 1, { estimate: async () => ({ usage: 10, quota: 100 }) });
    watch.reportWrite('pending job-1', full);
    watch.reportWrite('store outbox', new DOMException('disk error', 'UnknownError'));
    expect(watch.get().warning).toBe('This device could not save your last change (disk error); export your unsynced work.');
    watch.reportWrite('store outbox', null);
    expect(watch.get().unsaved).toBe(true);
    watch.reportWrite('pending job-1', null);
    expect(watch.get()).toMatchObject({ unsaved: false, warning: null });
  });
});
