/**
 * A batch of workflow ops (`POST /api/ops`): every op a device has queued, across jobs, in
 * one request. The server applies them in the order given (device order), per job; a
 * job's chain stops at its first conflict — the rest of that job's ops are logged as not
 * applied with `behind_conflict` (their seqs are used, so the device's later ops stay in
 * order) — and the batch stops at the first op that could not be logged at all (not
 * causal yet, out of order, refused): every op after it comes back `notTried`, for the
 * device to send again in order. Each answer is what `POST /api/jobs/:id/ops` would have
 * answered for that op alone.
 */
import { z } from 'zod';
import type { OpResult } from '../api/types';
import type { ErrorCode } from '../errors/codes';
import { workflowOpSchema } from './op';

/** Ops one batch may carry. */
export const MAX_OPS_PER_BATCH = 500;

/** The body of `POST /api/ops`. */
export const opBatchSchema = z.object({ ops: z.array(workflowOpSchema).min(1).max(MAX_OPS_PER_BATCH) }).strict();

/** How one op of a batch ended: its HTTP status and body as the single-op route would send them, or not tried. */
export type OpBatchAnswer =
  { opId: string; status: number; body: { result: OpResult } | { error: { code: ErrorCode; message: string; details?: unknown } } } | { opId: string; notTried: true };

/** The answer of `POST /api/ops`, one entry per op in the order sent. */
export interface OpBatchResponse {
  answers: OpBatchAnswer[];
}
