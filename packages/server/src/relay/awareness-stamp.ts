/**
 * Stamps awareness (presence) updates with the authenticated user, so a client cannot
 * appear as someone else. An awareness update is, in lib0 encoding:
 * count, then per client: clientID, clock, state as a JSON string ("null" = gone).
 */
import { OutpostError } from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Principal } from '../auth/token';

/** A stamped awareness update and the client ids it writes. */
export interface StampedAwareness {
  update: Uint8Array;
  clients: number[];
}

/**
 * Rewrites every state in an awareness update to carry `user` from the token, and drops
 * entries for client ids `mayWrite` refuses (stock y-websocket clients echo everyone's
 * presence back, so another person's entry is dropped rather than treated as an attack).
 */
export function stampAwareness(update: Uint8Array, user: Principal, mayWrite: (client: number) => boolean = () => true): StampedAwareness {
  const d = decoding.createDecoder(update);
  const count = decoding.readVarUint(d);
  const stamp = { id: user.userId, name: user.name, role: user.role };
  const entries: [number, number, string][] = [];
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(d);
    const clock = decoding.readVarUint(d);
    let state: unknown;
    try {
      state = JSON.parse(decoding.readVarString(d));
    } catch {
      throw new OutpostError('bad_message', 'An awareness state is not JSON.');
    }
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      throw new OutpostError('bad_message', 'An awareness state must be an object or null.');
    }
    if (mayWrite(client)) entries.push([client, clock, JSON.stringify(state === null ? null : { ...state, user: stamp })]);
  }
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, entries.length);
  for (const [client, clock, json] of entries) {
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return { update: encoding.toUint8Array(e), clients: entries.map(([client]) => client) };
}
