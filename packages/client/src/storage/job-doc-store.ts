/**
 * A job doc kept in IndexedDB. y-indexeddb loads it (its database layout is unchanged, so
 * docs stored by earlier versions load as before); this class owns the writes, which
 * y-indexeddb fires and forgets: every update is committed with strict durability,
 * `flushed()` resolves once all of them completed, and a failure (a full disk) reaches
 * `onWrite` instead of an unhandled rejection. After a failure the next write stores the
 * whole doc, which holds whatever the failed writes lost.
 */
import { IndexeddbPersistence, PREFERRED_TRIM_SIZE } from 'y-indexeddb';
import * as Y from 'yjs';
import { committed } from './device-db';

/** The IndexedDB copy of one job doc. */
export class JobDocStore extends IndexeddbPersistence {
  /** Resolves once the doc is loaded from the device; rejects when its database cannot be opened. */
  readonly loaded: Promise<void>;
  private readonly writes = new Set<Promise<void>>();
  /** Writes are numbered: a failed write is made good by a whole-doc write issued after it. */
  private issued = 0;
  private failedAt = 0;
  private failure: unknown = null;

  constructor(
    name: string,
    doc: Y.Doc,
    /** A write failed (`error`), or the doc is wholly stored again after one did (null). */
    private readonly onWrite: (error: unknown) => void,
  ) {
    super(name, doc);
    doc.off('update', this._storeUpdate);
    // Reported through onWrite; the caller of a doc change has nothing to await.
    this._storeUpdate = (update, origin) => void (origin !== this && this.store(update).catch(() => undefined));
    doc.on('update', this._storeUpdate);
    this.loaded = new Promise((resolve, reject) => {
      void this.whenSynced.then(() => resolve());
      this._db.catch(reject);
    });
  }

  /**
   * Resolves once every update so far is committed (storing the whole doc again after a
   * failure); rejects with the device's error while it still cannot be stored.
   */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.writes]);
    if (this.failedAt > 0) await this.store(null);
    if (this.failure !== null) throw this.failure;
  }

  /** Stores one update, or (null, after a failure, or every PREFERRED_TRIM_SIZE updates) the whole doc. */
  private store(update: Uint8Array | null): Promise<void> {
    const db = this.db;
    if (!db || this._destroyed) return Promise.resolve();
    const seq = ++this.issued;
    const whole = update === null || this.failedAt > 0 || ++this._dbsize >= PREFERRED_TRIM_SIZE;
    const tx = db.transaction('updates', 'readwrite', { durability: 'strict' });
    const done = committed(tx);
    const updates = tx.objectStore('updates');
    if (whole) {
      // The whole doc replaces every record before it, in the same transaction.
      const add = updates.add(Y.encodeStateAsUpdate(this.doc));
      add.onsuccess = () => updates.delete(IDBKeyRange.upperBound(add.result, true));
    } else {
      updates.add(update);
    }
    const write = done.then(
      () => {
        if (!whole) return;
        this._dbsize = 1;
        if (this.failedAt === 0 || seq < this.failedAt) return;
        this.failedAt = 0;
        this.failure = null;
        this.onWrite(null);
      },
      (error: unknown) => {
        this.failedAt = Math.max(this.failedAt, seq);
        this.failure = error;
        this.onWrite(error);
        throw error;
      },
    );
    const settle = () => void this.writes.delete(write);
    write.then(settle, settle);
    this.writes.add(write);
    return write;
  }
}
