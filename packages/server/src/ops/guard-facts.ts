/**
 * The facts the completion guard reads, as far as a device cannot forge them. Since the
 * relay judges every field write (shared job/ownership.ts), the doc's checklist labels and
 * `required` flags are the office's, and each tick carries its writer. A signature is a
 * hash a device can write freely, so the server also requires its bytes in the blob store.
 */
import { decide, OutpostError, readJobFacts, type Actor, type JobFacts, type WorkflowOp, type WorkflowState } from '@outpost/shared';
import type * as Y from 'yjs';
import type { BlobStore } from '../store/store';

const completes = (op: WorkflowOp) => op.kind === 'transition' && op.to === 'completed';

/** Reads the guard facts of a job doc; for a completion, looks the signature's image up. */
export async function guardFacts(store: BlobStore, doc: Y.Doc | null, op: WorkflowOp): Promise<JobFacts> {
  if (!doc) return { openRequired: [], hasSignature: false };
  const facts = readJobFacts(doc);
  if (!completes(op) || !facts.signatureBlob) return facts;
  return { ...facts, signatureStored: await store.hasBlob(facts.signatureBlob) };
}

/**
 * A device uploads a signature's image beside its ops, so a completion may arrive first.
 * When the image is all that stands between the op and `completed`, the answer is the
 * retryable `not_causal` — nothing logged, the device retries after its upload — rather
 * than a rejection the technician would have to resolve. A hash that never uploads never completes.
 */
export function awaitSignatureImage(job: WorkflowState, op: WorkflowOp, actor: Actor, facts: JobFacts): void {
  if (facts.signatureStored !== false) return;
  if (decide(job, op, actor, { ...facts, signatureStored: true }).outcome !== 'applied') return;
  throw new OutpostError('not_causal', "The signature's image has not reached the server yet; the device sends it, then this step.", { opId: op.opId });
}
