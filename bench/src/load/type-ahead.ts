/**
 * Keystrokes typed before a measured window and sent from a queue during it. Making a
 * keystroke (a Yjs transaction on the device doc and its update) is the same work whatever
 * the server, and not what an open-loop step measures; on the generator's one core it was
 * a tenth of its time at the fan-out knee, where the generator's lag decides whether a
 * step counts as the server's.
 */
import { keystroke, keystrokes, type FieldDevice, type Keystroke } from './field-work';

/** Round-robin typing over `typists`, typed ahead of the sends. */
export class TypeAhead<T extends { device: FieldDevice }> {
  private readonly queues: Keystroke[][];
  private readonly taken: number[];
  private next = 0;

  constructor(private readonly typists: readonly T[]) {
    this.queues = typists.map(() => []);
    this.taken = typists.map(() => 0);
  }

  /** Types the keystrokes of the next `count` sends, each on the typist that will send it. */
  prepare(count: number): void {
    for (let i = 0; i < this.queues.length; i++) {
      this.queues[i] = this.queues[i]!.slice(this.taken[i]);
      this.taken[i] = 0;
    }
    // How many of the sends next … next + count - 1 fall to each typist, then each typist's typed in one run.
    const mine = this.typists.map(() => 0);
    for (let k = 0; k < count; k++) mine[(this.next + k) % this.typists.length]!++;
    for (const [i, typist] of this.typists.entries()) this.queues[i]!.push(...keystrokes(typist.device, mine[i]!));
  }

  /** The next typist in turn and its keystroke (typed now if none was typed ahead). */
  take(): { typist: T; key: Keystroke } {
    const i = this.next++ % this.typists.length;
    const typist = this.typists[i]!;
    const key = this.queues[i]![this.taken[i]!++] ?? keystroke(typist.device);
    return { typist, key };
  }
}
