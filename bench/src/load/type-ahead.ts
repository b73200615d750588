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
    const n = this.typists.length;
    for (let i = 0; i < n; i++) {
      // Of the sends next, next + 1, … next + count - 1, those that fall to typist i.
      const mine = Math.floor((count - 1 - ((((i - this.next) % n) + n) % n)) / n) + 1;
      this.queues[i]!.push(...keystrokes(this.typists[i]!.device, mine));
    }
  }

  /** The next typist in turn and its keystroke (typed now if none was typed ahead). */
  take(): { typist: T; key: Keystroke } {
    const i = this.next++ % this.typists.length;
    const typist = this.typists[i]!;
    const key = this.queues[i]![this.taken[i]!++] ?? keystroke(typist.device);
    return { typist, key };
  }
}
