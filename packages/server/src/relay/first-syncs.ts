/**
 * Sockets in their first sync: let in and a member of their job, their sync step 1 not
 * answered yet. Right after a socket is let in its device sends what it holds (its step 1,
 * and a step 2 with its offline work), so while any socket is here the event loop has work
 * that no commit waits for, and the relay says it is `admitting` (relay.ts): the log writer
 * then does not hold the loop for a commit's fsync (store/sqlite/in-turn-wait.ts).
 */
export class FirstSyncs {
  private readonly syncing = new Set<object>();

  /** Sockets in their first sync now, over every job. */
  get count(): number {
    return this.syncing.size;
  }

  /** A member joined its job (`JobRoom.join`). */
  began(member: object): void {
    this.syncing.add(member);
  }

  /** A member got its step 1 answered, or left, or its room was dropped; once is enough. */
  ended(member: object): void {
    this.syncing.delete(member);
  }
}
