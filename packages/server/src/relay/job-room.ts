/**
 * A job loaded in memory: its Y.Doc, awareness and the sockets on it. Every change to the
 * doc is relayed to local sockets at once, except the server's own job-state mirror, which
 * is relayed once committed; changes made here (by a socket or by the
 * server) are queued for group commit, and published on the bus only after their commit,
 * so a node that loads the job from storage and then subscribes can never miss one.
 */
import { readServerState, SERVER_ROOT, writeServerState, type OpResultMessage, type ServerState } from '@outpost/shared';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { BusEvent, Unsubscribe } from '../bus/bus';
import { loadJobDocMerged } from '../store/compaction';
import type { JobDocState, JobRecord, StoredJobDoc } from '../store/store';
import type { RelayContext } from './context';

/** Origin of changes loaded from storage: not stored again, not relayed. */
export const LOAD_ORIGIN = Symbol('load');
/** Origin of changes received from another node: relayed locally, not stored. */
export const BUS_ORIGIN = Symbol('bus');
/** Origin of the server's own writes (the `server` map). */
export const SERVER_ORIGIN = Symbol('server');

/**
 * How long after another node's `jobChanged` the doc may still show an older version
 * before this node writes the newest state itself (its mirror update was lost or late).
 */
const MIRROR_GRACE_MS = 1_000;

/** A job loaded from storage is built this long after loading if no socket asked first. */
const BUILD_AFTER_LOAD_MS = 100;

/** A socket as the room sees it. */
export interface RoomMember {
  readonly userId: string;
  /** Awareness client ids this socket controls, removed when it leaves. */
  readonly awarenessIds: Set<number>;
  send(message: Uint8Array): void;
  /** Closes the socket for a refusal (with the shared error code) or shutdown. */
  refuse(code: 'not_assigned' | 'internal' | 'unavailable', message?: string): void;
  jobChanged(state: ServerState): void;
  /** How one of this user's workflow ops ended (Outpost sockets only). */
  opResult(result: OpResultMessage): void;
}

function syncUpdateMessage(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** Encodes an awareness message (type 1) for the given clients. */
export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(e);
}

/**
 * What the awareness of a room is attached to. Awareness reads only a client id (the
 * server never sets a presence of its own) and listens for the doc's destruction, which
 * the room handles itself; a real Y.Doc per room would cost memory for nothing.
 */
const AWARENESS_HOST = { clientID: Math.floor(Math.random() * 2 ** 31), on: () => undefined } as unknown as Y.Doc;

/** One loaded job. Create with `JobRoom.load`. */
export class JobRoom {
  readonly awareness: awarenessProtocol.Awareness;
  readonly members = new Set<RoomMember>();
  /** Holders other than sockets (ops in progress) that keep the room loaded. */
  holds = 0;
  updatesSinceCompaction = 0;
  unloadTimer: NodeJS.Timeout | null = null;
  /** Set once `dispose` ran: the doc is gone. */
  disposed = false;
  private unsubscribe: Unsubscribe | null = null;
  private built: Y.Doc | null = null;
  /** What storage held, until the doc is built from it. */
  private stored: StoredJobDoc | null = null;
  private job: JobRecord | null = null;
  /**
   * The whole doc as one stored update (a lone snapshot), until the doc is built: the
   * first sockets on a cold job are answered from it without waiting for the build.
   */
  private storedState: Uint8Array | null = null;
  private storedVector: Uint8Array | null = null;
  /** Set while a job loaded from storage waits for its first build (see `load`). */
  private buildAfterLoad: NodeJS.Timeout | null = null;
  private usedAt = 0;
  /** Ops listening to the doc in `waitToCover`. */
  private coverWaits = 0;
  /** The newest job state this node knows (its store, its own ops, other nodes' `jobChanged`). */
  private newest: ServerState | null = null;
  private staleCheck: NodeJS.Timeout | null = null;

