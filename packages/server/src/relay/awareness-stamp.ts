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

/** Rewrites every state in an awareness update to carry `user` from the token. */
export function stampAwareness(update: Uint8Array, user: Principal): StampedAwareness {
  const d = decoding.createDecoder(update);
  const e = encoding.createEncoder();
  const count = decoding.readVarUint(d);
  encoding.writeVarUint(e, count);
  const stamp = { id: user.userId, name: user.name, role: user.role };
  const clients: number[] = [];
  for (let i = 0; i < count; i++) {
    const client = decoding.readVarUint(d);
    clients.push(client);
    encoding.writeVarUint(e, client);
    encoding.writeVarUint(e, decoding.readVarUint(d));
    let state: unknown;
    try {
      state = JSON.parse(decoding.readVarString(d));
    } catch {
      throw new OutpostError('bad_message', 'An awareness state is not JSON.');
    }
    if (state !== null && (typeof state !== 'object' || Array.isArray(state))) {
      throw new OutpostError('bad_message', 'An awareness state must be an object or null.');
    }
    encoding.writeVarString(e, JSON.stringify(state === null ? null : { ...state, user: stamp }));
  }
  return { update: encoding.toUint8Array(e), clients };
}
