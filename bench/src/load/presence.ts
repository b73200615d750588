/**
 * Presence (awareness) updates without an Awareness object: the y-protocols encoding is
 * count, then per client: clientID, clock, state as JSON. The load generator puts its
 * planned send time in the state (`t`), so a receiver can time the relay; Outpost adds
 * the authenticated `user` to each state, which the reader ignores.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One client's presence as the wire carries it. */
export interface PresenceEntry {
  client: number;
  clock: number;
  state: Record<string, unknown> | null;
}

/** Encodes one client's presence update. */
export function presenceUpdate(client: number, clock: number, state: Record<string, unknown>): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}

/** Decodes a presence update's entries. */
export function readPresence(update: Uint8Array): PresenceEntry[] {
  const d = decoding.createDecoder(update);
  const count = decoding.readVarUint(d);
  const out: PresenceEntry[] = [];
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    out.push({ client, clock, state: JSON.parse(decoding.readVarString(d)) as Record<string, unknown> | null });
  }
  return out;
}

/**
 * A receiver's latency log for presence: each (sender, clock) counts once however often
 * a server repeats it; latency = receipt − the state's planned time `t`.
 */
export class PresenceLog {
  readonly samples: number[] = [];
  recording = false;

  /** The handler for one receiver (its own entries are skipped). */
  receiver(own: number): (update: Uint8Array, at: number) => void {
    const last = new Map<number, number>();
    return (update, at) => {
      for (const { client, clock, state } of readPresence(update)) {
        if (client === own || clock <= (last.get(client) ?? -1)) continue;
        last.set(client, clock);
        const t = state?.t;
        if (this.recording && typeof t === 'number' && state?.rec === true) this.samples.push(at - t);
      }
    };
  }
}
