/**
 * The sync status line: `online`, `offline (N pending)` or `sync failed (N items)`.
 * Pure, so the rule "online only when nothing is pending" is stated once.
 */

/** What the status line shows. */
export interface SyncStatus {
  state: 'online' | 'offline' | 'sync_failed';
  /** Content changes not yet durably acked (see PendingUpdates) + queued ops + blobs not yet uploaded. */
  pending: number;
  /** Outbox items in Errors or Conflicts, blobs the server refused, and content changes of jobs the relay refused. */
  failed: number;
  /** The server answered lately (an open socket or a successful HTTP call). */
  connected: boolean;
  signedIn: boolean;
  label: string;
}

/** What the status is computed from. */
export interface StatusInputs {
  /** Pending content changes (outbox/change-list.ts units: a photo with its upload is one). */
  pendingUpdates: number;
  queuedOps: number;
  /** Blobs counted apart from any change (0 from the engine: blobs ride in their change's unit). */
  queuedBlobs: number;
  failedOps: number;
  failedBlobs: number;
  /** Content changes of jobs the relay refused (e.g. no longer assigned): they cannot upload. */
  stuckUpdates: number;
  connected: boolean;
  signedIn: boolean;
}

/** Computes the status line. */
export function syncStatusOf(i: StatusInputs): SyncStatus {
  const pending = i.pendingUpdates + i.queuedOps + i.queuedBlobs;
  const failed = i.failedOps + i.failedBlobs + i.stuckUpdates;
  const state = failed > 0 ? 'sync_failed' : i.connected && pending === 0 ? 'online' : 'offline';
  const label = state === 'sync_failed' ? `sync failed (${failed} items)` : state === 'online' ? 'online' : `offline (${pending} pending)`;
  return { state, pending, failed, connected: i.connected, signedIn: i.signedIn, label };
}
