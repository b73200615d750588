/**
 * `POST /api/ops`: every queued op of a device in one request, answered in one response
 * (rules in shared `ops/batch.ts`). Ops run one after another in the order sent: a
 * device's ops are numbered across jobs, so each must be logged before the next can be.
 */
import { OutpostError, type OpBatchAnswer, type WorkflowOp } from '@outpost/shared';
import type { Principal } from '../auth/token';
import type { OpService } from './service';

/** Applies a device's batch; never throws for one op's failure. */
export async function submitBatch(ops: readonly WorkflowOp[], user: Principal, service: OpService): Promise<OpBatchAnswer[]> {
  const answers: OpBatchAnswer[] = [];
  /** Jobs whose chain stopped at a conflict in this batch. */
  const stopped = new Set<string>();
  let halted = false;
  for (const op of ops) {
    if (halted) {
      answers.push({ opId: op.opId, notTried: true });
      continue;
    }
    try {
      const result = await service.submit(op, user, stopped.has(op.jobId));
      answers.push({ opId: op.opId, status: 200, body: { result } });
    } catch (err) {
      const error = err instanceof OutpostError ? err : new OutpostError('internal');
      if (!(err instanceof OutpostError)) console.error('[outpost] batch op failed', err);
      answers.push({ opId: op.opId, status: error.status, body: error.toBody() as never });
      // Logged and rejected (it carries the job's state): the job's chain stops here. Not
      // logged at all: its seq is unused, so nothing after it can be in order.
      const logged = error.status === 409 && (error.details as { server?: unknown } | undefined)?.server !== undefined;
      if (logged) stopped.add(op.jobId);
      else halted = true;
    }
  }
  return answers;
}
