import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { stampAwareness } from './awareness-stamp';

const alice = { userId: 'alice', name: 'Alice', role: 'technician' as const };

function rawUpdate(states: [number, number, string][]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, states.length);
  for (const [id, clock, json] of states) {
    encoding.writeVarUint(e, id);
    encoding.writeVarUint(e, clock);
    encoding.writeVarString(e, json);
  }
  return encoding.toUint8Array(e);
}

describe('awareness stamping', () => {
  it('overwrites whatever user a client claims with the one from its token', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { id: 'dana', role: 'dispatcher' }, cursor: 4 });
    const stamped = stampAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]), alice).update;
    const target = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(target, stamped, 'test');
    expect(target.getStates().get(doc.clientID)).toEqual({ cursor: 4, user: { id: 'alice', name: 'Alice', role: 'technician' } });
    awareness.destroy();
    target.destroy();
  });

  it('keeps a departure (null state) as a departure', () => {
    const { update: stamped, clients } = stampAwareness(rawUpdate([[7, 3, 'null']]), alice);
    expect(clients).toEqual([7]);
    const d = decoding.createDecoder(stamped);
    expect([decoding.readVarUint(d), decoding.readVarUint(d), decoding.readVarUint(d), decoding.readVarString(d)]).toEqual([1, 7, 3, 'null']);
  });

  it('drops entries for clients the socket may not write, keeping the rest', () => {
    const { update, clients } = stampAwareness(
      rawUpdate([
        [1, 1, '{}'],
        [2, 5, 'null'],
      ]),
      alice,
      (id) => id === 1,
    );
    expect(clients).toEqual([1]);
    const d = decoding.createDecoder(update);
    expect(decoding.readVarUint(d)).toBe(1);
  });

  it('refuses states that are not JSON objects, and truncated updates', () => {
    expect(() => stampAwareness(rawUpdate([[1, 1, '{oops']]), alice)).toThrow(/not JSON/);
    expect(() => stampAwareness(rawUpdate([[1, 1, '42']]), alice)).toThrow(/object or null/);
    expect(() => stampAwareness(new Uint8Array([5, 1]), alice)).toThrow();
  });
});
