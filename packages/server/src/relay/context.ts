/**
 * What the relay's parts share: storage, the bus, group commit, metrics and limits.
 */
import type { Bus } from '../bus/bus';
import type { ServerMetrics } from '../metrics/metrics';
import type { Directory, DocLog } from '../store/store';
import type { GroupCommitter } from './group-commit';
import type { Hooks } from '../hooks/hooks';
import type { FirstSyncs } from './first-syncs';

/** Tunable limits, all overridable in tests. */
export interface RelayLimits {
  /** Largest websocket frame accepted; larger closes with 4413. */
  maxFrameBytes: number;
  /** Sustained client messages per second per socket; beyond the burst closes with 4429. */
  messagesPerSecond: number;
  /** Messages a socket may send in a burst above the sustained rate. */
  messageBurst: number;
  /** Updates after which a job's log is compacted into a snapshot. */
  compactAfterUpdates: number;
  /**
   * A loaded job whose last committed update is this old has its log compacted: a server
   * killed later leaves no log behind a quiet job, only behind one being typed into.
   */
  compactWhenQuietMs: number;
  /**
   * Only a log of at least this many updates is compacted once quiet: a technician's
   * keystroke every half minute would otherwise store the whole doc after each one. A
   * shorter log waits for more, the unload, or (after a crash) the start-up fold.
   */
  compactWhenQuietAfterUpdates: number;
  /** How long a job with no sockets stays loaded. */
  idleUnloadMs: number;
  /** How long an op waits for the doc to cover its `docState`. */
  causalWaitMs: number;
  /** Group commit collection delay; 0 (the default) commits at the end of the event-loop turn. */
  groupCommitMs: number;
  /** A loaded job's doc unused this long is kept only as its encoding until next used. */
  hibernateAfterMs: number;
  /**
   * Presence (awareness) client ids one socket may introduce; beyond it closes with 4429.
   * A device has one id per job doc (a new doc means a new socket), so a few allow slack.
   */
  maxPresencesPerSocket: number;
  /**
   * Bytes a socket may send before it is let in (token, job, room); beyond it closes with
   * 4429. The socket is not read while it is let in, so only what was already read counts.
   */
  maxPendingBytes: number;
  /**
   * Largest a job's content may grow (its stored Yjs encoding; photos and signatures are
   * blobs and do not count). A device update that would take it past this is refused with
   * `job_full` (4413); deletions are always taken.
   */
  maxJobBytes: number;
  /** Largest presence (awareness) message a socket may send; beyond it closes with 4413. */
  maxPresenceBytes: number;
  /** Relay sockets one user may have open at once (all devices, this node); beyond it 4429. */
  maxSocketsPerUser: number;
  /**
   * Sustained HTTP writes per second per user (POST/PUT under /api: content over HTTP, ops,
   * blobs and their chunks, handovers): past the burst, `429 rate_limited` with Retry-After.
   */
  httpWritesPerSecond: number;
  /** HTTP writes one user may send in a burst above the sustained rate. */
  httpWriteBurst: number;
  /** Sustained online searches (`/api/customers`, `/api/pricebook/search`) per second per user; past the burst, 429. */
  lookupsPerSecond: number;
  /** Online searches one user may send in a burst above the sustained rate. */
  lookupBurst: number;
  /**
   * Resumable uploads one user may have unfinished at once (all devices); a new one past it
   * is refused with `429 too_many_uploads` unless one of them sat idle for `uploadIdleMs`.
   */
  maxOpenUploadsPerUser: number;
  /** An unfinished upload with no chunk this long makes room for a new one when the user is at the cap. */
  uploadIdleMs: number;
}

/** Defaults for production. */
export const DEFAULT_LIMITS: RelayLimits = {
  maxFrameBytes: 1024 * 1024,
  messagesPerSecond: 100,
  messageBurst: 300,
  compactAfterUpdates: 500,
  compactWhenQuietMs: 5_000,
  compactWhenQuietAfterUpdates: 20,
  idleUnloadMs: 30_000,
  causalWaitMs: 2_000,
  groupCommitMs: 0,
  hibernateAfterMs: 10_000,
  maxPresencesPerSocket: 4,
  maxPendingBytes: 256 * 1024,
  maxJobBytes: 20 * 1024 * 1024,
  maxPresenceBytes: 16 * 1024,
  maxSocketsPerUser: 200,
  httpWritesPerSecond: 20,
  httpWriteBurst: 200,
  lookupsPerSecond: 10,
  lookupBurst: 60,
  maxOpenUploadsPerUser: 16,
  uploadIdleMs: 60 * 60 * 1000,
};

/** Shared by rooms and connections. */
export interface RelayContext {
  nodeId: string;
  /** Job docs, and the job records access and the server mirror read. */
  store: DocLog & Directory;
  bus: Bus;
  committer: GroupCommitter;
  metrics: ServerMetrics;
  limits: RelayLimits;
  secret: string;
  /** Who a socket is and which jobs it may sync (the team's `ServerHooks` or the demo's). */
  hooks: Hooks;
  /** Sockets in their first sync, counted for the relay's `admitting` (absent: not counted). */
  firstSyncs?: FirstSyncs;
  /**
   * True when no other node shares the bus (the in-process bus `startServer` makes when it
   * is given none): this node's own updates and presence then reach nobody over it (its rooms
   * ignore their own node's), so they are not published.
   */
  alone?: boolean;
}
