/**
 * The device's content changes as Offline Actions lists them: pending, failed, and the
 * ones recently sent. It re-reads the pending doc updates and the unsent blobs from the
 * device (all tabs share them) shortly after either changes, and groups them with
 * change-list.ts; a unit that leaves the pending list without being discarded was sent.
 */
import { Observable, type Watchable } from '../observable';
import type { DeviceStorage } from '../storage/device-storage';
import type { BlobQueue } from '../blobs/blob-queue';
import { changesIn, listContentChanges, type ChangeKind, type ChangeRecord, type ContentChange } from './change-list';

/** A content change that reached the server. */
export interface SentChange {
  key: string;
  jobId: string;
  kind: ChangeKind;
  words: string;
  sentAt: string;
}

/** The content changes, split the way a person reads them. */
export interface ChangeLists {
  pending: ContentChange[];
  failed: ContentChange[];
  /** Newest last. */
  sent: SentChange[];
}

/** How many sent changes are remembered (this session). */
const SENT_KEPT = 200;
/** Lets the writes and deletes of one burst land before the device is re-read. */
const SETTLE_MS = 30;

/** The content changes of one device. */
export class ChangeFeed implements Watchable<ChangeLists> {
  private readonly lists = new Observable<ChangeLists>({ pending: [], failed: [], sent: [] });
  private readonly gone = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private scanning: Promise<void> = Promise.resolve();
  private closed = false;
  /** Changes signalled so far, and how many of them the published lists include: the lists
   * include a change only once a read that began after it has finished. */
  private signalled = 0;
  private listedUpTo = 0;
  /** How long the last read took: a device with a long offline day is re-read less often. */
  private lastScanMs = 0;

  constructor(
    private readonly db: DeviceStorage,
    private readonly blobs: BlobQueue,
    /** Jobs whose relay refused this device, with the reason: their changes cannot upload. */
    private readonly refused: () => ReadonlyMap<string, string>,
    /** Changes the device could not store (a full disk): kept in memory, still pending. */
    private readonly unstored: () => Promise<ChangeRecord[]> = async () => [],
  ) {}

  get = (): ChangeLists => this.lists.get();
  subscribe = (listener: (l: ChangeLists) => void): (() => void) => this.lists.subscribe(listener);

  /**
   * True from a change being signalled until a read that began after it has finished: the
   * may not show that change yet, so a count read meanwhile must not say "nothing pending".
   */
  get settling(): boolean {
    return this.listedUpTo < this.signalled;
  }

  /** Re-reads the device soon (pending updates, blobs or a refusal changed). */
  rescan(): void {
    this.signalled++;
    if (this.closed || this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.scanning = this.scanning
          .then(() => this.scan())
          .catch((err: unknown) => {
            // Device storage closed under us (engine destroyed) or unreadable: say so; the next change rescans.
            if (!this.closed) console.warn('[outpost] could not read pending changes', err);
          });
      },
      Math.max(SETTLE_MS, 2 * this.lastScanMs),
    );
  }

  /** Re-reads now and resolves when the lists are current (tests, start-up). */
  async scanNow(): Promise<ChangeLists> {
    await (this.scanning = this.scanning.then(() => this.scan()));
    return this.get();
  }

  /** A unit left without reaching the server (a person discarded it). */
  discarded(key: string): void {
    this.gone.add(key);
  }

  /** Stops rescanning (engine destroyed). */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async scan(): Promise<void> {
    // What is signalled from here on is read by the next scan.
    const covers = this.signalled;
    const started = Date.now();
    // Memory first, then the device: a record whose write lands between the two reads is
    // seen by the second, never by neither (a stale read is safe, a missed one says "synced").
    const unstored = await this.unstored();
    const stored = (await this.db.entries<ChangeRecord>('pending')).map(([, r]) => r);
    const records = [...unstored, ...stored].flatMap(changesIn).map((r) => ({ jobId: r.jobId, change: r.change, target: r.target, at: r.at }));
    const units = listContentChanges(records, this.blobs.unsentList.get(), this.refused());
    const before = this.lists.get();
    const now = new Set(units.map((u) => u.key));
    const sent = [...before.sent];
    for (const unit of [...before.pending, ...before.failed]) {
      if (now.has(unit.key)) continue;
      if (this.gone.delete(unit.key)) continue;
      sent.push({ key: unit.key, jobId: unit.jobId, kind: unit.kind, words: unit.words, sentAt: new Date().toISOString() });
    }
    this.listedUpTo = Math.max(this.listedUpTo, covers);
    this.lists.set({
      pending: units.filter((u) => u.state === 'pending'),
      failed: units.filter((u) => u.state === 'failed'),
      sent: sent.slice(-SENT_KEPT),
    });
    this.lastScanMs = Date.now() - started;
  }
}
