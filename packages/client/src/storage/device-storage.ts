/**
 * The device storage seam: everything the engine keeps on the device besides the job docs
 * goes through these few calls. `DeviceDb` (IndexedDB) implements it; `acceptance.ts` is
 * the suite every implementation must pass (run on fake-indexeddb in Node; the same suite
 * can run in a real browser).
 */

/** Object stores of device storage. */
export const DEVICE_STORES = ['meta', 'pending', 'outbox', 'blobs', 'priming'] as const;
/** An object store of device storage. */
export type DeviceStore = (typeof DEVICE_STORES)[number];

/** Key-value stores on the device; `pending` is append-only with numeric keys and a job index. */
export interface DeviceStorage {
  /** One value, or undefined. */
  get<T>(store: DeviceStore, key: IDBValidKey): Promise<T | undefined>;
  /** Writes one value under `key`. */
  put(store: DeviceStore, key: IDBValidKey, value: unknown): Promise<IDBValidKey>;
  /** Appends to `pending`; resolves to the new, increasing key. */
  add(store: DeviceStore, value: unknown): Promise<number>;
  /** Adds `by` to a numeric value atomically (safe across tabs); resolves to the new value. */
  increment(store: DeviceStore, key: IDBValidKey, by?: number): Promise<number>;
  /**
   * Replaces the `pending` records under `keys` with one new record `value`, in one
   * transaction, only if every one of them is still there; resolves to the new key, or null
   * (nothing written) when one is gone. How pending updates are compacted: a reader sees
   * either the records or their merge, never both and never neither.
   */
  replace(store: 'pending', keys: readonly number[], value: unknown): Promise<number | null>;
  /** Deletes one key. */
  delete(store: DeviceStore, key: IDBValidKey): Promise<void>;
  /** Every [key, value] of a store, in key order. */
  entries<T>(store: DeviceStore): Promise<[IDBValidKey, T][]>;
  /** Every [key, value] of `pending` whose value has this `jobId`, in key order. */
  pendingOf<T>(jobId: string): Promise<[number, T][]>;
  /** Number of records in a store. */
  count(store: DeviceStore): Promise<number>;
  /** Closes the storage; the data stays. */
  close(): void;
}
