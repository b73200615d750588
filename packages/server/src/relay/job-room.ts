/**
 * A job loaded in memory: the sockets on it (members), their presence, and the bus. Changes
 * made here (by a socket or by the server) are queued for group commit and reach the other
 * sockets, and the bus, only once committed: no device holds another's change that no store
 * has, and a node that loads the job from storage and then subscribes can never miss one.
 * Changes from the bus (committed on their node) are relayed at once.
 *
 * The doc itself (built on demand, hibernated when idle) is `RestingDoc`; the server map's
 * repair is `ServerMirror`; ops waiting for the doc are `CausalWaits`. Who holds the room
 * and when it unloads is `RoomRegistry`'s business alone.
 */
import { OutpostError, SERVER_ROOT, type ServerState } from '@outpost/shared';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { DEVICE_NOTICES, type BusEvent, type Unsubscribe } from '../bus/bus';
import { loadJobDocMerged, type LoadedJobDoc } from '../store/compaction';
import type { JobDocState, JobRecord } from '../store/store';
import { CausalWaits } from './causal-wait';
import type { RelayContext } from './context';
import { MetaChangeNotices } from './device-notices';
import type { OpenJob } from './job-docs';
import { JobSize } from './job-size';
import { logFailure } from './log-failure';
import { mirrorWindow, movesWindow } from './window-mirror';
import { LOAD_ORIGIN, RestingDoc } from './resting-doc';
import { awarenessMessage, syncUpdateMessage, type RoomMember } from './room-member';
import { ServerMirror } from './server-mirror';

export { LOAD_ORIGIN };
/** Origin of changes received from another node: relayed locally, not stored. */
export const BUS_ORIGIN = Symbol('bus');
/** Origin of the server's own writes (the `server` map). */
export const SERVER_ORIGIN = Symbol('server');

/**
 * What the awareness of a room is attached to. Awareness reads only a client id (the
 * server never sets a presence of its own) and listens for the doc's destruction, which
 * the room handles itself; a real Y.Doc per room would cost memory for nothing.
 */
const AWARENESS_HOST = { clientID: Math.floor(Math.random() * 2 ** 31), on: () => undefined } as unknown as Y.Doc;

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/** One loaded job. Create with `JobRoom.load`. */
export class JobRoom implements OpenJob {
  readonly awareness: awarenessProtocol.Awareness;
  private readonly memberSet = new Set<RoomMember>();
  private readonly resting: RestingDoc;
  private readonly mirror: ServerMirror;
  private readonly causal = new CausalWaits();
  /** Pushes a reschedule (an office edit of the job's meta) to the devices it concerns. */
  private readonly metaNotices: MetaChangeNotices;
  /** The job record read at load, mirrored into the server map at the first build. */
  private jobAtLoad: JobRecord | null;
  /** The job as read at load (after the bus subscription), until the first build; null once dropped. */
  private readAtLoad: { job: JobRecord | null } | null;
  private accessEventCount = 0;
  /**
   * The commit of the room's latest stored change: once it lands, everything the doc holds
   * is stored (batches commit in order). Resolved while nothing is pending.
   */
  private lastCommit: Promise<void> = Promise.resolve();
  private isDisposed = false;
  /** Changes the doc holds whose commit has not landed (nor failed) yet. */
  private uncommitted = 0;
  private readonly size: JobSize;
  /** Set by the meta observer when the update being applied moved the job's window. */
  private windowMoved = false;
  /** The latest copy of the window into the jobs row (window-mirror.ts), settled or not. */
  private windowMirrored: Promise<void> = Promise.resolve();
  /** Updates stored since the job's last snapshot when it was loaded (toward compaction). */
  readonly loadedUpdates: number;

