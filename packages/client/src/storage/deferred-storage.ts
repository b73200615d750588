/**
 * Device storage usable before it is open: every call waits for the open to finish. Lets
 * the engine hand out its outbox, blobs, priming and storage watch synchronously, so an
 * app can render (and subscribe) before `engine.ready` resolves.
 */
import type { DeviceStorage, DeviceStore } from './device-storage';

/** Wraps storage that is still opening. */
export class DeferredStorage implements DeviceStorage {
  constructor(private readonly opening: Promise<DeviceStorage>) {
    opening.catch(() => undefined); // the engine reports the failure through `ready`
  }

  async get<T>(store: DeviceStore, key: IDBValidKey): Promise<T | undefined> {
    return (await this.opening).get<T>(store, key);
  }
  async put(store: DeviceStore, key: IDBValidKey, value: unknown): Promise<IDBValidKey> {
    return (await this.opening).put(store, key, value);
  }
  async add(store: DeviceStore, value: unknown): Promise<number> {
    return (await this.opening).add(store, value);
  }
  async increment(store: DeviceStore, key: IDBValidKey, by?: number): Promise<number> {
    return (await this.opening).increment(store, key, by);
  }
  async replace(store: 'pending', keys: readonly number[], value: unknown): Promise<number | null> {
    return (await this.opening).replace(store, keys, value);
  }
  async delete(store: DeviceStore, key: IDBValidKey): Promise<void> {
    return (await this.opening).delete(store, key);
  }
  async entries<T>(store: DeviceStore): Promise<[IDBValidKey, T][]> {
    return (await this.opening).entries<T>(store);
  }
  async pendingOf<T>(jobId: string): Promise<[number, T][]> {
    return (await this.opening).pendingOf<T>(jobId);
  }
  async count(store: DeviceStore): Promise<number> {
    return (await this.opening).count(store);
  }
  close(): void {
    void this.opening.then(
      (s) => s.close(),
      () => undefined,
    );
  }
}
