/**
 * The device's open jobs. `open` is reference-counted and hands every holder the same
 * Y.Doc; a job nobody holds is closed after a quiet period, but never while it still has
 * pending updates: those keep it connected in the background until they are durable,
 * also right after a restart.
 */
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import type { Watchable } from '../observable';
import type { PendingRecord } from './pending-updates';
import { JobSession, type JobSessionOptions } from './job-session';

/** What a holder of an open job gets. */
export interface JobHandle {
  readonly jobId: string;
  /** The job doc: write it with the `@outpost/shared` writers. */
  readonly doc: Y.Doc;
  /** Presence of everyone in the job; the server stamps `user`. */
  readonly awareness: Awareness;
  /** True once the server's state was merged on the current connection. */
  readonly synced: boolean;
  /**
   * What this device's changes not yet durable on the server touched, as targets
   * (`messages/<id>`, `notes/<id>`, `signature`…): a message is "sent" once its target left.
   */
  readonly unsent: Watchable<readonly string[]>;
  /** Resolves once `synced` is true (at once if it is); rejects if the job is closed first. */
  whenSynced(): Promise<void>;
  /** Calls `listener` whenever `synced` changes (true on each sync, false on each disconnect); returns the unsubscribe function. */
  onSynced(listener: (synced: boolean) => void): () => void;
  /** Set while the relay refuses this job (e.g. "This job is full…"): changes stay on the device. */
  readonly refused: { code: number; reason: string } | null;
  /** Releases this hold; the job closes when nobody holds it and nothing is pending. */
  close(): void;
}

interface Slot {
  session: Promise<JobSession>;
  refs: number;
  idle: ReturnType<typeof setTimeout> | null;
}

/** Options of the job store: everything a session needs except the job id. */
export type JobStoreOptions = Omit<JobSessionOptions, 'jobId'> & { idleCloseMs: number };

/** The open jobs of one device. */
export class JobStore {
  private readonly slots = new Map<string, Slot>();
  private readonly counts = new Map<string, number>();
  private closed = false;

  constructor(private readonly options: JobStoreOptions) {}

  /** Opens a job for a holder; resolves once its doc is loaded from the device. */
  async open(jobId: string): Promise<JobHandle> {
    const slot = this.slot(jobId);
    slot.refs++;
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    let session: JobSession;
    try {
      session = await slot.session;
    } catch (error) {
      slot.refs--;
      throw error;
    }
    let released = false;
    /** whenSynced calls still waiting, failed when this hold is released. */
    const closing = new Set<() => void>();
    return {
      jobId,
      doc: session.doc,
      awareness: session.awareness,
      unsent: session.unsent,
      get synced() {
        return session.synced;
      },
      whenSynced: () => (released ? Promise.reject(closedBeforeSync(jobId)) : syncedOrClosed(session, jobId, closing)),
      onSynced: (listener) => session.onSynced(listener),
      get refused() {
        return session.refused;
      },
      close: () => {
        if (released) return;
        released = true;
        for (const reject of [...closing]) reject();
        slot.refs--;
        this.maybeClose(jobId);
      },
    };
  }

  /**
   * Opens, in the background, every job that has updates left pending by earlier sessions,
   * and takes over those of a tab that closed (jobs already open here re-read their records).
   */
  async resumePending(): Promise<void> {
    const records = await this.options.db.entries<PendingRecord>('pending');
    const jobIds = [...new Set(records.map(([, r]) => r.jobId))];
    await Promise.all(
      jobIds.map(async (id) => {
        const fresh = !this.slots.has(id);
        const session = await this.slot(id).session;
        // Taken-over updates are not covered by this socket's step 2: a fresh socket's will be.
        if (!fresh && (await session.loadPending()) > 0 && session.connection.open) session.connection.drop();
      }),
    );
  }

  /** The session of a job if it is open (or opening). */
  session(jobId: string): Promise<JobSession> | undefined {
    return this.slots.get(jobId)?.session;
  }

