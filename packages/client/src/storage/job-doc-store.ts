/**
 * A job doc kept in IndexedDB, in y-indexeddb's layout (an auto-increment `updates` store
 * of Yjs updates, and `custom`), so docs stored by earlier versions load as before. It
 * replaces y-indexeddb's persistence because that one fires its writes and forgets them:
 * here every update is committed with strict durability, `flushed()` resolves once all of
 * them completed, and a failure (a full disk) reaches `onWrite` instead of an unhandled
 * rejection. After a failure the next write stores the whole doc, which holds whatever the
 * failed writes lost. Uses the global `indexedDB`, as y-indexeddb did.
 *
 * Group commit: a strict transaction is a disk flush, so updates that come while one is in
 * flight wait for it and go together in the next (typing 500 keystrokes in a burst costs
 * two flushes, not 500). Each update's promise still resolves only once its own transaction
 * committed.
 */
import * as Y from 'yjs';
import { committed } from './device-db';

/** Stored updates that are compacted into one record of the whole doc (y-indexeddb's figure). */
export const COMPACT_AFTER = 500;

function opened(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('updates', { autoIncrement: true });
      req.result.createObjectStore('custom');
    };
    req.onsuccess = () => {
      // Another tab deleting or upgrading the database must not wait on this one.
      req.result.onversionchange = () => req.result.close();
      resolve(req.result);
    };
    req.onerror = () => reject(req.error);
  });
}

/** The IndexedDB copy of one job doc. */
export class JobDocStore {
  /** Resolves once the doc is loaded from the device; rejects when its database cannot be opened or read. */
  readonly loaded: Promise<void>;
  private readonly db: Promise<IDBDatabase>;
  private readonly writes = new Set<Promise<void>>();
  /** Records in the store, as far as this tab knows: compacted at COMPACT_AFTER. */
  private records = 0;
  /** Writes are numbered: a failed write is made good by a whole-doc write issued after it. */
  private issued = 0;
  private failedAt = 0;
  private failure: unknown = null;
  private destroyed = false;
  /** Updates waiting for the write in flight (group commit), and whether the whole doc was asked for. */
  private queued: Uint8Array[] = [];
  private wholeAsked = false;
  /** The write that will take what is queued (null once it took it), and the write in flight. */
  private next: Promise<void> | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(
    readonly name: string,
    private readonly doc: Y.Doc,
    /** A write failed (`error`), or the doc is wholly stored again after one did (null). */
    private readonly onWrite: (error: unknown) => void,
  ) {
    this.db = opened(name);
    this.loaded = this.load();
  }

  /**
   * Resolves once every update so far is committed (storing the whole doc again after a
   * failure); rejects with the device's error while it still cannot be stored.
   */
  async flushed(): Promise<void> {
    await Promise.allSettled([...this.writes]);
    if (this.failedAt > 0) await this.store(null).catch(() => undefined);
    if (this.failure !== null) throw this.failure;
  }

  /** Stops writing and closes the database; the stored doc stays. Call `flushed()` first. */
  async destroy(): Promise<void> {
    this.destroyed = true;
    this.doc.off('update', this.onUpdate);
    (await this.db).close();
  }

  private async load(): Promise<void> {
    const db = await this.db;
    const stored = await new Promise<Uint8Array[]>((resolve, reject) => {
      const req = db.transaction('updates', 'readonly').objectStore('updates').getAll();
      req.onsuccess = () => resolve(req.result as Uint8Array[]);
      req.onerror = () => reject(req.error);
    });
    if (this.destroyed) return;
    this.records += stored.length;
    Y.transact(this.doc, () => stored.forEach((u) => Y.applyUpdate(this.doc, u)), this, false);
    // Stores what happens to the doc from now on. Not before: while the doc has an `update`
    // listener, Yjs encodes every transaction as an update, and the load's would be the
    // whole doc, encoded only to be skipped (a third of a 10,000-action job's open).
    // Nothing else writes to the doc before it is loaded (JobSession.open waits for it).
    this.doc.on('update', this.onUpdate);
    if (this.records >= COMPACT_AFTER) void this.store(null).catch(() => undefined); // reported through onWrite
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => {
    // Loaded from here: already stored. A failure is reported through onWrite.
    if (origin !== this) void this.store(update).catch(() => undefined);
  };

  /** Stores one update, or (null, after a failure, or every COMPACT_AFTER records) the whole doc; see "Group commit" above. */
  private store(update: Uint8Array | null): Promise<void> {
    if (update === null) this.wholeAsked = true;
    else this.queued.push(update);
    if (!this.next) {
      const write = (this.inFlight ?? Promise.resolve()).then(() => this.writeQueued());
      const reported = write.catch((error: unknown) => {
        this.failure = error;
        this.onWrite(error);
        throw error;
      });
      const settle = () => void this.writes.delete(reported);
      reported.then(settle, settle);
      this.writes.add(reported);
      this.next = reported;
    }
    return this.next;
  }

  /** Writes what is queued in one strict transaction; it is the write in flight until it settles. */
  private writeQueued(): Promise<void> {
    const updates = this.queued;
    const seq = (this.issued += Math.max(1, updates.length));
    this.queued = [];
    this.next = null;
    const asked = this.wholeAsked;
    this.wholeAsked = false;
    const write = this.db.then((db) => {
      const whole = asked || this.failedAt > 0 || (this.records += updates.length) >= COMPACT_AFTER;
      const tx = db.transaction('updates', 'readwrite', { durability: 'strict' });
      const done = committed(tx);
      const store = tx.objectStore('updates');
      if (whole) {
        // The whole doc replaces every record before it, in one transaction; records another
        // tab wrote that this doc has not seen yet are merged in first, so none is dropped.
        const all = store.getAll();
        all.onsuccess = () => {
          Y.transact(this.doc, () => (all.result as Uint8Array[]).forEach((u) => Y.applyUpdate(this.doc, u)), this, false);
          const add = store.add(Y.encodeStateAsUpdate(this.doc));
          add.onsuccess = () => store.delete(IDBKeyRange.upperBound(add.result, true));
        };
      } else {
        for (const u of updates) store.add(u);
      }
      return done.then(() => {
        if (whole) this.stored(seq);
      });
    });
    const failed = write.catch((error: unknown) => {
      this.failedAt = Math.max(this.failedAt, seq);
      throw error;
    });
    const settle = () => {
      if (this.inFlight === settled) this.inFlight = null;
    };
    const settled = failed.then(settle, settle);
    this.inFlight = settled;
    return failed;
  }

  /** The whole doc, as of write `seq`, is stored. */
  private stored(seq: number): void {
    this.records = 1;
    if (this.failedAt === 0 || seq < this.failedAt) return;
    this.failedAt = 0;
    this.failure = null;
    this.onWrite(null);
  }
}
