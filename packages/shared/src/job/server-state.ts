import * as Y from 'yjs';
import { JOB_STATUSES, type JobStatus, type ServerState } from './schema';

/** Reads the server-owned workflow state, or null before the server first wrote it. */
export function readServerState(doc: Y.Doc): ServerState | null {
  const m = doc.getMap<unknown>('server');
  const status = m.get('status');
  if (typeof status !== 'string' || !(JOB_STATUSES as readonly string[]).includes(status)) return null;
  const assignees = m.get('assignees');
  return {
    status: status as JobStatus,
    version: Number(m.get('version') ?? 0),
    assignees: Array.isArray(assignees) ? assignees.map(String) : [],
    changedBy: (m.get('changedBy') as string | undefined) ?? null,
    changedAt: (m.get('changedAt') as string | undefined) ?? null,
  };
}

/**
 * Mirrors the workflow state into the doc's `server` map. Server only: the relay refuses
 * any client update that touches this map. Writes only keys whose value changed.
 */
export function writeServerState(doc: Y.Doc, state: ServerState, origin: unknown = 'server'): void {
  const m = doc.getMap<unknown>('server');
  doc.transact(() => {
    for (const [key, value] of Object.entries(state)) {
      if (JSON.stringify(m.get(key)) !== JSON.stringify(value)) m.set(key, value);
    }
  }, origin);
}
