import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { disk } from '../../test/full-disk';
import { runDeviceStorageTests } from '@outpost/client/testing';
import { DeviceDb } from './device-db';

// fake-indexeddb stands in for the browser's IndexedDB here; the same suite runs against
// IndexedDB in real Chromium in test/browser/device-storage.test.ts.
runDeviceStorageTests('IndexedDB (fake-indexeddb)', (name) => DeviceDb.open(indexedDB, name));

describe('device database on a full disk', () => {
  afterEach(() => disk.free());

  it('says a write failed when its transaction aborts at commit, after the request itself succeeded', async () => {
    const db = await DeviceDb.open(indexedDB, `full-${Math.random()}`);
    disk.fill();
    await expect(db.add('pending', { jobId: 'j1', update: new Uint8Array([1]) })).rejects.toMatchObject({ name: 'QuotaExceededError' });
    await expect(db.put('outbox', 'op-1', { opId: 'op-1' })).rejects.toMatchObject({ name: 'QuotaExceededError' });
    await expect(db.increment('meta', 'deviceSeq')).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(disk.refused).toBe(3);
    disk.free();
    expect(await db.count('pending')).toBe(0);
    expect(await db.get('outbox', 'op-1')).toBeUndefined();
    expect(await db.increment('meta', 'deviceSeq')).toBe(1);
    db.close();
  });
});
