/**
 * The device side of pending-update compaction (pending-updates.ts, "Compaction"): merging
 * a job's stored records into one that replaces them in one transaction, deleting a record
 * no pending update is stored in any more, and the lineage of merged records (which records
 * each replaced), so a handover that read a record before it was merged still finds the
 * updates it took.
 */
import type { DeviceStorage } from '../storage/device-storage';
import { mergeRecords, type PendingRecord } from './pending-record';

/** Merged records of one job, and their lineage. */
export class PendingMerges {
  /** Merged records made here: the keys of the records each replaced. */
  private readonly sources = new Map<number, number[]>();

  constructor(
    private readonly db: DeviceStorage,
    private readonly jobId: string,
  ) {}

  /** True for a record merged here (its updates need no merge again to be marked `inDoc`). */
  isMerge(key: number): boolean {
    return this.sources.has(key);
  }

  /**
   * Replaces the records `keys` with their merge, marked `inDoc` when `inDoc()` says so;
   * resolves to the new record's key, or null when one of them is gone (acked meanwhile)
   * or the device refused: the records then stay as they are, and nothing is lost.
   */
  async merge(keys: readonly number[], inDoc: () => Promise<boolean>): Promise<number | null> {
    const own = new Set(keys);
    try {
      const records = (await this.db.pendingOf<PendingRecord>(this.jobId)).filter(([k]) => own.has(k));
      if (records.length !== keys.length) return null;
      const merged = mergeRecords(this.jobId, records);
      const key = await this.db.replace('pending', keys, (await inDoc()) ? { ...merged, inDoc: true } : merged);
      if (key !== null) this.sources.set(key, [...keys]);
      return key;
    } catch {
      return null; // the open just reads more records
    }
  }

  /** Deletes a stored record (no pending update is stored in it any more) and its lineage. */
  delete(key: number): Promise<void> {
    this.forgetSources(key);
    // A copy left behind is re-sent once after a restart and acked again (Yjs updates are
    // idempotent), then deleted: nothing is lost, so a failed delete needs no warning.
    return this.db.delete('pending', key).catch(() => undefined);
  }

  /** `keys` and every record they replaced, through merges of merges. */
  lineage(keys: readonly number[]): Set<number> {
    const all = new Set<number>();
    const visit = (key: number): void => {
      all.add(key);
      for (const source of this.sources.get(key) ?? []) visit(source);
    };
    keys.forEach(visit);
    return all;
  }

  /** Drops what is known of the records a merged record replaced (they are gone with it). */
  private forgetSources(key: number): void {
    for (const source of this.sources.get(key) ?? []) this.forgetSources(source);
    this.sources.delete(key);
  }
}
