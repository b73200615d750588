/**
 * The server map of a job doc mirrors its workflow state (status, version, assignees) from
 * the op log. This keeps the newest state this node knows (its store, its own ops, other
 * nodes' `jobChanged`) and repairs the map when it shows an older one.
 *
 * Two nodes that mirror at the same moment write the map concurrently, and Yjs settles that
 * by client id, not by version: the loser's newer state can vanish. The repair writes the
 * newest state again; that write follows both causally, so it wins on every copy, and every
 * node rewrites the same state, so the rewrites agree.
 */
import { readServerState, writeServerState, type ServerState } from '@outpost/shared';
import type * as Y from 'yjs';

/**
 * How long after another node's `jobChanged` the doc may still show an older version
 * before this node writes the newest state itself (its mirror update was lost or late).
 */
const MIRROR_GRACE_MS = 1_000;

/** What the mirror writes through: the doc (built on demand) and whether it is built. */
export interface MirroredDoc {
  doc(): Y.Doc;
  isBuilt(): boolean;
  readonly origin: unknown;
}

/** The server map of one job. */
export class ServerMirror {
  private newest: ServerState | null = null;
  private staleCheck: NodeJS.Timeout | null = null;

  constructor(private readonly target: MirroredDoc) {}

  /** Records a job state if it is the newest this node has seen. */
  learn(state: ServerState): void {
    if (!this.newest || state.version > this.newest.version) {
      const { status, version, assignees, changedBy, changedAt } = state;
      this.newest = { status, version, assignees, changedBy, changedAt };
    }
  }

  /** Writes a workflow state into the map unless the map already shows a newer one. */
  write(state: ServerState): void {
    this.learn(state);
    const doc = this.target.doc();
    if ((readServerState(doc)?.version ?? 0) > state.version) return;
    const { status, version, assignees, changedBy, changedAt } = state;
    writeServerState(doc, { status, version, assignees, changedBy, changedAt }, this.target.origin);
  }

  /** Writes the newest known state when the map shows an older one. */
  keepNewest(): void {
    const newest = this.newest;
    const doc = this.target.doc();
    if (newest && (readServerState(doc)?.version ?? 0) < newest.version) writeServerState(doc, newest, this.target.origin);
  }

  /**
   * Another node changed the job: its mirror update normally arrives right behind; if the
   * doc still shows an older version a while later, that update lost a tie or was lost.
   */
  changedElsewhere(state: ServerState): void {
    this.learn(state);
    if (this.staleCheck) return;
    this.staleCheck = setTimeout(() => {
      this.staleCheck = null;
      if (this.target.isBuilt()) this.keepNewest();
    }, MIRROR_GRACE_MS);
    this.staleCheck.unref();
  }

  /** Stops the pending repair (the room is going away). */
  stop(): void {
    if (this.staleCheck) clearTimeout(this.staleCheck);
    this.staleCheck = null;
  }
}
