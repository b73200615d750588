/**
 * What an app gives `createOutpost` and what the engine tells the app: the options and the
 * events of one device's engine.
 */
import type { HandoverNotice, JobNotice, ReferenceChanged, RequestNotice, ReviewNotice } from '@outpost/shared';
import type { MergeSummary } from '../jobs/merge-summary';
import type { WebSocketLike } from '../sync/job-connection';
import type { DrainedEvent } from './status-board';

/** Options of `createOutpost`. */
export interface OutpostOptions {
  /** http(s) base URL of the server; the relay URL is derived from it. */
  serverUrl: string;
  /** Device storage namespace. */
  deviceName?: string;
  WebSocket?: WebSocketLike;
  indexedDB?: IDBFactory;
  fetch?: typeof fetch;
  /** Close an unused, fully synced job after this long. */
  idleCloseMs?: number;
  /** How often waiting work is retried while nothing else triggers it. */
  catchUpIntervalMs?: number;
  /** Replace a relay socket whose updates go unacked this long (default 15 s): a half-open connection. */
  ackTimeoutMs?: number;
  /**
   * One socket for every job (`/device`, the default), or false for a socket per job on
   * `/sync/:jobId` (servers before the device channel).
   */
  deviceChannel?: boolean;
  /**
   * Behind a load balancer that routes by job id (docs/scaling.md): one device channel per
   * shard of jobs (`/device?shard=<last character of the job id>`), so each job's traffic
   * lands on the job's node. Default false: one channel for every job.
   */
  channelPerShard?: boolean;
  /**
   * Decode a small sample job in idle time at start-up, so the first job a technician opens
   * is decoded by compiled code (engine/codec-warm-up.ts). Default: where the platform has
   * idle callbacks (browsers); Node has none, and a server-side engine opens no job by tap.
   */
  warmUpCodec?: boolean;
  /** Re-prime when the server becomes reachable and the cache is older than this (10 min). */
  primingMaxAgeMs?: number;
}

/** Engine events. */
export interface OutpostEvents extends Record<string, unknown> {
  /** A drain finished and everything is uploaded: what went up since the last one. */
  drained: DrainedEvent;
  /** After a reconnect: what others changed in an open job. */
  mergeSummary: MergeSummary;
  /** The server refused the token: sign in again. */
  sessionExpired: { reason: string };
  /** Pushed by the server: a job concerning this user was assigned, unassigned, created, cancelled or changed. */
  jobNotice: JobNotice;
  /** Pushed: reference data this device keeps changed; fired once the cache holds the new record (`priming`). */
  referenceChanged: ReferenceChanged;
  /** Pushed: handed-over work was parked, merged or discarded (dispatchers, and the technician who handed it over). */
  handoverNotice: HandoverNotice;
  /** Pushed: a review mark was made or acknowledged (dispatchers). */
  reviewNotice: ReviewNotice;
  /** Pushed: the job a request this person raised became, or moved on (status, assignees, window). */
  requestNotice: RequestNotice;
  /** The server needs a newer app (close 4426): nothing syncs until the app is updated; work stays on the device. */
  updateRequired: { reason: string };
  /** The device channel (re)connected: pushes may have been missed, so lists are read again in full. */
  listsStale: Record<string, never>;
}
