/**
 * Room lifecycle: which jobs are loaded, who holds them, when an idle one unloads (its log
 * compacted into a snapshot first), when an unused doc hibernates, and dropping a room
 * whose commit failed. Holds, timers and compaction counts live here alone.
 */
import { OutpostError } from '@outpost/shared';
import { COMPACT_AFTER_LOAD_MS } from '../store/compaction';
import type { RelayContext } from './context';
import type { OpenJob } from './job-docs';
import { FreezeWatch } from './freeze-watch';
import { JobRoom } from './job-room';
import { TurnSlicer } from './turn-slicer';

/** One loaded (or loading) job. */
interface Entry {
  loading: Promise<JobRoom>;
  /** Set once loaded. */
  room: JobRoom | null;
  /** Sockets and other holders (ops, HTTP reads) keeping the room loaded. */
  holds: number;
  unloadTimer: NodeJS.Timeout | null;
  /** Committed updates since the job's log was last compacted. */
  sinceCompaction: number;
  /** Armed by each commit: compacts the log once the job goes quiet. */
  quietTimer: NodeJS.Timeout | null;
}

/** The loaded rooms of one relay. */
export class RoomRegistry {
  private readonly entries = new Map<string, Entry>();
  /** Jobs being unloaded: a new load waits for the old one to finish. */
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly sweep: NodeJS.Timeout;
  private closing = false;
  /** Loads under way (`loading`). */
  private loadsInFlight = 0;
  /**
   * Hibernations and quiet compactions, each encoding a whole doc, come in bursts (a sweep
   * finds hundreds of idle docs; a crew's jobs go quiet together): run a few ms per turn.
   */
  private readonly background = new TurnSlicer();
  /** Set while a sweep's hibernations are queued: the next sweep waits for them. */
  private sweeping = false;
  /** The last compaction asked for: each waits for the one before it (see `compact`). */
  private compactions: Promise<void> = Promise.resolve();
  /**
   * A freeze of the process is not idleness: hibernation and quiet compactions count from
   * the resume. Counting it hibernated every loaded doc at once on resume, and the devices'
   * next keystrokes rebuilt them all one after another (a 160 ms stall with 600 jobs).
   */
  private readonly freezes: FreezeWatch;

  constructor(private readonly ctx: RelayContext) {
    const idleMs = ctx.limits.hibernateAfterMs;
    const everyMs = Math.max(50, idleMs / 4);
    // A second's stall is a freeze; with short idle times (tests) three sweeps' worth is.
    this.freezes = new FreezeWatch(Math.min(1000, 3 * everyMs), Math.min(100, everyMs));
    this.sweep = setInterval(() => {
      if (this.sweeping || this.freezes.quietLeft(idleMs) > 0) return;
      this.sweeping = true;
      for (const entry of this.entries.values()) this.background.add(() => entry.room?.hibernateIfIdle(idleMs));
      this.background.add(() => (this.sweeping = false));
    }, everyMs);
    this.sweep.unref();
  }

  /** Jobs being loaded from storage now. */
  get loading(): number {
    return this.loadsInFlight;
  }

  /** Jobs in memory: loaded, loading, or being unloaded (compacted, then freed). */
  get size(): number {
    return this.entries.size + this.unloading.size;
  }

  /** Whether the job is in memory (or being loaded). */
  isLoaded(jobId: string): boolean {
    return this.entries.has(jobId);
  }

  /** Loaded rooms. */
  loaded(): JobRoom[] {
    return [...this.entries.values()].flatMap((e) => (e.room ? [e.room] : []));
  }

  /** Loads a job (if needed) and holds it loaded until `release`; never a room already dropped. */
  async acquire(jobId: string): Promise<JobRoom> {
    // A room loaded after the final unload would never be unloaded (nor its store open).
    if (this.closing) throw new OutpostError('unavailable', 'The server is shutting down; try again.');
    for (;;) {
      await this.unloading.get(jobId);
      const entry = this.entries.get(jobId) ?? this.load(jobId);
      const room = await entry.loading;
      // Dropped while this caller waited (a failed commit): load the job again from storage.
      if (room.disposed || this.entries.get(jobId) !== entry) continue;
      entry.holds++;
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
      entry.unloadTimer = null;
      return room;
    }
  }

  /** Drops one hold; an unheld job unloads after the idle delay. A dropped room's holds are moot. */
  release(job: OpenJob): void {
    const entry = this.entries.get(job.jobId);
    if (!entry || entry.room !== job) return;
    entry.holds--;
    if (entry.holds > 0 || this.closing) return;
    entry.unloadTimer = setTimeout(() => void this.unload(entry), this.ctx.limits.idleUnloadMs);
  }

  /**
   * After a commit: counts toward compaction; compacts when enough gathered, or once no
   * commit followed for `compactWhenQuietMs` if the log holds `compactWhenQuietAfterUpdates`,
   * so a crash rarely leaves a long log behind and a slow trickle of edits is not a snapshot
   * each.
   */
  countCommitted(jobId: string, n: number): void {
    const entry = this.entries.get(jobId);
    if (!entry?.room) return;
    entry.sinceCompaction += n;
    const { compactAfterUpdates, compactWhenQuietAfterUpdates, compactWhenQuietMs } = this.ctx.limits;
    if (entry.sinceCompaction < compactAfterUpdates) {
      if (entry.quietTimer) entry.quietTimer.refresh();
      else if (entry.sinceCompaction >= compactWhenQuietAfterUpdates) this.compactWhenQuiet(entry, compactWhenQuietMs);
      return;
    }
    this.stopQuietTimer(entry);
    entry.sinceCompaction = 0;
    void this.compact(entry.room);
  }

