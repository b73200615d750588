/**
 * Causality for workflow ops: an op carries the job doc's state vector from when it was
 * made, and is decided only once this node's copy covers it, so its guards read what the
 * person saw. Ops wait here (bounded) for the changes they depend on to arrive.
 */
import * as Y from 'yjs';

/** True when `doc` already holds everything `stateVector` names. */
export function covers(doc: Y.Doc, stateVector: Map<number, number>): boolean {
  for (const [client, clock] of stateVector) if (Y.getState(doc.store, client) < clock) return false;
  return true;
}

/** The ops of one job waiting for its doc to cover their state vectors. */
export class CausalWaits {
  private waiting = 0;

  /** True while an op is waiting (the doc must stay built: it is listened to). */
  get active(): boolean {
    return this.waiting > 0;
  }

  /** Waits up to `timeoutMs` for `doc` to cover `stateVector`; true when it does. */
  async wait(doc: Y.Doc, stateVector: Map<number, number>, timeoutMs: number): Promise<boolean> {
    if (covers(doc, stateVector)) return true;
    this.waiting++;
    return new Promise((resolve) => {
      const check = () => {
        if (covers(doc, stateVector)) finish(true);
      };
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        doc.off('update', check);
        this.waiting--;
        resolve(ok);
      };
      const timer = setTimeout(() => finish(covers(doc, stateVector)), timeoutMs);
      doc.on('update', check);
    });
  }
}
