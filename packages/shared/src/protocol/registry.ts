import * as decoding from 'lib0/decoding';
import { durableAck } from './durable-ack';
import { errorMessage } from './error-message';
import { jobChanged } from './job-changed';
import { readMessage, type MessageSchema } from './message';
import { opResult } from './op-result';
import { channelReady } from './channel-ready';
import { jobClosed } from './job-closed';
import { jobNotice } from './job-notice';
import { referenceChanged } from './reference-changed';
import { handoverNotice } from './handover-notice';
import { reviewNotice } from './review-notice';
import { requestNotice } from './request-notice';
import { subscribe } from './subscribe';
import { subscribeWithChanges } from './subscribe-with-changes';
import { unsubscribe } from './unsubscribe';

/** y-protocols' message types, as y-websocket numbers them. */
export const Y_MESSAGE = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3 } as const;

/** Every Outpost message schema, by type number. */
export const OUTPOST_MESSAGES = [
  durableAck,
  opResult,
  jobChanged,
  errorMessage,
  subscribe,
  unsubscribe,
  jobClosed,
  channelReady,
  jobNotice,
  referenceChanged,
  handoverNotice,
  reviewNotice,
  requestNotice,
  subscribeWithChanges,
] as const;

const byType = new Map<number, MessageSchema>(OUTPOST_MESSAGES.map((m) => [m.type, m]));

/** A decoded Outpost message. */
export type DecodedMessage =
  | { name: 'durableAck'; value: ReturnType<typeof readMessage<typeof durableAck.fields>> }
  | { name: 'opResult'; value: ReturnType<typeof readMessage<typeof opResult.fields>> }
  | { name: 'jobChanged'; value: ReturnType<typeof readMessage<typeof jobChanged.fields>> }
  | { name: 'error'; value: ReturnType<typeof readMessage<typeof errorMessage.fields>> }
  | { name: 'subscribe'; value: ReturnType<typeof readMessage<typeof subscribe.fields>> }
  | { name: 'unsubscribe'; value: ReturnType<typeof readMessage<typeof unsubscribe.fields>> }
  | { name: 'jobClosed'; value: ReturnType<typeof readMessage<typeof jobClosed.fields>> }
  | { name: 'channelReady'; value: ReturnType<typeof readMessage<typeof channelReady.fields>> }
  | { name: 'jobNotice'; value: ReturnType<typeof readMessage<typeof jobNotice.fields>> }
  | { name: 'referenceChanged'; value: ReturnType<typeof readMessage<typeof referenceChanged.fields>> }
  | { name: 'handoverNotice'; value: ReturnType<typeof readMessage<typeof handoverNotice.fields>> }
  | { name: 'reviewNotice'; value: ReturnType<typeof readMessage<typeof reviewNotice.fields>> }
  | { name: 'requestNotice'; value: ReturnType<typeof readMessage<typeof requestNotice.fields>> }
  | { name: 'subscribeWithChanges'; value: ReturnType<typeof readMessage<typeof subscribeWithChanges.fields>> };

/**
 * The protocol version that introduced each message sent on the device channel after
 * version 2. A server never pushes a message to a device that declared (`?v=`) an older
 * version: that device could not read it.
 */
const INTRODUCED_IN = new Map<number, number>([
  [handoverNotice.type, 3],
  [reviewNotice.type, 3],
  [requestNotice.type, 3],
]);

/** The oldest protocol version that reads the encoded message `bytes` (2 for every message before version 3). */
export function protocolVersionOf(bytes: Uint8Array): number {
  return INTRODUCED_IN.get(decoding.readVarUint(decoding.createDecoder(bytes))) ?? 2;
}

/** True when `type` is one of Outpost's own message numbers. */
export function isOutpostMessageType(type: number): boolean {
  return byType.has(type);
}

/**
 * Decodes an Outpost message whose type number was already read from `d`.
 * Throws on an unknown type or a truncated message.
 */
export function readOutpostMessage(type: number, d: decoding.Decoder): DecodedMessage {
  const schema = byType.get(type);
  if (!schema) throw new RangeError(`unknown Outpost message type ${type}`);
  return { name: schema.name, value: readMessage(d, schema) } as DecodedMessage;
}

/** Decodes a whole Outpost message. */
export function decodeOutpostMessage(bytes: Uint8Array): DecodedMessage {
  const d = decoding.createDecoder(bytes);
  return readOutpostMessage(decoding.readVarUint(d), d);
}
