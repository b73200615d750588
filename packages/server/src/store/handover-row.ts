/**
 * How a handover is laid out in a row, shared by the adapters: the columns the stores
 * filter on, the Yjs bytes, and the rest as one JSON body.
 */
import type { HandoverRecord } from './handover-store';

/** The JSON body column of a handover row. */
export type HandoverBody = Omit<HandoverRecord, 'id' | 'jobId' | 'technician' | 'state' | 'createdAt' | 'update'>;

/** Splits a record into the body column. */
export function handoverBody(h: HandoverRecord): HandoverBody {
  const { id: _id, jobId: _job, technician: _tech, state: _state, createdAt: _at, update: _update, ...body } = h;
  return body;
}

/** Joins the columns of a row back into a record. */
export function handoverFromRow(r: { id: string; job_id: string; technician: string; state: string; created_at: string; update: Uint8Array; body: HandoverBody }): HandoverRecord {
  return { ...r.body, id: r.id, jobId: r.job_id, technician: r.technician, state: r.state as HandoverRecord['state'], createdAt: r.created_at, update: r.update };
}
