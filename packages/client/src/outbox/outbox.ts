/**
 * The outbox of workflow ops, kept in IndexedDB: Queued, Errors, Conflicts and Sent.
 * Every change is written to the device first and the lists are re-read from it, so
 * all tabs of a device see the same outbox and nothing survives only in memory.
 */
import type { OpIntent, OpResult, ServerState, WorkflowOp } from '@outpost/shared';
import { Observable, type Watchable } from '../observable';
import type { DeviceStorage } from '../storage/device-storage';
import type { AttemptFailure } from '../sync/retry-schedule';

/** Where an op stands. */
export type OutboxState = 'queued' | 'error' | 'conflict' | 'sent';

export type { OpResult };

/** One workflow op on this device. */
export interface OutboxItem {
  opId: string;
  jobId: string;
  op: WorkflowOp;
  state: OutboxState;
  enqueuedAt: string;
  attempts: number;
  sentAt?: string;
  result?: OpResult;
  /** Why the last attempt failed: a transient failure carries when it is retried. */
  error?: AttemptFailure;
  conflict?: { code: string; message: string; server: ServerState };
}

/** The outbox, split the way a person reads it. */
export interface OutboxLists {
  queued: OutboxItem[];
  errors: OutboxItem[];
  conflicts: OutboxItem[];
  sent: OutboxItem[];
}

/** How many Sent items the device keeps. */
const SENT_KEPT = 200;

const EMPTY: OutboxLists = { queued: [], errors: [], conflicts: [], sent: [] };

/** The persisted outbox of one device. */
export class Outbox implements Watchable<OutboxLists> {
  private readonly lists = new Observable<OutboxLists>(EMPTY);

  constructor(
    private readonly db: DeviceStorage,
    private readonly changed: () => void,
  ) {}

  get = (): OutboxLists => this.lists.get();
  subscribe = (listener: (lists: OutboxLists) => void): (() => void) => this.lists.subscribe(listener);

  /** Re-reads the outbox from the device (after another tab changed it). */
  async reload(): Promise<OutboxLists> {
    const items = (await this.db.entries<OutboxItem>('outbox')).map(([, item]) => item);
    items.sort((a, b) => a.op.deviceSeq - b.op.deviceSeq || a.enqueuedAt.localeCompare(b.enqueuedAt));
    const sent = items.filter((i) => i.state === 'sent').sort((a, b) => (a.sentAt ?? '').localeCompare(b.sentAt ?? ''));
    for (const old of sent.slice(0, Math.max(0, sent.length - SENT_KEPT))) await this.db.delete('outbox', old.opId);
    this.lists.set({
      queued: items.filter((i) => i.state === 'queued'),
      errors: items.filter((i) => i.state === 'error'),
      conflicts: items.filter((i) => i.state === 'conflict'),
      sent: sent.slice(-SENT_KEPT),
    });
    return this.lists.get();
  }

  /** One item by op id. */
  find(opId: string): Promise<OutboxItem | undefined> {
    return this.db.get<OutboxItem>('outbox', opId);
  }

  /** Writes an item and refreshes the lists. */
  async save(item: OutboxItem): Promise<void> {
    await this.db.put('outbox', item.opId, item);
    await this.reload();
    this.changed();
  }

  /** Removes an item and refreshes the lists. */
  async remove(opId: string): Promise<void> {
    await this.db.delete('outbox', opId);
    await this.reload();
    this.changed();
  }

  /** Allocates the device's next `deviceSeq` (persisted, monotonically increasing). */
  nextDeviceSeq(): Promise<number> {
    return this.db.increment('meta', 'deviceSeq');
  }

  /** Makes sure the seq counter is at least `seq` (never lowers it: no two ops share a seq). */
  async raiseDeviceSeq(seq: number): Promise<void> {
    const current = (await this.db.get<number>('meta', 'deviceSeq')) ?? 0;
    if (seq > current) await this.db.increment('meta', 'deviceSeq', seq - current);
  }
}

/** A new queued item for an op. */
export function queuedItem(op: WorkflowOp): OutboxItem {
  return { opId: op.opId, jobId: op.jobId, op, state: 'queued', enqueuedAt: new Date().toISOString(), attempts: 0 };
}

/** The intent part of an op (what a person asked for). */
export function intentOf(op: WorkflowOp): OpIntent {
  const { kind, to, assignees, override, request } = op;
  return { kind, to, assignees, override, request };
}