  private constructor(
    readonly jobId: string,
    private readonly ctx: RelayContext,
  ) {
    this.awareness = new awarenessProtocol.Awareness(AWARENESS_HOST);
    this.awareness.setLocalState(null);
  }

  /**
   * The job's Y.Doc. Built from storage on first use (one transaction for the whole log:
   * Yjs merges, collects garbage and cleans up once, not once per stored update), then the
   * server map is brought up to the op log — the doc mirror may lag if the process died
   * between the two commits.
   */
  get doc(): Y.Doc {
    this.usedAt = performance.now();
    if (this.built) return this.built;
    if (this.buildAfterLoad) clearTimeout(this.buildAfterLoad);
    this.buildAfterLoad = null;
    const doc = (this.built = new Y.Doc({ guid: this.jobId, gc: true }));
    const stored = this.stored;
    this.stored = null;
    this.storedState = null;
    this.storedVector = null;
    doc.transact(() => {
      if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot, LOAD_ORIGIN);
      for (const u of stored?.updates ?? []) Y.applyUpdate(doc, u, LOAD_ORIGIN);
    }, LOAD_ORIGIN);
    doc.on('update', (update: Uint8Array, origin: unknown) => this.onDocUpdate(update, origin));
    const job = this.job;
    this.job = null;
    if (job) this.mirrorServerState(job);
    return doc;
  }

  /** Subscribes to the bus, then reads the doc from storage; the doc is built right after. */
  static async load(jobId: string, ctx: RelayContext): Promise<JobRoom> {
    const room = new JobRoom(jobId, ctx);
    const early: BusEvent[] = [];
    let loaded = false;
    room.unsubscribe = await ctx.bus.subscribe(jobId, (event) => (loaded ? room.onBusEvent(event) : early.push(event)));
    try {
      const stored = await loadJobDocMerged(ctx.store, jobId);
      room.stored = stored;
      room.updatesSinceCompaction = stored.updates.length;
      const parts = stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates;
      if (parts.length === 1) room.storedState = parts[0]!;
      if (stored.snapshot && stored.updates.length === 0) room.storedVector = stored.snapshotStateVector ?? null;
      room.awareness.on('update', (change: AwarenessChange, origin: unknown) => room.onAwarenessUpdate(change, origin));
      room.job = await ctx.store.getJob(jobId);
      if (room.job) room.learn(room.job);
      loaded = true;
      for (const event of early) room.onBusEvent(event);
      // Built right after the first socket got its answer from the stored bytes (missingFor),
      // or shortly if none asks: building brings the server map up to the op log and
      // readies the doc for the devices' changes, but must not hold up that first answer.
      if (!room.built) room.buildAfterLoad = room.buildIn(BUILD_AFTER_LOAD_MS);
      return room;
    } catch (err) {
      await room.dispose();
      throw err;
    }
  }

  /**
   * Frees the doc of a job nobody changed or read for `idleMs`, keeping only its encoding;
   * the next use rebuilds it (for a typical job well under a millisecond). A technician
   * who keeps a job open all day costs a few kilobytes between edits, not a live Y.Doc.
   * A doc an op is waiting on (`waitToCover`) is left alone.
   */
  hibernateIfIdle(idleMs: number, now = performance.now()): boolean {
    const doc = this.built;
    if (!doc || this.coverWaits > 0 || this.disposed || now - this.usedAt < idleMs) return false;
    const update = Y.encodeStateAsUpdate(doc);
    this.stored = { snapshot: update, updates: [] };
    this.storedState = update;
    this.storedVector = Y.encodeStateVector(doc);
    this.built = null;
    doc.destroy();
    return true;
  }

  /** True while the doc is kept only as its encoding (not yet built, or hibernated). */
  get dormant(): boolean {
    return this.built === null;
  }

  /** The doc's whole state for compaction, without building a doc that is not built. */
  docState(): JobDocState {
    if (this.storedState && this.storedVector) return { update: this.storedState, stateVector: this.storedVector };
    return { update: Y.encodeStateAsUpdate(this.doc), stateVector: Y.encodeStateVector(this.doc) };
  }

  /** The doc's state vector (sync step 1): the stored snapshot's while the doc is not built. */
  stateVector(): Uint8Array {
    return this.storedState && this.storedVector ? this.storedVector : Y.encodeStateVector(this.doc);
  }

  /** What a peer whose state vector is `theirs` lacks (sync step 2). */
  missingFor(theirs: Uint8Array): Uint8Array {
    if (this.built || !this.storedState) return Y.encodeStateAsUpdate(this.doc, theirs);
    // Answered from the stored bytes, without building the doc: a state vector naming no
    // client (one 0 byte, a device opening the job the first time) gets them as they are.
    const answer = theirs.length === 1 && theirs[0] === 0 ? this.storedState : Y.diffUpdate(this.storedState, theirs);
    // A job just loaded is built once this answer is on its way (ready for the device's
    // changes a round trip later); a resting one stays asleep.
    if (this.buildAfterLoad) {
      clearTimeout(this.buildAfterLoad);
      this.buildAfterLoad = this.buildIn(0);
    }
    return answer;
  }

  private buildIn(ms: number): NodeJS.Timeout {
    return setTimeout(() => this.disposed || this.doc, ms);
  }

  /** Writes the workflow state into the doc's server map (stored and relayed like any change). */
  mirrorServerState(state: ServerState): void {
    this.learn(state);
    const { status, version, assignees, changedBy, changedAt } = state;
    const current = readServerState(this.doc);
    if (current && current.version > version) return;
    writeServerState(this.doc, { status, version, assignees, changedBy, changedAt }, SERVER_ORIGIN);
  }

  /** True when the doc already holds everything the state vector names. */
  covers(stateVector: Map<number, number>): boolean {
    const have = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    for (const [client, clock] of stateVector) if ((have.get(client) ?? 0) < clock) return false;
    return true;
  }

  /** Waits up to `timeoutMs` for the doc to cover a state vector; true when it does. */
  async waitToCover(stateVector: Map<number, number>, timeoutMs: number): Promise<boolean> {
    if (this.covers(stateVector)) return true;
    this.coverWaits++;
    const doc = this.doc;
    return new Promise((resolve) => {
      const check = () => {
        if (!this.covers(stateVector)) return;
        finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        doc.off('update', check);
        this.coverWaits--;
        resolve(ok);
      };
      const timer = setTimeout(() => finish(this.covers(stateVector)), timeoutMs);
      doc.on('update', check);
    });
  }

  /** Sends to every member but `except`. */
  broadcast(message: Uint8Array, except?: unknown): void {
    for (const m of this.members) if (m !== except) m.send(message);
  }

  /** Removes a member and the presence it controlled. */
  leave(member: RoomMember): void {
    this.members.delete(member);
    if (member.awarenessIds.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...member.awarenessIds], member);
  }

  /** Handles a live event from the bus (this node's own included). */
  onBusEvent(event: BusEvent): void {
    if (event.kind === 'revoke') {
      for (const m of this.members) if (m.userId === event.userId) m.refuse('not_assigned', 'You were unassigned from this job.');
      return;
    }
    if (event.kind === 'jobChanged') {
      this.learn(event.state);
      for (const m of this.members) m.jobChanged(event.state);
      // Normally the other node's mirror arrives right behind this event; if the doc still
      // shows an older version a while later, that update lost a tie or was lost itself.
      if (!this.staleCheck && event.node !== this.ctx.nodeId) {
        this.staleCheck = setTimeout(() => {
          this.staleCheck = null;
          if (!this.disposed && this.built) this.keepNewest();
        }, MIRROR_GRACE_MS);
        this.staleCheck.unref();
      }
      return;
    }
    if (event.node === this.ctx.nodeId) return;
    if (event.kind === 'update') this.applyRemote([event.update]);
    else awarenessProtocol.applyAwarenessUpdate(this.awareness, event.update, BUS_ORIGIN);
  }

  /**
   * Applies other nodes' committed updates (relayed locally, not stored). Two nodes that
   * mirror job state at the same moment write the server map concurrently, and Yjs settles
   * that by client id, not by version: if such a write leaves the doc showing an older
   * version than this node knows, the newest state is written again. That write follows
   * both causally, so it wins on every copy; every node rewrites the same state, so the
   * rewrites agree.
   */
  private applyRemote(updates: readonly Uint8Array[]): void {
    const doc = this.doc;
    const serverMap = doc.getMap(SERVER_ROOT);
    let touched = false;
    doc.transact((tr) => {
      for (const u of updates) Y.applyUpdate(doc, u, BUS_ORIGIN);
      touched = (tr.changed as Map<unknown, unknown>).has(serverMap);
    }, BUS_ORIGIN);
    if (touched) this.keepNewest();
  }

  /** Records a job state if it is the newest this node has seen. */
  private learn(state: ServerState): void {
    if (!this.newest || state.version > this.newest.version) {
      const { status, version, assignees, changedBy, changedAt } = state;
      this.newest = { status, version, assignees, changedBy, changedAt };
    }
  }

  /** Writes the newest known job state when the doc shows an older one. */
  private keepNewest(): void {
    const newest = this.newest;
    if (newest && (readServerState(this.doc)?.version ?? 0) < newest.version) writeServerState(this.doc, newest, SERVER_ORIGIN);
  }

  /**
   * Applies what storage holds that the doc lacks: writes another node committed that have
   * not arrived over the bus yet. Relayed to local sockets, not stored again.
   */
  async catchUp(): Promise<void> {
    const stored = await this.ctx.store.loadJobDoc(this.jobId);
    if (this.disposed) return;
    this.applyRemote(stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates);
  }

  private onDocUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOAD_ORIGIN) return;
    if (origin === SERVER_ORIGIN) {
      // The job-state mirror reaches devices only once committed: a device that moved to
      // another node must never carry a server-map write that storage lacks (it would be
      // refused there as a device writing the server map).
      this.ctx.committer.append({ jobId: this.jobId, update });
      this.ctx.committer.barrier().then(
        () => {
          if (!this.disposed && this.members.size > 0) this.broadcast(syncUpdateMessage(update));
        },
        () => undefined, // a failed commit refuses every member (Relay.onCommitFailed)
      );
      return;
    }
    // Most writes have no other socket to reach (one device per job): encode only when one does.
    if (this.members.size > (this.members.has(origin as RoomMember) ? 1 : 0)) this.broadcast(syncUpdateMessage(update), origin);
    if (origin !== BUS_ORIGIN) this.ctx.committer.append({ jobId: this.jobId, update });
  }

  private onAwarenessUpdate({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    const member = [...this.members].find((m) => m === origin);
    if (member) {
      for (const id of [...added, ...updated]) member.awarenessIds.add(id);
      for (const id of removed) member.awarenessIds.delete(id);
    }
    const changed = [...added, ...updated, ...removed];
    const message = awarenessMessage(this.awareness, changed);
    this.broadcast(message);
    if (origin !== BUS_ORIGIN) {
      const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
      void this.ctx.bus.publish({ kind: 'awareness', jobId: this.jobId, node: this.ctx.nodeId, update }).catch(() => undefined);
    }
  }

  /** Unsubscribes and frees the doc. */
  async dispose(): Promise<void> {
    // The content stays readable (an op still holding the room reads its guard facts);
    // the room itself is dropped by the relay and collected with it.
    this.disposed = true;
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    if (this.buildAfterLoad) clearTimeout(this.buildAfterLoad);
    if (this.staleCheck) clearTimeout(this.staleCheck);
    this.awareness.destroy();
    this.built?.destroy();
    await this.unsubscribe?.().catch(() => undefined);
  }
}

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}
