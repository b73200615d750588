import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DeviceDb } from '../storage/device-db';
import { DrainLock } from './drain-lock';

describe('drain lock without Web Locks', () => {
  it('lets one tab hold the lease until it lets go, then another takes it', async () => {
    const db = await DeviceDb.open(indexedDB, crypto.randomUUID());
    const a = new DrainLock(db, 'drain', null);
    const b = new DrainLock(db, 'drain', null);
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await a.acquire()).toBe(true);
    await a.stop();
    expect(await b.acquire()).toBe(true);
  });

  it('takes over a lease whose tab stopped renewing it', async () => {
    const db = await DeviceDb.open(indexedDB, crypto.randomUUID());
    await db.put('meta', 'drain', { holder: 'a crashed tab', expires: Date.now() - 1 });
    expect(await new DrainLock(db, 'drain', null).acquire()).toBe(true);
  });

  it('uses Web Locks where the browser has them', async () => {
    const db = await DeviceDb.open(indexedDB, crypto.randomUUID());
    let held = false;
    const locks = {
      request: async (_name: string, _o: unknown, cb: (lock: unknown) => Promise<void>) => {
        const lock = held ? null : {};
        if (lock) held = true;
        await cb(lock);
      },
    };
    expect(await new DrainLock(db, 'drain', locks).acquire()).toBe(true);
    expect(await new DrainLock(db, 'drain', locks).acquire()).toBe(false);
  });
});
