/**
 * Hostile websocket frames for relay fuzzing, drawn from a seeded `Prng`. Each frame says
 * which kind of attack it is, so a failure names it:
 *
 *   const { kind, bytes } = hostileFrame(rng);   // e.g. 'hugeLength', 'brokenUpdate'
 *
 * Valid material (real Yjs updates of a job doc, awareness updates) is built with yjs and
 * y-protocols, then broken on purpose: truncated, bit-flipped, re-declared with huge
 * lengths, aimed at the server-owned map or at roots the job schema does not have.
 */
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { addChecklistItem, addNote, durableAck, encodeMessage, newJobDoc, setChecklistDone } from '@outpost/shared';
import type { Prng } from './seed';

/** The kinds of hostile frame the fuzzer sends. */
export const FRAME_KINDS = [
  'randomBytes',
  'truncatedVarint',
  'wrongType',
  'serverMessageFromClient',
  'hugeLength',
  'brokenUpdate',
  'forbiddenRoot',
  'unknownRoot',
  'dependentUpdate',
  'garbageStateVector',
  'awarenessFlood',
  'awarenessForgery',
  'mutatedValid',
  'oversize',
] as const;

/** A kind of hostile frame. */
export type FrameKind = (typeof FRAME_KINDS)[number];

/** One frame to send, and what it is. */
export interface HostileFrame {
  kind: FrameKind;
  bytes: Uint8Array;
}

function frame(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

/** A sync "update" message (type 0, sync type 2) carrying `update`. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
  });
}

/** A sync step 2 message carrying `update`. */
export function syncStep2Frame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
}

/** A sync step 1 message with the given state vector bytes. */
export function syncStep1Frame(stateVector: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

/** An awareness message (type 1) wrapping an encoded awareness update. */
export function awarenessFrame(update: Uint8Array): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, update);
  });
}

/** A real update of a job doc: a note or a checklist tick, as a device would write it. */
export function contentUpdate(rng: Prng): Uint8Array {
  const doc = newJobDoc('fuzz');
  doc.clientID = rng.int(1, 0x7fffffff);
  const id = `fz-${rng.int(0, 0x7fffffff).toString(36)}`;
  if (rng.chance(0.5)) addNote(doc, { id, author: 'fuzz', createdAt: new Date(0).toISOString(), text: 'x'.repeat(rng.int(0, 40)) });
  else {
    addChecklistItem(doc, { id, label: 'fuzz item', required: rng.chance(0.5) });
    setChecklistDone(doc, id, true, 'fuzz', new Date(0).toISOString());
  }
  return Y.encodeStateAsUpdate(doc);
}

function rootWrite(rng: Prng, root: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = rng.int(1, 0x7fffffff);
  if (rng.chance(0.5)) doc.getMap(root).set(rng.pick(['status', 'version', 'assignees', 'x']), rng.pick(['completed', 99, ['mallory']]));
  else doc.getArray(root).push([rng.int(0, 1000)]);
  return Y.encodeStateAsUpdate(doc);
}

/** An update whose items hang off an item the receiver has never seen. */
function dependentUpdate(rng: Prng): Uint8Array {
  const a = newJobDoc('fuzz');
  a.clientID = rng.int(1, 0x7fffffff);
  addNote(a, { id: `dep-${rng.int(0, 0x7fffffff).toString(36)}`, author: 'a', createdAt: new Date(0).toISOString(), text: 'parent' });
  const b = newJobDoc('fuzz');
  b.clientID = rng.int(1, 0x7fffffff);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  const before = Y.encodeStateVector(b);
  const text = b.getArray<Y.Map<unknown>>('notes').get(0).get('text') as Y.Text;
  if (rng.chance(0.5)) text.insert(3, 'child');
  else b.getArray('notes').delete(0, 1);
  return Y.encodeStateAsUpdate(b, before);
}

