/**
 * A server store whose commits can be held back, to show that the pending count waits for
 * the commit (the durable ack), not for the bytes reaching the server.
 */
import { join } from 'node:path';
import * as Y from 'yjs';
import { readJob } from '@outpost/shared';
import { SqliteStore, type Store } from '@outpost/server';
import type { JobHandle } from '@outpost/client';

/** A SQLite store whose writes of job docs (commits and compactions) wait while the gate is shut. */
export class GatedStore {
  held = 0;
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  wrap(dataDir: string): Store {
    const real = new SqliteStore(join(dataDir, 'outpost.db'));
    return new Proxy(real, {
      get: (target, prop) => {
        if (prop === 'appendUpdates') {
          return async (batch: Parameters<Store['appendUpdates']>[0]) => {
            this.held++;
            await this.open;
            return target.appendUpdates(batch);
          };
        }
        if (prop === 'compactJobDoc') {
          // A compaction stores the loaded doc (changes still waiting for their commit
          // included): it is a write of the doc too, held by the same gate.
          return async (...args: Parameters<Store['compactJobDoc']>) => {
            await this.open;
            return target.compactJobDoc(...args);
          };
        }
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
  }

  shut(): void {
    this.held = 0;
    this.open = new Promise((r) => (this.release = r));
  }

  reopen(): void {
    this.release();
  }
}

/** True when the server's stored copy of the job holds everything the device's doc holds. */
export async function storeHasAll(store: Store, job: JobHandle): Promise<boolean> {
  const stored = await store.loadJobDoc(job.jobId);
  const doc = new Y.Doc();
  for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
  const missing = Y.diffUpdate(Y.encodeStateAsUpdate(job.doc), Y.encodeStateVector(doc));
  const decoded = Y.decodeUpdate(missing);
  const same = JSON.stringify(readJob(doc)) === JSON.stringify(readJob(job.doc));
  doc.destroy();
  return decoded.structs.length === 0 && same;
}
