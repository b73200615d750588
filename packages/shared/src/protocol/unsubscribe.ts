import { defineMessage, type ValueOf } from './message';

/**
 * Unsubscribe (device → server, on the device channel): leave these jobs (the device
 * closed them). Their durable acks still owed are dropped with the membership; the device
 * resends what was not acked when it subscribes again, as after any reconnect.
 */
export const unsubscribe = defineMessage(105, 'unsubscribe', [['jobIds', 'strings']] as const);

/** A decoded unsubscribe message. */
export type Unsubscribe = ValueOf<typeof unsubscribe.fields>;