/** Applies one random corruption to a copy of `bytes`. */
export function mutate(rng: Prng, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes);
  if (out.length === 0) return rng.bytes(rng.int(1, 8));
  switch (rng.int(0, 5)) {
    case 0:
      return out.subarray(0, rng.int(0, out.length - 1));
    case 1: {
      const i = rng.int(0, out.length - 1);
      out[i] = out[i]! ^ (1 << rng.int(0, 7));
      return out;
    }
    case 2: {
      const i = rng.int(0, out.length - 1);
      const extreme = [0x00, 0x7f, 0x80, 0xff].filter((v) => v !== out[i]);
      out[i] = rng.pick(extreme);
      return out;
    }
    case 3: {
      const at = rng.int(0, out.length);
      return concat(out.subarray(0, at), rng.bytes(rng.int(1, 16)), out.subarray(at));
    }
    case 4: {
      const at = rng.int(0, out.length - 1);
      return concat(out.subarray(0, at), out.subarray(at, Math.min(out.length, at + rng.int(1, 32))), out.subarray(at));
    }
    default: {
      const at = rng.int(0, out.length - 1);
      return concat(out.subarray(0, at), out.subarray(rng.int(at + 1, out.length)));
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function awarenessUpdate(rng: Prng, clients: number, stateBytes: number, user?: unknown): Uint8Array {
  return frame((e) => {
    encoding.writeVarUint(e, clients);
    for (let i = 0; i < clients; i++) {
      encoding.writeVarUint(e, rng.int(1, 0x7fffffff));
      encoding.writeVarUint(e, rng.int(0, 1_000_000));
      encoding.writeVarString(e, JSON.stringify({ user: user ?? { id: `ghost-${i}` }, pad: 'p'.repeat(stateBytes) }));
    }
  });
}

const HUGE = [0x7fffffff, 0xffffffff, 2 ** 40, Number.MAX_SAFE_INTEGER];
let oversizeFrame: Uint8Array | null = null;

/** One hostile frame of `kind` (or of a random kind). */
export function hostileFrame(rng: Prng, kind: FrameKind = rng.pick(FRAME_KINDS)): HostileFrame {
  return { kind, bytes: build(rng, kind) };
}

function build(rng: Prng, kind: FrameKind): Uint8Array {
  switch (kind) {
    case 'randomBytes':
      return rng.bytes(rng.int(0, 64));
    case 'truncatedVarint':
      // A type or length whose continuation bit promises a byte that never comes.
      return rng.pick([
        Uint8Array.of(0x80),
        Uint8Array.of(0x00, 0x82),
        Uint8Array.of(0x00, 0x02, 0xff),
        Uint8Array.of(0x01, 0xff, 0xff),
        Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
      ]);
    case 'wrongType':
      return frame((e) => {
        encoding.writeVarUint(e, rng.pick([2, 4, 5, 42, 99, 104, 255, 65_535, 2 ** 31]));
        encoding.writeUint8Array(e, rng.bytes(rng.int(0, 16)));
      });
    case 'serverMessageFromClient':
      return rng.chance(0.5)
        ? encodeMessage(durableAck, { upTo: rng.int(0, 1_000_000) })
        : frame((e) => {
            encoding.writeVarUint(e, rng.int(100, 103));
            encoding.writeUint8Array(e, rng.bytes(rng.int(0, 12)));
          });
    case 'hugeLength':
      // A length prefix claiming gigabytes, followed by a few bytes.
      return frame((e) => {
        encoding.writeVarUint(e, rng.pick([0, 1]));
        if (rng.chance(0.7)) encoding.writeVarUint(e, rng.int(0, 2));
        encoding.writeVarUint(e, rng.pick(HUGE));
        encoding.writeUint8Array(e, rng.bytes(rng.int(0, 8)));
      });
    case 'brokenUpdate':
      return (rng.chance(0.5) ? syncUpdateFrame : syncStep2Frame)(mutate(rng, contentUpdate(rng)));
    case 'forbiddenRoot':
      return syncUpdateFrame(rootWrite(rng, 'server'));
    case 'unknownRoot':
      return syncUpdateFrame(rootWrite(rng, rng.pick(['admin', 'status', '__proto__', 'constructor', 'x'.repeat(200)])));
    case 'dependentUpdate':
      return syncUpdateFrame(dependentUpdate(rng));
    case 'garbageStateVector':
      return syncStep1Frame(rng.chance(0.5) ? rng.bytes(rng.int(0, 32)) : frame((e) => encoding.writeVarUint(e, rng.pick(HUGE))));
    case 'awarenessFlood':
      return awarenessFrame(awarenessUpdate(rng, rng.int(50, 400), rng.int(0, 200)));
    case 'awarenessForgery':
      return awarenessFrame(awarenessUpdate(rng, 1, 8, { id: 'dana', name: 'Dana', role: 'dispatcher' }));
    case 'mutatedValid':
      return mutate(rng, rng.pick([syncUpdateFrame(contentUpdate(rng)), syncStep1Frame(Y.encodeStateVector(newJobDoc('f'))), awarenessFrame(awarenessUpdate(rng, 2, 8))]));
    case 'oversize':
      // One buffer reused: 2 MiB, above the default 1 MiB frame limit.
      oversizeFrame ??= syncUpdateFrame(new Uint8Array(2 * 1024 * 1024));
      return oversizeFrame;
  }
}
