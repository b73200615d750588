/**
 * The device's own IndexedDB database (one per device namespace): session and counters,
 * pending doc updates, the outbox, blobs and the priming cache. Job docs themselves live
 * in y-indexeddb databases next to it (see `jobDbName`).
 *
 * A thin promise layer over IndexedDB; every call is one transaction.
 */
import type { DeviceStorage, DeviceStore } from './device-storage';

const VERSION = 1;

/** The IndexedDB name of a device namespace. */
export function deviceDbName(deviceName: string): string {
  return `outpost-device:${deviceName}`;
}

/** The y-indexeddb database name of one job on one device. */
export function jobDbName(deviceName: string, jobId: string): string {
  return `outpost-device:${deviceName}:job:${jobId}`;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
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

  private store(name: DeviceStore, mode: IDBTransactionMode): IDBObjectStore {
    return this.db.transaction(name, mode).objectStore(name);
  }

  /** One value, or undefined. */
  get<T>(store: DeviceStore, key: IDBValidKey): Promise<T | undefined> {
    return request(this.store(store, 'readonly').get(key)) as Promise<T | undefined>;
  }

  /** Writes one value under `key` (stores without a key path). */
  put(store: DeviceStore, key: IDBValidKey, value: unknown): Promise<IDBValidKey> {
    return request(this.store(store, 'readwrite').put(value, key));
  }

  /** Adds `by` to a numeric value in one transaction (safe across tabs); resolves to the new value. */
  increment(store: DeviceStore, key: IDBValidKey, by = 1): Promise<number> {
    const s = this.store(store, 'readwrite');
    return new Promise((resolve, reject) => {
      const get = s.get(key);
      get.onerror = () => reject(get.error);
      get.onsuccess = () => {
        const value = (typeof get.result === 'number' ? get.result : 0) + by;
        const put = s.put(value, key);
        put.onerror = () => reject(put.error);
        put.onsuccess = () => resolve(value);
      };
    });
  }

  /** Appends to an auto-increment store; resolves to the new key. */
  add(store: DeviceStore, value: unknown): Promise<number> {
    return request(this.store(store, 'readwrite').add(value)) as Promise<number>;
  }

  /** Deletes one key. */
  delete(store: DeviceStore, key: IDBValidKey): Promise<void> {
    return request(this.store(store, 'readwrite').delete(key)).then(() => undefined);
  }

  /** Every [key, value] of a store, in key order. */
  async entries<T>(store: DeviceStore): Promise<[IDBValidKey, T][]> {
    const s = this.store(store, 'readonly');
    const [keys, values] = await Promise.all([request(s.getAllKeys()), request(s.getAll())]);
    return keys.map((k, i) => [k, values[i] as T]);
  }

  /** Every [key, value] of the pending store for one job. */
  async pendingOf<T>(jobId: string): Promise<[number, T][]> {
    const index = this.store('pending', 'readonly').index('jobId');
    const [keys, values] = await Promise.all([request(index.getAllKeys(jobId)), request(index.getAll(jobId))]);
    return keys.map((k, i) => [k as number, values[i] as T]);
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