  private constructor(
    readonly jobId: string,
    private readonly ctx: RelayContext,
    stored: LoadedJobDoc,
    job: JobRecord | null,
    private readonly unsubscribe: Unsubscribe,
    private readonly onBroken: (room: JobRoom) => void,
  ) {
    this.awareness = new awarenessProtocol.Awareness(AWARENESS_HOST);
    this.awareness.setLocalState(null);
    this.awareness.on('update', (change: AwarenessChange, origin: unknown) => this.onAwarenessUpdate(change, origin));
    this.metaNotices = new MetaChangeNotices(jobId, (notices) => {
      // After the window reached the jobs row: a board that re-reads on the push sees the new window.
      const publish = () => {
        for (const n of notices) {
          const event = { kind: 'notice' as const, jobId: DEVICE_NOTICES, node: ctx.nodeId, users: [...n.users], dispatchers: n.dispatchers, message: n.message };
          void ctx.bus.publish(event).catch(logFailure('device notice publish'));
        }
      };
      void this.windowMirrored.then(publish, publish);
    });
    this.resting = new RestingDoc(jobId, stored, (doc) => this.onBuild(doc));
    this.mirror = new ServerMirror({ doc: () => this.resting.doc, isBuilt: () => this.resting.isBuilt, origin: SERVER_ORIGIN });
    this.jobAtLoad = job;
    this.readAtLoad = { job };
    if (job) this.mirror.learn(job);
    this.loadedUpdates = stored.logRows;
    this.size = new JobSize(stored, ctx.limits.maxJobBytes);
  }

  /**
   * Subscribes to the bus, then reads the doc from storage. `onBroken` is called once if a
   * commit of the room's changes fails: the doc then holds changes storage lacks.
   */
  static async load(jobId: string, ctx: RelayContext, onBroken: (room: JobRoom) => void): Promise<JobRoom> {
    const early: BusEvent[] = [];
    let room: JobRoom | null = null;
    const unsubscribe = await ctx.bus.subscribe(jobId, (event) => (room ? room.onBusEvent(event) : early.push(event)));
    try {
      // Merged (snapshot + log tail) and compacted in the background after a crash: store/compaction.ts.
      // At once: on a networked store, one round trip instead of two on the open path.
      const [stored, job] = await Promise.all([loadJobDocMerged(ctx.store, jobId), ctx.store.getJob(jobId)]);
      const loaded = (room = new JobRoom(jobId, ctx, stored, job, unsubscribe, onBroken));
      for (const event of early) loaded.onBusEvent(event);
      loaded.resting.buildSoon();
      return loaded;
    } catch (err) {
      await unsubscribe().catch(logFailure('unsubscribe'));
      throw err;
    }
  }

  /**
   * The job's Y.Doc, built from storage on first use; the build brings the server map up to
   * the op log (the doc mirror may lag if the process died between the two commits).
   */
  get doc(): Y.Doc {
    return this.resting.doc;
  }

  /** The sockets on the job. */
  get members(): ReadonlySet<RoomMember> {
    return this.memberSet;
  }

  /** Set once `dispose` ran: the room takes no more changes. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /**
   * Bus events that can change who may see the job (revoke, jobChanged), counted since the
   * room subscribed: a socket's access check needs no second read when none came between
   * its check and its joining (a later one reaches it as a member).
   */
  get accessEvents(): number {
    return this.accessEventCount;
  }

  /**
   * The job as the load read it, after the room subscribed to the bus, while no access event
   * has come since and the doc is not built yet (a few milliseconds after a cold load);
   * undefined otherwise. A cold open's access check reads it instead of storage again.
   */
  get jobReadAtLoad(): { job: JobRecord | null } | undefined {
    return this.accessEventCount === 0 && this.readAtLoad ? this.readAtLoad : undefined;
  }

  /** True while the doc is kept only as its encoding (not yet built, or hibernated). */
  get dormant(): boolean {
    return !this.resting.isBuilt;
  }

  /**
   * Applies a device's update to the doc and returns the commit of that very update (or,
   * when it brought nothing new, of the change that did): the durable ack waits on it. A
   * room dropped after a failed commit takes nothing and rejects; an update that would
   * make the job too big throws `job_full` (`JobSize`) before it is applied.
   */
  apply(update: Uint8Array, member: RoomMember): Promise<void> {
    if (this.isDisposed) return Promise.reject(new OutpostError('unavailable', 'The job was reloaded; reconnect to resend your changes.'));
    this.size.check(update, () => this.resting.doc);
    const doc = this.resting.doc;
    // Yjs encodes every transaction anew for the doc's 'update' listeners (~6 % of the
    // server's CPU per keystroke). The device's own bytes say the same (its caller checked
    // they integrate whole), so the room stores and relays those, with its listener off
    // meanwhile; no observer of the doc writes to it, so no other change can slip by.
    doc.off('update', this.onUpdate);
    try {
      Y.applyUpdate(doc, update, member);
    } catch (err) {
      // Whatever part integrated before the throw is in the doc but not stored: the room
      // is dropped (as after a failed commit) and reloads from storage.
      if (!this.isDisposed) this.onBroken(this);
      throw err;
    } finally {
      doc.on('update', this.onUpdate);
    }
    this.onDocUpdate(update, member);
    return this.lastCommit;
  }

