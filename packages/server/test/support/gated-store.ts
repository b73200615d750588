/**
 * A SQLite store whose commits wait while the test holds the gate: what a device sees
 * between an update's arrival and its commit (acks, relays, answers) can be checked there.
 *
 *   store.hold();  …  await until(() => store.held > 0);  …  store.release();
 */
import { SqliteStore, type JobUpdate } from '../../src/index';

/** See the module comment. */
export class GatedStore extends SqliteStore {
  /** Commits that came to the gate while it was held. */
  held = 0;
  private gate: Promise<void> | null = null;
  private open = () => undefined as void;

  /** Commits from now on wait for `release()`. */
  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
  }

  /** Lets every waiting commit through; later ones pass at once. */
  release(): void {
    this.gate = null;
    this.open();
  }

  override async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    if (this.gate) {
      this.held++;
      await this.gate;
    }
    return super.appendUpdates(batch);
  }
}
