/**
 * Builds workflow ops the way a device does.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowOp } from '@outpost/shared';
import * as Y from 'yjs';

/** A device that numbers its ops. */
export class TestDevice {
  seq = 0;
  constructor(readonly deviceId = `device-${randomUUID().slice(0, 8)}`) {}

  /** The next op from this device (next deviceSeq, fresh opId). */
  op(jobId: string, intent: Pick<WorkflowOp, 'kind'> & Partial<WorkflowOp>, doc?: Y.Doc): WorkflowOp {
    return {
      opId: randomUUID(),
      jobId,
      deviceId: this.deviceId,
      deviceSeq: ++this.seq,
      occurredAt: new Date().toISOString(),
      baseVersion: 1,
      docState: doc ? Buffer.from(Y.encodeStateVector(doc)).toString('base64') : '',
      ...intent,
    };
  }
}
