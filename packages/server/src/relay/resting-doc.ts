/**
 * A job's Y.Doc, or — while nobody uses it — only its stored bytes. A job is loaded as the
 * bytes storage holds and built into a Y.Doc on first use; a doc unused for a while is
 * folded back into its encoding (hibernation). Sync step 1 and the answer to it come from
 * the bytes while the doc is not built, so a first answer never waits for a build.
 *
 * A job loaded after a crash rests as two parts — the snapshot as stored and the log behind
 * it merged into one update (store/compaction.ts) — and a device is answered with each
 * part's diff in turn, so the job's whole history is never merged before the first answer.
 */
import * as Y from 'yjs';
import { vectorAfterLog } from '../store/job-doc-merge';
import type { JobDocState, StoredJobDoc } from '../store/store';

/** Origin of changes loaded from storage: not stored again, not relayed. */
export const LOAD_ORIGIN = Symbol('load');

/** A job loaded from storage is built this long after loading if no socket asked first. */
const BUILD_AFTER_LOAD_MS = 100;

/**
 * A doc woken soon after it hibernated stays built this many times longer next time: a job
 * edited every 15-30 s (a technician's notes, a dispatcher's board) would otherwise be
 * rebuilt and folded again on nearly every edit, and each of those short-lived docs is
 * garbage the collector pays for on the relay's loop. The first early wake goes straight to
 * it: doubling per wake (2×, 4×, 8×) folded and rebuilt such a job once or twice more first,
 * a third more rebuilds in the minute after 10,000 jobs' devices connect (bench/README.md, many idle jobs).
 */
const AWAKE_FACTOR = 8;
/**
 * A wake counts as soon when the doc slept less than this many times as long as it was last
 * kept awake: an edit every 30 s sleeps 20 s of every 30 after 10 s awake, and with a bound
 * of 1× it was rebuilt and folded again on every edit (10,000 jobs with a keystroke every
 * 15–30 s: ~170 rebuilds a second and their garbage, bench/README.md, many idle jobs).
 */
const SOON_AFTER_SLEEP = 3;

/** The doc of one loaded job, built on demand. */
export class RestingDoc {
  private built: Y.Doc | null = null;
  /** What storage held (or the hibernated encoding), until the doc is built from it. */
  private stored: StoredJobDoc | null;
  /**
   * The whole doc as one update (a lone snapshot, or the hibernated encoding), or as the
   * snapshot and the merged log behind it, until the doc is built: the first sockets on a
   * cold job are answered from these parts. Null when the doc must be built to answer.
   */
  private storedParts: Uint8Array[] | null = null;
  /** The state vector of all of `storedParts` together (null: build the doc to know it). */
  private storedVector: Uint8Array | null = null;
  /** Set while a job loaded from storage waits for its first build. */
  private buildTimer: NodeJS.Timeout | null = null;
  private usedAt = 0;
  private destroyed = false;
  /** This doc hibernates after `idleMs × awakeFactor` unused (see `AWAKE_FACTOR`). */
  private awakeFactor = 1;
  /** When it last hibernated, and after how long unused: a wake soon after (`SOON_AFTER_SLEEP`) keeps it built `AWAKE_FACTOR` times as long. */
  private slept: { at: number; afterMs: number } | null = null;

  /**
   * `onBuild` runs once per build, right after the stored bytes are applied: it subscribes
   * to the doc's updates (and may write to it).
   */
  constructor(
    private readonly jobId: string,
    stored: StoredJobDoc,
    private readonly onBuild: (doc: Y.Doc) => void,
  ) {
    this.stored = stored;
    const { snapshot, updates, snapshotStateVector } = stored;
    if (snapshot && updates.length <= 1) {
      this.storedParts = [snapshot, ...updates];
      if (snapshotStateVector) this.storedVector = updates[0] ? vectorAfterLog(snapshotStateVector, updates[0]) : snapshotStateVector;
    } else if (!snapshot && updates.length === 1) {
      this.storedParts = [updates[0]!];
    }
  }

  /**
   * Builds the doc right after the first socket got its answer from the stored bytes
   * (`missingFor`), or shortly if none asks: the build readies the doc for the devices'
   * changes, but must not hold up that first answer.
   */
  buildSoon(): void {
    if (!this.built && !this.buildTimer && !this.destroyed) this.buildTimer = this.buildIn(BUILD_AFTER_LOAD_MS);
  }

