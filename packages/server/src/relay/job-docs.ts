/**
 * The narrow port through which the rest of the server (ops, blob access, job routes)
 * reads and writes loaded job docs, without knowing the relay's rooms or sockets.
 * `Relay` implements it.
 */
import type { OpResultMessage, ServerState } from '@outpost/shared';
import type * as Y from 'yjs';
import type { DeviceNotice } from './device-notices';

/** Someone on a loaded job who may be told how their workflow op ended. */
export interface JobWatcher {
  readonly userId: string;
  /** How one of this user's workflow ops ended (Outpost sockets only). */
  opResult(result: OpResultMessage): void;
}

/** A job held loaded by `JobDocs.acquire` until released. */
export interface OpenJob {
  readonly jobId: string;
  /** The job's doc: read freely; changes made to it are stored and relayed. */
  readonly doc: Y.Doc;
  /** Who is on the job on this node. */
  readonly members: ReadonlySet<JobWatcher>;
  /** Waits up to `timeoutMs` for the doc to cover a state vector; true when it does. */
  waitToCover(stateVector: Map<number, number>, timeoutMs: number): Promise<boolean>;
  /** Writes the workflow state into the doc's server map. */
  mirrorServerState(state: ServerState): void;
}

/** Loaded job docs of one server node. */
export interface JobDocs {
  /** Whether the job is in memory (or being loaded): reading it costs no load. */
  isLoaded(jobId: string): boolean;
  /** Loads the job (if needed) and holds it loaded until `release`. */
  acquire(jobId: string): Promise<OpenJob>;
  /** Drops one hold taken by `acquire`. */
  release(job: OpenJob): void;
  /** Pushes notices to the devices they concern, on every node (never throws; failures are logged). */
  notifyDevices(notices: readonly DeviceNotice[]): void;
}