  /** Stops the sweep and unloads (and compacts) every job, whoever holds it. */
  async unloadAll(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    this.freezes.stop();
    for (const entry of [...this.entries.values()]) {
      await entry.loading.catch(() => null); // a failed load has no room to unload
      entry.holds = 0;
      await this.unload(entry);
    }
    await Promise.all(this.unloading.values());
  }

  private load(jobId: string): Entry {
    const entry: Entry = { loading: JobRoom.load(jobId, this.ctx, (room) => this.drop(room)), room: null, holds: 0, unloadTimer: null, sinceCompaction: 0, quietTimer: null };
    this.entries.set(jobId, entry);
    this.loadsInFlight++;
    entry.loading.then(
      (room) => {
        this.loadsInFlight--;
        entry.room = room;
        entry.sinceCompaction = room.loadedUpdates;
        // A log left behind the snapshot (a killed process, another node) is folded soon,
        // so the next cold open reads one snapshot; a server stopping first leaves it.
        if (room.loadedUpdates > 0) entry.quietTimer = setTimeout(() => this.compactQuiet(entry, false), COMPACT_AFTER_LOAD_MS).unref();
      },
      () => {
        this.loadsInFlight--;
        if (this.entries.get(jobId) === entry) this.entries.delete(jobId);
      },
    );
    return entry;
  }

  /**
   * A room whose commit failed holds changes storage lacks: it is dropped at once (the next
   * caller loads the job from storage) and its sockets are refused, so their devices resend
   * whatever was not acked.
   */
  private drop(room: JobRoom): void {
    const entry = this.entries.get(room.jobId);
    if (entry?.room === room) {
      if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
      this.stopQuietTimer(entry);
      this.entries.delete(room.jobId);
    }
    for (const m of [...room.members]) m.refuse('unavailable', 'The server could not store changes; reconnect to resend them.');
    void room.dispose();
  }

  private async unload(entry: Entry): Promise<void> {
    const room = entry.room;
    if (!room || entry.holds > 0 || this.entries.get(room.jobId) !== entry) return;
    if (entry.unloadTimer) clearTimeout(entry.unloadTimer);
    this.stopQuietTimer(entry);
    this.entries.delete(room.jobId);
    const done = (async () => {
      // Wait for what the room queued; a failed commit has already dropped the room.
      await room.committed().catch(() => undefined);
      if (entry.sinceCompaction > 0) await this.compact(room);
      await room.dispose();
    })();
    this.unloading.set(room.jobId, done);
    await done;
    if (this.unloading.get(room.jobId) === done) this.unloading.delete(room.jobId);
  }

  /** Compacts `entry`'s job once it has been quiet `ms` more (a commit refreshes the timer). */
  private compactWhenQuiet(entry: Entry, ms: number): void {
    entry.quietTimer = setTimeout(() => this.compactQuiet(entry, true), ms).unref();
  }

  /**
   * The quiet (or after-load) timer fired: compacts what the job got since its last
   * compaction, in its slice of background work (timers of jobs that went quiet together
   * fire together).
   */
  private compactQuiet(entry: Entry, afterQuiet: boolean): void {
    entry.quietTimer = null;
    // A quiet timer due during a freeze (every quiet job's fires at the resume, as devices
    // write again): the job has been quiet only since the resume, so it waits out the rest.
    // Not the fold after a load, which waits for no quiet: put off, the loads of a busy
    // stretch (a loop held over a second counts as frozen) all folded at its end at once.
    const left = afterQuiet ? this.freezes.quietLeft(this.ctx.limits.compactWhenQuietMs) : 0;
    if (left > 0) return this.compactWhenQuiet(entry, left);
    this.background.add(() => {
      const room = entry.room;
      if (!room || entry.sinceCompaction === 0 || this.entries.get(room.jobId) !== entry) return;
      entry.sinceCompaction = 0;
      void this.compact(room);
    });
  }

  private stopQuietTimer(entry: Entry): void {
    if (entry.quietTimer) clearTimeout(entry.quietTimer);
    entry.quietTimer = null;
  }

  /**
   * Folds the job's stored log into a snapshot. The loaded doc holds everything stored for
   * the job (changes reach storage only through it), so its own encoding is the snapshot:
   * merged runs of items, no merge of the log. It may also hold changes still waiting for
   * their commit; storing them early is harmless (a Yjs update applies once). The doc is
   * encoded when the compaction's turn comes, so it holds everything up to then.
   */
  private compact(room: JobRoom): Promise<void> {
    // One at a time: jobs written at the same pace cross the threshold together, and forty
    // snapshots (each dropping its job's log rows) in one commit held every durable ack
    // queued behind them for ~45 ms. Queued, each rides on one commit with the appends.
    const next = this.compactions.then(() => {
      // A disposed doc encodes as empty: storing that would drop the job's history.
      if (room.disposed) return;
      return this.ctx.store.compactJobDoc(room.jobId, room.docState()).catch((err: unknown) => console.error('[outpost] compact failed', err));
    });
    this.compactions = next;
    return next;
  }
}