  /** True while the doc holds changes whose commit has not landed: a joining socket's answer waits (RelayConnection). */
  get hasUncommitted(): boolean {
    return this.uncommitted > 0;
  }

  /** The commit that makes everything the doc holds durable (see `apply`). */
  committed(): Promise<void> {
    return this.isDisposed ? Promise.reject(new OutpostError('unavailable')) : this.lastCommit;
  }

  /** Adds a socket; false when the room was dropped meanwhile (the socket must reconnect). */
  join(member: RoomMember): boolean {
    if (this.isDisposed) return false;
    this.memberSet.add(member);
    this.ctx.firstSyncs?.began(member);
    return true;
  }

  /** Removes a member and the presence it controlled. */
  leave(member: RoomMember): void {
    this.ctx.firstSyncs?.ended(member);
    this.memberSet.delete(member);
    if (member.awarenessIds.size > 0 && !this.isDisposed) awarenessProtocol.removeAwarenessStates(this.awareness, [...member.awarenessIds], member);
  }

  /** Sends to every member but `except`. */
  broadcast(message: Uint8Array, except?: unknown): void {
    for (const m of this.memberSet) if (m !== except) m.send(message);
  }

  /** Frees a doc unused for `idleMs` (see `RestingDoc`); never one an op is waiting on. */
  hibernateIfIdle(idleMs: number, now = performance.now()): boolean {
    if (this.causal.active || this.isDisposed) return false;
    return this.resting.hibernateIfIdle(idleMs, now);
  }

  /** The doc's whole state for compaction, without building a doc that is not built. */
  docState(): JobDocState {
    const state = this.resting.state();
    this.size.measured(state.update.length);
    return state;
  }

  /** The doc's state vector (sync step 1). */
  stateVector(): Uint8Array {
    return this.resting.stateVector();
  }

  /** What a peer whose state vector is `theirs` lacks, as updates to send in order (see `RestingDoc.missingFor`). */
  missingFor(theirs: Uint8Array): Uint8Array[] {
    return this.resting.missingFor(theirs);
  }

  /** Writes the workflow state into the doc's server map (stored and relayed like any change). */
  mirrorServerState(state: ServerState): void {
    this.mirror.write(state);
  }

  /** Waits up to `timeoutMs` for the doc to cover a state vector; true when it does. */
  waitToCover(stateVector: Map<number, number>, timeoutMs: number): Promise<boolean> {
    return this.causal.wait(this.resting.doc, stateVector, timeoutMs);
  }

  /** Handles a live event from the bus (this node's own included). */
  onBusEvent(event: BusEvent): void {
    if (this.isDisposed) return;
    if (event.kind === 'revoke' || event.kind === 'jobChanged') this.accessEventCount++;
    if (event.kind === 'revoke') {
      for (const m of this.memberSet) if (m.userId === event.userId) m.refuse('not_assigned', 'You were unassigned from this job.');
      return;
    }
    if (event.kind === 'jobChanged') {
      if (event.node === this.ctx.nodeId) this.mirror.learn(event.state);
      else this.mirror.changedElsewhere(event.state);
      for (const m of this.memberSet) m.jobChanged(event.state);
      return;
    }
    if (event.node === this.ctx.nodeId) return;
    if (event.kind === 'update') this.applyRemote([event.update]);
    else if (event.kind === 'awareness') awarenessProtocol.applyAwarenessUpdate(this.awareness, event.update, BUS_ORIGIN);
  }

  /**
   * Applies what storage holds that the doc lacks: writes another node committed that have
   * not arrived over the bus yet. Relayed to local sockets, not stored again.
   */
  async catchUp(): Promise<void> {
    const stored = await this.ctx.store.loadJobDoc(this.jobId);
    if (this.isDisposed) return;
    this.applyRemote(stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates);
  }

