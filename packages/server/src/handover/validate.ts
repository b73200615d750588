/**
 * Judging a handed-over update against the job as the server has it now: the same update
 * classification the relay uses for a live socket (so every ownership rule the relay
 * enforces holds for handovers too), then what it adds, read from a scratch copy.
 */
import { classifyUpdate, handoverBlobs, OutpostError, readJob, summarizeHandover, type HandoverSummary } from '@outpost/shared';
import * as Y from 'yjs';

/** What a valid handover adds to the job. */
export interface HandoverEffect {
  summary: HandoverSummary;
  blobs: string[];
  /** False when the job already holds everything the update carries. */
  changes: boolean;
}

/**
 * Throws the classification's error when a device could not have sent `update` on a live
 * socket as `technician`; otherwise says what it adds. `doc` is the job's live doc.
 */
export function judgeHandover(update: Uint8Array, doc: Y.Doc, technician: string): HandoverEffect {
  // The writer is the technician who made the work, not the dispatcher who merges it.
  const verdict = classifyUpdate(update, doc, { userId: technician, role: 'technician' });
  if (!verdict.ok) throw new OutpostError(verdict.code, `The handed-over work was refused: ${verdict.detail}.`);
  const scratch = new Y.Doc({ guid: doc.guid });
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    const before = readJob(scratch);
    const vectorBefore = Y.encodeStateVector(scratch);
    Y.applyUpdate(scratch, update);
    const store = scratch.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
    if (store.pendingStructs !== null || store.pendingDs !== null) {
      throw new OutpostError('unresolved_update', 'The handed-over work depends on changes the server has not seen.');
    }
    const after = readJob(scratch);
    const summary = summarizeHandover(before, after);
    const grew = !equalBytes(vectorBefore, Y.encodeStateVector(scratch));
    return { summary, blobs: handoverBlobs(before, after), changes: grew || Object.values(summary).some((n) => (n ?? 0) > 0) };
  } catch (err) {
    if (err instanceof OutpostError) throw err;
    throw new OutpostError('bad_message', `The handed-over work could not be read: ${(err as Error).message}`);
  } finally {
    scratch.destroy();
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