  /** Pending records of open jobs that the device could not store (a full disk): only in memory. */
  async unsavedRecords(): Promise<PendingRecord[]> {
    const sessions = await Promise.all([...this.slots.values()].map((slot) => slot.session.catch(() => null)));
    // A job that failed to open holds nothing unsaved: its failure went to whoever opened it.
    return sessions.flatMap((s) => s?.pending.unsavedRecords() ?? []);
  }

  /** Opens a job without a holder (e.g. to flush updates an op depends on). */
  touch(jobId: string): Promise<JobSession> {
    const slot = this.slot(jobId);
    const session = slot.session;
    // A failed open reaches the caller through `session`; the slot is already gone.
    session.then(
      () => this.maybeClose(jobId),
      () => undefined,
    );
    return session;
  }

  /** Pending updates per job, and in total. */
  pendingCount(jobId?: string): number {
    if (jobId !== undefined) return this.counts.get(jobId) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }

  /** Ids of open jobs. */
  openJobIds(): string[] {
    return [...this.slots.keys()];
  }

  /** Reconnects every open job now (network back, new token). */
  async resumeAll(): Promise<void> {
    for (const slot of this.slots.values()) (await slot.session).connection.resume();
  }

  /** Clears refusals and reconnects: every open job (`jobId` omitted: a new sign-in) or one job (assigned again). */
  async lift(jobId?: string): Promise<void> {
    for (const [id, slot] of this.slots) if (jobId === undefined || id === jobId) (await slot.session).connection.lift();
  }

  /** Drops every socket (they reconnect with backoff): the browser said the network went away. */
  async dropAll(): Promise<void> {
    for (const slot of this.slots.values()) (await slot.session).connection.drop();
  }

  private pendingChanged(jobId: string, count: number): void {
    this.counts.set(jobId, count);
    this.maybeClose(jobId);
  }

  /** Closes every job. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const sessions = [...this.slots.values()];
    this.slots.clear();
    for (const slot of sessions) {
      if (slot.idle) clearTimeout(slot.idle);
      await (await slot.session).destroy();
    }
  }

  private slot(jobId: string): Slot {
    let slot = this.slots.get(jobId);
    if (!slot) {
      if (this.closed) throw new Error('the engine was destroyed');
      const events = {
        ...this.options.events,
        pendingChanged: (id: string, count: number, acked: number) => {
          this.pendingChanged(id, count);
          this.options.events.pendingChanged(id, count, acked);
        },
      };
      const opening = JobSession.open({ ...this.options, events, jobId });
      const opened: Slot = { session: opening, refs: 0, idle: null };
      // A job the device could not open (storage refused it) is tried afresh by the next open,
      // not held as a rejected promise until the app restarts. The caller gets the error.
      opening.catch(() => {
        if (this.slots.get(jobId) === opened) this.slots.delete(jobId);
      });
      slot = opened;
      this.slots.set(jobId, slot);
    }
    return slot;
  }

  private maybeClose(jobId: string): void {
    const slot = this.slots.get(jobId);
    if (!slot || slot.refs > 0 || this.pendingCount(jobId) > 0 || slot.idle) return;
    slot.idle = setTimeout(() => {
      slot.idle = null;
      if (slot.refs > 0 || this.pendingCount(jobId) > 0 || this.slots.get(jobId) !== slot) return;
      this.slots.delete(jobId);
      void slot.session.then((s) => s.destroy());
    }, this.options.idleCloseMs);
  }
}

function closedBeforeSync(jobId: string): Error {
  return new Error(`job ${jobId} was closed before it synced`);
}

/** Resolves once `session` is synced; rejects when one of `closing` is called first. */
function syncedOrClosed(session: JobSession, jobId: string, closing: Set<() => void>): Promise<void> {
  if (session.synced) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const stop = () => {
      offSynced();
      closing.delete(onClose);
    };
    const offSynced = session.onSynced((synced) => {
      if (!synced) return;
      stop();
      resolve();
    });
    const onClose = () => {
      stop();
      reject(closedBeforeSync(jobId));
    };
    closing.add(onClose);
  });
}
