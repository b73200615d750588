/**
 * The pending count of one job (docs/contracts.md, "Pending changes"): the changes its
 * pending updates belong to, each with what it touched (change-target.ts) and how many
 * pending updates hold it. A change counts until the last of its updates is durable.
 * PendingUpdates keeps the updates; this keeps the count and the unsent targets.
 */

/** One change an update belongs to, with what it touched ('doc' for records older than targets). */
export type ChangeOf = [change: string, target: string];

/** Changes held by pending updates, and the targets they touched. */
export class PendingChanges {
  private readonly changes = new Map<string, { target: string; entries: number }>();
  /** What the pending changes touched, with how many changes touched each. */
  private readonly targets = new Map<string, number>();

  /** Number of changes not yet durable. */
  get count(): number {
    return this.changes.size;
  }

  /** Whether `change` still has a pending update. */
  has(change: string): boolean {
    return this.changes.has(change);
  }

  /** What the pending changes touched (`messages/m1`, `notes/n2`, …), sorted. */
  unsentTargets(): string[] {
    return [...this.targets.keys()].sort();
  }

  /** A pending update holding these changes was added. */
  add(changes: readonly ChangeOf[]): void {
    for (const [change, target] of changes) {
      const known = this.changes.get(change);
      if (known) {
        known.entries++;
        continue;
      }
      this.changes.set(change, { target, entries: 1 });
      for (const t of target.split(' ')) this.targets.set(t, (this.targets.get(t) ?? 0) + 1);
    }
  }

  /** A pending update holding these changes is durable (or handed over). */
  remove(changes: readonly ChangeOf[]): void {
    for (const [change] of changes) {
      const known = this.changes.get(change)!;
      if (--known.entries > 0) continue;
      this.changes.delete(change);
      for (const t of known.target.split(' ')) {
        const left = this.targets.get(t)! - 1;
        if (left === 0) this.targets.delete(t);
        else this.targets.set(t, left);
      }
    }
  }
}
