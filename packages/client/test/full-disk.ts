/**
 * A full disk for fake-indexeddb: while `fill()` is in force, every write *request*
 * succeeds and its transaction then aborts with `QuotaExceededError` — what Chromium does
 * when the quota is reached, since it checks the quota when a transaction commits. The
 * real thing runs in Chromium (test/browser/chromium.test.ts, a CDP quota override).
 */
import 'fake-indexeddb/auto';

type WriteMethod = 'add' | 'put';
const proto = globalThis.IDBObjectStore.prototype as unknown as Record<WriteMethod, (...args: unknown[]) => IDBRequest>;
const originals = { add: proto.add, put: proto.put };
let full = false;
let writesRefused = 0;

for (const method of ['add', 'put'] as const) {
  proto[method] = function (this: IDBObjectStore, ...args: unknown[]) {
    const req = originals[method].apply(this, args);
    if (full) {
      const tx = this.transaction as IDBTransaction & { _abort(name: string): void };
      // Registered before the caller's handlers: the request "succeeds", the commit fails.
      req.addEventListener('success', () => {
        writesRefused++;
        tx._abort('QuotaExceededError');
      });
    }
    return req;
  };
}

/** The device's disk: fill it, free it, and count the writes it refused. */
export const disk = {
  fill(): void {
    full = true;
    writesRefused = 0;
  },
  free(): void {
    full = false;
  },
  get refused(): number {
    return writesRefused;
  },
};
