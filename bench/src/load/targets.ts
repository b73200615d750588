/**
 * How the load generator reaches a job on each server: the URL, the framing, and for
 * Outpost the token and `acks=1`.
 */
import type * as Y from 'yjs';
import type { PreparedJobs, ServerKind } from '../servers/server';
import { SyncClient, type JobSession } from './sync-client';

/** A running server as the load generator sees it. */
export interface Target extends PreparedJobs {
  kind: ServerKind;
  port: number;
}

/** A socket with one job session on it. */
export interface JobLink {
  client: SyncClient;
  session: JobSession;
}

/** Options for `openJob`. */
export interface OpenOptions {
  /** Connect here instead of the server's port (a delay proxy in front of it). */
  port?: number;
  /** Ask Outpost for durable acks (ignored by peers). Default true. */
  acks?: boolean;
}

/** Opens a socket to `jobId` and starts its sync; `doc` null for a pure listener. */
export function openJob(target: Target, jobId: string, doc: Y.Doc | null, options: OpenOptions = {}): JobLink {
  const client = openSocket(target, jobId, options);
  return { client, session: client.join(jobId, doc) };
}

/** Opens a bare socket: for Hocuspocus one socket can then `join` several jobs. */
export function openSocket(target: Target, jobId: string, options: OpenOptions = {}): SyncClient {
  const base = `ws://127.0.0.1:${options.port ?? target.port}`;
  switch (target.kind) {
    case 'outpost': {
      const acks = options.acks === false ? '' : '&acks=1';
      return new SyncClient({ url: `${base}/sync/${encodeURIComponent(jobId)}?token=${encodeURIComponent(target.token)}${acks}`, dialect: 'y' });
    }
    case 'ywss':
    case 'forwarder':
      return new SyncClient({ url: `${base}/${encodeURIComponent(jobId)}`, dialect: 'y' });
    case 'hocuspocus':
      return new SyncClient({ url: `${base}/`, dialect: 'hocuspocus', token: target.token });
  }
}

/** Whether the server sends an acknowledgement per content message, and what it means. */
export const ACK_MEANING: Record<ServerKind, string> = {
  outpost: 'durable ack (committed to SQLite)',
  hocuspocus: 'SyncStatus (applied in memory; storage is debounced)',
  ywss: 'none (the relay echoing the update back to its sender stands in)',
  forwarder: 'none (a reference that keeps nothing)',
};

/** Waits until the job is synced and, on servers that ack, everything sent so far is acked. */
export async function settle(link: JobLink, kind: ServerKind, timeoutMs: number): Promise<void> {
  await link.client.waitSynced(link.session, timeoutMs);
  if (kind === 'outpost' || kind === 'hocuspocus') await link.client.waitAck(link.session, link.session.contentSent, timeoutMs);
}
