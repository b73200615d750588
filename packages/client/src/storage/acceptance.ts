/**
 * The acceptance suite for device storage: what the engine relies on, run against every
 * `DeviceStorage` implementation. Imports vitest, so it is exported as
 * `@outpost/client/testing`, not from the package index; call it from a test file with a
 * way to open storage for a device name.
 */
import { describe, expect, it } from 'vitest';
import type { DeviceStorage } from './device-storage';

/** Runs the suite; `open(name)` opens (creating if needed) the storage of one device. */
export function runDeviceStorageTests(label: string, open: (deviceName: string) => Promise<DeviceStorage>): void {
  const fresh = () => `device-${Math.random().toString(36).slice(2)}`;

  describe(`device storage: ${label}`, () => {
    it('keeps values across a close and reopen, and binary data byte for byte', async () => {
      const name = fresh();
      const first = await open(name);
      await first.put('blobs', 'abc', { bytes: new Uint8Array([1, 2, 255]), mime: 'image/jpeg' });
      await first.put('meta', 'session', { token: 't' });
      first.close();
      const again = await open(name);
      expect(await again.get('blobs', 'abc')).toEqual({ bytes: new Uint8Array([1, 2, 255]), mime: 'image/jpeg' });
      expect(await again.get('meta', 'session')).toEqual({ token: 't' });
      expect(await again.get('meta', 'nothing')).toBeUndefined();
      again.close();
    });

    it('keeps devices apart', async () => {
      const a = await open(fresh());
      const b = await open(fresh());
      await a.put('meta', 'deviceId', 'a');
      expect(await b.get('meta', 'deviceId')).toBeUndefined();
      a.close();
      b.close();
    });

    it('appends pending updates with increasing keys, finds them per job, and deletes them one by one', async () => {
      const s = await open(fresh());
      const k1 = await s.add('pending', { jobId: 'j1', update: new Uint8Array([1]) });
      const k2 = await s.add('pending', { jobId: 'j2', update: new Uint8Array([2]) });
      const k3 = await s.add('pending', { jobId: 'j1', update: new Uint8Array([3]) });
      expect(k1 < k2 && k2 < k3).toBe(true);
      expect((await s.pendingOf<{ update: Uint8Array }>('j1')).map(([k, v]) => [k, v.update[0]])).toEqual([
        [k1, 1],
        [k3, 3],
      ]);
      await s.delete('pending', k1);
      expect(await s.count('pending')).toBe(2);
      expect((await s.entries<{ jobId: string }>('pending')).map(([, v]) => v.jobId)).toEqual(['j2', 'j1']);
      s.close();
    });

    it('replaces pending records with their merge only while every one is still there', async () => {
      const s = await open(fresh());
      const k1 = await s.add('pending', { jobId: 'j1', update: new Uint8Array([1]) });
      const k2 = await s.add('pending', { jobId: 'j1', update: new Uint8Array([2]) });
      const other = await s.add('pending', { jobId: 'j2', update: new Uint8Array([9]) });
      const merged = await s.replace('pending', [k1, k2], { jobId: 'j1', update: new Uint8Array([1, 2]) });
      expect(merged).toBeGreaterThan(other);
      expect((await s.pendingOf<{ update: Uint8Array }>('j1')).map(([k, v]) => [k, [...v.update]])).toEqual([[merged, [1, 2]]]);
      // One of them went meanwhile (acked): nothing is written, nothing is deleted.
      const k3 = await s.add('pending', { jobId: 'j1', update: new Uint8Array([3]) });
      expect(await s.replace('pending', [merged!, k3, k1], { jobId: 'j1', update: new Uint8Array([7]) })).toBeNull();
      expect((await s.pendingOf<{ update: Uint8Array }>('j1')).map(([k]) => k)).toEqual([merged, k3]);
      expect(await s.count('pending')).toBe(3);
      s.close();
    });

    it('increments a counter atomically, also when two callers race', async () => {
      const s = await open(fresh());
      const seqs = await Promise.all(Array.from({ length: 20 }, () => s.increment('meta', 'deviceSeq')));
      expect(new Set(seqs).size).toBe(20);
      expect(Math.max(...seqs)).toBe(20);
      expect(await s.increment('meta', 'deviceSeq', 5)).toBe(25);
      s.close();
    });

    it('lists a store in key order', async () => {
      const s = await open(fresh());
      for (const key of ['b', 'c', 'a']) await s.put('outbox', key, { key });
      expect((await s.entries('outbox')).map(([k]) => k)).toEqual(['a', 'b', 'c']);
      s.close();
    });
  });
}