  /**
   * The job's Y.Doc, built on first use (one transaction for the whole log: Yjs merges,
   * collects garbage and cleans up once, not once per stored update).
   */
  get doc(): Y.Doc {
    this.usedAt = performance.now();
    if (this.built) return this.built;
    if (this.slept) this.awakeFactor = this.usedAt - this.slept.at < SOON_AFTER_SLEEP * this.slept.afterMs ? AWAKE_FACTOR : 1;
    this.slept = null;
    if (this.buildTimer) clearTimeout(this.buildTimer);
    this.buildTimer = null;
    const doc = (this.built = new Y.Doc({ guid: this.jobId, gc: true }));
    const stored = this.stored;
    this.stored = null;
    this.storedParts = null;
    this.storedVector = null;
    doc.transact(() => {
      if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot, LOAD_ORIGIN);
      for (const u of stored?.updates ?? []) Y.applyUpdate(doc, u, LOAD_ORIGIN);
    }, LOAD_ORIGIN);
    this.onBuild(doc);
    return doc;
  }

  /** True while the doc is a live Y.Doc (not only its encoding). */
  get isBuilt(): boolean {
    return this.built !== null;
  }

  /**
   * Frees a doc nobody changed or read for `idleMs` (longer for a doc woken soon after it last
   * hibernated, see `AWAKE_FACTOR`), keeping only its encoding; the next use rebuilds it
   * (for a typical job well under a millisecond). A technician who keeps a job open all day
   * costs a few kilobytes between edits, not a live Y.Doc.
   */
  hibernateIfIdle(idleMs: number, now: number): boolean {
    const doc = this.built;
    const afterMs = idleMs * this.awakeFactor;
    if (!doc || this.destroyed || now - this.usedAt < afterMs) return false;
    this.slept = { at: now, afterMs };
    const update = Y.encodeStateAsUpdate(doc);
    this.stored = { snapshot: update, updates: [] };
    this.storedParts = [update];
    this.storedVector = Y.encodeStateVector(doc);
    this.built = null;
    doc.destroy();
    return true;
  }

  /** The doc's whole state for compaction, without building a doc that is not built. */
  state(): JobDocState {
    const lone = this.storedParts?.length === 1 ? this.storedParts[0]! : null;
    if (lone && this.storedVector) return { update: lone, stateVector: this.storedVector };
    const doc = this.doc;
    return { update: Y.encodeStateAsUpdate(doc), stateVector: Y.encodeStateVector(doc) };
  }

  /** The doc's state vector (sync step 1): the stored parts' while the doc is not built. */
  stateVector(): Uint8Array {
    return this.storedParts && this.storedVector ? this.storedVector : Y.encodeStateVector(this.doc);
  }

  /**
   * What a peer whose state vector is `theirs` lacks, as one or more updates to send in
   * order (the last as sync step 2, the others before it as updates, so the peer holds all
   * of them once it counts itself synced). One update once the doc is built; while it rests
   * after a crash, the snapshot's diff and then the log's: each part is diffed on its own,
   * and together they hold exactly what the peer lacks.
   */
  missingFor(theirs: Uint8Array): Uint8Array[] {
    const parts = this.storedParts;
    if (this.built || !parts) return [Y.encodeStateAsUpdate(this.doc, theirs)];
    // A state vector naming no client (one 0 byte, a device opening the job the first
    // time) gets the stored bytes as they are.
    const answer = theirs.length === 1 && theirs[0] === 0 ? parts : parts.map((part) => Y.diffUpdate(part, theirs));
    // A job just loaded is built once this answer is on its way (ready for the device's
    // changes a round trip later); a resting one stays asleep.
    if (this.buildTimer) {
      clearTimeout(this.buildTimer);
      this.buildTimer = this.buildIn(0);
    }
    return answer;
  }

  /** Frees the doc for good; reading `doc` afterwards is a bug. */
  destroy(): void {
    this.destroyed = true;
    if (this.buildTimer) clearTimeout(this.buildTimer);
    this.buildTimer = null;
    this.built?.destroy();
  }

  /** True once `destroy` ran. */
  get isDestroyed(): boolean {
    return this.destroyed;
  }

  private buildIn(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.destroyed || this.doc, ms);
  }
}
