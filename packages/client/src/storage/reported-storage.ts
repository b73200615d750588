/**
 * Device storage whose writes report how they went: every `put`, `add` and `increment`
 * tells `report` its store and its error (null when it committed), so a full disk reaches
 * the storage warning whichever part of the engine wrote; the caller still gets the
 * rejection. A failed `delete` loses nothing (the record stays), so it is not reported.
 * `settled()` waits for every write issued so far (for `engine.flush()`).
 */
import type { DeviceStorage, DeviceStore } from './device-storage';

/** Wraps device storage with write reporting. */
export class ReportedStorage implements DeviceStorage {
  private readonly writes = new Set<Promise<unknown>>();

  constructor(
    private readonly inner: DeviceStorage,
    private readonly report: (store: DeviceStore, error: unknown) => void,
  ) {}

  get<T>(store: DeviceStore, key: IDBValidKey): Promise<T | undefined> {
    return this.inner.get<T>(store, key);
  }
  put(store: DeviceStore, key: IDBValidKey, value: unknown): Promise<IDBValidKey> {
    return this.watch(store, this.inner.put(store, key, value));
  }
  add(store: DeviceStore, value: unknown): Promise<number> {
    return this.watch(store, this.inner.add(store, value));
  }
  increment(store: DeviceStore, key: IDBValidKey, by?: number): Promise<number> {
    return this.watch(store, this.inner.increment(store, key, by));
  }
  /** A failed replace loses nothing (the records stay), so it is not reported either. */
  replace(store: 'pending', keys: readonly number[], value: unknown): Promise<number | null> {
    return this.watch(null, this.inner.replace(store, keys, value));
  }
  delete(store: DeviceStore, key: IDBValidKey): Promise<void> {
    return this.watch(null, this.inner.delete(store, key));
  }
  entries<T>(store: DeviceStore): Promise<[IDBValidKey, T][]> {
    return this.inner.entries<T>(store);
  }
  pendingOf<T>(jobId: string): Promise<[number, T][]> {
    return this.inner.pendingOf<T>(jobId);
  }
  count(store: DeviceStore): Promise<number> {
    return this.inner.count(store);
  }
  close(): void {
    this.inner.close();
  }

  /** Resolves once every write issued so far has committed or failed (failures were reported). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  /** Tracks a write; reports it unless `store` is null. */
  private watch<T>(store: DeviceStore | null, write: Promise<T>): Promise<T> {
    const reported = write.then(
      (value) => {
        if (store) this.report(store, null);
        return value;
      },
      (error: unknown) => {
        if (store) this.report(store, error);
        throw error;
      },
    );
    const settle = () => void this.writes.delete(reported);
    reported.then(settle, settle);
    this.writes.add(reported);
    return reported;
  }
}
