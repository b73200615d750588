import { defineMessage, type ValueOf } from './message';

/**
 * Durable ack (server → client). Sent once the content messages a client sent on this
 * socket are committed to storage. `upTo` counts the client's content-carrying messages
 * (sync step 2 and update) on this socket, from 1: every one up to it is durable.
 * Sent only to sockets that asked for acks (`?acks=1`), so stock y-websocket clients
 * never see a message type they do not know.
 */
export const durableAck = defineMessage(100, 'durableAck', [['upTo', 'uint']] as const);

/** A decoded durable ack. */
export type DurableAck = ValueOf<typeof durableAck.fields>;
