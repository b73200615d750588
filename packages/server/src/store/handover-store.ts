/**
 * The part of the `Store` that keeps technicians' removals from jobs and the work they
 * handed over afterwards (parked until a dispatcher merges or discards it).
 * Acceptance: `runHandoverStoreAcceptance` (handover-acceptance.ts).
 */
import type { HandoverState, HandoverSummary } from '@outpost/shared';

/** A technician taken off a job by an `assign` op. */
export interface RemovalRecord {
  jobId: string;
  userId: string;
  removedBy: string;
  removedAt: string;
}

/** A parked handover with its Yjs update. */
export interface HandoverRecord {
  id: string;
  jobId: string;
  technician: string;
  deviceId: string;
  update: Uint8Array;
  summary: HandoverSummary;
  blobs: string[];
  removedBy: string | null;
  removedAt: string | null;
  createdAt: string;
  state: HandoverState;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** Filter for listing handovers; every field given must match. */
export interface HandoverFilter {
  jobId?: string;
  technician?: string;
  state?: HandoverState;
}

/** Removals and handovers. */
export interface HandoverStore {
  /** Records that `userId` was taken off a job (idempotent for the same time). */
  recordRemoval(removal: RemovalRecord): Promise<void>;
  /** The latest removal of `userId` from the job, if any. */
  lastRemoval(jobId: string, userId: string): Promise<RemovalRecord | null>;
  /** Stores a handover under its id; when the id exists, nothing changes and the stored one is returned. */
  putHandover(handover: HandoverRecord): Promise<{ handover: HandoverRecord; created: boolean }>;
  getHandover(id: string): Promise<HandoverRecord | null>;
  /** Handovers matching the filter, oldest first. */
  listHandovers(filter?: HandoverFilter): Promise<HandoverRecord[]>;
  /**
   * Decides a parked handover (atomically: only from `parked`). Returns the record as it
   * now stands (already decided ones unchanged), or null when there is none.
   */
  decideHandover(id: string, state: 'merged' | 'discarded', by: string, at: string): Promise<HandoverRecord | null>;
}
