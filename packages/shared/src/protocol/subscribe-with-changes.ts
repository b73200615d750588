import { defineMessage, type ValueOf } from './message';

/**
 * Subscribe with changes (device → server, on the device channel; protocol 4): `subscribe`
 * that also carries, per job, the device's changes not yet durably acked, so a reconnect
 * costs one round trip after the socket opens, not two. `changes[i]` is one Yjs update
 * (the job's unacked updates merged), or empty for none. A non-empty change is content
 * message 1 of that membership: the server judges it as it judges a sync step 2 and acks
 * it (`durableAck { upTo: 1 }`) only after its commit. The server then still sends its
 * sync step 1, taken after the change was applied, so anything else the server lacks
 * comes back in the device's step 2.
 */
export const subscribeWithChanges = defineMessage(113, 'subscribeWithChanges', [
  ['jobIds', 'strings'],
  ['stateVectors', 'byteLists'],
  ['changes', 'byteLists'],
] as const);

/** A decoded subscribe-with-changes message. */
export type SubscribeWithChanges = ValueOf<typeof subscribeWithChanges.fields>;

/** The first protocol version whose server reads `subscribeWithChanges`. */
export const CHANGES_IN_SUBSCRIBE_VERSION = 4;