  /** Unsubscribes and frees the doc. */
  async dispose(): Promise<void> {
    // The content stays readable (an op still holding the room reads its guard facts).
    this.isDisposed = true;
    for (const member of this.memberSet) this.ctx.firstSyncs?.ended(member);
    this.resting.destroy();
    this.mirror.stop();
    this.metaNotices.stop();
    this.awareness.destroy();
    await this.unsubscribe().catch(logFailure('unsubscribe'));
  }

  /** Applies other nodes' committed updates (relayed locally, not stored); repairs the server map. */
  private applyRemote(updates: readonly Uint8Array[]): void {
    const doc = this.resting.doc;
    const serverMap = doc.getMap(SERVER_ROOT);
    let touched = false;
    doc.transact((tr) => {
      for (const u of updates) Y.applyUpdate(doc, u, BUS_ORIGIN);
      touched = (tr.changed as Map<unknown, unknown>).has(serverMap);
    }, BUS_ORIGIN);
    if (touched) this.mirror.keepNewest();
  }

  private onBuild(doc: Y.Doc): void {
    // Observers run before the doc's 'update' event: the flag is read by onDocUpdate.
    doc.getMap('meta').observe((event) => {
      if (movesWindow(event)) this.windowMoved = true;
    });
    doc.on('update', this.onUpdate);
    this.metaNotices.watch(doc, (origin) => this.memberSet.has(origin as RoomMember));
    const job = this.jobAtLoad;
    this.jobAtLoad = null;
    this.readAtLoad = null;
    if (job && !this.isDisposed) this.mirror.write(job);
  }

  /** Queues a change of this room for group commit; a failed commit breaks the room once. */
  private store(update: Uint8Array): Promise<void> {
    this.size.grew(update.length);
    const committed = this.ctx.committer.append({ jobId: this.jobId, update });
    this.uncommitted++;
    const settled = () => void this.uncommitted--;
    committed.then(settled, settled);
    if (committed !== this.lastCommit) {
      this.lastCommit = committed;
      committed.catch(() => {
        // The doc now holds changes storage lacks: the registry drops the room and refuses
        // its members, so their devices resend what was not acked.
        if (!this.isDisposed) this.onBroken(this);
      });
    }
    return committed;
  }

  private readonly onUpdate = (update: Uint8Array, origin: unknown): void => this.onDocUpdate(update, origin);

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    // Only a device's write on this node moves the row; loads, the bus and the server do not.
    const windowMoved = this.windowMoved && origin !== LOAD_ORIGIN && origin !== BUS_ORIGIN && origin !== SERVER_ORIGIN;
    this.windowMoved = false;
    if (origin === LOAD_ORIGIN || this.isDisposed) return;
    if (origin === BUS_ORIGIN) {
      // Committed by the node it came from: relayed at once, not stored again.
      this.relay(update, origin);
      return;
    }
    // A change reaches the other sockets only once committed (the server's own job-state
    // mirror too): a device never holds someone else's change that no store has, which it
    // would send back after a crash as its own (refused: it writes another person's entry).
    const committed = this.store(update);
    committed.then(
      () => this.relay(update, origin),
      () => undefined, // a failed commit breaks the room and refuses every member (store)
    );
    if (windowMoved) {
      // The row follows the doc only once the doc change is durable.
      const doc = this.resting.doc;
      this.windowMirrored = committed.then(
        () => mirrorWindow(this.ctx.store, this.jobId, doc),
        () => undefined, // a failed commit breaks the room (store); the row keeps the old window
      );
      this.windowMirrored.catch(logFailure('window mirror'));
    }
  }

  /** Sends a change to every socket but the one it came from; most jobs have no other (encoded only when one does). */
  private relay(update: Uint8Array, origin: unknown): void {
    if (this.isDisposed) return;
    if (this.memberSet.size > (this.memberSet.has(origin as RoomMember) ? 1 : 0)) this.broadcast(syncUpdateMessage(update), origin);
  }

  private onAwarenessUpdate({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const member = this.memberSet.has(origin as RoomMember) ? (origin as RoomMember) : null;
    if (member) {
      for (const id of [...added, ...updated]) member.awarenessIds.add(id);
      for (const id of removed) member.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    this.broadcast(awarenessMessage(this.awareness, changed));
    if (origin !== BUS_ORIGIN && !this.ctx.alone) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      void this.ctx.bus.publish({ kind: 'awareness', jobId: this.jobId, node: this.ctx.nodeId, update }).catch(logFailure('presence publish'));
    }
  }
}
