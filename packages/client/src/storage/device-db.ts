/**
 * The device's own IndexedDB database (one per device namespace): session and counters,
 * pending doc updates, the outbox, blobs and the priming cache. Job docs themselves live
 * in databases of their own next to it, in y-indexeddb's layout (see `jobDbName`, JobDocStore).
 *
 * A thin promise layer over IndexedDB; every call is one transaction. A write resolves
 * when its transaction *completes* (not when its request succeeds: Chromium checks the
 * quota at commit, so a request can succeed in a transaction that then aborts with
 * `QuotaExceededError`), and rejects with the transaction's error otherwise. Stores that
 * hold unsynced work commit with `durability: 'strict'`, so "resolved" means on disk, not
 * in the OS cache a power cut empties.
 */
import type { DeviceStorage, DeviceStore } from './device-storage';

const VERSION = 1;

/** The IndexedDB name of a device namespace. */
export function deviceDbName(deviceName: string): string {
  return `outpost-device:${deviceName}`;
}

/** The IndexedDB name of one job's doc on one device (JobDocStore). */
export function jobDbName(deviceName: string, jobId: string): string {
  return `outpost-device:${deviceName}:job:${jobId}`;
}

/** Stores whose writes are unsynced work (or the op counter): committed strictly. The priming cache can be fetched again. */
const STRICT: ReadonlySet<DeviceStore> = new Set(['meta', 'pending', 'outbox', 'blobs']);

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves once `tx` committed; rejects with why it did not (a full disk: `QuotaExceededError`). */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('The write was aborted.', 'AbortError'));
  });
}

/** The device database: key-value style access to each store. */
export class DeviceDb implements DeviceStorage {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (creating on first use) the database of a device namespace. */
  static async open(factory: IDBFactory, deviceName: string): Promise<DeviceDb> {
    const req = factory.open(deviceDbName(deviceName), VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      for (const name of ['meta', 'outbox', 'blobs', 'priming'] as const) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name);
      }
      if (!db.objectStoreNames.contains('pending')) {
        db.createObjectStore('pending', { autoIncrement: true }).createIndex('jobId', 'jobId');
      }
    };
    return new DeviceDb(await request(req));
  }

  private store(name: DeviceStore, mode: 'readonly'): IDBObjectStore {
    return this.db.transaction(name, mode).objectStore(name);
  }

  /** Runs `write` in a readwrite transaction; resolves to its result once the transaction committed. */
  private async write<T>(name: DeviceStore, write: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
    const tx = this.db.transaction(name, 'readwrite', { durability: STRICT.has(name) ? 'strict' : 'default' });
    const done = committed(tx);
    // A failed request aborts the transaction with the request's error: `done` carries it.
    const req = write(tx.objectStore(name));
    await done;
    return req.result;
  }

  /** One value, or undefined. */
  get<T>(store: DeviceStore, key: IDBValidKey): Promise<T | undefined> {
    return request(this.store(store, 'readonly').get(key)) as Promise<T | undefined>;
  }

  /** Writes one value under `key` (stores without a key path). */
  put(store: DeviceStore, key: IDBValidKey, value: unknown): Promise<IDBValidKey> {
    return this.write(store, (s) => s.put(value, key));
  }

  /** Adds `by` to a numeric value in one transaction (safe across tabs); resolves to the new value. */
  async increment(store: DeviceStore, key: IDBValidKey, by = 1): Promise<number> {
    let value = 0;
    await this.write(store, (s) => {
      const get = s.get(key);
      get.onsuccess = () => {
        value = (typeof get.result === 'number' ? get.result : 0) + by;
        s.put(value, key);
      };
      return get;
    });
    return value;
  }

  /** Appends to an auto-increment store; resolves to the new key. */
  add(store: DeviceStore, value: unknown): Promise<number> {
    return this.write(store, (s) => s.add(value)) as Promise<number>;
  }

  /** See DeviceStorage.replace: all of `keys` go and `value` comes, or nothing changes. */
  async replace(store: 'pending', keys: readonly number[], value: unknown): Promise<number | null> {
    const tx = this.db.transaction(store, 'readwrite', { durability: 'strict' });
    const done = committed(tx);
    const s = tx.objectStore(store);
    let added: IDBRequest<IDBValidKey> | null = null;
    let left = keys.length;
    let missing = false;
    for (const key of keys) {
      const count = s.count(key);
      count.onsuccess = () => {
        missing ||= count.result === 0;
        if (--left > 0 || missing) return;
        added = s.add(value);
        for (const k of keys) s.delete(k);
      };
    }
    await done;
    return added ? ((added as IDBRequest<IDBValidKey>).result as number) : null;
  }

  /** Deletes one key. */
  delete(store: DeviceStore, key: IDBValidKey): Promise<void> {
    return this.write(store, (s) => s.delete(key)).then(() => undefined);
  }

  /** Every [key, value] of a store, in key order. */
  async entries<T>(store: DeviceStore): Promise<[IDBValidKey, T][]> {
    const s = this.store(store, 'readonly');
    const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
    return keys.map((k, i) => [k, values[i] as T]);
  }

  /**
   * Every [key, value] of the pending store for one job. Reads the whole store, not the
   * `jobId` index: Chromium keeps the index entries of deleted records until a sweep that
   * may not run for long, and every read of the index walks them (a job that had 10,000
   * pending updates took 20–50 ms to list through it, ~1–5 ms through the store). Pending
   * records are compacted per job (PendingUpdates), so the store stays small.
   */
  async pendingOf<T>(jobId: string): Promise<[number, T][]> {
    const s = this.store('pending', 'readonly');
    const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
    return keys.flatMap((k, i) => ((values[i] as { jobId?: unknown } | undefined)?.jobId === jobId ? [[k as number, values[i] as T]] : []));
  }

  /** Number of records in a store. */
  count(store: DeviceStore): Promise<number> {
    return request(this.store(store, 'readonly').count());
  }

  /** Closes the connection; the data stays. */
  close(): void {
    this.db.close();
  }
}
