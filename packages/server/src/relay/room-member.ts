/**
 * A socket as a job room sees it, and the two y-websocket messages a room sends to its
 * members (a doc update, presence).
 */
import { Y_MESSAGE, type ErrorCode, type OpResultMessage, type ServerState } from '@outpost/shared';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';

/** A socket as the room sees it. */
export interface RoomMember {
  readonly userId: string;
  /** Awareness client ids this socket controls, removed when it leaves. */
  readonly awarenessIds: Set<number>;
  send(message: Uint8Array): void;
  /** Sends the shared error message and closes the socket with the code's close code. */
  refuse(code: ErrorCode, message?: string): void;
  jobChanged(state: ServerState): void;
  /** How one of this user's workflow ops ended (Outpost sockets only). */
  opResult(result: OpResultMessage): void;
  /** Resolves once every durable ack owed to this socket was sent (or failed). */
  drained(): Promise<void>;
  /** Closes without an error (server shutdown). */
  goAway(): void;
}

/**
 * Encodes a sync message: `sync`, its sync type, the payload's length as a varuint, the
 * payload. Built at its exact size in one allocation (every change of a job goes through
 * here; lib0's encoder starts each message with a 100-byte buffer and copies it out).
 */
export function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  let lengthBytes = 1;
  for (let n = payload.length; n > 0x7f; n = Math.floor(n / 0x80)) lengthBytes++;
  const out = new Uint8Array(2 + lengthBytes + payload.length);
  out[0] = Y_MESSAGE.sync;
  out[1] = syncType;
  let at = 2;
  let n = payload.length;
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 0x80);
  }
  out[at++] = n;
  out.set(payload, at);
  return out;
}

/** Encodes a sync update message (see `syncMessage`). */
export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  return syncMessage(syncProtocol.messageYjsUpdate, update);
}

/** Encodes an awareness message for the given clients. */
export function awarenessMessage(awareness: awarenessProtocol.Awareness, clients: number[]): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, Y_MESSAGE.awareness);
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, clients));
  return encoding.toUint8Array(e);
}
