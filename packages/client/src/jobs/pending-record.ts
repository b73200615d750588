/**
 * The records pending updates keep on the device (pending-updates.ts), and how several are
 * merged into one: by compaction, or for a burst of updates written in one transaction.
 */
import * as Y from 'yjs';

/** A recorded update as stored in the device database. */
export interface PendingRecord {
  jobId: string;
  update: Uint8Array;
  at: string;
  /** The change the update belongs to (absent in records written before changes were counted). */
  change?: string;
  /** What the update touched, e.g. `notes/n1` (see change-target.ts). */
  target?: string;
  /** A merged record: every change it holds, with what it touched (`change`/`target` are the newest). */
  changes?: [change: string, target: string][];
  /** A merged record: how many updates were merged into it. */
  updates?: number;
  /** Every update in it was committed in the job doc's own store when it was written (compaction). */
  inDoc?: true;
}

/** The changes a stored record holds (records older than changes count as one each). */
export function changesOf(record: PendingRecord, key: number): [string, string][] {
  return record.changes ?? [[record.change ?? `record:${key}`, record.target ?? 'doc']];
}

/** Stored records (in key order) merged into one record. Throws when an update cannot be decoded. */
export function mergeRecords(jobId: string, records: [number, PendingRecord][]): PendingRecord {
  const changes = new Map<string, string>();
  for (const [key, record] of records) for (const [change, target] of changesOf(record, key)) changes.set(change, target);
  const newest = records.at(-1)![1];
  return {
    jobId,
    update: Y.mergeUpdates(records.map(([, r]) => new Uint8Array(r.update))),
    at: newest.at,
    change: newest.change,
    target: newest.target,
    changes: [...changes],
    updates: records.reduce((n, [, r]) => n + (r.updates ?? 1), 0),
  };
}

/**
 * The records to store for a batch of unwritten entries: their merge, as one record; or,
 * when an update does not decode (merging would throw), each entry's own record as it is.
 */
export function batchRecords<E extends { record: PendingRecord | null }>(jobId: string, batch: E[]): [E[], PendingRecord][] {
  if (batch.length > 1) {
    try {
      return [
        [
          batch,
          mergeRecords(
            jobId,
            batch.map((e, i) => [i, e.record!]),
          ),
        ],
      ];
    } catch {
      // stored one by one below: nothing is dropped for an update this device cannot read
    }
  }
  return batch.map((e) => [[e], e.record!]);
}
