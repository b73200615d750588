/**
 * How a `BusEvent` travels through Redis: one binary message per event, written with
 * lib0 so Yjs and awareness updates go as raw bytes (no base64 inflation):
 *
 *   decodeBusEvent(encodeBusEvent(event)) // → an equal event
 *
 * Layout: envelope version, kind, jobId, node, then the kind's payload. Nodes of different
 * releases may share a bus during a rolling upgrade, so an envelope of a newer version or
 * an unknown kind decodes to null and is dropped, never thrown.
 */
import type { ServerState } from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { BusEvent } from '../bus';

/** Envelope format version; bump when the layout changes. */
export const ENVELOPE_VERSION = 1;

// New kinds go at the end: an older node decodes an unknown kind to null and drops it.
const KINDS = ['update', 'awareness', 'revoke', 'jobChanged', 'notice'] as const satisfies readonly BusEvent['kind'][];

/** One event as bytes. */
export function encodeBusEvent(event: BusEvent): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, ENVELOPE_VERSION);
  encoding.writeVarUint(e, KINDS.indexOf(event.kind));
  encoding.writeVarString(e, event.jobId);
  encoding.writeVarString(e, event.node);
  switch (event.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(e, event.update);
      break;
    case 'revoke':
      encoding.writeVarString(e, event.userId);
      break;
    case 'jobChanged':
      encoding.writeVarString(e, JSON.stringify(event.state));
      break;
    case 'notice':
      encoding.writeVarUint(e, event.users.length);
      for (const u of event.users) encoding.writeVarString(e, u);
      encoding.writeVarUint(e, event.dispatchers ? 1 : 0);
      encoding.writeVarUint8Array(e, event.message);
      break;
  }
  return encoding.toUint8Array(e);
}

/** The event in `bytes`, or null when they are not an envelope this node understands. */
export function decodeBusEvent(bytes: Uint8Array): BusEvent | null {
  try {
    const d = decoding.createDecoder(bytes);
    if (decoding.readVarUint(d) !== ENVELOPE_VERSION) return null;
    const kind = KINDS[decoding.readVarUint(d)];
    const jobId = decoding.readVarString(d);
    const node = decoding.readVarString(d);
    switch (kind) {
      case 'update':
      case 'awareness':
        return { kind, jobId, node, update: decoding.readVarUint8Array(d) };
      case 'revoke':
        return { kind, jobId, node, userId: decoding.readVarString(d) };
      case 'jobChanged':
        return { kind, jobId, node, state: JSON.parse(decoding.readVarString(d)) as ServerState };
      case 'notice': {
        const users: string[] = [];
        for (let n = decoding.readVarUint(d); n > 0; n--) users.push(decoding.readVarString(d));
        const dispatchers = decoding.readVarUint(d) === 1;
        return { kind, jobId, node, users, dispatchers, message: decoding.readVarUint8Array(d) };
      }
      default:
        return null;
    }
  } catch {
    return null;
  }
}
