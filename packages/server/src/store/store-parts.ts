/**
 * Composing a `Store` from parts an adapter keeps in classes of their own (handovers, blob
 * chunks): the store answers every method of a part by calling the part, instead of one
 * hand-written pass-through per method in each adapter. Each part's method list is a
 * `Record` keyed by the part's interface, so adding a method to the interface fails to
 * compile until it is listed here.
 *
 *   export interface SqliteStore extends HandoverStore {} // the methods, for the type checker
 *   export class SqliteStore implements Store {
 *     constructor() { answerWith<HandoverStore>(this, new SqliteHandovers(db), HANDOVER_STORE_METHODS) }
 *   }
 */
import type { BlobChunkStore } from './blob-chunk-store';
import type { HandoverStore } from './handover-store';

/** The methods of `HandoverStore`. */
export const HANDOVER_STORE_METHODS: Readonly<Record<keyof HandoverStore, true>> = {
  recordRemoval: true,
  lastRemoval: true,
  putHandover: true,
  getHandover: true,
  listHandovers: true,
  decideHandover: true,
};

/** The methods of `BlobChunkStore`. */
export const BLOB_CHUNK_STORE_METHODS: Readonly<Record<keyof BlobChunkStore, true>> = {
  blobUploadState: true,
  putBlobChunk: true,
  blobChunkBytes: true,
  dropBlobChunks: true,
  dropStaleBlobChunks: true,
  openBlobUploads: true,
};

/**
 * Makes `store` answer each of `methods` by calling it on `part` (bound to `part`); with
 * `before`, each call first awaits it (the SQLite store: the log writer's write lock is free).
 */
export function answerWith<Part extends object>(store: object, part: Part, methods: Readonly<Record<keyof Part, true>>, before?: () => Promise<void>): void {
  for (const name of Object.keys(methods) as (keyof Part & string)[]) {
    const method = part[name];
    if (typeof method !== 'function') throw new TypeError(`${part.constructor.name} has no method ${name}`);
    const bound = method.bind(part) as (...args: unknown[]) => unknown;
    const value = before ? async (...args: unknown[]) => (await before(), bound(...args)) : bound;
    Object.defineProperty(store, name, { value, writable: true, configurable: true });
  }
}
